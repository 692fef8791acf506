"""Generate marsad's hostile-input corpus: every class of input that once crashed, hung or damaged a run.

    python scripts/make_hostile_corpus.py OUT_FOLDER          # the small corpus (CI, seconds)
    python scripts/make_hostile_corpus.py OUT_FOLDER --big    # plus the big files of `make bench`

`write_corpus` writes the small corpus and returns a `Corpus`: the titles of the
good pages (each must end up stored as an article) and, for each bad input, the
source its error line must name and a word of the expected message.  Tests call
it directly (tests/integration/test_hostile_corpus.py); the bench calls
`write_big` (bench/hostile_bench.py).  All text is generated here, from a few
sentences written for this corpus; nothing is copied from a data set.

Classes (see issue #13): JSON-lines records that break parsers or types (deep
nesting, huge integers, lists where strings belong, lone surrogates, broken
URLs); file names with undecodable bytes, newlines, escape and bidi
characters; special files (FIFO); pages over the per-page budgets (paragraphs,
line length, nesting) and pages slow to extract or analyse; mixed UTF-8/cp1256;
WARC records cut short, with a ``javascript:`` target, gzip-encoded, and a gzip
bomb; empty feeds and archives; text with no visible letters; binary files;
titles holding rich markup, terminal escapes, bidi overrides and HTML/script; and
classes a held-out corpus found later: a WARC record whose Content-Length is
wrong, JSON lines with a byte-order mark on every line, a pretty-printed .json
object, a tag with thousands of attributes, cp1256 text with NUL bytes.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path

PLACES = ["عمّان", "بيروت", "الرباط", "تونس", "الدوحة", "مسقط", "الكويت", "الخرطوم", "بغداد", "صنعاء",
          "نواكشوط", "الجزائر", "دمشق", "المنامة", "طرابلس", "القاهرة"]
TOPICS = [
    ("افتتاح معرض للكتاب", "افتتح وزير الثقافة معرض الكتاب السنوي بمشاركة مئة وعشرين دار نشر من اثنتي عشرة دولة."),
    ("أمطار غزيرة تغلق طرقا", "أغلقت السلطات عددا من الطرق الرئيسية بعد أمطار غزيرة هطلت طوال الليل وتسببت في سيول."),
    ("اتفاق لتطوير الموانئ", "وقعت الحكومة اتفاقا مع شركة دولية لتطوير ميناءين بتكلفة تبلغ ثلاثمئة مليون دولار."),
    ("انطلاق حملة تطعيم", "أعلنت وزارة الصحة انطلاق حملة تطعيم تستهدف مليون طفل في جميع المحافظات خلال أسبوعين."),
    ("ارتفاع صادرات الفوسفات", "ارتفعت صادرات الفوسفات بنسبة خمسة عشر في المئة خلال الربع الأول مقارنة بالعام الماضي."),
    ("مهرجان للسينما العربية", "يعرض مهرجان السينما العربية أربعين فيلما طويلا وقصيرا على مدى ثمانية أيام."),
    ("افتتاح محطة للطاقة الشمسية", "دشن رئيس الوزراء محطة للطاقة الشمسية بقدرة مئتي ميغاواط جنوب البلاد."),
    ("إضراب في قطاع النقل", "بدأ سائقو الحافلات إضرابا مفتوحا للمطالبة بزيادة الأجور وتحسين ظروف العمل."),
]
FILLER = ("وقال مسؤول في الوزارة إن العمل سيستمر وفق الجدول المقرر، مضيفا أن النتائج الأولى ستعلن قريبا. "
          "وأشار المسؤول إلى أن الجهات المعنية تتابع التنفيذ بشكل يومي وتنسق مع السلطات المحلية.")


def good_page(i: int) -> tuple[str, str]:
    """A distinct, well-formed article: ``(title, body)``."""
    topic, lead = TOPICS[i % len(TOPICS)]
    place = PLACES[i % len(PLACES)]
    title = f"{topic} في {place} ({i + 1})"
    body = f"{place} - {lead}\n\n{FILLER}\n\nوأضاف أن المرحلة رقم {i + 1} تشمل {place} وضواحيها."
    return title, body


@dataclass
class Corpus:
    """What a run over the corpus must produce."""

    folder: Path
    paths: list[str] = field(default_factory=list)  # what to pass to `marsad digest`
    good_titles: list[str] = field(default_factory=list)  # each stored as an article
    bad: list[tuple[str, str]] = field(default_factory=list)  # (source named by the error line, word of the message)
    degraded: list[tuple[str, str]] = field(default_factory=list)  # stored, but named (analysis over its deadline)
    hostile_titles: list[str] = field(default_factory=list)  # stored titles that must be shown inert


def _good(c: Corpus, i: int) -> tuple[str, str]:
    title, body = good_page(i)
    c.good_titles.append(title)
    return title, body


def _text(title: str, body: str) -> str:
    return f"{title}\n{body}\n"


def _html(title: str, body: str) -> str:
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return f"<!DOCTYPE html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>{paras}</article></body></html>"


def _bad(c: Corpus, path: Path | str, word: str, record: int | None = None) -> None:
    source = os.fsdecode(path) if isinstance(path, (bytes, Path)) else path
    c.bad.append((f"{source}#{record}" if record else source, word))


def write_corpus(folder: Path, *, slow: bool = True) -> Corpus:
    """The small hostile corpus (a few MB at most) in ``folder``; ``slow`` adds a page of thousands of
    paragraphs (stored) and one that only the per-page deadline stops (it costs one deadline of run time)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    c = Corpus(folder, paths=[str(folder)])
    n = 0

    def nxt() -> tuple[str, str]:
        nonlocal n
        n += 1
        return _good(c, n - 1)

    # -- good pages, plain ------------------------------------------------------------------
    for k in range(3):
        t, b = nxt()
        (folder / f"good{k}.txt").write_text(_text(t, b), encoding="utf-8")
    t, b = nxt()
    (folder / "good.html").write_text(_html(t, b), encoding="utf-8")

    # -- JSON lines: one good record per file among the hostile ones ------------------------
    jl = folder / "records.jsonl"
    t1, b1 = nxt()
    t2, b2 = nxt()
    lines = [
        json.dumps({"title": t1, "text": b1, "url": "https://news.example/a1", "fetched_at": "2024-03-05T10:00:00Z"},
                   ensure_ascii=False),
        "[" * 100_000 + "]" * 100_000,  # 2: RecursionError in json
        '{"text": "نص", "n": ' + "9" * 5000 + "}",  # 3: an integer of 5,000 digits (ValueError)
        json.dumps({"text": b1 + " ١", "fetched_at": ["2024"]}, ensure_ascii=False),  # 4: list
        json.dumps({"text": b1 + " ٢", "fetched_at": {"d": 1}}, ensure_ascii=False),  # 5: object
        '{"text": "\\ud800 نص قصير عن خبر", "url": "https://news.example/\\ud800"}',  # 6: lone surrogates: stored
        json.dumps({"text": b1 + " ٣", "url": "http://[::1"}, ensure_ascii=False),  # 7: bad URL: page kept, URL dropped
        json.dumps({"text": b1 + " ٤", "url": "http://a b.example/x\r\nX: y"}, ensure_ascii=False),  # 8: same
        json.dumps({"text": 12}),  # 9: wrong type
        json.dumps({"title": t2, "html": _html(t2, b2)}, ensure_ascii=False),  # 10: good
        "{" + '"a":' * 50 + "1" + "}" * 50,  # 11: invalid JSON (keys missing)
        '{"text": "خبر", "x": ' + "[" * 40 + "1" + "]" * 40 + "}",  # 12: nested deeper than a page record
    ]
    jl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for rec, word in ((2, "nested"), (3, "invalid"), (4, "fetched_at"), (5, "fetched_at"), (9, "text"),
                      (11, "invalid JSON"), (12, "nested")):
        _bad(c, jl, word, rec)
    c.good_titles.extend([])  # records 6, 7, 8 are stored pages without a title of ours
    (folder / "array.json").write_text("[1, 2", encoding="utf-8")
    _bad(c, folder / "array.json", "invalid JSON")

    # -- file names -------------------------------------------------------------------------
    t, b = nxt()
    raw = os.fsencode(folder) + b"/bad\xff\xfename.txt"
    with open(raw, "wb") as fh:
        fh.write(_text(t, b).encode("utf-8"))
    for name in ("new\nline.txt", "esc\x1b[31mred\x07.txt", "rlo\u202etxt.exe.txt"):
        t, b = nxt()
        (folder / name).write_text(_text(t, b), encoding="utf-8")
    # an unreadable name among bad inputs: a binary file whose name has an escape sequence
    (folder / "bin\x1b]0;owned\x07.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    _bad(c, folder / "bin\x1b]0;owned\x07.txt", "binary")

    # -- special files ------------------------------------------------------------------------
    fifo = folder / "pipe.txt"
    os.mkfifo(fifo)
    _bad(c, fifo, "FIFO")
    sub = folder / "sub"
    sub.mkdir()
    os.mkfifo(sub / "inner_fifo")
    _bad(c, sub / "inner_fifo", "FIFO")

    # -- budgets ---------------------------------------------------------------------------
    many = "<html><body>" + "".join(f"<p>فقرة قصيرة رقم {i}</p>" for i in range(12_000)) + "</body></html>"
    (folder / "many_paragraphs.html").write_text(many, encoding="utf-8")
    _bad(c, folder / "many_paragraphs.html", "paragraphs")
    (folder / "long_line.txt").write_text("عنوان\n" + "كلمة " * 50_000, encoding="utf-8")
    _bad(c, folder / "long_line.txt", "line too long")
    deep = "<html><body>" + "<div>" * 3000 + "<p>نص عميق جدا</p>" + "</div>" * 3000 + "</body></html>"
    (folder / "deep.html").write_text(deep, encoding="utf-8")
    _bad(c, folder / "deep.html", "nested")
    if slow:
        # thousands of paragraphs under the count budget: extraction used to be quadratic in paragraphs (minutes);
        # it is linear now (about 2 s for 9,000), so such a page is simply stored. The deadline on extraction
        # itself is tested in tests/unit/test_decode.py with a stage that sleeps.
        many_x = "<html><body>" + "".join(f"<p>خبر قصير عن موضوع رقم {i} في المدينة</p>" for i in range(3_000)) + "</body></html>"
        (folder / "slow_extract.html").write_text(many_x, encoding="utf-8")
        # twelve sentences of 39,000 words without a stop, each line under the 200,000-character budget: the
        # analysis (about 2 s of recognizer per sentence since session 12, tens of seconds in all) is stopped by
        # the deadline and the article kept degraded (three such lines no longer outlast an 8 s deadline)
        long_lines = "\n".join("كلمة " * 39_000 for _ in range(12))
        (folder / "slow_analysis.txt").write_text("خبر طويل بلا نقاط\n" + long_lines, encoding="utf-8")
        c.degraded.append((str(folder / "slow_analysis.txt"), "analysis"))

    # -- encodings and emptiness -------------------------------------------------------------------
    t, b = nxt()
    t_cp, b_cp = nxt()
    (folder / "mixed.txt").write_bytes(_text(t, b).encode("utf-8") + _text(t_cp, b_cp).encode("cp1256"))
    c.good_titles.remove(t_cp)  # the cp1256 half is the same article's second part, not a page of its own
    (folder / "zero_width.txt").write_text("\u200b\u200c\u200d\ufeff\u2060" * 200 + "\n" + "\u200f" * 50, encoding="utf-8")
    _bad(c, folder / "zero_width.txt", "no visible letters")
    (folder / "nul.txt").write_bytes(b"\x00" * 4000)
    _bad(c, folder / "nul.txt", "empty")
    (folder / "empty.rss").write_bytes(b"")
    _bad(c, folder / "empty.rss", "empty")
    (folder / "empty.warc").write_bytes(b"")
    _bad(c, folder / "empty.warc", "empty")
    (folder / "empty.warc.gz").write_bytes(gzip.compress(b""))
    _bad(c, folder / "empty.warc.gz", "no WARC records")
    (folder / "garbage.warc").write_bytes(b"not a warc\r\n\x00\x01\x02 \x1b[2J")
    _bad(c, folder / "garbage.warc", "WARC")

    # -- WARC -------------------------------------------------------------------------------
    t, b = nxt()
    t_gz, b_gz = nxt()
    _write_warc(folder / "crawl.warc", [
        ("https://news.example/w1", _html(t, b).encode(), []),
        ("javascript:alert(1)", _html(t, b + " ٥").encode(), []),
        ("https://news.example/w3", gzip.compress(_html(t_gz, b_gz).encode()), [("Content-Encoding", "gzip")]),
    ])
    _bad(c, f"{folder / 'crawl.warc'}", "http(s)", 2)
    # a record cut short: written whole, then the file truncated inside its body
    tt, bt = good_page(90)
    _write_warc(folder / "cut.warc", [("https://news.example/c1", _html(tt, bt).encode() * 3, [])])
    data = (folder / "cut.warc").read_bytes()
    (folder / "cut.warc").write_bytes(data[: len(data) - 400])
    _bad(c, folder / "cut.warc", "cut short", 1)
    # the same in a compressed archive: two whole records, then one cut inside its gzip member
    whole = [good_page(60), good_page(61)]
    c.good_titles.extend(t for t, _ in whole)
    _write_warc(folder / "cut.warc.gz", [(f"https://news.example/g{k}", _html(t, b).encode(), []) for k, (t, b) in enumerate(whole)]
                + [("https://news.example/g3", _html(*good_page(62)).encode() * 3, [])], gz=True)
    data = (folder / "cut.warc.gz").read_bytes()
    (folder / "cut.warc.gz").write_bytes(data[: len(data) - 300])
    _bad(c, folder / "cut.warc.gz", "cut short", 3)
    # a gzip bomb: 40 MB of zeros, gzip-encoded inside a record (the cap is 32 MB after decompression)
    bomb = _gzip_zeros(40 << 20)
    _write_warc(folder / "bomb.warc.gz", [("https://news.example/bomb", bomb, [("Content-Encoding", "gzip")])], gz=True)
    _bad(c, folder / "bomb.warc.gz", "too large", 1)

    # -- found by a held-out corpus (see tests/integration/test_hostile_heldout_classes.py) -------------------
    # a record whose Content-Length is too short: named, not stored; the record after it is read again
    t1, b1 = nxt()
    t3, b3 = nxt()
    bad_body = _html(*good_page(91)).encode()
    _write_warc(folder / "lengths.warc", [("https://news.example/l1", _html(t1, b1).encode(), [])])
    with open(folder / "lengths.warc", "ab") as fh:
        payload = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + bad_body
        fh.write(b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.example/l2\r\n"
                 b"WARC-Record-ID: <urn:uuid:12345678-1234-1234-1234-123456789012>\r\n"
                 b"Content-Length: %d\r\n\r\n" % (len(payload) // 2) + payload + b"\r\n\r\n")
    with open(folder / "lengths.warc", "ab") as fh:
        _write_warc_to(fh, [("https://news.example/l3", _html(t3, b3).encode(), [])])
    _bad(c, folder / "lengths.warc", "Content-Length", 2)
    # JSON lines glued from files with a byte-order mark each; one pretty-printed object in a .json file
    t1, b1 = nxt()
    t2, b2 = nxt()
    (folder / "glued.jsonl").write_bytes(b"".join(b"\xef\xbb\xbf" + json.dumps({"title": t, "text": b}, ensure_ascii=False).encode()
                                                  + b"\r\n" for t, b in ((t1, b1), (t2, b2))))
    t, b = nxt()
    (folder / "pretty.json").write_text(json.dumps({"title": t, "text": b}, ensure_ascii=False, indent=2), encoding="utf-8")
    # an article inside a page whose one tag holds 20,000 attributes (libxml2 is quadratic in them, in C)
    t, b = nxt()
    attrs = " ".join(f'a{i}="v"' for i in range(20_000))
    (folder / "attributes.html").write_text(_html(t, b).replace("<body>", f"<body><div {attrs}></div>"), encoding="utf-8")
    # cp1256 text with a NUL byte before every space
    t, b = nxt()
    (folder / "nul_cp1256.txt").write_bytes(_text(t, b).encode("cp1256").replace(b" ", b"\x00 "))

    # -- hostile titles: stored, and shown inert everywhere ------------------------------------------
    hostile = [
        "[/bold] عنوان فيه [red]وسم[/red] [link=https://evil.example]رابط[/link]",
        "عنوان فيه \x1b[2J\x1b]0;owned\x07 تسلسل هروب",
        "عنوان \u202eمعكوس\u202c <script>alert(1)</script> <img src=x onerror=alert(2)>",
    ]
    for k, title in enumerate(hostile):
        _, b = good_page(40 + k)
        (folder / f"hostile{k}.txt").write_text(_text(title, b), encoding="utf-8")
        c.hostile_titles.append(title)
    return c


def _gzip_zeros(size: int) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\x00" * (1 << 20)
    out = io.BytesIO()
    for _ in range(size >> 20):
        out.write(comp.compress(chunk))
    out.write(comp.flush())
    return out.getvalue()


def _write_warc(path: Path, records: list[tuple[str, bytes, list[tuple[str, str]]]], gz: bool = False) -> None:
    with open(path, "wb") as fh:
        _write_warc_to(fh, records, gz)


def _write_warc_to(fh, records: list[tuple[str, bytes, list[tuple[str, str]]]], gz: bool = False) -> None:  # noqa: ANN001
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    writer = WARCWriter(fh, gzip=gz)
    for url, body, extra in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"), *extra],
                                   protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                      http_headers=headers, length=len(body)))


