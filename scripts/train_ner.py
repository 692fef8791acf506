"""Train the shipped two-stage entity recognizer on ANERcorp and print its test-split scores.

    .venv/bin/python scripts/train_ner.py ../shared/data/anercorp/ANERCorp.txt

Writes src/marsad/analyze/models/{ner.crfsuite, ner_doc.crfsuite, ner_lexicon.tsv.gz}
(the first 5/6 of the tokens train them; the last 1/6 is the test split).
"""

from __future__ import annotations

import argparse
import time

from marsad.analyze import ner

OUT = "src/marsad/analyze/models"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--out", default=OUT, help="folder for the two models and the lexicon")
    ap.add_argument("--c1", type=float, default=0.05)
    ap.add_argument("--c2", type=float, default=0.05)
    ap.add_argument("--iterations", type=int, default=150)
    ap.add_argument("--folds", type=int, default=ner.FOLDS)
    ap.add_argument("--unseen-rate", type=float, default=0.0,
                    help="share of name words shown once more as unknown words (identity features dropped)")
    args = ap.parse_args()
    pairs = ner.read_conll(args.corpus)
    train, test = ner.split(pairs)
    t0 = time.time()
    ner.train(train, args.out, c1=args.c1, c2=args.c2, max_iterations=args.iterations, folds=args.folds,
              unseen_rate=args.unseen_rate)
    print(f"trained on {len(train)} tokens in {time.time() - t0:.0f}s -> {args.out}")
    for typ, m in ner.evaluate(test, ner.Recognizer.open(args.out)).items():
        print(f"{typ:8s} P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f} n={int(m['support'])}")


if __name__ == "__main__":
    main()
