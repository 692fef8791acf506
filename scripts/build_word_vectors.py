"""Word vectors for the neural stage of the entity recognizer, learned here without labels.

Skip-gram (gensim) over the normalized tokens of every SaudiNewsNet record and of
the ANERcorp training split (never its test split).  The vectors are not shipped
as they are: ``scripts/train_ner_neural.py`` keeps the most frequent words and
stores them as int8 inside ``analyze/models/ner_neural.npz``.

    pip install -e '.[train]'
    .venv/bin/python scripts/build_word_vectors.py --shared ../shared --out /tmp/marsad-w2v.kv
"""

from __future__ import annotations

import argparse
import json
import zipfile
from pathlib import Path

from marsad.analyze import ner
from marsad.arabic.normalize import normalize
from marsad.arabic.tokenize import tokenize


def main() -> None:
    from gensim.models import Word2Vec

    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    docs = []
    for z in sorted((Path(args.shared) / "data" / "saudinewsnet").glob("*.zip")):
        with zipfile.ZipFile(z) as zf:
            for name in zf.namelist():
                for rec in json.loads(zf.read(name)):
                    text = (rec.get("title") or "") + "\n" + (rec.get("content") or "")
                    docs.append([normalize(t) for t in tokenize(text)])
    train, _ = ner.split(ner.read_conll(Path(args.shared) / "data" / "anercorp" / "ANERCorp.txt"))
    docs += [[normalize(t) for t, _ in s] for s in ner.sentences(train)]
    model = Word2Vec(docs, vector_size=100, window=5, min_count=3, sg=1, negative=10, epochs=8, workers=2, seed=1)
    model.wv.save(args.out)
    print(f"{len(model.wv)} words from {sum(map(len, docs))} tokens -> {args.out}")


if __name__ == "__main__":
    main()
