"""The HTML report in a real browser (Playwright driving Debian's Chromium).

Opens the seeds' report, follows a summary sentence to its highlighted source
sentence, toggles an article's removed boilerplate, saves screenshots to
tests/artifacts/, and checks that no page asks for anything outside the report.
"""

from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"



def test_follow_summary_sentence_and_toggle_boilerplate(browser, seeds_digest):
    out = Path(seeds_digest["_out"])
    ARTIFACTS.mkdir(exist_ok=True)
    requests: list[str] = []
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))

    page.goto((out / "index.html").as_uri())
    page.screenshot(path=str(ARTIFACTS / "index.png"), full_page=True)
    talks = next(s for s in seeds_digest["stories"] if len(s["article_ids"]) == 3)
    page.click(f'a[href="story-{talks["id"]}.html"]')
    page.wait_for_load_state()
    assert page.locator("li.summary-sentence").count() >= 5
    page.screenshot(path=str(ARTIFACTS / "story.png"), full_page=True)

    # the sentence carried by three outlets links to each of its sources
    shared = page.locator("li.summary-sentence", has=page.locator("a.source-link")).filter(
        has_text="أسرع وقت ممكن")
    assert shared.count() == 1 and shared.locator("a.source-link").count() == 3
    link = shared.locator("a.source-link").first
    target = link.get_attribute("href")
    link.click()
    page.wait_for_load_state()
    anchor = target.split("#", 1)[1]
    assert page.url.endswith("#" + anchor)
    highlighted = page.locator(f"#{anchor}")
    assert "أسرع وقت ممكن" in highlighted.inner_text()
    background = highlighted.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    page.screenshot(path=str(ARTIFACTS / "source-sentence.png"), full_page=False)

    details = page.locator("details.removed")
    assert details.count() == 1
    assert not details.evaluate("el => el.open")
    details.locator("summary").click()
    assert details.evaluate("el => el.open")
    assert page.locator(".removed-item").first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "removed-boilerplate.png"), full_page=True)

    assert requests and all(u.startswith(out.as_uri()) for u in requests), [u for u in requests if not u.startswith("file:")]
    context.close()


def test_scraped_markup_is_escaped(tmp_path, browser):
    """A page whose text carries HTML and script shows it as text; nothing runs, nothing is fetched."""
    from marsad.pipeline import Pipeline
    from marsad.report.export import write_digest
    from marsad.report.html import write_site
    from marsad.store.db import Store

    src = tmp_path / "in"
    src.mkdir()
    (src / "evil.txt").write_text(
        "عنوان <script>window.pwned=1</script>\n"
        "أعلنت الحكومة اليوم خطة <img src=x onerror=\"window.pwned=2\"> لدعم المزارعين في الشمال بعد موسم جاف.\n"
        "وقال الوزير إن <b>الخطة</b> تشمل قروضا ميسرة <iframe src='https://evil.example/'></iframe> للمزارعين.\n",
        encoding="utf-8")
    store = Store(tmp_path / "m.db")
    Pipeline(store).run([str(src)])
    write_digest(store, tmp_path / "out")
    write_site(store, tmp_path / "out")
    requests: list[str] = []
    page = browser.new_page()
    page.on("request", lambda r: requests.append(r.url))
    for html in sorted((tmp_path / "out").glob("*.html")):
        page.goto(html.as_uri())
        assert page.evaluate("() => window.pwned") is None
    assert all(u.startswith("file:") for u in requests)
    assert "<script>" in page.content() or "&lt;script&gt;" in page.content()
    page.close()
