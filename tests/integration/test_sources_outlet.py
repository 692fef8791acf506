"""A page's declared outlet (a watched source's ``outlet``): stored with the page, first among the article's outlets.

The pages are SaudiNewsNet articles; the end-to-end path through `marsad watch` and the
web app is in tests/e2e/test_watch_cli.py.
"""

from __future__ import annotations

import sqlite3
from html import escape

import pytest

from marsad.extract.core import extract
from marsad.model import Page
from marsad.pipeline import Pipeline
from marsad.sources.files import page_id
from marsad.store.db import MIGRATIONS, Store
from tests.conftest import saudinewsnet

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return [r for r in saudinewsnet(limit=40) if len(r["content"]) > 400][:3]


def html(rec: dict, footer: str = "", site_name: str = "") -> str:
    meta = f'<meta property="og:site_name" content="{escape(site_name)}">' if site_name else ""
    body = "".join(f"<p>{escape(p)}</p>" for p in rec["content"][:800].split("\n") if p.strip())
    return (f'<!doctype html><html lang="ar"><head><meta charset="utf-8">{meta}<title>{escape(rec["title"])}</title>'
            f'</head><body><article><h1>{escape(rec["title"])}</h1>{body}<p>{escape(footer)}</p></article></body></html>')


def page(text: str, url: str, outlet: str | None) -> Page:
    return Page(page_id(text), url, "html", text, url=url, outlet=outlet)


def test_declared_outlet_comes_first_and_is_written_as_the_table_writes_it(records):
    rec = records[0]
    # the page's own signals name another outlet (site name) and a wire (source line)
    text = html(rec, footer="المصدر: واس", site_name="الجزيرة نت")
    plain = extract(page(text, "http://127.0.0.1:9/a", None))
    assert plain.outlets[0] != "الشرق الأوسط" and "واس" in plain.wires
    declared = extract(page(text, "http://127.0.0.1:9/a", "صحيفة الشرق الأوسط"))
    assert declared.outlets[0] == "الشرق الأوسط" and set(plain.outlets) <= set(declared.outlets)
    assert declared.wires == plain.wires
    # a wire's own feed: the wire is the page's outlet and is not listed again as its source
    own_feed = extract(page(text, "http://127.0.0.1:9/a", "وكالة الأنباء السعودية"))
    assert own_feed.outlets[0] == "واس" and "واس" not in own_feed.wires
    # a name that looks like a file name is still the configured outlet (the user wrote it), spaces tidied
    odd = extract(page(text, "http://127.0.0.1:9/a", " local_news  desk "))
    assert odd.outlets[0] == "local_news desk"


def test_outlet_is_stored_with_the_page_and_old_stores_upgrade(tmp_path, records):
    db = tmp_path / "m.db"
    store = Store(db)
    first = page(html(records[0]), "http://127.0.0.1:9/1", None)
    store.add_pages([first])
    store.close()
    # take the file back to schema 7, which had no outlet column
    conn = sqlite3.connect(db)
    conn.executescript("ALTER TABLE pages DROP COLUMN outlet; PRAGMA user_version = 7;")
    conn.close()
    store = Store(db)
    try:
        assert store.schema_version == len(MIGRATIONS)
        second = page(html(records[1]), "http://127.0.0.1:9/2", "نشرة الحي")
        store.add_pages([second])
        assert {p.id: p.outlet for p in store.pending_pages()} == {first.id: None, second.id: "نشرة الحي"}
        Pipeline(store).process()
        arts = {a.id: a for a in store.articles()}
        assert arts[second.id].outlets[0] == "نشرة الحي"
        assert "نشرة الحي" not in arts[first.id].outlets  # the page stored before keeps what its own signals say
    finally:
        store.close()
    # a file whose version was set back but which has the column already opens too
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 7")
    conn.close()
    store = Store(db)
    assert store.schema_version == len(MIGRATIONS)
    store.close()
