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
