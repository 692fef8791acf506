"""Fingerprints of what a digest stores: one short hash per article, analysis, story, storyline.

Used by tests/integration/test_equivalence_digest.py to show that a change to how
the pipeline runs (workers, overlap, incremental reports) leaves every stored result
as it was.  Only hashes are kept (tests/fixtures/digest_fingerprints.json), never text.

    .venv/bin/python -m tests.fingerprint --shared ../shared > tests/fixtures/digest_fingerprints.json

rebuilds the file (do it only when a change of results is intended and explained).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _h(obj: Any) -> str:
    data = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


def fingerprint(store) -> dict[str, dict[str, str]]:  # noqa: ANN001
    """article id -> hash of the article, of its analysis, of its assignment; story and storyline id -> hash."""
    from marsad.model import to_dict

    assignments = store.assignments()
    arts = store.articles()
    return {
        # the source's folder differs from one machine (or temporary folder) to another: its file name is kept
        "articles": {a.id: _h({**to_dict(a), "source": Path(a.source).name}) for a in arts},
        "analyses": {a.id: _h(to_dict(store.analysis(a.id))) for a in arts},
        "assignments": {a: _h(list(v)) for a, v in sorted(assignments.items())},
        "stories": {s.id: _h(to_dict(s)) for s in store.stories()},
        "storylines": {x.id: _h(to_dict(x)) for x in store.storylines()},
    }


def label_stream(shared: Path, folder: Path) -> Path:
    """The labelled SaudiNewsNet stream of bench/cluster_eval.py, in file order, as JSON lines."""
    sys.path.insert(0, str(ROOT / "bench"))
    import cluster_eval

    cluster_eval.write_stream(shared, cluster_eval.load_labels(), folder, None)
    return folder


def digest_fingerprint(src: list[str], db: Path, workers: int = 1) -> dict[str, dict[str, str]]:
    """Digest ``src`` into a fresh store at ``db`` and fingerprint it; with ``workers`` > 1 every stage that
    can runs in the process pool, however few the pages (the pipeline keeps small runs in one process)."""
    from marsad import pipeline
    from marsad.pipeline import Pipeline
    from marsad.store.db import Store

    if workers > 1:
        pipeline.PARALLEL_MIN = pipeline.REPORT_PARALLEL_MIN = 0
    store = Store(db)
    try:
        Pipeline(store, workers=workers).run(src)
        return fingerprint(store)
    finally:
        store.close()


def sources(shared: Path, tmp: Path) -> dict[str, list[str]]:
    """The inputs fingerprinted: the seeds, examples/pages and the labelled event stream."""
    return {
        "seeds": [str(shared / "seeds")],
        "examples": [str(ROOT / "examples" / "pages")],
        "labelled_stream": [str(label_stream(shared, tmp / "stream"))],
    }


def main() -> None:
    import argparse
    import tempfile

    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, src in sources(args.shared.resolve(), Path(tmp)).items():
            out[name] = digest_fingerprint(src, Path(tmp) / name / "marsad.db", args.workers)
    print(json.dumps(out, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
