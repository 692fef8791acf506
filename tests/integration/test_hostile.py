"""Hostile pages: huge one-line dumps, deep HTML, NUL bytes, mixed encodings: a clean result or a clear message."""

import pytest

from marsad.errors import InputError
from marsad.extract.core import extract
from marsad.model import Page
from marsad.pipeline import Pipeline
from marsad.sources.files import page_id, read_path
from marsad.store.db import Store

pytestmark = pytest.mark.integration
SENTENCE = "أعلنت الحكومة خطة جديدة لدعم المزارعين في المناطق الشمالية المتضررة من الجفاف. "


def test_ten_megabytes_on_one_line(tmp_path):
    p = tmp_path / "huge.txt"
    p.write_text("عنوان طويل جدا\n" + SENTENCE * 110_000, encoding="utf-8")
    assert p.stat().st_size > 10_000_000
    (item,) = list(read_path(str(p)))
    assert isinstance(item, InputError) and "too large" in str(item) and "huge.txt" in str(item)


def test_big_one_line_page_within_limit_is_extracted():
    text = "عنوان\n" + SENTENCE * 20_000
    art = extract(Page(page_id(text), "big.txt", "text", text))
    assert art.paragraphs and all(len(p) <= 20_000 for p in art.paragraphs)


def test_deeply_nested_html():
    html = "<html><body>" + "<div>" * 5000 + f"<p>{SENTENCE * 3}</p>" + "</div>" * 5000 + "</body></html>"
    art = extract(Page(page_id(html), "deep.html", "html", html))
    assert isinstance(art.text, str)


def test_broken_html():
    html = f"<html><body><p>{SENTENCE}<div><p>{SENTENCE}<table><tr><td>خلية</b></i></body>"
    art = extract(Page(page_id(html), "broken.html", "html", html))
    assert "الحكومة" in art.text


def test_mixed_encodings_and_nul_bytes(tmp_path):
    p = tmp_path / "mixed.txt"
    p.write_bytes("عنوان الخبر\n".encode() + SENTENCE.encode("utf-8") + b"\x00\x00" + SENTENCE.encode("cp1256"))
    items = list(read_path(str(p)))
    assert len(items) == 1
    if not isinstance(items[0], InputError):
        assert "\x00" not in items[0].content


def test_bad_page_does_not_stop_the_run(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("عنوان أول\n" + SENTENCE * 3, encoding="utf-8")
    (folder / "b.html").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 500)
    store = Store(tmp_path / "m.db")
    report = Pipeline(store).run([str(folder)])
    assert report.new_pages == 1 and len(report.errors) == 1 and "b.html" in str(report.errors[0])
    assert store.count("articles") == 1
