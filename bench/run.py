"""marsad benchmarks: speed and memory, written to bench/results/bench.json.

    .venv/bin/python bench/run.py --shared ../shared [--articles 31030] [--workers 2] [--skip-full]

1. extraction throughput: generated noisy text pages, one process and `--workers`
   processes; HTML pages with marsad against trafilatura alone on the same pages;
2. analysis throughput (articles/s) on SaudiNewsNet;
3. the whole pipeline over SaudiNewsNet (all 31,030 articles by default) into a
   fresh store, recording the clustering cost per article as the store grows
   (around 1k, 10k and the end), total time per stage, and peak memory;
4. adding one new page to the full store: time to update its story and storyline;
5. report generation (digest.json and the HTML site) for the full store.

Every ratio compared is measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from itertools import pairwise
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


def snn(shared: Path, limit: int | None = None) -> list[dict]:
    out: list[dict] = []
    for z in sorted((shared / "data" / "saudinewsnet").glob("*.zip")):
        with zipfile.ZipFile(z) as zf:
            for name in zf.namelist():
                for rec in json.loads(zf.read(name)):
                    if rec.get("content"):
                        out.append(rec)
                        if limit and len(out) >= limit:
                            return out
    return out


def _extract_text(text: str) -> int:
    from marsad.extract.core import extract
    from marsad.model import Page
    from marsad.sources.files import page_id

    return len(extract(Page(page_id(text), "b.txt", "text", text)).paragraphs)


def _extract_html(html: str) -> int:
    from marsad.extract.core import extract
    from marsad.model import Page
    from marsad.sources.files import page_id

    return len(extract(Page(page_id(html), "b.html", "html", html)).paragraphs)


def _trafilatura_only(html: str) -> int:
    """trafilatura as a user would run it alone: defaults, with metadata."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, with_metadata=True)
    return len((getattr(doc, "text", "") or "").split("\n")) if doc else 0


def bench_extraction(shared: Path, pages: int, workers: int) -> dict:
    from extraction_eval import load_clean

    from marsad.evaluation.noisy import NoisyPageBuilder

    pool = load_clean(shared, pages, 3)
    builder = NoisyPageBuilder(seed=3)
    built = [builder.build(a, pool[pages:]) for a in pool[:pages]]
    texts = [b.text for b in built]
    htmls = [b.html for b in built]
    for fn in (_extract_text, _extract_html, _trafilatura_only):  # warm caches and models
        [fn(x) for x in (texts if fn is _extract_text else htmls)[:20]]
    t0 = time.perf_counter()
    [_extract_text(t) for t in texts]
    one = time.perf_counter() - t0
    t0 = time.perf_counter()
    with Pool(workers) as p:
        p.map(_extract_text, texts, chunksize=32)
    many = time.perf_counter() - t0
    # HTML: each side in its own worker, alternating page by page, in process CPU time (bench/extract_speed.py);
    # in one process the second reader of a page runs on the caches the first one filled
    from extract_speed import WARM, compare_in_workers

    extra = pool[pages: pages + WARM]
    warm = [builder.build(a, pool[pages:]).html for a in extra] if len(extra) == WARM else htmls[:WARM]
    html = compare_in_workers(htmls + warm, pages)
    return {
        "pages": pages,
        "text_pages_per_s_1_process": round(pages / one, 1),
        f"text_pages_per_s_{workers}_processes": round(pages / many, 1),
        "html_pages_per_s_marsad": round(1000 / html["marsad_extract_cpu_ms_per_page"], 1),
        "html_pages_per_s_trafilatura_alone": round(1000 / html["trafilatura_alone_cpu_ms_per_page"], 1),
        "html_time_ratio_marsad_to_trafilatura": html["time_ratio_marsad_to_trafilatura"],
        "html_cpu_ms_per_page": {"marsad": html["marsad_extract_cpu_ms_per_page"],
                                 "trafilatura_alone": html["trafilatura_alone_cpu_ms_per_page"]},
    }


def recognizer_sentences(text: str) -> list[list[str]]:
    """The text cut into the sentences the recognizer reads (as entities.py cuts them)."""
    from marsad.analyze.entities import _WORD

    sents, cur = [], []
    for w in [m.group() for m in _WORD.finditer(text)] + ["."]:
        if w in (".", "!", "؟", "?", "\n"):
            if cur:
                sents.append(cur)
            cur = []
        else:
            cur.append(w)
    return sents


