"""sources.decode and sources.files: encodings, binary and empty input, JSON lines, feeds, WARC."""

import io
import json

import pytest

from marsad.errors import InputError
from marsad.sources.decode import decode_bytes
from marsad.sources.files import discover, read_path

pytestmark = pytest.mark.unit
TEXT = "أعلنت الحكومة اليوم عن خطة جديدة لإعادة إعمار المناطق المتضررة من السيول في الجنوب."


def test_utf8_and_bom():
    assert decode_bytes(TEXT.encode("utf-8"), "x")[0] == TEXT
    assert decode_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "x")[0] == TEXT


def test_cp1256_is_detected():
    text, enc = decode_bytes((TEXT * 3).encode("cp1256"), "page.txt")
    assert text == TEXT * 3 and enc.replace("-", "").lower() in ("cp1256", "windows1256")


def test_utf16_without_bom():
    assert decode_bytes(TEXT.encode("utf-16-le"), "x")[0] == TEXT


def test_html_declared_charset():
    html = f'<html><head><meta charset="windows-1256"></head><body><p>{TEXT}</p></body></html>'
    assert TEXT in decode_bytes(html.encode("cp1256"), "x")[0]


@pytest.mark.parametrize("data,problem", [
    (b"", "empty"),
    (b"   \n\t ", "empty"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary"),
    (bytes(range(256)) * 20, "binary"),
])
def test_refused_with_a_reason(data, problem):
    with pytest.raises(InputError) as exc:
        decode_bytes(data, "bad.txt")
    assert "bad.txt" in str(exc.value) and problem in str(exc.value)


def test_nul_bytes_inside_text_are_dropped():
    text, _ = decode_bytes(TEXT.encode() + b"\x00" + TEXT.encode(), "x")
    assert "\x00" not in text


def test_jsonl_records(tmp_path):
    p = tmp_path / "pages.jsonl"
    p.write_text("\n".join([
        json.dumps({"url": "https://a.example/1", "text": TEXT}, ensure_ascii=False),
        "{not json",
        json.dumps({"url": "https://a.example/2"}),
        json.dumps({"html": f"<html><body><p>{TEXT}</p></body></html>"}, ensure_ascii=False),
    ]), encoding="utf-8")
    items = list(read_path(str(p)))
    pages = [i for i in items if not isinstance(i, InputError)]
    errors = [str(i) for i in items if isinstance(i, InputError)]
    assert [pg.kind for pg in pages] == ["text", "html"]
    assert pages[0].url == "https://a.example/1"
    assert any("#2" in e and "invalid JSON" in e for e in errors)
    assert any("#3" in e and "neither" in e for e in errors)


def test_rss_feed(tmp_path):
    feed = f"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>
    <item><title>خبر</title><link>https://a.example/n1</link><pubDate>Thu, 21 Sep 2023 10:00:00 GMT</pubDate>
    <description>&lt;p&gt;{TEXT}&lt;/p&gt;</description></item></channel></rss>"""
    p = tmp_path / "feed.rss"
    p.write_text(feed, encoding="utf-8")
    (page,) = list(read_path(str(p)))
    assert page.kind == "html" and page.url == "https://a.example/n1" and TEXT in page.content


def test_warc_archive(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    p = tmp_path / "crawl.warc.gz"
    with open(p, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        body = f"<html><body><article><h1>عنوان</h1><p>{TEXT}</p></article></body></html>".encode()
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://a.example/w", "response",
                                                      payload=io.BytesIO(body), http_headers=headers))
    (page,) = list(read_path(str(p)))
    assert page.url == "https://a.example/w" and TEXT in page.content


def test_missing_path_is_named(tmp_path):
    missing = str(tmp_path / "nope")
    (err,) = list(discover([missing]))
    assert isinstance(err, InputError) and missing in str(err)


# -- issue #13: defensive decoding, schema, special files, budgets, output hygiene --------------------------
def test_mixed_utf8_and_cp1256_decoded_by_line():
    data = ("عنوان الخبر\n" + TEXT + "\n").encode("utf-8") + (TEXT.replace("الحكومة", "الوزارة") + "\n").encode("cp1256")
    text, enc = decode_bytes(data, "mixed.txt")
    assert text.splitlines()[0] == "عنوان الخبر" and TEXT in text and "الوزارة" in text
    assert enc.startswith("utf-8+")


def test_a_line_holding_both_encodings_is_split_at_the_foreign_bytes():
    data = "خبر عاجل: ".encode() + "الحكومة تعلن".encode("cp1256") + " — ".encode() + "نهاية".encode()
    text, _ = decode_bytes(b"\n".join([TEXT.encode(), data]), "x")
    assert text.splitlines()[1] == "خبر عاجل: الحكومة تعلن — نهاية"


@pytest.mark.parametrize("content", ["\u200b\u200c\u200d\ufeff" * 50, "... --- !!! ***", "\u202e\u202c" * 10])
def test_no_visible_letters_is_empty(content):
    with pytest.raises(InputError) as exc:
        decode_bytes(content.encode("utf-8"), "z.txt")
    assert "empty" in str(exc.value)


def test_jsonl_schema(tmp_path):
    p = tmp_path / "r.jsonl"
    p.write_text("\n".join([
        "[" * 50_000 + "]" * 50_000,
        '{"text": "نص", "n": ' + "1" * 5000 + "}",
        json.dumps({"text": TEXT, "fetched_at": [1]}, ensure_ascii=False),
        json.dumps({"text": TEXT, "url": "http://[::1"}, ensure_ascii=False),
        '{"text": "\\udc80' + TEXT + '"}',
    ]), encoding="utf-8")
    items = list(read_path(str(p)))
    assert [type(i).__name__ for i in items] == ["InputError", "InputError", "InputError", "Page", "Page"]
    assert items[3].url is None and "\ufffd" in items[4].content


def test_special_files_are_refused(tmp_path):
    import os

    os.mkfifo(tmp_path / "p.txt")
    (err,) = list(read_path(str(tmp_path / "p.txt")))  # returns at once instead of blocking on the FIFO
    assert "FIFO" in str(err)
    (err,) = list(read_path("/dev/zero"))
    assert "device" in str(err)


def test_undecodable_file_name_is_stored_with_escapes(tmp_path):
    import os

    raw = os.fsencode(tmp_path) + b"/n\xff.txt"
    with open(raw, "wb") as fh:
        fh.write(TEXT.encode())
    (page,) = list(read_path(os.fsdecode(raw)))
    assert page.source.endswith("n\\xff.txt")
    page.source.encode("utf-8")


def test_page_budgets():
    from marsad.model import Page
    from marsad.sources.budget import page_problem
    from marsad.sources.files import page_id

    def page(kind, content):
        return Page(page_id(content), "x", kind, content)

    assert page_problem(page("text", TEXT)) is None
    assert "paragraphs" in page_problem(page("html", "<p>ف</p>" * 10_001))
    assert "nested" in page_problem(page("html", "<div>" * 1001 + "ف" + "</div>" * 1001))
    assert "line too long" in page_problem(page("text", "ف" * 200_001))
    assert page_problem(page("html", "<p>" + "ف" * 300_000 + "</p>")) is None  # one-line HTML is usual


def test_deadline_turns_a_slow_stage_into_an_error():
    import time

    from marsad.model import Page
    from marsad.sources.budget import Guarded

    def slow(page):
        if page.source != "<warm-up>":  # the untimed warm-up call (models loading) is not the slow page
            time.sleep(5)

    t0 = time.monotonic()
    err = Guarded(slow, 0.5, "extract")(Page("p1", "slow.html", "html", "<p>نص</p>"))
    assert isinstance(err, InputError) and "longer than 0.5 s" in str(err) and time.monotonic() - t0 < 4


def test_textsafe():
    from marsad.textsafe import for_html, one_line, safe_name

    assert one_line("a\nb\x1b[31m\u202ec\x07") == "a\\nb\\x1b[31m\\u202ec\\x07"
    assert safe_name("x\udcff\ud800") == "x\\xff\\ud800"
    assert for_html("\u202eabc\x1b") == "abc\\x1b"


def test_cp1256_lines_that_pair_up_as_utf8_stay_cp1256():
    # "ب،" is C8 A1 in cp1256, which is also valid UTF-8 (U+0221); "ظ،" is D9 A1, UTF-8 for "١"
    text = "وصل الوفد إلى العاصمة صباح اليوم\nب،\nظ،\nوبدأت المحادثات بعد الظهر في مقر الوزارة"
    assert decode_bytes(text.encode("cp1256"), "short-lines.txt") == (text, "cp1256")


def test_short_cp1256_text_is_not_read_in_a_sibling_code_page():
    text = "ىةوأؤءىشؤزرذبوحؤأذهبزبععث"  # letters only: detection alone may pick another Arabic code page
    assert decode_bytes(text.encode("cp1256"), "short.txt") == (text, "cp1256")


def test_utf8_and_cp1256_halves_still_decoded_by_line():
    utf8_part = "عنوان الخبر بالترميز الموحد"
    legacy_part = "نص الخبر بترميز ويندوز العربي"
    data = utf8_part.encode("utf-8") + b"\n" + legacy_part.encode("cp1256")
    assert decode_bytes(data, "halves.txt")[0] == f"{utf8_part}\n{legacy_part}"
