"""The JSON API and the page twins over a store built from the seeds plus written pages (in process)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient

from marsad.query.plural import count_label
from marsad.web.app import create_app

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client(web_db):
    with TestClient(create_app(web_db)) as c:
        yield c


@pytest.fixture
def writer(web_db_copy):
    with TestClient(create_app(web_db_copy, token="s3cret")) as c:
        yield c


def _all(client, url: str, key: str = "id") -> list[str]:
    """Follow `next` cursors to the end of a list."""
    out, cursor = [], None
    for _ in range(1000):
        sep = "&" if "?" in url else "?"
        r = client.get(url + (f"{sep}cursor={cursor}" if cursor else ""))
        assert r.status_code == 200, r.text
        page = r.json()
        out += [x[key] for x in page["items"]]
        cursor = page["next"]
        if not cursor:
            return out
    raise AssertionError("pagination did not end")


def test_cursor_pagination_reaches_every_row_once(client):
    total = client.get("/index.json").json()["counts"]
    articles = _all(client, "/api/v1/articles?limit=2")
    assert len(articles) == len(set(articles)) == total["articles"]
    stories = _all(client, "/api/v1/stories?limit=1")
    assert len(stories) == len(set(stories)) == total["stories"]
    entities = _all(client, "/api/v1/entities?limit=7")
    assert len(entities) == len(set(entities)) == total["entities"]
    outlets = _all(client, "/api/v1/outlets?limit=1")
    assert len(outlets) == len(set(outlets))
    assert sum(client.get("/api/v1/outlets?limit=500").json()["items"][i]["articles"]
               for i in range(len(outlets))) == total["articles"]
    # the same pages again: the order is stable
    assert _all(client, "/api/v1/articles?limit=2") == articles


def test_search_results_page_to_the_end_in_both_orders(client):
    for sort in ("relevance", "date"):
        first = client.get(f"/api/v1/search?q=أذربيجان&sort={sort}&limit=2").json()
        ids = _all(client, f"/api/v1/search?q=أذربيجان&sort={sort}&limit=2")
        assert len(ids) == len(set(ids)) == first["total"] >= 4


def test_one_spelling_finds_the_others(client):
    found = {}
    for q in ("كاراباخ", "قره باغ", "قرة باغ", "Karabakh", "ناغورني كاراباخ"):
        r = client.get("/api/v1/search", params={"q": q, "limit": 500}).json()
        found[q] = {x["id"] for x in r["items"]}
    assert len({frozenset(v) for v in found.values()}) == 1, found
    ids = found["كاراباخ"]
    # every seed article mentions the region, in one spelling or another, and so does the English page
    assert len(ids) >= 6
    langs = {x["lang"] for x in client.get("/api/v1/search", params={"q": "كاراباخ", "limit": 500}).json()["items"]}
    assert langs == {"ar", "en"}


def test_a_word_finds_its_clitic_forms_and_snippets_show_displayed_text(client):
    sets = []
    for q in ("السيول", "سيول", "بالسيول"):
        r = client.get("/api/v1/search", params={"q": q}).json()
        sets.append({x["id"] for x in r["items"]})
        marked = [p["text"] for x in r["items"] for p in x["snippet"] + x["title_pieces"] if p["match"]]
        assert {"السيول", "بالسيول", "وللسيول"} <= set(marked), marked
        # pieces put back together are the displayed text, never the normalized key (ة stays ة)
        text = "".join(p["text"] for p in r["items"][0]["snippet"])
        assert "ة" in text
    assert sets[0] == sets[1] == sets[2] and len(sets[0]) == 3


def test_search_filters_and_counts_over_time(client):
    all_ = client.get("/api/v1/search", params={"q": "جدة", "limit": 500}).json()
    outlet = all_["items"][0]["outlet"]
    f = client.get("/api/v1/search", params={"q": "جدة", "outlet": outlet, "from": "2023-09-25", "to": "2023-09-25",
                                             "limit": 500}).json()
    assert f["items"] and all(x["outlet"] == outlet and x["published"] == "2023-09-25" for x in f["items"])
    assert sum(c["articles"] for c in f["counts"]) == f["total"] == len(f["items"])
    assert sum(c["articles"] for c in all_["counts"]) == all_["total"] == len(all_["items"]) > f["total"]
    en = client.get("/api/v1/search", params={"q": "Karabakh", "lang": "en"}).json()
    assert en["total"] == 1 and en["items"][0]["lang"] == "en"
    ent = client.get("/api/v1/entities", params={"limit": 500}).json()["items"]
    jeddah = next(e for e in ent if e["name"] == "جدة")
    by_entity = client.get("/api/v1/search", params={"q": "الأمطار", "entity": jeddah["id"]}).json()
    assert by_entity["total"] >= 1
    line = max(client.get("/api/v1/storylines").json()["items"], key=lambda x: x["stories"])["id"]
    in_line = client.get("/api/v1/search", params={"q": "أذربيجان", "storyline": line, "limit": 500}).json()
    assert in_line["total"] >= 3
    story_lines = {client.get(f"/api/v1/stories/{x['story_id']}").json()["storyline_id"] for x in in_line["items"]}
    assert story_lines == {line}


def test_bad_parameters_are_clear_json_errors(client):
    for url, status in [("/api/v1/stories?cursor=@@@", 400), ("/api/v1/stories/nope", 404),
                        ("/api/v1/search?q=x&from=yesterday", 400), ("/api/v1/stories?limit=0", 422),
                        ("/api/v1/articles?cursor=WzEsMl0", 400), ("/api/v1/nothing", 404)]:
        r = client.get(url)
        assert r.status_code == status, (url, r.text)
        assert r.headers["content-type"].startswith("application/json")
        assert r.json()["error"]["message"]


def test_every_page_has_a_json_twin(client):
    home = client.get("/index.json").json()
    sid = home["newest"]["items"][0]["id"]
    story = client.get(f"/story/{sid}.json").json()
    assert story == client.get(f"/story/{sid}?_format=json").json() == client.get(f"/api/v1/stories/{sid}").json()
    for key in ("summary", "facts", "timeline", "entities", "quotes", "shared_paragraphs", "article_ids"):
        assert key in story  # the digest.json story fields
    for path in (f"/story/{sid}", f"/article/{story['article_ids'][0]}", f"/entity/{story['entities'][0]['id']}",
                 f"/storyline/{story['storyline_id']}", f"/outlet/{story['by_outlet'][0]['outlet_id'] or 'x'}",
                 "/stories", "/entities", "/outlets", "/articles", "/storylines", "/search?q=باكو"):
        page = client.get(path)
        twin = client.get(path.replace("?", ".json?") if "?" in path else path + ".json")
        if page.status_code == 404:
            continue
        assert page.status_code == twin.status_code == 200, path
        assert page.headers["content-type"].startswith("text/html")
        assert twin.headers["content-type"].startswith("application/json")
        assert "default-src 'none'" in page.headers["content-security-policy"]


def test_export_streams_every_row_as_csv_and_ndjson(client):
    n = client.get("/index.json").json()["counts"]["articles"]
    with client.stream("GET", "/api/v1/export?format=ndjson") as r:
        lines = [json.loads(x) for x in r.iter_lines() if x]
    assert len(lines) == n == len({x["id"] for x in lines})
    r = client.get("/api/v1/export", params={"format": "csv", "q": "السيول"})
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert r.headers["content-type"].startswith("text/csv")
    assert len(rows) == 3 and all("سيول" in (row["title"] + row["text"]) for row in rows)
    sid = client.get("/api/v1/search", params={"q": "السيول"}).json()["items"][0]["story_id"]
    story = client.get(f"/api/v1/stories/{sid}").json()
    r = client.get("/api/v1/export", params={"format": "ndjson", "story": sid})
    assert sorted(json.loads(x)["id"] for x in r.text.splitlines() if x) == sorted(story["article_ids"])
    assert client.get("/api/v1/export", params={"format": "xml"}).status_code == 422


def test_changed_since_and_server_sent_events(client):
    now = client.get("/api/v1/changes").json()
    assert now["index_pending"] == 0 and now["pages"] >= 11
    same = client.get("/api/v1/changes", params={"since": now["version"]}).json()
    assert same["changed"] is False and same["stories"] == []
    older = client.get("/api/v1/changes", params={"since": "1.1"}).json()
    assert older["changed"] and older["stories"]
    assert client.get("/api/v1/changes", params={"since": "x"}).status_code == 400
    events = client.get("/api/v1/events", params={"since": "1.1", "timeout": 1})
    assert events.headers["content-type"].startswith("text/event-stream")
    assert f"event: change\ndata: {now['version']}\n\n" in events.text


def test_writes_are_refused_without_a_configured_token(client):
    r = client.post("/api/v1/pages", json={"text": "عنوان\nنص"})
    assert r.status_code == 403 and "token" in r.json()["error"]["message"]


def test_add_a_page_over_http(writer):
    page = {"text": "السيول تجتاح أحياء في الطائف\nتاريخ النشر: 27 سبتمبر 2023\n"
                    "اجتاحت السيول أحياء في محافظة الطائف اليوم الأربعاء بعد أمطار غزيرة، وأعلن الدفاع المدني "
                    "إنقاذ سبعة أشخاص احتجزتهم المياه.\nوقال المتحدث باسم الدفاع المدني إن الفرق ما زالت في الميدان.",
            "url": "https://sabq.org/saudia/taif-floods", "fetched_at": "2023-09-27T12:00:00Z"}
    assert writer.post("/api/v1/pages", json=page).status_code == 401
    assert writer.post("/api/v1/pages", json=page, headers={"Authorization": "Bearer wrong"}).status_code == 401
    auth = {"Authorization": "Bearer s3cret"}
    before = writer.get("/api/v1/changes").json()["version"]
    r = writer.post("/api/v1/pages", json=page, headers=auth)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["article"]["title"] == "السيول تجتاح أحياء في الطائف"
    assert body["article"]["link"] == page["url"] and body["story"]["id"] == body["article"]["story_id"]
    assert body["article"]["id"] in body["story"]["article_ids"]
    again = writer.post("/api/v1/pages", json=page, headers=auth)
    assert again.status_code == 200 and again.json()["article"]["id"] == body["article"]["id"]
    changes = writer.get("/api/v1/changes", params={"since": before}).json()
    assert changes["changed"] and body["story"]["id"] in [s["id"] for s in changes["stories"]]
    home = writer.get("/index.json").json()
    assert body["story"]["id"] in [s["id"] for s in home["newest"]["items"]]
    assert writer.get("/api/v1/search", params={"q": "الطائف"}).json()["total"] == 1
    for bad, status in [({"text": ""}, 400), ({"text": "x", "html": "y"}, 400), ({"text": 5}, 400),
                        ({"text": "x", "evil": 1}, 400), ({"text": "x", "fetched_at": "soon"}, 400), ([], 400)]:
        r = writer.post("/api/v1/pages", json=bad, headers=auth)
        assert r.status_code == status and r.json()["error"]["message"], bad
    assert writer.post("/api/v1/pages", content=b"\xff{", headers=auth).status_code == 400
    # while another run holds the store's writer lock, a write is refused at once, to be retried
    from marsad.store.db import Store

    other = Store(writer.app.state.db.path)
    with other.writer():
        busy = writer.post("/api/v1/pages", json={**page, "text": page["text"] + "\nفقرة أخرى."}, headers=auth)
    other.close()
    assert busy.status_code == 503 and busy.headers["retry-after"] and "writing" in busy.json()["error"]["message"]
    big = writer.post("/api/v1/pages", content=b"x" * (6 << 20), headers=auth)
    assert big.status_code == 413


@pytest.mark.parametrize(("n", "noun", "expected"), [
    (0, "article", "لا مقالات"), (1, "article", "مقال واحد"), (2, "article", "مقالان"), (3, "article", "3 مقالات"),
    (10, "article", "10 مقالات"), (11, "article", "11 مقالا"), (99, "article", "99 مقالا"), (100, "article", "100 مقال"),
    (101, "article", "101 مقال"), (103, "article", "103 مقالات"), (111, "article", "111 مقالا"),
    (1000, "article", "1000 مقال"), (1, "story", "قصة واحدة"), (2, "story", "قصتان"), (5, "story", "5 قصص"),
    (25, "story", "25 قصة"), (2, "outlet", "مصدران"), (7, "outlet", "7 مصادر"), (13, "result", "13 نتيجة"),
])
def test_arabic_number_agreement(n, noun, expected):
    assert count_label(n, noun) == expected