def bench_analysis(shared: Path, n: int) -> dict:
    from marsad.analyze import ner
    from marsad.analyze.core import analyze
    from marsad.api import extract_text

    t0 = time.perf_counter()
    ner.Recognizer.open()  # both CRF stages, the lexicon and the neural stage, from the installed package
    load_ms = (time.perf_counter() - t0) * 1000

    arts = [extract_text(f"{r.get('title') or ''}\n{r['content']}") for r in snn(shared, n)]
    [analyze(a) for a in arts[:20]]
    t0 = time.perf_counter()
    for a in arts:
        analyze(a)
    dt = time.perf_counter() - t0
    return {"articles": len(arts), "articles_per_s_1_process": round(len(arts) / dt, 1),
            "recognizer_load_ms": round(load_ms, 1)}


def _write_pages(recs: list[dict], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "snn.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for r in recs:
            fh.write(json.dumps({"url": r["url"], "fetched_at": r.get("date_extracted"),
                                 "text": f"{r.get('title') or ''}\n{r['content']}"}, ensure_ascii=False) + "\n")
    return path


def _cpu() -> tuple[float, float]:
    """CPU seconds of this process and of its children that have ended (pools are shut down after each stage)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def end_to_end_once(pages: Path, workers: int, db: Path) -> dict:
    """One digest of the pages into a fresh store, stage by stage (run in a fresh process by `bench_end_to_end`)."""
    from marsad.pipeline import Pipeline
    from marsad.report.export import write_digest
    from marsad.store.db import Store

    store = Store(db)
    pipe = Pipeline(store, workers=workers)
    stages: dict[str, dict] = {}
    t_start, (m_start, k_start) = time.perf_counter(), _cpu()
    last = (t_start, m_start, k_start)

    def mark(stage: str) -> None:
        nonlocal last
        now, (m, k) = time.perf_counter(), _cpu()
        stages[stage] = {"wall_s": now - last[0], "main_cpu_s": m - last[1], "worker_cpu_s": k - last[2]}
        last = (now, m, k)

    pipe.ingest([str(pages)])
    mark("ingest")
    n = pipe.extract_pending()
    mark("extract")
    if workers == 1:
        pipe.analyze_pending()
        mark("analyse")
        touched = pipe.cluster_pending()
        mark("dedup_and_cluster")
    else:  # what `Pipeline.process` runs: the main process clusters while the workers analyse
        touched = pipe.analyse_and_cluster()
        mark("analyse_and_dedup_cluster_overlapped")
    pipe.infer_dates(touched)
    mark("dates")
    pipe.build_reports(touched)  # the storylines are linked here, while the workers build the reports
    mark("storylines_and_story_reports")
    write_digest(store, db.parent / "report", workers)
    mark("digest_json")
    wall = time.perf_counter() - t_start
    main_cpu, kid_cpu = _cpu()[0] - m_start, _cpu()[1] - k_start
    out = {
        "workers": workers, "articles": n, "stories": store.count("stories"),
        "wall_s": round(wall, 2), "articles_per_s": round(n / wall, 2),
        "cpu_ms_per_article": round((main_cpu + kid_cpu) / n * 1000, 2),
        # everything the main process itself runs: with -j N the part no worker can take over
        "main_process_cpu_ms_per_article": round(main_cpu / n * 1000, 2),
        # the part of it in stages where no worker runs: what `-j N` cannot overlap with anything
        "main_process_cpu_ms_alone_per_article": round(sum(v["main_cpu_s"] for v in stages.values()
                                                           if v["worker_cpu_s"] == 0) / n * 1000, 2),
        "stages": {k: {"wall_s": round(v["wall_s"], 2),
                       "main_cpu_ms_per_article": round(v["main_cpu_s"] / n * 1000, 2),
                       "worker_cpu_ms_per_article": round(v["worker_cpu_s"] / n * 1000, 2)} for k, v in stages.items()},
        "peak_memory_mb": {"main_process": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                           "largest_worker": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)},
    }
    store.close()
    return out


def _floor(recs: list[dict]) -> dict:
    """Reading the same pages (JSON lines), normalizing and tokenizing them: what no digest can beat."""
    from marsad.arabic.normalize import normalize
    from marsad.arabic.tokenize import tokenize

    lines = [json.dumps({"text": f"{r.get('title') or ''}\n{r['content']}"}, ensure_ascii=False) for r in recs]
    t0 = time.perf_counter()
    tokens = 0
    for line in lines:
        tokens += len(tokenize(normalize(json.loads(line)["text"]), normalized=True))
    dt = time.perf_counter() - t0
    return {"articles_per_s": round(len(recs) / dt, 1), "tokens": tokens}


def _html_versions(recs: list[dict]) -> list[str]:
    """The same pages as plain news HTML: title, then one paragraph element per paragraph."""
    from html import escape

    out = []
    for r in recs:
        paras = "".join(f"<p>{escape(p)}</p>" for p in r["content"].split("\n") if p.strip())
        title = escape(r.get("title") or "")
        out.append(f"<html><head><title>{title}</title></head><body><header><nav>الرئيسية</nav></header>"
                   f"<article><h1>{title}</h1>{paras}</article><footer>جميع الحقوق محفوظة</footer></body></html>")
    return out


def _analysis_stages(arts: list) -> dict:
    """CPU ms per article of each analyser and of the recognizer's settings, the same articles, one process."""
    import datetime as dt_

    from marsad.analyze import ner
    from marsad.analyze.claims import find_claims
    from marsad.analyze.core import analyze
    from marsad.analyze.dates import find_dates, find_durations
    from marsad.analyze.entities import find_mentions
    from marsad.analyze.quotes import find_quotes

    def cpu_ms(fn, items) -> float:
        t0 = time.process_time()
        for x in items:
            fn(x)
        return round((time.process_time() - t0) / len(items) * 1000, 2)

    [analyze(a) for a in arts[:50]]  # models loaded, caches as a running worker has them
    out: dict = {"analyze_cpu_ms_per_article": cpu_ms(analyze, arts)}
    out["analysis_articles_per_s_per_core"] = round(1000 / out["analyze_cpu_ms_per_article"], 1)
    mentions = {a.id: find_mentions(a.text) for a in arts}
    ref = {a.id: dt_.date.fromisoformat(a.published) if a.published else None for a in arts}
    out["stages_cpu_ms_per_article"] = {
        "entities_rules_only": cpu_ms(lambda a: find_mentions(a.text, use_model=False), arts),
        "entities_with_recognizer": cpu_ms(lambda a: find_mentions(a.text), arts),
        "dates": cpu_ms(lambda a: find_dates(a.text, ref[a.id]), arts),
        "durations": cpu_ms(lambda a: find_durations(a.text), arts),
        "quotes": cpu_ms(lambda a: find_quotes(a.text, a.id, mentions[a.id]), arts),
        "claims": cpu_ms(lambda a: find_claims(a.text, a.id, mentions[a.id]), arts),
    }
    # the recognizer alone, by setting, on the same documents (the sentences entities.py gives it)
    docs = [recognizer_sentences(a.text) for a in arts]
    rec = ner._shipped()
    settings = {}
    for name, gate, neural in ((f"default (neural stage, gate {ner.NEURAL_GATE:.2f})", ner.NEURAL_GATE, rec.neural),
                               ("neural stage on every sentence", 1.0, rec.neural),
                               ("two CRF stages only", ner.NEURAL_GATE, None)):
        r = ner.Recognizer(rec.stage1, rec.stage2, rec.lexicon, neural, rec.paths, neural_gate=gate, _types=rec._table())
        settings[name] = cpu_ms(r.tag_document, docs)
    few = docs[:200]
    settings["crfsuite on feature strings (before #19), first 200"] = cpu_ms(rec.tag_document_crfsuite, few)
    settings["default, same first 200"] = cpu_ms(rec.tag_document, few)
    out["recognizer_cpu_ms_per_article"] = settings
    return out


def bench_end_to_end(shared: Path, n: int | None, workers: list[int], out_dir: Path) -> dict:
    """The digest of the first ``n`` SaudiNewsNet records at each ``-j``, each in a fresh process,
    beside the read + normalize + tokenize floor and trafilatura alone on HTML versions of the pages."""
    from marsad.api import extract_text

    recs = snn(shared, n)
    pages = _write_pages(recs, out_dir / "pages")
    result: dict = {"articles": len(recs), "floor_read_normalize_tokenize": _floor(recs)}
    # each side in its own worker (bench/extract_speed.py): in one process the second reader of a page
    # would run on the caches (trafilatura's, htmldate's) the first one filled
    from extract_speed import WARM, compare_in_workers

    htmls = _html_versions(recs[:300 + WARM])
    measured = min(300, len(htmls) - WARM)
    html = compare_in_workers(htmls, measured) if measured > 0 else {}
    result["html_first_300"] = {**html, "trafilatura_alone_pages_per_s": round(1000 / html["trafilatura_alone_cpu_ms_per_page"], 1),
                                "marsad_extract_pages_per_s": round(1000 / html["marsad_extract_cpu_ms_per_page"], 1)} if html else {}
    print(json.dumps(result), file=sys.stderr)
    for j in workers:
        db = out_dir / f"j{j}" / "marsad.db"
        db.parent.mkdir(parents=True)
        result[f"j{j}"] = json.loads(subprocess.run(
            [sys.executable, __file__, "--e2e-once", str(pages), "--e2e-workers", str(j), "--e2e-db", str(db)],
            check=True, capture_output=True, text=True).stdout)
        print(json.dumps(result[f"j{j}"]), file=sys.stderr)
    if len(workers) > 1:
        result["speedup"] = round(result[f"j{workers[-1]}"]["articles_per_s"] / result[f"j{workers[0]}"]["articles_per_s"], 2)
    arts = [extract_text(f"{r.get('title') or ''}\n{r['content']}") for r in recs[:1000]]
    result["analysis"] = _analysis_stages(arts)
    return result


def bench_full(shared: Path, n: int | None, workers: int, out_dir: Path) -> dict:
    from marsad.pipeline import Pipeline
    from marsad.report.export import write_digest
    from marsad.report.html import write_site
    from marsad.store.db import Store

    recs = snn(shared, n)
    folder = out_dir / "pages"
    folder.mkdir(parents=True)
    with open(folder / "snn.jsonl", "w", encoding="utf-8") as fh:
        for r in recs:
            fh.write(json.dumps({"url": r["url"], "fetched_at": r.get("date_extracted"),
                                 "text": f"{r.get('title') or ''}\n{r['content']}"}, ensure_ascii=False) + "\n")
    marks: dict[str, list[tuple[float, int]]] = {}

    def progress(stage: str, done: int, total: int) -> None:
        marks.setdefault(stage, []).append((time.perf_counter(), done))

    store = Store(out_dir / "marsad.db")
    pipe = Pipeline(store, progress=progress, workers=workers)
    t0 = time.perf_counter()
    pipe.ingest([str(folder)])
    t_ingest = time.perf_counter()
    pipe.extract_pending()
    t_extract = time.perf_counter()
    pipe.analyze_pending()
    t_analyze = time.perf_counter()
    touched = pipe.cluster_pending()
    t_cluster = time.perf_counter()
    pipe.infer_dates(touched)
    t_link = time.perf_counter()
    pipe.build_reports(touched)
    t_reports = time.perf_counter()
    cluster = marks.get("cluster", [])
    spans = [(db, db - da, tb - ta) for (ta, da), (tb, db) in pairwise(cluster) if db > da]  # (end, articles, s)
    batches = [{"end": end, "articles": n, "ms_per_article": round(sec / n * 1000, 3)} for end, n, sec in spans]
    per_article = {}
    for k in (1000, 10000, len(recs)):
        # cost per article over the batches ending around k (up to 2000 before, 1000 after): a single
        # batch moves with what the host left in the page cache
        window = [(n, sec) for end, n, sec in spans if k - 2000 < end <= k + 1000]
        if window:
            per_article[str(k)] = round(sum(sec for _, sec in window) / sum(n for n, _ in window) * 1000, 3)
    result = {
        "articles": len(recs),
        "stories": store.count("stories"),
        "storylines": store.count("storylines"),
        "seconds": {"ingest": round(t_ingest - t0, 1), "extract": round(t_extract - t_ingest, 1),
                    "analyse": round(t_analyze - t_extract, 1), "cluster": round(t_cluster - t_analyze, 1),
                    "dates": round(t_link - t_cluster, 1), "storylines_and_story_reports": round(t_reports - t_link, 1),
                    "total": round(t_reports - t0, 1)},
        "cluster_ms_per_article_at": per_article,
        "cluster_batches": batches,
    }
    # one more page into the full store, in a fresh process that opened the store and warmed up
    # (as a feed watcher or a server would), not in this one, which holds the whole run's heap
    store.close()
    result["add_one_page"] = json.loads(subprocess.run(
        [sys.executable, __file__, "--add-pages", str(out_dir / "marsad.db"), "--pages-dir", str(folder.parent)],
        check=True, capture_output=True, text=True).stdout)
    store = Store(out_dir / "marsad.db")
    t0 = time.perf_counter()
    write_digest(store, out_dir / "report", workers)
    t_json = time.perf_counter()
    write_site(store, out_dir / "report")
    result["report_seconds"] = {"digest_json": round(t_json - t0, 1), "html_site": round(time.perf_counter() - t_json, 1)}
    store.close()
    return result


NEW_STORY_PAGES = (
    "الرياض تستضيف مؤتمرا دوليا عن المياه\n"
    "افتتح وزير المياه في الرياض اليوم الأحد مؤتمرا دوليا عن إدارة الموارد المائية بمشاركة خبراء من عشرين دولة.\n"
    "وقال الوزير إن المملكة تعمل على خطة لخفض استهلاك المياه في الزراعة بنسبة كبيرة خلال السنوات المقبلة.\n",
    "جامعة في جدة تطلق برنامجا لتعليم البرمجة للأطفال\n"
    "أعلنت جامعة في جدة اليوم الاثنين إطلاق برنامج صيفي لتعليم البرمجة لتلاميذ المدارس الابتدائية.\n"
    "وأوضح مدير البرنامج أن الدورات تبدأ الشهر المقبل وتستمر ستة أسابيع في قاعات الجامعة.\n",
    "افتتاح معرض للكتاب المستعمل في الدمام\n"
    "افتتحت في الدمام مساء الثلاثاء دورة جديدة من معرض الكتاب المستعمل بمشاركة مكتبات ودور نشر محلية.\n"
    "وقال أحد المنظمين إن المعرض يضم آلاف العناوين بأسعار رمزية ويستمر عشرة أيام.\n",
)
REPEATS = len(NEW_STORY_PAGES)  # pages added per case; the median is the case's figure


def _follow_up(store, story_id: str, k: int) -> str:
    """A new report of a stored story: one of its articles' title and lead paragraphs reordered, plus a line."""
    members = store.story_members(story_id)
    art = store.article(members[k % len(members)])
    return "\n".join([art.title or "", *reversed(art.paragraphs[:3]),
                      f"وأكد مسؤول أن المتابعة مستمرة حتى نهاية الأسبوع ({k + 1})."])


def _new_pages(store) -> dict[str, list[str]]:
    c = store.conn
    largest_story = c.execute("SELECT story_id FROM assignments GROUP BY story_id ORDER BY count(*) DESC, story_id LIMIT 1").fetchone()[0]
    largest_line = c.execute("SELECT storyline_id FROM story_state GROUP BY storyline_id ORDER BY count(*) DESC, storyline_id LIMIT 1").fetchone()[0]
    in_line = c.execute("SELECT s.story_id FROM assignments s JOIN story_state t ON t.story_id = s.story_id "
                        "WHERE t.storyline_id = ? GROUP BY s.story_id ORDER BY count(*) DESC, s.story_id LIMIT 1",
                        (largest_line,)).fetchone()[0]
    return {"new_story": list(NEW_STORY_PAGES),
            "into_largest_story": [_follow_up(store, largest_story, k) for k in range(REPEATS)],
            "into_largest_storyline": [_follow_up(store, in_line, k) for k in range(REPEATS)]}


def _add_page(store, folder: Path, text: str) -> dict:
    """Add one page and time it: the update (ingest to storyline and dates) apart from the story report
    and from the log checkpoint that follows (run only when the log has grown past `WAL_SOFT_LIMIT`)."""
    from marsad.pipeline import Pipeline

    folder.mkdir()
    (folder / "page.txt").write_text(text, encoding="utf-8")
    t0 = time.perf_counter()
    run = Pipeline(store).run([str(folder)])
    total = time.perf_counter() - t0
    page_id = store.conn.execute("SELECT id FROM pages ORDER BY seq DESC LIMIT 1").fetchone()[0]
    story = store.story_of(page_id)
    line = store.conn.execute("SELECT storyline_id FROM story_state WHERE story_id = ?", (story,)).fetchone()[0]
    update = sum(v for k, v in run.seconds.items() if k not in ("reports", "checkpoint"))
    return {"update_ms": round(update * 1000, 1), "story_report_ms": round(run.seconds["reports"] * 1000, 1),
            "checkpoint_ms": round(run.seconds["checkpoint"] * 1000, 1),
            "total_ms": round(total * 1000, 1), "stages_ms": {k: round(v * 1000, 1) for k, v in run.seconds.items()},
            "story_articles": len(store.story_members(story)),
            "storyline_stories": store.conn.execute("SELECT count(*) FROM story_state WHERE storyline_id = ?",
                                                    (line,)).fetchone()[0]}


def add_pages_fresh(db: Path, pages_dir: Path) -> dict:
    """Open the store, warm up, then add `REPEATS` pages of each kind; the warm-up cost is reported apart."""
    from marsad.pipeline import Pipeline
    from marsad.store.db import Store

    store = Store(db)
    t0 = time.perf_counter()
    Pipeline(store).warm_up()
    out: dict = {"warm_up_ms": round((time.perf_counter() - t0) * 1000, 1)}
    for case, texts in _new_pages(store).items():
        runs = [_add_page(store, pages_dir / f"new_{case}_{k}", text) for k, text in enumerate(texts)]
        out[case] = {"median_update_ms": statistics.median(r["update_ms"] for r in runs),
                     "median_story_report_ms": statistics.median(r["story_report_ms"] for r in runs),
                     "runs": runs}
    store.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--articles", type=int, default=None, help="how many SaudiNewsNet articles for the full run (all)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--extract-pages", type=int, default=2000)
    ap.add_argument("--skip-full", action="store_true")
    ap.add_argument("--skip-extraction", action="store_true")
    ap.add_argument("--e2e", default="1000",
                    help="SaudiNewsNet records for the end-to-end runs at -j 1 and -j N, comma-separated sizes in one "
                         "run (0: all; -1: skip), e.g. 1000,0")
    ap.add_argument("--e2e-once", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--e2e-workers", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--e2e-db", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", default="bench/results/bench.json")
    ap.add_argument("--add-pages", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--pages-dir", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.add_pages:
        print(json.dumps(add_pages_fresh(args.add_pages, args.pages_dir)))
        return
    if args.e2e_once:
        print(json.dumps(end_to_end_once(args.e2e_once, args.e2e_workers, args.e2e_db)))
        return
    shared = Path(args.shared)
    report: dict = {"machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count(),
                                "platform": platform.platform()}}
    for k, size in enumerate(int(x) for x in str(args.e2e).split(",")):
        if size < 0:
            continue
        # the first size is "end_to_end"; the others "end_to_end_all" (0) or "end_to_end_<n>"
        key = "end_to_end" if k == 0 else ("end_to_end_all" if size == 0 else f"end_to_end_{size}")
        with tempfile.TemporaryDirectory() as tmp:
            report[key] = bench_end_to_end(shared, size or None, sorted({1, args.workers}), Path(tmp))
        print(json.dumps(report[key]), file=sys.stderr)
    if not args.skip_extraction:
        report["extraction"] = bench_extraction(shared, args.extract_pages, args.workers)
        print(json.dumps(report["extraction"]), file=sys.stderr)
        report["analysis"] = bench_analysis(shared, 1000)
        print(json.dumps(report["analysis"]), file=sys.stderr)
    if not args.skip_full:
        with tempfile.TemporaryDirectory() as tmp:
            report["full_pipeline"] = bench_full(shared, args.articles, args.workers, Path(tmp))
        print(json.dumps(report["full_pipeline"]), file=sys.stderr)
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    report["peak_memory_mb"] = {"main_process": round(usage / 1024, 1), "largest_worker": round(children / 1024, 1)}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
