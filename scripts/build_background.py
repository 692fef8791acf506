"""Build the background document-frequency table shipped as arabic/data/background_df.tsv.gz.

Reads every article of SaudiNewsNet (../shared/data/saudinewsnet), counts in how
many articles each content term (see marsad.arabic.terms) occurs, and keeps terms
seen in at least MIN_DF articles.  Only counts are shipped, no text.

    .venv/bin/python scripts/build_background.py --shared ../shared
"""

from __future__ import annotations

import argparse
import gzip
import json
import zipfile
from collections import Counter
from pathlib import Path

from marsad.arabic.terms import terms
from marsad.arabic.tokenize import tokenize

MIN_DF = 3
MIN_SURFACE = 5


def iter_articles(shared: Path):
    for zpath in sorted((shared / "data" / "saudinewsnet").glob("*.zip")):
        with zipfile.ZipFile(zpath) as zf:
            for name in zf.namelist():
                yield from json.loads(zf.read(name))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--out", default="src/marsad/arabic/data/background_df.tsv.gz")
    ap.add_argument("--surface-out", default="src/marsad/arabic/data/surface_counts.tsv.gz")
    args = ap.parse_args()
    df: Counter[str] = Counter()
    surface: Counter[str] = Counter()
    n = 0
    for art in iter_articles(Path(args.shared)):
        n += 1
        text = (art.get("title") or "") + "\n" + (art.get("content") or "")
        df.update(set(terms(text)))
        surface.update(t for t in tokenize(text) if not t.isdigit())
    with gzip.open(args.surface_out, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write(f"#tokens\t{sum(surface.values())}\n")
        for tok, count in sorted(surface.items(), key=lambda kv: (-kv[1], kv[0])):
            if count >= MIN_SURFACE:
                fh.write(f"{tok}\t{count}\n")
    with gzip.open(args.out, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write(f"#docs\t{n}\n")
        for term, count in sorted(df.items(), key=lambda kv: (-kv[1], kv[0])):
            if count >= MIN_DF:
                fh.write(f"{term}\t{count}\n")
    print(f"{n} documents, {sum(1 for c in df.values() if c >= MIN_DF)} terms kept -> {args.out}")


if __name__ == "__main__":
    main()
