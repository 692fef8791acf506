"""The marsad pipeline: ingest -> extract -> analyse -> de-duplicate -> cluster -> infer dates -> report.

Each stage is a function of the records before it, replaceable through
`Stages`; the `Pipeline` runs them against a `Store`, incrementally: a stage
works only on what the store does not have yet (pages without articles,
articles without analyses or stories), and only the stories and storylines that
new articles touched are rebuilt.  Work is committed in batches, so a run that
is killed resumes where it stopped and ends with the same result.

Articles are analysed before clustering because the clustering compares their
entities; story-level analysis (canonical entities, merged timeline, fact
table) happens when a story's report is built.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from importlib import resources
from itertools import islice

import numpy as np

from marsad.analyze.core import analyze as analyze_article
from marsad.analyze.core import redate
from marsad.analyze.dates import weekday_mentions
from marsad.analyze.entities import entity_keys
from marsad.arabic.terms import idf as background_idf
from marsad.arabic.terms import terms
from marsad.cluster.features import term_counts, term_vector, weigh_counts
from marsad.cluster.online import OnlineClusterer, lookup_storylines
from marsad.cluster.similarity import event_weekday
from marsad.dedup.minhash import (
    DOC_THRESHOLD,
    PARA_THRESHOLD,
    BandIndex,
    Signatures,
    jaccard,
    shingle_containment,
    shingles,
    signature_keys,
    signatures,
    unpack_doc,
)
from marsad.errors import InputError
from marsad.extract.core import extract as extract_page
from marsad.model import Analysis, Article, Page, to_dict
from marsad.report.story import build_story, build_storyline
from marsad.sources.budget import PAGE_SECONDS, Guarded
from marsad.sources.files import discover, page_id, read_path
from marsad.store.db import WAL_SOFT_LIMIT, Store, search_text
from marsad.store.reports import (
    StoryRows,
    publication,
    put_story_rows,
    put_storyline_row,
    reader,
    story_rows,
    storyline_row,
    with_storyline,
)

Progress = Callable[[str, int, int], None]
BATCH = 100
MAX_CLUSTER_BATCH = 1000
PARA_VERIFY = 12  # candidate paragraphs checked exactly per paragraph
PARALLEL_MIN = 300  # below this many pending records a process pool costs more than it saves
REPORT_PARALLEL_MIN = 100  # the same for story reports (each costs about as much as extracting ten pages)


def _quiet(stage: str, done: int, total: int) -> None:
    pass


@dataclass
class Stages:
    """The replaceable stage functions."""

    extract: Callable[[Page], Article] = extract_page
    analyze: Callable[[Article], Analysis] = analyze_article


@dataclass
class RunReport:
    new_pages: int = 0
    known_pages: int = 0
    errors: list[InputError] = field(default_factory=list)
    articles: int = 0
    stories_touched: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each stage of this run


class Pipeline:
    """Runs the stages against one store."""

    def __init__(self, store: Store, stages: Stages | None = None, progress: Progress | None = None,
                 workers: int = 1, page_seconds: float | None = PAGE_SECONDS,
                 notice: Callable[[str], None] | None = None) -> None:
        self.store = store
        self.stages = stages or Stages()
        self.progress = progress or _quiet
        self.workers = max(1, workers)
        # extraction / analysis of one page may take this long (see sources/budget.py); None: no deadline
        self.page_seconds = page_seconds
        self.notice = notice  # told when the run waits for another writer of the same store
        self.failed: list[InputError] = []  # pages the process stages refused or kept degraded

    def _map(self, fn: Callable, items: list, total: int, minimum: int | None = None) -> Iterable:
        """fn over items, in order; in a process pool when there are many (stage functions are pure)."""
        if self.workers == 1 or total < (PARALLEL_MIN if minimum is None else minimum):
            return map(fn, items)
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(max_workers=self.workers)
        self._pools.append(pool)
        return _windowed_map(pool, fn, items)

    # -- 1. ingest ----------------------------------------------------------
    def ingest(self, paths: Iterable[str], report: RunReport | None = None) -> RunReport:
        """Read pages from files, folders, feeds, archives and URLs into the store."""
        report = report or RunReport()
        entries = list(discover(paths))
        buffer: list[Page] = []
        total = len(entries)
        for n, entry in enumerate(entries, 1):
            if isinstance(entry, InputError):
                self._error(entry, report)
                continue
            for item in read_path(entry):
                if isinstance(item, InputError):
                    self._error(item, report)
                    continue
                buffer.append(item)
                if len(buffer) >= BATCH:
                    self._flush_pages(buffer, report)
            self.progress("ingest", n, total)
        self._flush_pages(buffer, report)
        return report

    def _flush_pages(self, buffer: list[Page], report: RunReport) -> None:
        if not buffer:
            return
        new = self.store.add_pages(buffer)
        report.new_pages += new
        report.known_pages += len(buffer) - new
        buffer.clear()

    def _error(self, err: InputError, report: RunReport) -> None:
        report.errors.append(err)
        self.store.record_error(err.source, err.problem)

    # -- 2. extract ---------------------------------------------------------
    def extract_pending(self) -> int:
        pending = self.store.pending_pages()
        total = len(pending)
        self._pools: list = []
        guarded = Guarded(self.stages.extract, self.page_seconds, "extract")
        results = iter(self._map(partial(_extract_for_store, guarded), pending, total))
        for k in range(0, total, BATCH):
            chunk = pending[k: k + BATCH]
            triples = [next(results) for _ in chunk]
            # a page over its budget (or one extraction fails on) is an input error, not the end of the run
            failed = [(page, a) for page, (a, _, _) in zip(chunk, triples, strict=True) if isinstance(a, InputError)]
            triples = [p for p in triples if not isinstance(p[0], InputError)]
            with self.store.batch():
                self.store.bump_term_df(t for _, t, _ in triples)
                for a, _, search in triples:
                    self.store.add_article(a, {}, search)
                for page, err in failed:
                    self.store.drop_page(page.id, err.source, err.problem)
            self.failed.extend(err for _, err in failed)
            self.progress("extract", min(k + BATCH, total), total)
        self._close_pools()
        return total

    def _close_pools(self) -> None:
        for pool in getattr(self, "_pools", []):
            pool.shutdown(cancel_futures=True)
        self._pools = []

    # -- 3. analyse articles -------------------------------------------------
    def analyze_pending(self) -> int:
        pending = self.store.unanalysed_articles()
        total = len(pending)
        self._pools = []
        results = self._analyses(pending)
        for k in range(0, total, BATCH):
            self._write_analyses([next(results) for _ in pending[k: k + BATCH]])
            self.progress("analyse", min(k + BATCH, total), total)
        self._close_pools()
        return total

    def _analyses(self, ids: list[str], weigh: bool = False) -> Iterator[AnalysisRows]:
        """`AnalysisRows` of each article, in order (in the pool when there are many).  ``weigh``: the workers
        also weigh the term vector with the store's IDF (final once extraction is done), reading the store."""
        articles = (self.store.article(i) for i in ids)
        guarded = Guarded(self.stages.analyze, self.page_seconds, "analyse")
        idf_from = (self.store.path, self.store.count("articles")) if weigh and self.store.path != ":memory:" else None
        # the workers also compute what the clustering needs of each article alone (`prepare`)
        return iter(self._map(partial(_analysis_rows, guarded, idf_from), articles, len(ids)))  # type: ignore[arg-type]

    def _write_analyses(self, batch: list[AnalysisRows]) -> None:
        with self.store.batch():
            for article_id, why, analysis_json, prepared_json in batch:
                self.store.put_prepared_json(article_id, prepared_json)
                if why:  # kept degraded: an empty analysis, and the page named
                    source = self.store.article(article_id).source
                    self.store.record_error(source, why)
                    self.failed.append(InputError(source, why))
                self.store.put_analysis_json(article_id, analysis_json)

    # -- 4+5. de-duplicate and cluster --------------------------------------------
    def _idf(self) -> Callable[[str], float]:
        return store_idf(self.store.count("articles"), self.store.document_term_df)

    def features(self, article: Article, analysis: Analysis, idf_fn: Callable[[str], float] | None = None) -> dict:
        return {
            "vector": term_vector(article.title, article.paragraphs, idf_fn or self._idf()),
            # the fetch day bounds an undated page's event day (scrapers fetch news within a day or two)
            "published": article.published or _day(article.fetched_at),
            "weekday": event_weekday(weekday_mentions(article.text)),
            "entities": entity_keys(m for m in analysis.mentions if m.type in ("PERS", "ORG", "LOC")),
        }

    def cluster_order(self) -> list[str]:
        """The articles not yet in a story, in the order the clustering visits them."""
        ids = self.store.unassigned_articles()
        when = publication(self.store, ids)
        # canonical order: same pages -> same stories, whatever order they came in
        return sorted(ids, key=lambda i: (when[i][0] or "9999-99-99", i))

    def cluster_pending(self) -> set[str]:
        return self._cluster(self.cluster_order())

    def analyse_and_cluster(self) -> set[str]:
        """`analyze_pending` then `cluster_pending`, overlapped when the workers analyse: the articles are
        analysed in the order the clustering visits them, and the main process clusters each chunk as soon
        as its analyses are written, while the workers go on with the next ones.

        The result is the same as the two stages one after the other: an analysis reads its article alone,
        and the clustering reads no analysis but the article's own (the document frequencies it weighs
        terms by are final once extraction is done).  A killed run has clustered a prefix of the order
        and resumes with the rest, as a run killed in `cluster_pending` does.
        """
        pending = self.store.unanalysed_articles()
        if self.workers == 1 or len(pending) < PARALLEL_MIN:  # no pool: nothing to overlap
            self.analyze_pending()
            return self.cluster_pending()
        order = self.cluster_order()
        waiting, clustered_later = set(pending), set(order)
        queue = [i for i in order if i in waiting] + [i for i in pending if i not in clustered_later]
        position = {aid: n for n, aid in enumerate(queue)}
        total = len(queue)
        self._pools = []
        results = self._analyses(queue, weigh=True)
        done = 0

        def analyse_through(chunk: list[str]) -> None:
            nonlocal done
            need = max((position[a] + 1 for a in chunk if a in position), default=0)
            while done < need:
                n = min(BATCH, need - done)
                self._write_analyses([next(results) for _ in range(n)])
                done += n
                self.progress("analyse", done, total)

        try:
            touched = self._cluster(order, analyse_through)
            analyse_through(queue[-1:])  # articles that join no story now (none in a digest)
        finally:
            self._close_pools()
        return touched

    def _cluster(self, order: list[str], before: Callable[[list[str]], None] | None = None) -> set[str]:
        """Cluster the articles of ``order`` in that order; ``before(chunk)`` runs before each chunk is clustered."""
        clusterer = OnlineClusterer(self.store.cluster)
        bands = BandIndex(self.store.bands)
        idf_fn = self._idf()
        n_store = self.store.count("articles")
        touched: set[str] = set()
        texts = self._paragraphs = _Paragraphs(self.store)  # the paragraphs checked for shared (wire) text, shingled once
        total = len(order)
        self.progress("cluster", 0, total)
        # a commit rewrites the band and posting index pages the batch touched, and on a big store
        # those are spread over the whole file: commit less often as the store grows
        step = min(MAX_CLUSTER_BATCH, max(BATCH, self.store.count("articles") // 30))
        for k in range(0, total, step):
            chunk = order[k: k + step]
            if before:
                before(chunk)
            with self.store.batch():
                for aid in chunk:
                    art = self.store.article(aid)
                    if prepared := self.store.prepared(aid):  # computed by the analysis workers
                        feats = _from_prepared(art, prepared, idf_fn, n_store)
                        sigs = _prepared_signatures(prepared)
                    else:  # a store analysed before this was kept
                        feats = self.features(art, self.store.analysis(aid), idf_fn)
                        full = signatures(art.paragraphs)
                        sigs = KeyedSignatures(full.doc, signature_keys(full), paragraphs=full.paragraphs)
                    texts.put(aid, art.paragraphs)  # (not read back from the store)
                    duplicate_of, shared_stories = self._dedup(aid, sigs, bands)
                    copy_first = bool(duplicate_of) and is_original(art, self.store.article(duplicate_of))
                    feats["duplicate_of"] = None if copy_first else duplicate_of
                    if duplicate_of and (sid := self.store.story_of(duplicate_of)):
                        story_id = sid
                        clusterer.assign_to(aid, feats, story_id)
                        if copy_first:  # the page stored first is the copy of this one
                            self.store.mark_duplicate(duplicate_of, aid)
                    else:
                        story_id, _ = clusterer.assign(aid, feats, shared_stories)
                    self.store.put_features(aid, {**feats, "minhash": {"doc": sigs.doc.tolist() if sigs.doc is not None else None}})
                    touched.add(story_id)
            self.progress("cluster", min(k + step, total), total)
        del self._paragraphs  # (what it holds is only worth keeping while clustering)
        return touched

    def _dedup(self, aid: str, sigs: Signatures | KeyedSignatures, bands: BandIndex) -> tuple[str | None, set[str]]:
        """(the article ``aid`` is a copy of, or None; the stories of the articles it shares a paragraph with),
        from its signatures; files its bands.  The band keys are hashed here only if ``sigs`` does not carry
        them (`KeyedSignatures`, which the analysis workers prepare)."""
        keys = sigs.keys if isinstance(sigs, KeyedSignatures) else signature_keys(sigs)
        doc = sigs.doc
        texts = getattr(self, "_paragraphs", None) or _Paragraphs(self.store)
        duplicate_of = None
        if doc is not None:
            for cand in sorted(set(bands.ranked_by_keys(keys["doc"]))):
                other = Signatures.from_json(self.store.features(cand)["minhash"])
                if other.doc is not None and jaccard(doc, other.doc) >= DOC_THRESHOLD:
                    duplicate_of = cand
                    break
            bands.add_keys(aid, keys["doc"])
        shared_stories: set[str] = set()
        for pi, para_keys in keys["paragraphs"]:
            # verify the paragraphs sharing the most bands: a wire paragraph copied on hundreds of
            # pages would otherwise cost hundreds of exact checks
            for item in sorted(bands.ranked_by_keys(para_keys, PARA_VERIFY)):
                other_id, _, other_pi = item.rpartition(":")
                if other_id == aid:
                    continue
                other = texts.shingles(other_id, int(other_pi))
                if other is None:
                    continue
                sim = shingle_containment(texts.shingles(aid, pi), other)
                if sim >= PARA_THRESHOLD:
                    (a, pa), (b, pb) = sorted([(aid, pi), (other_id, int(other_pi))])
                    self.store.add_shared_paragraph(a, pa, b, pb, round(sim, 3))
                    if (sid := self.store.story_of(other_id)):
                        shared_stories.add(sid)
            bands.add_keys(f"{aid}:{pi}", para_keys)
        return duplicate_of, shared_stories

    # -- 6. dates from the story ---------------------------------------------
    def infer_dates(self, story_ids: Iterable[str]) -> int:
        """Give undated articles the date their story and their own weekdays imply."""
        changed = 0
        with self.store.batch():
            for sid in sorted(story_ids):
                members = self.store.story_members(sid)
                # the dates alone decide whether the story has undated articles: most have none to read
                when = publication(self.store, members)
                dated = Counter(p for p, how in when.values() if p and how != "inferred")
                if not dated:
                    continue
                for aid in members:
                    p, how = when[aid]
                    if p and how != "inferred":
                        continue
                    art = self.store.article(aid)
                    day = infer_publication(art, dated)
                    if day != art.published:
                        art = replace(art, published=day, published_how="inferred" if day else None)
                        self.store.update_article(art)
                        self.store.put_analysis(redate(self.store.analysis(art.id), art))
                        changed += 1
        return changed

    # -- 7. story reports ----------------------------------------------------
    def _map_store(self, fn: Callable, items: list, total: int) -> Iterable:
        """``fn(store, item)`` over items, in order: in the pool when there are many, each worker reading the
        store through its own connection (what a report reads does not change while reports are written)."""
        if self.workers == 1 or total < REPORT_PARALLEL_MIN or self.store.path == ":memory:":
            return map(partial(fn, self.store), items)
        return self._map(partial(_with_reader, fn, self.store.path), items, total, REPORT_PARALLEL_MIN)

    def build_reports(self, story_ids: set[str]) -> None:
        """Link these stories to storylines and build their reports and their storylines' (in the workers).

        The main process links each story (in story id order) just before it
        writes the story's report, which the workers built meanwhile: linking, which runs in one process,
        is hidden behind the reports instead of standing alone between the stages.  A story's report
        reads nothing of storylines but its own storyline's id, which is set as the report is written.
        """
        self._pools = []
        try:
            self._build_reports(sorted(story_ids))
        finally:
            self._close_pools()

    def _build_reports(self, order: list[str]) -> None:
        total = len(order)
        lines: set[str] = set()
        clusterer = OnlineClusterer(self.store.cluster)
        results = iter(self._map_store(story_report, order, total))
        for k in range(0, total, BATCH):
            chunk = [next(results) for _ in order[k: k + BATCH]]
            # the stories' storylines and their reports in one transaction: a killed run finds both to do
            # (and one commit per batch: a link rewrites index pages all over the file)
            with self.store.batch():
                for sid, _, rows in chunk:
                    line_id = clusterer.link(sid)
                    if rows is None:  # no members
                        continue
                    put_story_rows(self.store, with_storyline(rows, line_id))
                    self.store.mark_story_clean(sid)
                    if line_id:
                        # in the same transaction: a run killed before the storyline's report is written
                        # finds the storyline still to do (it used to be remembered only in memory)
                        self.store.mark_storyline_dirty(line_id)
                        lines.add(line_id)
            self.progress("report", min(k + BATCH, total), total)
        lines |= self.store.dirty_storylines()
        order = sorted(lines)
        results = iter(self._map_store(storyline_report, order, len(order)))
        for k in range(0, len(order), BATCH):
            chunk = [next(results) for _ in order[k: k + BATCH]]
            with self.store.batch():
                for row in chunk:
                    if row is not None:
                        put_storyline_row(self.store, row)

    # -- a long-running process ------------------------------------------------
    def warm_up(self) -> None:
        """Load every model and table the stages read, by running them on a page shipped for it.

        The stages load what they need on first use; a process that will add pages
        one at a time (a feed watcher, a server) calls this once at start so that
        the first page does not pay for the loading.  Nothing is written to the store.
        """
        text = resources.files("marsad.data").joinpath("warmup.txt").read_text(encoding="utf-8")
        page = Page(page_id(text), "<warm-up>", "text", text)
        article, _ = _extract_with_terms(self.stages.extract, page)
        feats = self.features(article, self.stages.analyze(article))
        sigs = signatures(article.paragraphs)
        # the lookups a new page makes, read-only: their statements are prepared and the upper
        # pages of the indexes they read are in SQLite's cache before the first real page arrives
        OnlineClusterer(self.store.cluster).candidates(feats["vector"])
        lookup_storylines(self.store.cluster, feats["vector"])
        bands = BandIndex(self.store.bands)
        if sigs.doc is not None:
            bands.ranked_candidates("doc", sigs.doc)
        for _, psig in sigs.paragraphs:
            bands.ranked_candidates("para", psig, PARA_VERIFY)

    # -- all together -----------------------------------------------------------
    def process(self) -> RunReport:
        # one writer at a time: a second run on the same store waits here (see Store.writer)
        with self.store.writer(self.notice):
            return self._process()

    def _process(self) -> RunReport:
        report = RunReport()
        clock = _StageClock(report.seconds)
        report.articles = self.extract_pending()
        clock.mark("extract")
        touched = self.analyse_and_cluster()
        clock.mark("analyse")  # and the clustering, overlapped with it when the workers analyse
        # stories a killed run clustered but did not finish are still dirty: redo their later stages
        touched |= self.store.dirty_stories()
        clock.mark("cluster")
        self.infer_dates(touched)  # (reads no storyline)
        clock.mark("dates")
        self.build_reports(touched)  # and the storylines, linked while the workers build the reports
        clock.mark("reports")
        # after the stories are readable: an update does not wait for the log to be copied into the file
        self.store.checkpoint(WAL_SOFT_LIMIT)
        clock.mark("checkpoint")
        report.stories_touched = len(touched)
        report.errors.extend(self.failed)
        self.failed = []
        return report

    def run(self, paths: Iterable[str]) -> RunReport:
        with self.store.writer(self.notice):
            return self._run(paths)

    def _run(self, paths: Iterable[str]) -> RunReport:
        t0 = time.perf_counter()
        report = self.ingest(paths)
        ingest = time.perf_counter() - t0
        processed = self.process()
        report.errors.extend(processed.errors)
        report.articles = processed.articles
        report.stories_touched = processed.stories_touched
        report.seconds = {"ingest": ingest, **processed.seconds}
        return report


class _StageClock:
    """Writes the seconds since the previous mark under each stage's name."""

    def __init__(self, into: dict[str, float]) -> None:
        self.into = into
        self.last = time.perf_counter()

    def mark(self, stage: str) -> None:
        now = time.perf_counter()
        self.into[stage] = now - self.last
        self.last = now


POOL_WINDOW = 1000  # tasks in flight at once: bounds the memory the pool holds


def _windowed_map(pool, fn: Callable, items: Iterable) -> Iterable:
    """``pool.map`` over windows of items, so a million pending pages are not all submitted at once.

    The next window is submitted before the results of the current one are handed out: the caller
    (which writes a batch, or clusters a chunk, between reads) would otherwise leave the workers idle
    from the end of one window until it asked for the next result; this overlap is most of what
    ``-j 2`` gains over ``-j 1``.  At most two windows are in flight.
    """
    it = iter(items)
    window = list(islice(it, POOL_WINDOW))
    current = pool.map(fn, window, chunksize=16) if window else None
    while current is not None:
        following = list(islice(it, POOL_WINDOW))
        ahead = pool.map(fn, following, chunksize=16) if following else None
        yield from current
        current = ahead


def _with_reader(fn: Callable, path: str, item: object) -> object:
    return fn(reader(path), item)


def story_report(store: Store, story_id: str) -> tuple[str, str | None, StoryRows | None]:
    """(story id, storyline id, the rows of its report) built from what the store holds of the story (pure)."""
    ids = store.story_members(story_id)
    if not ids:
        return story_id, None, None
    line_id = store.storyline_of(story_id)
    items = [(store.article(i), store.analysis(i)) for i in ids]
    items.sort(key=lambda it: (it[0].published or it[0].fetched_at or "", it[0].id))
    shared = store.shared_paragraphs_among(ids)
    story = build_story(story_id, line_id, items, shared, store.assignments_of(ids))
    return story_id, line_id, story_rows(story)


def storyline_report(store: Store, line_id: str) -> tuple[str, str] | None:
    """The row of a storyline's report, from its stories' compact views; None if it has no story yet."""
    stories = store.story_views(line_id)
    return storyline_row(build_storyline(line_id, stories)) if stories else None


def _day(timestamp: str | None) -> str | None:
    if timestamp and len(timestamp) >= 10 and timestamp[4] == "-" and timestamp[7] == "-":
        try:
            return dt.date.fromisoformat(timestamp[:10]).isoformat()
        except ValueError:
            return None
    return None


def prepare(article: Article, analysis: Analysis) -> dict:
    """What the clustering needs of one article that depends on the article alone (run in a worker):
    position-weighted term counts, MinHash signatures and their band keys, the weekday it calls "today",
    entity keys."""
    sigs = signatures(article.paragraphs)
    return {
        "article_id": article.id,
        "counts": term_counts(article.title, article.paragraphs),
        "minhash": sigs.pack(),
        "bands": signature_keys(sigs),
        "weekday": event_weekday(weekday_mentions(article.text)),
        "entities": entity_keys(m for m in analysis.mentions if m.type in ("PERS", "ORG", "LOC")),
    }


def _analyse_and_prepare(analyze_fn: Callable[[Article], object], article: Article) -> tuple[object, dict]:
    result = analyze_fn(article)
    analysis = result[0] if isinstance(result, tuple) else result
    return result, prepare(article, analysis)  # type: ignore[arg-type]


def store_idf(n_store: int, df: Callable[[str], int]) -> Callable[[str], float]:
    """A term's IDF over the background corpus plus a store of ``n_store`` articles (``df``: its document
    frequency there), remembered per term."""
    cache: dict[str, float] = {}

    def fn(term: str) -> float:
        if term not in cache:
            cache[term] = background_idf(term, n_store, df(term))
        return cache[term]

    return fn


AnalysisRows = tuple[str, str | None, str, str]  # article id, why it was kept degraded, analysis JSON, prepared JSON
_WORKER_IDF: dict[tuple[str, int], Callable[[str], float]] = {}


def _analysis_rows(analyze_fn: Callable[[Article], object], idf_from: tuple[str, int] | None,
                   article: Article) -> AnalysisRows:
    """Analyse and prepare an article in a worker, and turn both into the JSON the store keeps.

    ``idf_from`` = (store path, articles in it): the term vector is weighed here too, with the IDF the
    clustering would use (the store's document frequencies, read through this worker's own connection);
    `_from_prepared` takes it only if the store still holds that many articles."""
    result, prepared = _analyse_and_prepare(analyze_fn, article)
    analysis, why = result if isinstance(result, tuple) else (result, None)
    if idf_from is not None:
        if idf_from not in _WORKER_IDF:
            _WORKER_IDF.clear()
            _WORKER_IDF[idf_from] = store_idf(idf_from[1], reader(idf_from[0]).document_term_df)
        prepared["vector"] = weigh_counts(prepared["counts"], _WORKER_IDF[idf_from])
        prepared["idf_articles"] = idf_from[1]
    return (article.id, why, json.dumps(to_dict(analysis), ensure_ascii=False),
            json.dumps({"prepared": prepared}, ensure_ascii=False))


def _from_prepared(article: Article, prepared: dict, idf_fn: Callable[[str], float], n_store: int | None = None) -> dict:
    """`Pipeline.features` from what a worker prepared: only the IDF weighting (the store's counts) is left,
    unless the worker weighed the terms already against a store of the same size."""
    weighed = prepared.get("vector") if n_store is not None and prepared.get("idf_articles") == n_store else None
    return {
        "vector": weighed if weighed is not None else weigh_counts(prepared["counts"], idf_fn),
        "published": article.published or _day(article.fetched_at),
        "weekday": prepared["weekday"],
        "entities": prepared["entities"],
    }


class KeyedSignatures:
    """An article's signatures with their band keys (`signature_keys`), as the clustering reads a prepared
    record: the whole-body signature decoded, the paragraphs' only if something asks for them (`_dedup`
    reads their band keys alone)."""

    __slots__ = ("doc", "keys", "_packed", "_paragraphs")

    def __init__(self, doc: np.ndarray | None, keys: dict, packed: dict | None = None,
                 paragraphs: tuple[tuple[int, np.ndarray], ...] | None = None) -> None:
        self.doc = doc
        self.keys = keys
        self._packed = packed
        self._paragraphs = paragraphs

    @property
    def paragraphs(self) -> tuple[tuple[int, np.ndarray], ...]:
        if self._paragraphs is None:
            self._paragraphs = Signatures.unpack(self._packed or {}).paragraphs
        return self._paragraphs


def _prepared_signatures(prepared: dict) -> KeyedSignatures:
    """The signatures of a prepared record with their band keys; the keys are hashed here only for a record
    prepared before the workers computed them."""
    if "bands" in prepared:
        return KeyedSignatures(unpack_doc(prepared["minhash"]), prepared["bands"], packed=prepared["minhash"])
    sigs = Signatures.unpack(prepared["minhash"])
    return KeyedSignatures(sigs.doc, signature_keys(sigs), paragraphs=sigs.paragraphs)


PARAGRAPH_CACHE = 4096  # shingled paragraphs kept while clustering (a few KB each)


class _Paragraphs:
    """The paragraphs the shared-paragraph check compares, read from the store and shingled once each.

    The articles a new one shares wire text with are mostly recent ones, checked again and again: the last
    `PARAGRAPH_CACHE` paragraphs shingled are kept (and the paragraphs of the articles they belong to)."""

    def __init__(self, store: Store, size: int = PARAGRAPH_CACHE) -> None:
        self.store = store
        self.size = size
        self._texts: OrderedDict[str, tuple[str, ...]] = OrderedDict()
        self._shingled: OrderedDict[tuple[str, int], set[bytes]] = OrderedDict()

    def put(self, article_id: str, paragraphs: tuple[str, ...]) -> None:
        """The paragraphs of an article at hand (not read again from the store)."""
        self._texts[article_id] = paragraphs
        self._texts.move_to_end(article_id)
        if len(self._texts) > self.size:
            self._texts.popitem(last=False)

    def shingles(self, article_id: str, para: int) -> set[bytes] | None:
        """The word 3-shingles of an article's paragraph (None: the article has no such paragraph)."""
        key = (article_id, para)
        got = self._shingled.get(key)
        if got is not None:
            self._shingled.move_to_end(key)
            return got
        paragraphs = self._texts.get(article_id)
        if paragraphs is None:
            paragraphs = self.store.article(article_id).paragraphs
        self.put(article_id, paragraphs)
        if para >= len(paragraphs):
            return None
        got = self._shingled[key] = shingles(paragraphs[para], 3)
        if len(self._shingled) > self.size:
            self._shingled.popitem(last=False)
        return got


def _extract_with_terms(extract_fn: Callable[[Page], Article], page: Page) -> tuple[Article, set[str]]:
    """Extract a page and the set of its content terms (for the store's document frequencies), in a worker."""
    article = extract_fn(page)
    if isinstance(article, InputError):  # refused by the page budget (sources/budget.py)
        return article, set()
    return article, set(terms((article.title or "") + "\n" + article.text))


def _extract_for_store(extract_fn: Callable[[Page], Article], page: Page) -> tuple[object, set[str], tuple[str, str] | None]:
    """`_extract_with_terms` and the normalized text of the search index, in a worker."""
    article, term_set = _extract_with_terms(extract_fn, page)
    return article, term_set, None if isinstance(article, InputError) else search_text(article)


def is_original(article: Article, other: Article) -> bool:
    """Is ``article`` the original of its near-identical ``other``, rather than its copy?

    The page that names the agency it carries (a wire, or "وكالات") is the original of an
    unattributed copy; otherwise the one published (or fetched) first.  On a tie the page
    already stored stays the original.
    """
    if bool(article.wires) != bool(other.wires):
        return bool(article.wires)
    mine, theirs = article.published or article.fetched_at, other.published or other.fetched_at
    return bool(mine and theirs and mine < theirs)


def infer_publication(article: Article, dated: Counter) -> str | None:
    """The day an undated article was most likely published, or None.

    Candidates are the days around its story's dated reports; the article's own
    "today" weekday (``اليوم الخميس``, ``أمس الأربعاء`` -> Thursday, or the latest weekday
    it names) picks the one that fits.  Without a weekday to check, nothing is guessed.
    """
    wd = event_weekday(weekday_mentions(article.text))
    if wd is None:
        return None
    best: tuple[int, int, str] | None = None
    for day, count in dated.items():
        base = dt.date.fromisoformat(day)
        for delta in range(-2, 3):
            cand = base + dt.timedelta(days=delta)
            if cand.isoweekday() == wd:
                key = (abs(delta), -count, cand.isoformat())
                if best is None or key < best:
                    best = key
    return best[2] if best else None
