"""Load a backfill's records into a marsad store, then let the pipeline cluster them as `digest` does.

1. `load_records`: pages (in `digest`'s ingest order, so they get the same sequence numbers), articles,
   analyses, what the clustering needs of each article alone (`marsad.pipeline.prepare`, computed by the
   executors) and term counts, one transaction per task, through the `Store` methods the pipeline uses.
   Articles already in the store are skipped, so a killed load resumes.
2. `finish`: `Pipeline.process` — clustering, storylines, publication dates, story reports — in one
   process, with one change (`BackfillPipeline`): the duplicate and shared-paragraph search of each
   article is the engine's band group-by result instead of lookups in the store's band index (the band
   index and the shared-paragraph rows are still written, so later `digest` runs find these articles).

Why one process for the clustering: see docs/spark.md ("Clustering: one process, by measurement").
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from marsad.dedup.minhash import BandIndex, Signatures
from marsad.errors import InputError
from marsad.model import Analysis, Article, Page, from_dict
from marsad.pipeline import Pipeline
from marsad.scale.derive import derived_dir
from marsad.scale.plan import Task
from marsad.scale.stages import task_path
from marsad.store import bulk
from marsad.store.db import Store

Progress = Callable[[str, int, int], None]


def _quiet(stage: str, done: int, total: int) -> None:
    pass


def load_records(store: Store, out: Path, tasks: list[Task], errors: list[InputError],
                 progress: Progress = _quiet) -> dict:
    """Pages, articles, analyses and term counts of every task into the store; returns counts (and the
    unreadable records, as ``errors``)."""
    import pyarrow.parquet as pq

    for e in errors:
        store.record_error(e.source, e.problem)
    seen: set[str] = set()
    counts: dict = {"pages": 0, "articles": 0, "errors": []}
    loaded_dir = out / "_loaded"
    loaded_dir.mkdir(exist_ok=True)
    for n, task in enumerate(tasks, 1):
        marker = loaded_dir / task.id
        rows = pq.read_table(task_path(out, task)).to_pylist()
        pages: list[Page] = []
        fresh: list[dict] = []
        for r in rows:
            if not r["page_id"]:  # a record that could not be read
                store.record_error(r["source"], r["error"])
                counts["errors"].append(InputError(r["source"], r["error"]))
                continue
            # every page goes to `add_pages` in input order, copies too (a copy is ignored there, but
            # takes its turn in the sequence the store numbers pages with, as in `digest`)
            pages.append(Page(r["page_id"], r["source"], r["page_kind"], r["content"], r["url"],
                              r["fetched_at"], r["encoding"]))
            if r["page_id"] not in seen and (r["article"] or r["error"]):
                seen.add(r["page_id"])
                fresh.append(r)
        if marker.exists() or (fresh and not bulk.missing_pages(store, [r["page_id"] for r in fresh])):
            # loaded before a restart: adding its pages again would be ignored, but would still use up
            # sequence numbers that later pages then would not get as they do in `digest`
            progress("load", n, len(tasks))
            continue
        with store.batch():
            counts["pages"] += store.add_pages(pages)
            done = bulk.existing_articles(store, [r["page_id"] for r in fresh])
            todo = [r for r in fresh if r["page_id"] not in done and r["article"]]
            store.bump_term_df(r["terms"] for r in todo)
            for r in todo:
                store.add_article(from_dict(Article, json.loads(r["article"])), {})
            for r in fresh:
                if not r["article"]:  # refused by extraction: stored as a page, named as an input error
                    store.drop_page(r["page_id"], r["source"], r["error"])
                    counts["errors"].append(InputError(r["source"], r["error"]))
            for r in todo:
                store.put_prepared(r["page_id"], json.loads(r["prepared"]))
                store.put_analysis(from_dict(Analysis, json.loads(r["analysis"])))
                if r["error"]:  # analysis failed: kept with an empty analysis, and named
                    store.record_error(r["source"], r["error"])
                    counts["errors"].append(InputError(r["source"], r["error"]))
            counts["articles"] += len(todo)
        marker.touch()
        progress("load", n, len(tasks))
    return counts


class BackfillPipeline(Pipeline):
    """The pipeline, with each article's duplicate and shared paragraphs taken from the band group-by."""

    def __init__(self, store: Store, found: dict[str, tuple[str | None, list[str], list[tuple]]],
                 progress: Progress | None = None, workers: int = 1) -> None:
        super().__init__(store, progress=progress, workers=workers)
        self.found = found

    def _dedup(self, aid: str, sigs: Signatures, bands: BandIndex) -> tuple[str | None, set[str]]:
        if aid not in self.found:  # not part of the backfill: the store's own lookups
            return super()._dedup(aid, sigs, bands)
        duplicate_of, earlier, rows = self.found[aid]
        if sigs.doc is not None:
            bands.add("doc", aid, sigs.doc)
        for pi, psig in sigs.paragraphs:
            bands.add("para", f"{aid}:{pi}", psig)
        for row in rows:
            self.store.add_shared_paragraph(*row)
        return duplicate_of, {s for o in earlier if (s := self.store.story_of(o))}


def found_by_engine(out: Path) -> dict[str, tuple[str | None, list[str], list[tuple]]]:
    """article id -> (duplicate_of, earlier articles sharing a paragraph, shared rows its lookup found)."""
    import pyarrow.dataset as ds

    d = derived_dir(out)
    rows: dict[str, list[tuple]] = defaultdict(list)
    for r in ds.dataset(d / "shared", format="parquet").to_table().to_pylist():
        rows[r["query"]].append((r["article_a"], r["paragraph_a"], r["article_b"], r["paragraph_b"], r["similarity"]))
    return {r["id"]: (r["duplicate_of"], r["shared_with"], sorted(rows.get(r["id"], ())))
            for r in ds.dataset(d / "cluster_input", format="parquet").to_table().to_pylist()}


def finish(store: Store, out: Path, progress: Progress = _quiet, workers: int = 1) -> dict:
    """Clustering, storylines, dates and reports of the loaded articles (`Pipeline.process`); story reports
    are built by ``workers`` processes of this machine, as `digest -j` builds them (same reports)."""
    report = BackfillPipeline(store, found_by_engine(out), progress=progress, workers=workers).process()
    return {"stories_touched": report.stories_touched, "seconds": {k: round(v, 3) for k, v in report.seconds.items()},
            "errors": report.errors}
