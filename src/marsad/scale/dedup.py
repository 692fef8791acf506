"""De-duplication by LSH band group-by, giving what `Pipeline.cluster_pending`'s index lookups give.

The single-machine pipeline visits articles in canonical order (`stages.canon`) and, for each, looks
its band keys up in ``lsh_bands`` (each bucket read up to `MAX_BUCKET` items, smallest item first),
then verifies the candidates exactly.  Here every band key's bucket is formed at once (a group-by), and
within a bucket each item's lookup is replayed against the items inserted before it, so:

* ``duplicate_of`` of an article is the smallest id among earlier articles sharing a document band
  whose signatures agree at Jaccard >= `DOC_THRESHOLD` (what `_dedup` picks);
* for each paragraph, the `PARA_VERIFY` earlier paragraphs sharing the most bands (ties by item) are
  checked by containment >= `PARA_THRESHOLD`, and the pairs that pass are the shared paragraphs.

The functions here work on one bucket or one query; the local engine (`local_dedup`) and the Spark
engine (`marsad.scale.spark`) both call them, around their own group-bys.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

import numpy as np

from marsad.dedup.minhash import DOC_THRESHOLD, MAX_BUCKET, PARA_THRESHOLD, containment, jaccard
from marsad.pipeline import PARA_VERIFY


def bucket_lookups(members: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """(query item, candidate item) for each item of one bucket, given (insertion key, item) pairs.

    An item's candidates are the `MAX_BUCKET` smallest items inserted before it, as the store's
    ``SELECT item FROM lsh_bands WHERE key = ? LIMIT 50`` returns them.
    """
    present: list[str] = []
    for _, item in sorted(members):
        for cand in present[:MAX_BUCKET]:
            yield item, cand
        bisect.insort(present, item)


def para_item(article_id: str, index: int) -> str:
    return f"{article_id}:{index}"


def para_key(canon: str, index: int) -> str:
    """Insertion order of a paragraph: its article's canonical position, then its index."""
    return f"{canon}|{index:06d}"


def rank_paragraph_candidates(query: str, hits: Iterable[tuple[str, int]]) -> list[str]:
    """The candidates `_dedup` verifies for one paragraph: the `PARA_VERIFY` sharing the most bands
    (ties by item), then those of other articles."""
    top = sorted(hits, key=lambda kv: (-kv[1], kv[0]))[:PARA_VERIFY]
    aid = query.rpartition(":")[0]
    return sorted(c for c, _ in top if c.rpartition(":")[0] != aid)


def verify_paragraphs(query: str, text_q: str, cand: str, text_c: str) -> tuple[str, int, str, int, float] | None:
    """The shared-paragraph row for a candidate pair, or None when containment is below threshold."""
    sim = containment(text_q, text_c)
    if sim < PARA_THRESHOLD:
        return None
    qa, _, qp = query.rpartition(":")
    ca, _, cp = cand.rpartition(":")
    (a, pa), (b, pb) = sorted([(qa, int(qp)), (ca, int(cp))])
    return a, pa, b, pb, round(sim, 3)


def is_duplicate(sig_q: bytes, sig_c: bytes) -> bool:
    return jaccard(np.frombuffer(sig_q, dtype=np.uint64), np.frombuffer(sig_c, dtype=np.uint64)) >= DOC_THRESHOLD


def local_dedup(rows: list[dict]) -> tuple[dict[str, str], list[tuple[str, int, str, int, float]]]:
    """(duplicate_of by article, shared paragraph rows) of unique articles, in this process.

    ``rows`` carry ``id``, ``canon``, ``paragraphs``, ``doc_sig``, ``doc_keys``, ``para_idx``,
    ``para_keys`` (as the stage records hold them).
    """
    by_id = {r["id"]: r for r in rows}
    doc_buckets: dict[int, list[tuple[str, str]]] = defaultdict(list)
    para_buckets: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for r in rows:
        for k in r["doc_keys"] or ():
            doc_buckets[k].append((r["canon"], r["id"]))
        for pi, keys in zip(r["para_idx"] or (), r["para_keys"] or (), strict=True):
            for k in keys:
                para_buckets[k].append((para_key(r["canon"], pi), para_item(r["id"], pi)))
    doc_cands: dict[str, set[str]] = defaultdict(set)
    for members in doc_buckets.values():
        if len(members) > 1:
            for q, c in bucket_lookups(members):
                doc_cands[q].add(c)
    duplicate_of: dict[str, str] = {}
    for q, cands in doc_cands.items():
        for c in sorted(cands):
            if is_duplicate(by_id[q]["doc_sig"], by_id[c]["doc_sig"]):
                duplicate_of[q] = c
                break
    hits: dict[str, Counter] = defaultdict(Counter)
    for members in para_buckets.values():
        if len(members) > 1:
            for q, c in bucket_lookups(members):
                hits[q][c] += 1
    shared: list[tuple[str, int, str, int, float]] = []
    for q, counter in hits.items():
        qa, _, qp = q.rpartition(":")
        for c in rank_paragraph_candidates(q, counter.items()):
            ca, _, cp = c.rpartition(":")
            c_paras = by_id[ca]["paragraphs"]
            if int(cp) >= len(c_paras):
                continue
            row = verify_paragraphs(q, by_id[qa]["paragraphs"][int(qp)], c, c_paras[int(cp)])
            if row:
                shared.append(row)
    return duplicate_of, sorted(shared)
