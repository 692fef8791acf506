"""Word clusters for the entity recognizer, learned from SaudiNewsNet without labels.

Each frequent normalized word gets a vector from the SVD of its positive PMI
co-occurrence counts (window of two words each side), and k-means at three
granularities gives it three cluster ids.  Names of unseen people and places
fall into the clusters of names seen in training, which is what the CRF needs.
Only the word -> cluster table is shipped (arabic/data/word_clusters.tsv.gz).

    .venv/bin/python scripts/build_word_clusters.py --shared ../shared
"""

from __future__ import annotations

import argparse
import gzip
from collections import Counter
from pathlib import Path

import numpy as np
from build_background import iter_articles
from scipy import sparse
from sklearn.cluster import MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import normalize as l2

from marsad.arabic.tokenize import tokenize

VOCAB = 60_000
CONTEXTS = 8_000
WINDOW = 2
DIMS = 100
GRANULARITIES = (64, 256, 1024)
SEED = 1


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--out", default="src/marsad/arabic/data/word_clusters.tsv.gz")
    args = ap.parse_args()
    docs = [tokenize((rec.get("title") or "") + "\n" + (rec.get("content") or "")) for rec in iter_articles(Path(args.shared))]
    freq = Counter(t for d in docs for t in d)
    vocab = [w for w, _ in freq.most_common(VOCAB)]
    index = {w: i for i, w in enumerate(vocab)}
    ctx_index = {w: i for i, w in enumerate(vocab[:CONTEXTS])}
    rows, cols = [], []
    for d in docs:
        ids = [index.get(t, -1) for t in d]
        cids = [ctx_index.get(t, -1) for t in d]
        n = len(d)
        for i, wi in enumerate(ids):
            if wi < 0:
                continue
            for j in range(max(0, i - WINDOW), min(n, i + WINDOW + 1)):
                if j != i and cids[j] >= 0:
                    rows.append(wi)
                    cols.append(cids[j] * 2 + (j > i))  # left and right contexts apart
    m = sparse.coo_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                          shape=(len(vocab), CONTEXTS * 2)).tocsr()
    total = m.sum()
    row_sum = np.asarray(m.sum(axis=1)).ravel() + 1e-9
    col_sum = np.asarray(m.sum(axis=0)).ravel() + 1e-9
    m = m.tocoo()
    pmi = np.log(m.data * total / (row_sum[m.row] * col_sum[m.col]))
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (m.row[keep], m.col[keep])), shape=m.shape)
    vectors = l2(TruncatedSVD(n_components=DIMS, random_state=SEED).fit_transform(ppmi))
    labels = [MiniBatchKMeans(n_clusters=k, random_state=SEED, n_init=3, batch_size=4096).fit_predict(vectors)
              for k in GRANULARITIES]
    with gzip.open(args.out, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write("#word\t" + "\t".join(f"c{k}" for k in GRANULARITIES) + "\n")
        for i, w in enumerate(vocab):
            fh.write(w + "\t" + "\t".join(str(lab[i]) for lab in labels) + "\n")
    print(f"{len(vocab)} words clustered at {GRANULARITIES} -> {args.out}")


if __name__ == "__main__":
    main()
