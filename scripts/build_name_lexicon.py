"""Name lexicon for the entity recognizer, harvested from SaudiNewsNet without labels.

A word counts as a PERS/LOC/ORG name each time it follows a trigger of that type
(``arabic/data/name_triggers.tsv``: titles before people, place nouns before
places, organisation heads before organisations) and, for people, each time it
stands on either side of ``بن``/``بنت`` in a name chain.  Shipped as
``arabic/data/name_lexicon.tsv.gz``: word, corpus frequency, and the three counts;
the recognizer turns the share of a word's occurrences in each role into features.

    .venv/bin/python scripts/build_name_lexicon.py --shared ../shared
"""

from __future__ import annotations

import argparse
import gzip
import json
import zipfile
from collections import Counter
from pathlib import Path

from marsad.arabic.lexicons import table, word_set
from marsad.arabic.normalize import normalize
from marsad.arabic.tokenize import tokenize

TYPES = ("PERS", "LOC", "ORG")
MIN_HITS = 2


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--out", default="src/marsad/arabic/data/name_lexicon.tsv.gz")
    args = ap.parse_args()
    triggers = {normalize(row[0]): row[1] for row in table("name_triggers.tsv")}
    stop = {normalize(w) for w in word_set("stopwords.txt")} | set(triggers)
    chain = {"بن", "بنت", "ابن"}
    freq: Counter[str] = Counter()
    hits = {t: Counter() for t in TYPES}

    def usable(w: str) -> bool:
        return len(w) > 1 and not w.isdigit() and w not in stop and w not in chain

    for z in sorted((Path(args.shared) / "data" / "saudinewsnet").glob("*.zip")):
        with zipfile.ZipFile(z) as zf:
            for name in zf.namelist():
                for rec in json.loads(zf.read(name)):
                    toks = tokenize((rec.get("title") or "") + "\n" + (rec.get("content") or ""))
                    freq.update(toks)
                    for i, w in enumerate(toks[:-1]):
                        key = w[1:] if w[:1] in "وف" and w[1:] in triggers else w
                        typ = triggers.get(key)
                        if typ and usable(toks[i + 1]):
                            hits[typ][toks[i + 1]] += 1
                        if w in chain and i > 0:
                            for other in (toks[i - 1], toks[i + 1]):
                                if usable(other):
                                    hits["PERS"][other] += 1
    words = sorted({w for t in TYPES for w, c in hits[t].items() if c >= MIN_HITS})
    with gzip.open(args.out, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write("#word\tfreq\t" + "\t".join(TYPES) + "\n")
        for w in words:
            fh.write(f"{w}\t{freq[w]}\t" + "\t".join(str(hits[t][w]) for t in TYPES) + "\n")
    print(f"{len(words)} words -> {args.out}")


if __name__ == "__main__":
    main()
