"""After the tasks: de-duplication over the whole backfill (a copy can come from any task).

The outputs, under ``OUT/derived``:

* ``cluster_input/``: one row per article: ``duplicate_of`` and the earlier articles (in the
  clustering order, `stages.canon`) it shares a paragraph with;
* ``shared/``: the shared paragraph rows, each with the article whose lookup found it (``query``);
* ``_done``: written last.

This module computes them in one process (the ``local`` engine); `marsad.scale.spark` computes the
same files with Spark group-bys.  Both call `marsad.scale.dedup` for the per-bucket and per-query work.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from marsad.scale.dedup import local_dedup
from marsad.scale.plan import Task
from marsad.scale.stages import task_path

RECORD_COLUMNS = ["page_id", "canon", "article", "doc_sig", "doc_keys", "para_idx", "para_keys"]


def derived_dir(out: Path) -> Path:
    return out / "derived"


def is_derived(out: Path) -> bool:
    return (derived_dir(out) / "_done").exists()


def unique_records(out: Path, tasks: list[Task], columns: list[str] | None = None) -> Iterator[dict]:
    """The record of each page, first occurrence only, in plan order (what `digest` would store)."""
    import pyarrow.parquet as pq

    seen: set[str] = set()
    for task in tasks:
        table = pq.read_table(task_path(out, task), columns=columns)
        for row in table.to_pylist():
            pid = row.get("page_id")
            if pid and row.get("article") and pid not in seen:
                seen.add(pid)
                yield row


def cluster_input_schema():
    import pyarrow as pa

    return pa.schema([("id", pa.string()), ("duplicate_of", pa.string()), ("shared_with", pa.list_(pa.string()))])


def shared_schema():
    import pyarrow as pa

    return pa.schema([("article_a", pa.string()), ("paragraph_a", pa.int32()), ("article_b", pa.string()),
                      ("paragraph_b", pa.int32()), ("similarity", pa.float64()), ("query", pa.string())])


def shared_with(shared: list[tuple[str, int, str, int, float]], canon: dict[str, str]) -> dict[str, set[str]]:
    """For each article, the earlier articles (in clustering order) it shares a paragraph with."""
    out: dict[str, set[str]] = defaultdict(set)
    for a, _, b, _, _ in shared:
        later, earlier = (a, b) if canon[a] > canon[b] else (b, a)
        out[later].add(earlier)
    return out


def derive_local(out: Path, tasks: list[Task]) -> dict:
    """Compute the derived files in this process; returns counts."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = []
    for r in unique_records(out, tasks, RECORD_COLUMNS):
        r["id"] = r.pop("page_id")
        r["paragraphs"] = json.loads(r.pop("article"))["paragraphs"]
        rows.append(r)
    duplicate_of, shared = local_dedup(rows)
    canon = {r["id"]: r["canon"] for r in rows}
    later = shared_with(shared, canon)
    table = pa.Table.from_pylist([{"id": r["id"], "duplicate_of": duplicate_of.get(r["id"]),
                                   "shared_with": sorted(later.get(r["id"], ()))} for r in rows],
                                 schema=cluster_input_schema())
    d = derived_dir(out)
    for sub in ("cluster_input", "shared"):
        (d / sub).mkdir(parents=True, exist_ok=True)
        for old in (d / sub).glob("*.parquet"):
            old.unlink()
    pq.write_table(table, d / "cluster_input" / "part-00000.parquet", compression="zstd")
    shared_rows = [(*s, a if canon[a] > canon[b] else b) for s in shared for a, b in [(s[0], s[2])]]
    shared_table = pa.Table.from_pylist(
        [dict(zip(shared_schema().names, s, strict=True)) for s in shared_rows], schema=shared_schema())
    pq.write_table(shared_table, d / "shared" / "part-00000.parquet")
    (d / "_done").write_text(json.dumps({"articles": len(rows)}), encoding="utf-8")
    return {"articles": len(rows), "duplicates": len(duplicate_of), "shared_paragraphs": len(shared)}
