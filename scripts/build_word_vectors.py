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
from pathlib import Path

from build_background import iter_articles

from marsad.analyze import ner
from marsad.arabic.normalize import normalize
from marsad.arabic.tokenize import tokenize


def main() -> None:
    from gensim.models import Word2Vec

    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    docs = [[normalize(t) for t in tokenize((rec.get("title") or "") + "\n" + (rec.get("content") or ""))]
            for rec in iter_articles(Path(args.shared))]
    train, _ = ner.split(ner.read_conll(Path(args.shared) / "data" / "anercorp" / "ANERCorp.txt"))
    docs += [[normalize(t) for t, _ in s] for s in ner.sentences(train)]
    model = Word2Vec(docs, vector_size=100, window=5, min_count=3, sg=1, negative=10, epochs=8, workers=2, seed=1)
    model.wv.save(args.out)
    print(f"{len(model.wv)} words from {sum(map(len, docs))} tokens -> {args.out}")


if __name__ == "__main__":
    main()
