"""The Atom feed of alerts: valid Atom, page text escaped, served by the web app's router."""

from __future__ import annotations

import pytest

from marsad.store.db import Store
from marsad.store.watch import WatchStore
from marsad.watch.alerts import render_atom
from marsad.watch.clock import FakeClock

pytestmark = pytest.mark.unit
HOSTILE = 'خبر <script>alert("x")</script> & «اقتباس» \x07'


def _store_with_alerts(path) -> Store:
    store = Store(path)
    ws = WatchStore(store)
    clock = FakeClock()
    assert ws.add_alert("k1", "breaking", f"[all] breaking: {HOSTILE}", clock.now(), watchlist="all", story_id="s1",
                        detail={"outlets": ["الرياض", "عكاظ", "سبق"]})
    clock.advance(60)
    assert ws.add_alert("k2", "source-quiet", "source x went quiet", clock.now(), source="x")
    assert ws.add_alert("k1", "breaking", "again", clock.now()) is None  # an event alerts once
    return store


def test_atom_is_valid_and_escapes_page_text(tmp_path):
    import feedparser

    store = _store_with_alerts(tmp_path / "a.db")
    xml = render_atom(WatchStore(store).alerts(), feed_url="http://localhost/alerts.atom", site_url="http://localhost")
    assert "<script>" not in xml and "&lt;script&gt;" in xml and "\x07" not in xml
    feed = feedparser.parse(xml)
    assert not feed.bozo and feed.version == "atom10"
    assert [e.tags[0].term for e in feed.entries] == ["source-quiet", "breaking"]
    breaking = feed.entries[1]
    assert breaking.link == "http://localhost/story/s1" and "«اقتباس»" in breaking.title
    assert "الرياض, عكاظ, سبق" in breaking.content[0].value
    assert len({e.id for e in feed.entries}) == 2
    store.close()


def test_web_route_serves_the_feed(tmp_path):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from marsad.web.alerts import router

    _store_with_alerts(tmp_path / "a.db").close()
    app = FastAPI()
    app.include_router(router)
    app.state.db_path = str(tmp_path / "a.db")
    client = TestClient(app)
    r = client.get("/alerts.atom")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    assert r.text.count("<entry>") == 2 and "&lt;script&gt;" in r.text
    only = client.get("/alerts.atom", params={"kind": "source-quiet"})
    assert only.text.count("<entry>") == 1
    assert client.get("/alerts.atom", params={"kind": "nope"}).status_code == 400
    assert client.get("/alerts.atom", params={"limit": 0}).status_code == 422
    app.state.db_path = str(tmp_path / "never-watched.db")  # no store yet: an empty, valid feed
    empty = client.get("/alerts.atom")
    assert empty.status_code == 200 and "<entry>" not in empty.text


def test_the_web_app_serves_alerts_of_its_own_store(tmp_path):
    from fastapi.testclient import TestClient

    try:
        from marsad.web.app import create_app
    except ImportError:  # the web app is another module's work: the route is tested above on its own
        pytest.skip("marsad.web.app not available")
    _store_with_alerts(tmp_path / "a.db").close()
    with TestClient(create_app(tmp_path / "a.db")) as client:
        r = client.get("/alerts.atom")
    assert r.status_code == 200 and r.text.count("<entry>") == 2 and "/story/s1" in r.text
