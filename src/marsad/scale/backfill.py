"""`backfill`: a large archive into a new marsad store, the per-page stages run as tasks.

    plan -> stages per task (local processes or Spark executors) -> dedup by band group-by
         -> load into the store -> cluster in one process -> storylines, dates, reports

Every step leaves a mark in the work folder (``OUT``): the plan, a marker per finished task, the derived
files' marker, and the store's own queues, so a backfill that is killed (driver included) and started
again with the same arguments redoes only the tasks that had not finished and ends with the same store.
The result is a normal store: `digest`, `show`, `search` and `serve` work on it, and new pages are
added to it incrementally with `digest`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from marsad.errors import InputError, StoreError
from marsad.scale.derive import derive_local, is_derived
from marsad.scale.load import finish, load_records
from marsad.scale.plan import SPLIT_BYTES, Task, load_plan, plan, save_plan
from marsad.scale.stages import is_done, run_task
from marsad.store.db import Store

Progress = Callable[[str, int, int], None]


def _quiet(stage: str, done: int, total: int) -> None:
    pass


@dataclass
class BackfillReport:
    tasks: int = 0
    tasks_run: int = 0
    tasks_skipped: int = 0
    pages: int = 0
    articles: int = 0
    errors: list[InputError] = field(default_factory=list)
    stories: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    details: dict = field(default_factory=dict)


def work_dir(db: str | Path, out: str | Path | None) -> Path:
    return Path(out) if out else Path(str(db) + ".backfill")


def prepare(paths: list[str], out: Path, split_bytes: int = SPLIT_BYTES) -> tuple[list[Task], list[InputError]]:
    """The plan for these inputs: made once and kept in ``OUT/plan.json`` (a restart reuses it)."""
    out.mkdir(parents=True, exist_ok=True)
    plan_file = out / "plan.json"
    inputs_file = out / "inputs.json"
    if plan_file.exists():
        before = json.loads(inputs_file.read_text(encoding="utf-8"))
        if before != list(paths):
            raise InputError(str(out), f"this work folder belongs to a backfill of other inputs ({before[:3]}…)")
        return load_plan(plan_file)
    tasks, errors = plan(paths, split_bytes)
    # ASCII escapes: a path with bytes that are not UTF-8 (a surrogate escape in Python) is kept as it is
    inputs_file.write_text(json.dumps(list(paths)), encoding="utf-8")
    save_plan(tasks, errors, plan_file)
    return tasks, errors


def backfill(paths: list[str], db: str | Path, out: str | Path | None = None, *, engine: str = "local",
             master: str = "local[2]", split_bytes: int = SPLIT_BYTES, workers: int = 1,
             spark_conf: dict[str, str] | None = None, progress: Progress = _quiet) -> BackfillReport:
    """Build (or finish building) the store ``db`` from ``paths``; see the module docstring."""
    work = work_dir(db, out)
    report = BackfillReport()
    clock = time.perf_counter()

    def mark(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        report.seconds[stage] = round(now - clock, 3)
        clock = now

    store = Store(db)
    try:
        if store.count("pages") and not (work / "_load_started").exists():
            raise StoreError(f"{db}: backfill builds a new store, and this one already holds pages "
                             "(add pages to it with `marsad digest`)")
        tasks, errors = prepare(list(paths), work, split_bytes)
        report.tasks, report.errors = len(tasks), errors
        todo = [t for t in tasks if not is_done(work, t)]
        report.tasks_skipped = len(tasks) - len(todo)
        mark("plan")
        if engine not in ("local", "spark"):
            raise ValueError(f"unknown engine {engine!r} (local or spark)")
        spark = None
        try:
            if engine == "spark" and (todo or not is_derived(work)):
                from marsad.scale import spark as spark_engine

                spark = spark_engine.session(master, spark_conf)
                report.details["task_stats"] = spark_engine.run_tasks(spark, todo, work)
            else:
                report.details["task_stats"] = _run_local(todo, work, workers, progress)
            report.tasks_run = sum(1 for s in report.details["task_stats"] if not s.get("skipped"))
            mark("stages")
            if not is_derived(work):
                if spark is not None:
                    report.details["derived"] = spark_engine.derive(spark, work, tasks)
                else:
                    report.details["derived"] = derive_local(work, tasks)
        finally:
            if spark is not None:
                spark.stop()
        mark("derive")
        (work / "_load_started").touch()
        counts = load_records(store, work, tasks, errors, progress)
        report.pages, report.articles = counts["pages"], counts["articles"]
        report.errors = errors + counts["errors"]
        mark("load")
        fin = finish(store, work, progress, workers)
        report.errors += fin.pop("errors")
        report.details["finish"] = fin
        mark("finish")
        report.stories = store.count("stories")
    finally:
        store.close()
    return report


def _run_local(tasks: list[Task], out: Path, workers: int, progress: Progress) -> list[dict]:
    stats: list[dict] = []
    if workers <= 1 or len(tasks) <= 1:
        for n, t in enumerate(tasks, 1):
            stats.append(run_task(t, out))
            progress("stages", n, len(tasks))
        return stats
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run_task, t, out) for t in tasks]
        for n, f in enumerate(as_completed(futures), 1):
            stats.append(f.result())
            progress("stages", n, len(tasks))
    return stats
