"""The sources file, feed parsing, the Atom feed of alerts and the web route that serves it."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.watch.config import ConfigError, config_from_dict, load_config, parse_duration
from marsad.watch.feeds import FeedError, parse_feed, parse_sitemap, parse_url_list

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
SRC = {"url": "https://example.org/rss", "outlet": "الرياض"}


def test_example_sources_file_loads():
    c = load_config(ROOT / "examples" / "sources.toml")
    assert [s.kind for s in c.sources] == ["feed", "sitemap", "urls"]
    assert c.sources[0].interval == 600 and c.sources[1].interval == 900 and c.sources[2].urls
    assert c.fetch.per_host_concurrency == 2 and c.alerts.quiet_window == 6 * 3600
    assert c.watchlists[0].entities == ("قره باغ", "إلهام علييف") and c.watchlists[1].follows_everything


@pytest.mark.parametrize("value,seconds", [(600, 600), ("90s", 90), ("10m", 600), ("2h", 7200), ("1d", 86400), ("1.5h", 5400)])
def test_durations(value, seconds):
    assert parse_duration(value, "x") == seconds


@pytest.mark.parametrize("raw,message", [
    ({}, "no [[source]] entries"),
    ({"source": [{"outlet": "x"}]}, "source #1: url: missing"),
    ({"source": [{**SRC, "url": "ftp://x/y"}]}, "not an http(s) URL"),
    ({"source": [{**SRC, "kind": "podcast"}]}, "kind: expected one of feed, sitemap, urls"),
    ({"source": [{**SRC, "interval": "soon"}]}, "interval: expected a duration"),
    ({"source": [{**SRC, "interval": 0}]}, "interval: must be more than zero"),
    ({"source": [{"url": "https://e.org/rss"}]}, "outlet: missing"),
    ({"source": [{**SRC, "name": "a"}, {**SRC, "name": "a"}]}, "source #2 (a): name: 'a' is used by another source"),
    ({"source": [{**SRC, "urls": ["https://e.org/1"]}]}, "an inline list needs kind = \"urls\""),
    ({"source": [{**SRC, "colour": "red"}]}, "unknown key 'colour'"),
    ({"source": [SRC], "fetch": {"retries": -1}}, "[fetch].retries: expected a whole number"),
    ({"source": [SRC], "fetch": {"per_host_concurrency": 0}}, "must be at least 1"),
    ({"source": [SRC], "alerts": {"breaking_outlets": 1}}, "breaking_outlets: must be at least 2"),
    ({"source": [SRC], "watchlist": [{"name": "w", "events": ["rumour"]}]}, "unknown event 'rumour'"),
    ({"source": [SRC], "watchlist": [{"entities": ["x"]}]}, "watchlist #1: name: missing"),
    ({"source": [SRC], "watchlist": [{"name": "w", "entities": "علييف"}]}, None),  # a bare string is a list of one
    ({"source": [SRC], "webhook": {"url": "not a url"}}, "[webhook].url: not an http(s) URL"),
    ({"source": [SRC], "webhook": {"url": "https://h.org/x", "headers": {"A": 1}}}, "headers: expected a table of strings"),
])
def test_config_errors_name_the_entry_and_key(raw, message):
    if message is None:
        assert config_from_dict(raw, "s.toml").watchlists[0].entities == ("علييف",)
        return
    with pytest.raises(ConfigError) as err:
        config_from_dict(raw, "s.toml")
    assert str(err.value).startswith("s.toml: ") and message in str(err.value) and "\n" not in str(err.value)


def test_unreadable_files(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[source]\nurl = ", encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.toml: not valid TOML"):
        load_config(bad)


RSS = b"""<?xml version="1.0" encoding="windows-1256"?><rss version="2.0"><channel><title>t</title>
<item><title>\xc3\xe6\xe1</title><link>/a/1</link><pubDate>Tue, 21 Jul 2015 08:00:00 GMT</pubDate></item>
<item><title>b</title><link>https://e.org/a/2</link><pubDate>Tue, 21 Jul 2015 09:00:00 GMT</pubDate></item>
<item><title>dup</title><link>https://e.org/a/2</link></item>
<item><title>no link</title></item></channel></rss>"""


def test_rss_items_resolved_stamped_and_deduplicated():
    p = parse_feed(RSS, "https://e.org/rss")
    assert [i.url for i in p.items] == ["https://e.org/a/1", "https://e.org/a/2"]
    assert p.items[0].title == "أول" and p.items[0].stamp == "2015-07-21T08:00:00Z"


def test_atom_updated_is_the_stamp():
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><entry><title>a</title>
    <link href="https://e.org/1"/><id>u1</id><published>2015-07-21T08:00:00Z</published>
    <updated>2015-07-21T10:00:00Z</updated></entry></feed>"""
    (item,) = parse_feed(atom, "https://e.org/").items
    assert item.published == "2015-07-21T08:00:00Z" and item.stamp == "2015-07-21T10:00:00Z"


@pytest.mark.parametrize("body", [b"", b"<html><body>not a feed</body></html>", b"<?xml version='1.0'?><rss><channel><item><title>x</tit"])
def test_unreadable_feeds_raise(body):
    with pytest.raises(FeedError):
        parse_feed(body, "https://e.org/rss")


def test_news_sitemap_and_index():
    sm = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
    xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
    <url><loc>https://e.org/n/1</loc><news:news><news:title>\xd8\xae\xd8\xa8\xd8\xb1</news:title>
    <news:publication_date>2015-07-21T08:00:00Z</news:publication_date></news:news></url>
    <url><loc>https://e.org/n/2</loc><lastmod>2015-07-21T09:30:00Z</lastmod></url></urlset>"""
    p = parse_sitemap(sm, "https://e.org/sitemap.xml")
    assert [(i.url, i.title, i.stamp) for i in p.items] == [
        ("https://e.org/n/1", "خبر", "2015-07-21T08:00:00Z"), ("https://e.org/n/2", None, "2015-07-21T09:30:00Z")]
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>/s1.xml</loc></sitemap>
    </sitemapindex>"""
    assert parse_sitemap(index, "https://e.org/i.xml").children == ("https://e.org/s1.xml",)
    truncated = sm[: sm.index(b"<url><loc>https://e.org/n/2")] + b"<url><loc>https://e.o"
    part = parse_sitemap(truncated, "https://e.org/sitemap.xml")
    assert [i.url for i in part.items] == ["https://e.org/n/1"] and "malformed" in part.warning
    with pytest.raises(FeedError, match="not a sitemap"):
        parse_sitemap(b"<rss/>", "https://e.org/")
    with pytest.raises(FeedError):
        parse_sitemap(b"\x00\x01", "https://e.org/")


def test_url_lists():
    p = parse_url_list(b"# comment\nhttps://e.org/1\n\nhttps://e.org/1\nrelative/path\nhttp://e.org/2 extra\n", "https://e.org/l")
    assert [i.url for i in p.items] == ["https://e.org/1", "http://e.org/2"] and p.warning == "1 lines are not URLs"
    with pytest.raises(FeedError):
        parse_url_list(b"nothing here\n", "https://e.org/l")
