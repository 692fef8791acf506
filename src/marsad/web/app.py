"""The observatory: `marsad serve`, server-rendered Arabic pages and a JSON API over one store.

* Every page has a JSON twin at the same path with ``.json`` appended (``/story/ID.json``,
  ``/search.json?q=…``) or with ``?_format=json``; both return the dict the page is
  rendered from.  The documented API lives under ``/api/v1/`` (``/openapi.json``,
  ``/docs``, served without any request leaving the server).
* Reads go through `marsad.query.Query` on one read-only SQLite connection per worker
  thread (WAL readers never block a writer and are never blocked by one; a busy
  timeout covers the short moments a checkpoint needs).  A background thread applies
  the store's change log to the query layer's side tables, so stories written by
  another process (``marsad digest``, a watcher) show up without a restart.
* ``POST /api/v1/pages`` needs ``Authorization: Bearer TOKEN``; the token comes from
  ``MARSAD_TOKEN`` or a config file, and without one every write is refused.
* Every response carries a strict Content-Security-Policy (scripts only from this
  server's ``/static``, no inline script, no request to anywhere else); scraped
  text reaches pages only through Jinja2's autoescaping.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import re
import sqlite3
import threading
import time
import tomllib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager, nullcontext
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi import Query as Param
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from marsad import __version__
from marsad.errors import MarsadError, NotFoundError
from marsad.query import UNKNOWN_OUTLET, BadQuery
from marsad.query import Query as QueryLayer
from marsad.query import index as index_mod
from marsad.query.plural import count_label
from marsad.store.connections import open_reader, open_syncer, read_transaction
from marsad.web import charts, export

log = logging.getLogger("marsad.web")
STATIC = Path(__file__).parent / "static"
MAX_BODY = int(os.environ.get("MARSAD_MAX_BODY", str(5 << 20)))
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
                    "Cross-Origin-Resource-Policy": "same-origin"}


class Busy(MarsadError):
    """Another process is writing to the store (a digest, a watcher): a write is refused, to be retried."""


class SafeJSON(JSONResponse):
    """JSON with Arabic as is and ``< > &`` escaped, so no scraped string can become markup when sniffed or embedded."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode("utf-8")


def dumps_line(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def load_token(config: str | Path | None = None) -> str | None:
    """The write token: ``MARSAD_TOKEN``, else ``token`` in the ``[serve]`` table of the config file
    (``--config``, ``MARSAD_CONFIG``, or ``~/.config/marsad/config.toml``); None when there is none."""
    if os.environ.get("MARSAD_TOKEN"):
        return os.environ["MARSAD_TOKEN"]
    path = config or os.environ.get("MARSAD_CONFIG") or Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "marsad" / "config.toml"
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    token = (data.get("serve") or {}).get("token") or data.get("token")
    return str(token) if token else None


class Database:
    """Read connections per thread, one writer for ingestion, and the side-table sync loop."""

    def __init__(self, path: str | Path, sync_interval: float = 0.5) -> None:
        self.path = str(path)
        self.local = threading.local()
        self.sync_interval = sync_interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._store = None
        self._pipeline = None
        # every write (and the writer's SQLite connection) lives on this one thread
        self._writes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="marsad-writer")
        from marsad.store.db import Store

        store = Store(self.path)  # migrations, then the query layer's tables and triggers
        try:
            index_mod.Q.prepare(store.conn)
        finally:
            store.close()

    def reader(self) -> sqlite3.Connection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = open_reader(self.path)
        return conn

    @contextmanager
    def read(self) -> Iterator[QueryLayer]:
        """One read transaction: a request sees one consistent state of the store."""
        with read_transaction(self.reader()) as conn:
            yield QueryLayer(conn)

    # -- side tables, in the background -------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="marsad-sync", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        self._writes.shutdown(wait=True, cancel_futures=True)

    def _loop(self) -> None:
        conn = open_syncer(self.path)
        while not self._stop.is_set():
            try:
                if index_mod.pending(conn) != 0:
                    index_mod.sync(conn, max_rounds=4)
                    continue
            except sqlite3.OperationalError as exc:  # a writer holds the lock longer than the timeout: try again
                log.warning("sync postponed: %s", exc)
            except Exception:  # noqa: BLE001 - the loop must survive one bad record
                log.exception("sync failed")
            self._stop.wait(self.sync_interval)
        conn.close()


    # -- ingestion -------------------------------------------------------------------------
    def _writer(self):
        if self._store is None:
            from marsad.pipeline import Pipeline
            from marsad.store.db import Store

            self._store = Store(self.path)
            self._pipeline = Pipeline(self._store)
        return self._store

    def warm_up(self) -> None:
        """Load the models a first ingested page would wait for (only when writes are enabled)."""

        def run() -> None:
            try:
                self._writer()
                self._pipeline.warm_up()
            except Exception:  # noqa: BLE001 - a failed warm-up only means the first page loads them itself
                log.exception("warm-up failed")

        self._writes.submit(run)

    def ingest(self, **fields: Any) -> tuple[dict, bool]:
        """Add one page; `Busy` at once (instead of a request hanging) while another process holds the writer lock."""
        from marsad.query.ingest import ingest_page

        def busy(message: str) -> None:
            raise Busy(message + "; try again when it is done")

        def run() -> tuple[dict, bool]:
            store = self._writer()
            with store.writer(busy) if hasattr(store, "writer") else nullcontext():
                result, new = ingest_page(store, self._pipeline, **fields)
            index_mod.sync(store.conn)
            return result, new

        return self._writes.submit(run).result()


