"""`marsad serve` in a real browser: Playwright drives Debian's Chromium against a server on 127.0.0.1.

The store is built from the seeds plus pages written for these tests (floods in Jeddah from three
outlets, an English page on Karabakh).  The journeys of the issue, each with screenshots saved to
tests/artifacts/web/; every request the browser makes is intercepted, and any that would leave the
loopback address is refused and fails the test.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "web"
TOKEN = "journey-token"



@pytest.fixture(scope="module")
def server(marsad_server, web_db_copy):
    return marsad_server(web_db_copy, env={"MARSAD_TOKEN": TOKEN})


@pytest.fixture
def site(browser, server):
    """(page, base URL, list of refused off-loopback requests, console errors); one server for the module."""
    base = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1100, "height": 900}, accept_downloads=True)
    refused: list[str] = []
    console: list[str] = []

    def guard(route):
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).hostname != "127.0.0.1":
            refused.append(url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    yield page, base, refused, console
    context.close()
    assert refused == [], f"requests left the loopback address: {refused}"
    assert not [c for c in console if "Content Security Policy" in c], console


def _shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text))


def test_search_a_spelling_variant_then_story_then_summary_source(site):
    page, base, _, _ = site
    page.goto(base + "/")
    _shot(page, "home")
    page.fill("header input[name=q]", "Karabakh")
    page.press("header input[name=q]", "Enter")
    page.wait_for_load_state()
    assert "/search?" in page.url
    results = page.locator(".card.result")
    assert results.count() >= 6  # the seeds write قرة باغ, قره باغ, كاراباخ; the English page Karabakh
    assert page.locator(".card.result mark").count() >= 6
    _shot(page, "search-karabakh")
    # the result set holds Arabic articles although the query was in Latin letters
    assert any(re.search(r"[\u0600-\u06FF]", t) for t in results.locator("h3").all_inner_texts())
    # to the story with most articles among the results
    page.goto(base + "/search?q=" + "كاراباخ")
    story_links = page.locator(".card.result a[href^='/story/']")
    hrefs = {story_links.nth(i).get_attribute("href") for i in range(story_links.count())}
    sizes = {h: page.request.get(base + h + ".json").json()["articles"].__len__() for h in hrefs}
    target = max(sorted(sizes), key=lambda h: sizes[h])
    page.locator(f".card.result a[href='{target}']").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(target)
    _shot(page, "story")
    sentence = page.locator("li.summary-sentence", has=page.locator("a.source-link")).first
    said = sentence.locator("span[dir=auto]").inner_text()
    link = sentence.locator("a.source-link").first
    anchor = link.get_attribute("href").split("#", 1)[1]
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith("#" + anchor) and "/article/" in page.url
    source = page.locator(f"#{anchor}")
    background = source.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    overlap = _words(said) & _words(source.inner_text())
    assert len(overlap) >= 0.6 * len(_words(said)), (said, source.inner_text())
    _shot(page, "summary-source")


def test_story_to_entity_to_another_story(site):
    page, base, _, _ = site
    stories = page.request.get(base + "/api/v1/stories?limit=500").json()["items"]
    start = max(stories, key=lambda s: (s["articles"], s["id"]))
    page.goto(base + f"/story/{start['id']}")
    chips = page.locator("a.entity-link")
    assert chips.count() >= 3
    chosen = None
    for i in range(chips.count()):
        href = chips.nth(i).get_attribute("href")
        if page.request.get(base + href + ".json").json()["stories"] >= 2:
            chosen = chips.nth(i)
            break
    assert chosen is not None, "no entity of the story appears in another story"
    name = chosen.inner_text().strip()
    entity_href = chosen.get_attribute("href")
    chosen.click()
    page.wait_for_load_state()
    assert page.url.endswith(entity_href)
    assert page.locator("h1").inner_text().strip() == name
    assert page.locator("figure.chart svg rect.bar").count() >= 1  # stories over time
    _shot(page, "entity")
    other = page.locator(f".story-item a[href^='/story/']:not([href='/story/{start['id']}'])").first
    other_href = other.get_attribute("href")
    other.click()
    page.wait_for_load_state()
    assert page.url.endswith(other_href)
    assert page.locator(f"a.entity-link[href='{entity_href}']").count() == 1  # the entity links back from there too
    _shot(page, "entity-other-story")


def test_filtered_search_then_csv_export(site):
    page, base, _, _ = site
    hits = page.request.get(base + "/api/v1/search?q=جدة&limit=500").json()["items"]
    outlet = next(h["outlet"] for h in hits if h["published"] == "2023-09-25")
    page.goto(base + "/search")
    page.fill("form.filters input[name=q]", "جدة")
    page.select_option("form.filters select[name=outlet]", label=outlet)
    page.fill("form.filters input[name=from]", "2023-09-25")
    page.fill("form.filters input[name=to]", "2023-09-25")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    shown = page.locator(".card.result")
    assert shown.count() >= 1
    for meta in shown.locator(".meta").all_inner_texts():
        assert outlet in meta and "2023-09-25" in meta
    _shot(page, "search-filtered")
    with page.expect_download() as info:
        page.click("a.export-csv")
    path = info.value.path()
    rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))
    assert len(rows) == shown.count()
    assert all(r["outlet"] == outlet and r["published"] == "2023-09-25" and "جدة" in r["title"] + r["text"] for r in rows)
    total = page.request.get(base + "/api/v1/search?q=جدة&limit=500").json()["total"]
    assert total > len(rows)  # the filters did cut the result set


def test_paginate_to_the_last_page(site):
    page, base, _, _ = site
    n_articles = page.request.get(base + "/index.json").json()["counts"]["articles"]
    page.goto(base + "/articles?limit=3")
    seen: list[str] = []
    for _ in range(50):
        links = page.locator(".card h3 a[href^='/article/']")
        seen += [links.nth(i).get_attribute("href") for i in range(links.count())]
        nxt = page.locator("a.next")
        if nxt.count() == 0:
            break
        nxt.click()
        page.wait_for_load_state()
    assert page.locator(".last-page").count() == 1
    _shot(page, "articles-last-page")
    assert len(seen) == len(set(seen)) == n_articles
    # the same through search results
    total = page.request.get(base + "/api/v1/search?q=أذربيجان").json()["total"]
    page.goto(base + "/search?q=أذربيجان&limit=2&sort=date")
    found: list[str] = []
    while True:
        links = page.locator(".card.result h3 a")
        found += [links.nth(i).get_attribute("href") for i in range(links.count())]
        if page.locator("a.next").count() == 0:
            break
        page.click("a.next")
        page.wait_for_load_state()
    assert len(found) == len(set(found)) == total >= 4


def test_a_page_added_through_the_api_appears_without_a_restart(site):
    page, base, _, _ = site
    page.goto(base + "/")
    title = "انهيار جسر في ميناء ينبع بعد عاصفة"
    assert title not in page.content()
    body = {"text": f"{title}\nتاريخ النشر: 28 سبتمبر 2023\n"
                    "انهار جسر للمشاة في ميناء ينبع التجاري فجر اليوم الخميس بعد عاصفة رملية قوية، ولم تسجل إصابات.\n"
                    "وقالت إدارة الميناء إن فرق الصيانة بدأت رفع الأنقاض وإن الحركة ستعود خلال يومين.",
            "url": "https://www.okaz.com.sa/news/local/3001"}
    refused = page.request.post(base + "/api/v1/pages", data=body)
    assert refused.status == 401
    r = page.request.post(base + "/api/v1/pages", data=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status == 201, r.text()
    story_id = r.json()["story"]["id"]
    # the open page learns of it by itself (a small script asks /api/v1/changes) and offers a reload
    page.locator("#live.shown li a", has_text=title).wait_for(timeout=15000)
    _shot(page, "live-notice")
    page.click("#live a[href='/']")
    page.wait_for_load_state()
    assert page.locator(f"#newest a[href='/story/{story_id}']").inner_text().strip() == title
    _shot(page, "home-after-ingest")
