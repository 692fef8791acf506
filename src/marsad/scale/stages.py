"""What an executor does with one task: the pipeline's own stage functions over its pages, written as
Parquet with a completion marker.

For each page of the task: `marsad.pipeline._extract_with_terms` (extraction and the term set that the
store's document frequencies count), then `marsad.pipeline._analyse_and_prepare` (`marsad.analyze.core.analyze`
and `marsad.pipeline.prepare`: term counts, MinHash signatures, weekday, entity keys), under the
pipeline's page budget, and the LSH band keys of the document and of each paragraph.  The
models are loaded once per process (`warm`), and Spark reuses its Python workers between tasks, so an
executor pays for them once.

Output layout under ``OUT``::

    records/task=000042/part.parquet   one row per page or unreadable record
    _done/000042.json                  written after the Parquet file is complete: the task is finished

A rerun skips every task whose marker exists; a task killed half-way left at most a temporary file,
which is overwritten.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from marsad.errors import InputError
from marsad.model import Article, Page, to_dict
from marsad.scale.plan import Task, read_task

_WARM: dict[str, float] = {}


def warm() -> float:
    """Load every model the stages use, once per process; returns the seconds it took (0 after)."""
    if "seconds" in _WARM:
        return 0.0
    from importlib import resources

    from marsad.analyze.core import analyze
    from marsad.extract.core import extract
    from marsad.pipeline import _extract_with_terms
    from marsad.sources.files import page_id

    t0 = time.perf_counter()
    text = resources.files("marsad.data").joinpath("warmup.txt").read_text(encoding="utf-8")
    article, _ = _extract_with_terms(extract, Page(page_id(text), "<warm-up>", "text", text))
    analyze(article)
    _WARM["seconds"] = time.perf_counter() - t0
    return _WARM["seconds"]


def _schema():
    import pyarrow as pa

    return pa.schema([
        ("pos", pa.int32()),
        ("page_id", pa.string()), ("source", pa.string()), ("page_kind", pa.string()),
        ("content", pa.string()), ("url", pa.string()), ("fetched_at", pa.string()),
        ("encoding", pa.string()), ("error", pa.string()),
        ("article", pa.string()), ("analysis", pa.string()), ("prepared", pa.string()),
        ("canon", pa.string()),  # the clustering order: publication day (or 9999-99-99), then id
        ("terms", pa.list_(pa.string())),
        ("doc_sig", pa.binary()), ("doc_keys", pa.list_(pa.int64())),
        ("para_idx", pa.list_(pa.int32())),
        ("para_keys", pa.list_(pa.list_(pa.int64()))),
    ])


def canon(article: Article) -> str:
    """The order `Pipeline.cluster_pending` visits articles in, as one sortable string."""
    return f"{article.published or '9999-99-99'}|{article.id}"


def process_page(page: Page) -> dict:
    """One page through extraction, terms, analysis and MinHash signatures: one output row.

    The stages run under the pipeline's page budget (`marsad.sources.budget.Guarded`): a page refused
    by extraction is a row with ``error`` and no article; an article whose analysis failed keeps an
    empty analysis and names the reason in ``error``, as `digest` does.
    """
    from marsad.analyze.core import analyze
    from marsad.dedup.minhash import Signatures, band_keys
    from marsad.extract.core import extract
    from marsad.pipeline import _analyse_and_prepare, _extract_with_terms
    from marsad.sources.budget import PAGE_SECONDS, Guarded

    article, term_set = _extract_with_terms(Guarded(extract, PAGE_SECONDS, "extract"), page)
    if isinstance(article, InputError):
        return {**_page_fields(page), "error": article.problem}
    # the analysis and what the clustering needs of the article alone (term counts, MinHash, weekday,
    # entity keys), as the pipeline's analysis workers compute them
    analysis, prepared = _analyse_and_prepare(Guarded(analyze, PAGE_SECONDS, "analyse"), article)
    why = None
    if isinstance(analysis, tuple):
        analysis, why = analysis
    sigs = Signatures.unpack(prepared["minhash"])
    return {
        **_page_fields(page),
        "error": why,
        "article": json.dumps(to_dict(article), ensure_ascii=False),
        "analysis": json.dumps(to_dict(analysis), ensure_ascii=False),
        "prepared": json.dumps(prepared, ensure_ascii=False),
        "canon": canon(article),
        "terms": sorted(term_set),
        "doc_sig": sigs.doc.astype(np.uint64).tobytes() if sigs.doc is not None else None,
        "doc_keys": band_keys(sigs.doc, "doc") if sigs.doc is not None else [],
        "para_idx": [i for i, _ in sigs.paragraphs],
        "para_keys": [band_keys(s, "para") for _, s in sigs.paragraphs],
    }


def _page_fields(page: Page) -> dict:
    return {"page_id": page.id, "source": page.source, "page_kind": page.kind, "content": page.content,
            "url": page.url, "fetched_at": page.fetched_at, "encoding": page.encoding, "error": None}


def task_path(out: Path, task: Task) -> Path:
    return out / "records" / f"task={task.id}" / "part.parquet"


def marker_path(out: Path, task: Task) -> Path:
    return out / "_done" / f"{task.id}.json"


def is_done(out: Path, task: Task) -> bool:
    return marker_path(out, task).exists()


def run_task(task: Task, out: str | Path, on_page: Callable[[], None] | None = None) -> dict:
    """Run the stages over one task and write its Parquet file and marker; returns its statistics.

    A task whose marker exists is skipped (statistics with ``skipped``).  Pages are processed in input
    order; a page whose stages fail is kept as an error row naming it (nothing else is lost).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out)
    if is_done(out, task):
        return {"task": task.id, "skipped": True}
    load_s = warm()
    t0 = time.perf_counter()
    rows: list[dict] = []
    seen: set[str] = set()
    for pos, item in enumerate(read_task(task)):
        if isinstance(item, InputError):
            rows.append({"pos": pos, "source": item.source, "error": item.problem})
            continue
        if item.id in seen:  # the same page twice in one task: processed once, but kept for the loader
            rows.append({"pos": pos, **_page_fields(item)})
            continue
        seen.add(item.id)
        try:
            row = process_page(item)
        except Exception as exc:  # noqa: BLE001 - one bad page must not fail the task
            row = {**_page_fields(item), "error": f"stages failed ({type(exc).__name__}: {exc})"}
        row["pos"] = pos
        rows.append(row)
        if on_page:
            on_page()
    path = task_path(out, task)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".part.{os.getpid()}.tmp")
    schema = _schema()
    table = pa.Table.from_pylist([{k: r.get(k) for k in schema.names} for r in rows], schema=schema)
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)
    stats = {"task": task.id, "pages": sum(1 for r in rows if r.get("article")),
             "errors": sum(1 for r in rows if r.get("error")),
             "seconds": round(time.perf_counter() - t0, 3), "load_seconds": round(load_s, 3), "pid": os.getpid()}
    marker = marker_path(out, task)
    marker.parent.mkdir(parents=True, exist_ok=True)
    tmp_marker = marker.with_name(f".{task.id}.{os.getpid()}.tmp")
    tmp_marker.write_text(json.dumps(stats), encoding="utf-8")
    os.replace(tmp_marker, marker)
    return stats


def run_tasks(tasks: list[Task], out: str) -> list[dict]:
    """`run_task` over several tasks (what one Spark partition runs)."""
    return [run_task(t, out) for t in tasks]
