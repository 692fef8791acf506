"""Alert routes of the web app: ``/alerts.atom``, the Atom feed of the watcher's alerts.

The app says which database to read through ``app.state``: ``db_path``, or ``db`` / ``store``
(a path, or an object with a ``path``: the app's `Database`, a `Store`); the feed is read
through a read-only connection of its own, since route handlers run in threads.  Without either, ``$MARSAD_DB`` or
``marsad.db``.  Every text taken from a page (story titles, quotes) is escaped by the XML
writer; the feed is read-only, so it needs no token.
"""

from __future__ import annotations

import os

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from marsad.store.watch import read_alerts
from marsad.watch.alerts import render_atom

router = APIRouter(tags=["alerts"])

KINDS = ("match", "breaking", "conflict", "quoted", "source-failing", "source-quiet")


def db_path_of(request: Request) -> str:
    state = request.app.state
    for name in ("db_path", "db", "store"):
        value = getattr(state, name, None)
        if isinstance(value, str | os.PathLike):
            return os.fspath(value)
        if value is not None and isinstance(getattr(value, "path", None), str):  # a Store, or the app's Database
            return value.path
    return os.environ.get("MARSAD_DB", "marsad.db")


@router.get("/alerts.atom", response_class=Response,
            responses={200: {"content": {"application/atom+xml": {}}, "description": "Atom 1.0 feed of alerts"}})
def alerts_atom(request: Request, limit: int = Query(50, ge=1, le=500),
                kind: str | None = Query(None, description=f"one of {', '.join(KINDS)}")) -> Response:
    """The newest alerts as an Atom feed (filter by ``kind``)."""
    if kind is not None and kind not in KINDS:
        return Response(f"unknown kind {kind!r} (known: {', '.join(KINDS)})", status_code=400,
                        media_type="text/plain; charset=utf-8")
    alerts = read_alerts(db_path_of(request), limit, kind)
    base = str(request.base_url).rstrip("/")
    body = render_atom(alerts, feed_url=str(request.url), site_url=base)
    return Response(body, media_type="application/atom+xml; charset=utf-8")