def write_big(folder: Path) -> dict[str, Path]:
    """The big files of the bench: a 200 MB text file, a 700 MB gzip bomb in a WARC, a 300,000-paragraph page,
    a 1.5 MB single line, a feed of 100,000 entries, a tag of 100,000 attributes, a 40 MB WARC header line."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    p = folder / "big_200mb.txt"
    line = ("أعلنت الحكومة خطة جديدة لدعم المزارعين في المناطق المتضررة من الجفاف. " * 20 + "\n").encode()
    with open(p, "wb") as fh:
        written = 0
        while written < 200 << 20:
            fh.write(line * 100)
            written += len(line) * 100
    out["text_200mb"] = p
    p = folder / "bomb_700mb.warc.gz"
    _write_warc(p, [("https://news.example/bomb", _gzip_zeros(700 << 20), [("Content-Encoding", "gzip")])], gz=True)
    out["gzip_bomb"] = p
    p = folder / "paragraphs_300k.html"
    # short paragraphs (about 12 characters each), so the page is within the 5 M character cap and reaches the
    # paragraph budget
    p.write_text("<html><body>" + "".join(f"<p>ف{i}</p>" for i in range(300_000)) + "</body></html>", encoding="utf-8")
    out["paragraphs_300k"] = p
    p = folder / "one_line_1_5mb.txt"
    p.write_text("عنوان\n" + "كلمة " * 150_000, encoding="utf-8")
    out["one_line_1_5mb"] = p
    # found by a held-out corpus: a feed of 100,000 entries (feedparser: minutes and 600 MB before the entry cap),
    # a page whose one tag holds 100,000 attributes (libxml2: minutes, in C), a WARC "header" line of 40 MB
    # (warcio grew it 16 KB at a time: minutes)
    p = folder / "feed_100k_items.rss"
    items = "".join(f"<item><title>خبر رقم {i}</title><link>https://news.example/i{i}</link>"
                    f"<description>&lt;p&gt;نص قصير عن الخبر رقم {i}&lt;/p&gt;</description></item>" for i in range(100_000))
    p.write_text(f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>',
                 encoding="utf-8")
    out["feed_100k_items"] = p
    p = folder / "attributes_100k.html"
    title, body = good_page(0)
    attrs = " ".join(f'a{i}="v"' for i in range(100_000))
    p.write_text(_html(title, body).replace("<body>", f"<body><div {attrs}></div>"), encoding="utf-8")
    out["attributes_100k"] = p
    p = folder / "header_line_40mb.warc"
    p.write_bytes(b"WARC/1.0\r\nX: " + b"a" * (40 << 20) + b"\r\n\r\n")
    out["warc_header_line_40mb"] = p
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--big", action="store_true", help="also the big files of the bench (about 1 GB of disk)")
    args = ap.parse_args()
    corpus = write_corpus(args.out)
    print(f"{len(corpus.good_titles)} good pages, {len(corpus.bad)} bad inputs in {args.out}")
    if args.big:
        for name, path in write_big(args.out / "big").items():
            print(f"{name}: {path} ({path.stat().st_size / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