# -- rendering ---------------------------------------------------------------------------------
def _env() -> Environment:
    env = Environment(loader=PackageLoader("marsad.web", "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(count_label=count_label, unknown_outlet=UNKNOWN_OUTLET, version=__version__)
    env.filters["qs"] = lambda d: urlencode({k: v for k, v in d.items() if v not in (None, "")})
    # a date keeps its left-to-right order (and stays on one line) inside Arabic text
    env.filters["day"] = lambda d, empty="بلا تاريخ": (
        Markup('<bdi class="date" dir="ltr">{}</bdi>').format(d) if d else empty)
    return env


ENV = _env()


def wants_json(request: Request) -> bool:
    return request.scope.get("marsad_json", False) or request.query_params.get("_format") == "json"


def render(request: Request, template: str, data: dict[str, Any], status: int = 200, **extra: Any) -> Response:
    if wants_json(request):
        return SafeJSON(data, status_code=status)
    page = ENV.get_template(template).render(data=data, request=request, path=request.url.path,
                                             params=dict(request.query_params), **extra)
    return HTMLResponse(page, status_code=status)


def _error(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/") or wants_json(request) or request.url.path == "/openapi.json":
        return SafeJSON({"error": {"status": status, "message": message}}, status_code=status)
    titles = {400: "طلب غير صالح", 401: "غير مصرح", 403: "ممنوع", 404: "غير موجود", 405: "طريقة غير مسموحة",
              413: "الطلب أكبر من المسموح", 503: "الخدمة مشغولة"}
    page = ENV.get_template("error.html").render(data={"status": status, "title": titles.get(status, "خطأ"),
                                                       "message": message}, path=request.url.path, params={})
    return HTMLResponse(page, status_code=status)


def create_app(db: str | Path, token: str | None = None, *, sync_interval: float = 0.5) -> FastAPI:
    """The web app over the store at ``db`` (which must exist). ``token`` enables writes."""
    database = Database(db, sync_interval)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        database.start()
        if token:
            database.warm_up()
        yield
        database.stop()

    app = FastAPI(title="marsad", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  default_response_class=SafeJSON,
                  description="JSON API of marsad (مرصد): stories, storylines, articles, entities, outlets, search "
                              "and export over one store. Lists are paginated by cursor: pass `next` back as "
                              "`cursor` until it is null. Every HTML page has a JSON twin: append `.json` to its path.")
    app.state.db = database
    app.state.token = token

    @app.middleware("http")
    async def security(request: Request, call_next):
        path = request.scope["path"]
        if path.endswith(".json") and not path.startswith(("/api/", "/static/")) and path != "/openapi.json":
            request.scope["path"] = path[:-5] or "/"
            if request.scope["path"] == "/index":
                request.scope["path"] = "/"
            request.scope["marsad_json"] = True
        try:
            response = await call_next(request)
        except sqlite3.OperationalError as exc:  # never expected with WAL readers; say so clearly if it happens
            log.exception("database error")
            response = _error(request, 503, f"database busy: {exc}")
            response.headers["Retry-After"] = "1"
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError):
        return _error(request, 404, str(exc))

    @app.exception_handler(BadQuery)
    async def bad_query(request: Request, exc: BadQuery):
        return _error(request, 400, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return _error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        msgs = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}" for e in exc.errors())
        if request.url.path.startswith("/api/"):
            return SafeJSON({"error": {"status": 422, "message": msgs}}, status_code=422)
        return _error(request, 400, msgs)

    @app.exception_handler(Busy)
    async def busy(request: Request, exc: Busy):
        response = _error(request, 503, str(exc))
        response.headers["Retry-After"] = "10"
        return response

    @app.exception_handler(MarsadError)
    async def marsad_error(request: Request, exc: MarsadError):
        return _error(request, 503, str(exc))

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    from marsad.web import alerts

    app.include_router(alerts.router)
    _pages(app, database)
    _api(app, database)
    return app


# -- pages ---------------------------------------------------------------------------------------------
Cursor = Param(None, max_length=400, description="`next` of the previous page")
PageLimit = Param(20, ge=1, le=200)


def _filters(outlet, entity, storyline, lang, date_from, date_to) -> dict[str, Any]:
    return {"outlet": outlet or None, "entity": entity or None, "storyline": storyline or None, "lang": lang or None,
            "date_from": date_from or None, "date_to": date_to or None}


def _pages(app: FastAPI, db: Database) -> None:
    html = {"include_in_schema": False, "response_class": HTMLResponse}

    @app.get("/", **html)
    def home(request: Request):
        with db.read() as q:
            data = q.home()
        return render(request, "home.html", data, live=True)

    @app.get("/stories", **html)
    def stories(request: Request, cursor: str | None = Cursor, limit: int = PageLimit, storyline: str | None = None):
        with db.read() as q:
            data = q.stories(cursor, limit, storyline)
        return render(request, "stories.html", data)

    @app.get("/story/{story_id}", **html)
    def story(request: Request, story_id: str):
        with db.read() as q:
            data = q.story(story_id)
        return render(request, "story.html", data, chart=charts.dots(data["coverage"]))

    @app.get("/storylines", **html)
    def storylines(request: Request, cursor: str | None = Cursor, limit: int = PageLimit):
        with db.read() as q:
            data = q.storylines(cursor, limit)
        return render(request, "storylines.html", data)

    @app.get("/storyline/{line_id}", **html)
    def storyline(request: Request, line_id: str):
        with db.read() as q:
            data = q.storyline(line_id)
        return render(request, "storyline.html", data,
                      chart=charts.bars([(d["day"], d["articles"]) for d in data["days"]]))

    @app.get("/entities", **html)
    def entities(request: Request, cursor: str | None = Cursor, limit: int = PageLimit, type: str | None = None):
        with db.read() as q:
            data = q.entities(cursor, limit, type or None)
        return render(request, "entities.html", data)

    @app.get("/entity/{entity_id}", **html)
    def entity(request: Request, entity_id: str, cursor: str | None = Cursor, limit: int = PageLimit):
        with db.read() as q:
            data = q.entity(entity_id, cursor, limit)
        return render(request, "entity.html", data, chart=charts.bars([(d["day"], d["stories"]) for d in data["days"]]))

    @app.get("/outlets", **html)
    def outlets(request: Request, cursor: str | None = Cursor, limit: int = PageLimit):
        with db.read() as q:
            data = q.outlets(cursor, limit)
        return render(request, "outlets.html", data)

    @app.get("/outlet/{outlet_id}", **html)
    def outlet(request: Request, outlet_id: str):
        with db.read() as q:
            data = q.outlet(outlet_id)
        return render(request, "outlet.html", data, chart=charts.bars([(d["day"], d["articles"]) for d in data["days"]]))

    @app.get("/articles", **html)
    def articles(request: Request, cursor: str | None = Cursor, limit: int = PageLimit, outlet: str | None = None,
                 entity: str | None = None, storyline: str | None = None, lang: str | None = None,
                 date_from: str | None = Param(None, alias="from"), date_to: str | None = Param(None, alias="to")):
        with db.read() as q:
            data = q.articles(cursor, limit, **_filters(outlet, entity, storyline, lang, date_from, date_to))
        return render(request, "articles.html", data)

    @app.get("/article/{article_id}", **html)
    def article(request: Request, article_id: str):
        with db.read() as q:
            data = q.article(article_id)
        return render(request, "article.html", data)

    @app.get("/search", **html)
    def search(request: Request, q: str = Param("", max_length=500), cursor: str | None = Cursor,
               limit: int = PageLimit, sort: str = "relevance", outlet: str | None = None, entity: str | None = None,
               storyline: str | None = None, lang: str | None = None,
               date_from: str | None = Param(None, alias="from"), date_to: str | None = Param(None, alias="to")):
        with db.read() as ql:
            data = ql.search(q, cursor, limit, sort, **_filters(outlet, entity, storyline, lang, date_from, date_to))
            options = {"outlets": ql.outlet_options(), "langs": ql.lang_options()}
        chart = charts.bars([(d["day"], d["articles"]) for d in data["counts"]])
        return render(request, "search.html", data, chart=chart, options=options)

    @app.get("/docs", **html)
    def docs(request: Request):
        spec = app.openapi()
        ops = []
        for path, methods in spec.get("paths", {}).items():
            for method, op in methods.items():
                body = (op.get("requestBody") or {}).get("content", {})
                ops.append({"method": method.upper(), "path": path, "summary": op.get("summary") or "",
                            "body": {k: json.dumps(v.get("schema", {}), ensure_ascii=False) for k, v in body.items()},
                            "responses": {k: (v or {}).get("description", "") for k, v in (op.get("responses") or {}).items()},
                            "description": op.get("description") or "",
                            "parameters": [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                                            "description": p.get("description") or "",
                                            "schema": json.dumps(p.get("schema", {}), ensure_ascii=False)}
                                           for p in op.get("parameters", [])]})
        return render(request, "docs.html", {"title": spec["info"]["title"], "version": spec["info"]["version"],
                                             "description": spec["info"].get("description", ""), "operations": ops})

    @app.get("/export", include_in_schema=False)
    def export_page(request: Request, format: str = "csv", q: str = Param("", max_length=500), story: str | None = None,
                    sort: str = "date", outlet: str | None = None, entity: str | None = None, storyline: str | None = None,
                    lang: str | None = None, date_from: str | None = Param(None, alias="from"),
                    date_to: str | None = Param(None, alias="to")):
        return _export(db, format, q, story, sort, _filters(outlet, entity, storyline, lang, date_from, date_to))


def _export(db: Database, fmt: str, q: str, story: str | None, sort: str, filters: dict[str, Any]) -> Response:
    if fmt not in ("csv", "ndjson"):
        raise BadQuery("format: csv or ndjson")
    if sort not in ("relevance", "date"):
        raise BadQuery("sort: relevance or date")
    with db.read() as ql:  # check the parameters before the first byte is sent
        if story and not ql.has_story(story):
            raise NotFoundError(f"no story {story}")
        ql.search(q, None, 1, sort, with_counts=False, **filters) if q else ql.articles(None, 1, story=story, **filters)
    rows = export.rows(db.reader, q or None, sort, {**filters, "story": story})
    body = export.csv_lines(rows) if fmt == "csv" else export.ndjson_lines(rows, dumps_line)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson; charset=utf-8"
    name = re.sub(r"[^A-Za-z0-9_-]", "_", f"marsad-{'story-' + story if story else 'search' if q else 'articles'}") + f".{fmt}"
    return StreamingResponse(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


# -- API ---------------------------------------------------------------------------------------------------
def _api(app: FastAPI, db: Database) -> None:
    limit_param = Param(50, ge=1, le=500, description="rows per page")
    tags = ["read"]

    @app.get("/api/v1/stories", tags=tags, summary="Stories, newest first")
    def api_stories(cursor: str | None = Cursor, limit: int = limit_param, storyline: str | None = None):
        with db.read() as q:
            return q.stories(cursor, limit, storyline)

    @app.get("/api/v1/stories/{story_id}", tags=tags, summary="One story: summary, facts, timeline, entities, quotes, articles")
    def api_story(story_id: str):
        with db.read() as q:
            return q.story(story_id)

    @app.get("/api/v1/storylines", tags=tags, summary="Storylines, most recently active first")
    def api_storylines(cursor: str | None = Cursor, limit: int = limit_param):
        with db.read() as q:
            return q.storylines(cursor, limit)

    @app.get("/api/v1/storylines/{line_id}", tags=tags, summary="One storyline with its stories in order")
    def api_storyline(line_id: str):
        with db.read() as q:
            return q.storyline(line_id)

    @app.get("/api/v1/articles", tags=tags, summary="Articles, newest first, with filters")
    def api_articles(cursor: str | None = Cursor, limit: int = limit_param, outlet: str | None = None,
                     entity: str | None = None, storyline: str | None = None, story: str | None = None,
                     lang: str | None = None, date_from: str | None = Param(None, alias="from"),
                     date_to: str | None = Param(None, alias="to")):
        with db.read() as q:
            return q.articles(cursor, limit, story=story, **_filters(outlet, entity, storyline, lang, date_from, date_to))

    @app.get("/api/v1/articles/{article_id}", tags=tags, summary="One article: clean text, metadata, removed parts")
    def api_article(article_id: str):
        with db.read() as q:
            return q.article(article_id)

    @app.get("/api/v1/entities", tags=tags, summary="Canonical entities by the number of stories they appear in")
    def api_entities(cursor: str | None = Cursor, limit: int = limit_param, type: str | None = Param(None, max_length=8)):
        with db.read() as q:
            return q.entities(cursor, limit, type or None)

    @app.get("/api/v1/entities/{entity_id}", tags=tags, summary="One entity: variants, stories over time, quotes, co-occurring")
    def api_entity(entity_id: str, cursor: str | None = Cursor, limit: int = limit_param):
        with db.read() as q:
            return q.entity(entity_id, cursor, limit)

    @app.get("/api/v1/outlets", tags=tags, summary="Outlets by number of articles")
    def api_outlets(cursor: str | None = Cursor, limit: int = limit_param):
        with db.read() as q:
            return q.outlets(cursor, limit)

    @app.get("/api/v1/outlets/{outlet_id}", tags=tags, summary="One outlet: volume over time, stories, exclusives")
    def api_outlet(outlet_id: str):
        with db.read() as q:
            return q.outlet(outlet_id)

    @app.get("/api/v1/search", tags=tags, summary="Full-text search in every spelling and clitic form")
    def api_search(q: str = Param(..., max_length=500), cursor: str | None = Cursor, limit: int = limit_param,
                   sort: str = Param("relevance", pattern="^(relevance|date)$"), outlet: str | None = None,
                   entity: str | None = None, storyline: str | None = None, lang: str | None = None,
                   date_from: str | None = Param(None, alias="from"), date_to: str | None = Param(None, alias="to")):
        with db.read() as ql:
            return ql.search(q, cursor, limit, sort, **_filters(outlet, entity, storyline, lang, date_from, date_to))

    @app.get("/api/v1/export", tags=tags, summary="Every article of a search, a story or a filter, streamed (CSV or NDJSON)",
             response_class=StreamingResponse,
             responses={200: {"content": {"text/csv": {}, "application/x-ndjson": {}}}})
    def api_export(format: str = Param("ndjson", pattern="^(csv|ndjson)$"), q: str = Param("", max_length=500),
                   story: str | None = None, sort: str = Param("date", pattern="^(relevance|date)$"),
                   outlet: str | None = None, entity: str | None = None, storyline: str | None = None,
                   lang: str | None = None, date_from: str | None = Param(None, alias="from"),
                   date_to: str | None = Param(None, alias="to")):
        return _export(db, format, q, story, sort, _filters(outlet, entity, storyline, lang, date_from, date_to))

    @app.get("/api/v1/changes", tags=["live"], summary="Cheap check: has the store changed since a version token?")
    def api_changes(since: str | None = Param(None, max_length=60)):
        with db.read() as q:
            return q.changes(since)

    @app.get("/api/v1/events", tags=["live"], include_in_schema=False)
    async def api_events(request: Request, since: str | None = None, timeout: float = Param(300, ge=1, le=3600)):
        """Server-sent events: one ``change`` event (the new version) each time the store changes."""

        def current() -> str:
            with db.read() as q:
                return q.version()["version"]

        async def stream():
            last = since
            deadline = time.monotonic() + timeout  # then the stream ends; EventSource reconnects by itself
            yield "retry: 2000\n\n"
            while time.monotonic() < deadline and not await request.is_disconnected():
                v = await run_in_threadpool(current)
                if v != last:
                    yield f"event: change\ndata: {v}\n\n"
                    last = v
                await asyncio.sleep(1)

        return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})

    body_doc = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "additionalProperties": False,
        "properties": {"text": {"type": "string", "description": "a text dump: title on the first line, then the body"},
                       "html": {"type": "string", "description": "an HTML page"},
                       "url": {"type": "string"}, "fetched_at": {"type": "string", "description": "ISO 8601"}}}}}}}

    @app.post("/api/v1/pages", tags=["write"], status_code=201, openapi_extra=body_doc,
              summary="Add one page (needs Authorization: Bearer TOKEN); returns the article and the story it joined",
              responses={200: {"description": "the page was already stored"}, 401: {"description": "no or wrong token"},
                         403: {"description": "writes are disabled (no token configured)"},
                         413: {"description": "body too large"}, 400: {"description": "bad body"}})
    async def api_add_page(request: Request):
        token = app.state.token
        if not token:
            return _error(request, 403, "writes are disabled: no token is configured (set MARSAD_TOKEN or a config file)")
        given = request.headers.get("authorization", "")
        if not given.startswith("Bearer ") or not hmac.compare_digest(given[7:].encode(), token.encode()):
            resp = _error(request, 401, "missing or wrong token (Authorization: Bearer TOKEN)")
            resp.headers["WWW-Authenticate"] = "Bearer"
            return resp
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > MAX_BODY:
            return _error(request, 413, f"body larger than {MAX_BODY} bytes")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY:
                return _error(request, 413, f"body larger than {MAX_BODY} bytes")
            chunks.append(chunk)
        try:
            body = json.loads(b"".join(chunks).decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return _error(request, 400, "body: not JSON (send {\"text\": ...} or {\"html\": ...})")
        problem = _check_page(body)
        if problem:
            return _error(request, 400, problem)
        result, new = await run_in_threadpool(db.ingest, **body)
        return SafeJSON(result, status_code=201 if new else 200)


def _check_page(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "body: a JSON object with \"text\" or \"html\""
    extra = set(body) - {"text", "html", "url", "fetched_at"}
    if extra:
        return f"body: unknown field(s) {', '.join(sorted(extra))}"
    if ("text" in body) == ("html" in body):
        return "body: exactly one of \"text\" and \"html\""
    for k in ("text", "html", "url", "fetched_at"):
        if k in body and not isinstance(body[k], str | None):
            return f"{k}: must be a string"
    content = body.get("text") or body.get("html") or ""
    if not content.strip():
        return "body: the page is empty"
    if "\x00" in content:
        return "body: the page contains NUL characters (binary, not text)"
    if body.get("fetched_at"):
        import datetime as dt

        try:
            dt.datetime.fromisoformat(body["fetched_at"].replace("Z", "+00:00"))
        except ValueError:
            return "fetched_at: not an ISO 8601 time"
    return None
