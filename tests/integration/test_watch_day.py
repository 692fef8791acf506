"""A simulated day: five outlets publish 300 pages over 24 hours; which alerts fire, when, and each once.

Time is a `FakeClock` that the watcher and the five local feeds share: a feed lists
the items published by the clock's time, so the watcher's own polling loop
(`Watcher.run`) moves the day forward.  The background is SaudiNewsNet: each source
carries one SaudiNewsNet outlet's articles of its own day (days three or more
apart, so no background story spans two sources), cut to their first paragraphs to
keep the analysis of 300 pages near a minute.  Planted on top (text written here):
a refinery fire that five outlets report within 90 minutes, the governor quoted
later, and a death toll that conflicts with the first reports at 18:00.  One
source stops publishing at 14:00 (it goes quiet); another's feed fails from
20:00 to 21:30.  The webhook receiver fails its first request.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
from datetime import UTC, datetime, timedelta
from html import escape

import pytest

from marsad.store.db import Store
from marsad.watch.clock import FakeClock, parse_iso
from marsad.watch.config import config_from_dict
from marsad.watch.log import EventLog
from marsad.watch.runner import Watcher
from tests.conftest import saudinewsnet
from tests.integration.test_watch_fetch import LocalSite, Resp

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DAY = datetime(2015, 7, 21, tzinfo=UTC)
# source -> (kind, outlet, the SaudiNewsNet outlet and day of its background, background pages, stop hour)
SOURCES = {
    "alwatan": ("feed", "الوطن", "alwatan", "2015-07-24", 62, 24),
    "okaz": ("atom", "عكاظ", "okaz", "2015-07-27", 62, 24),
    "sabq": ("sitemap", "سبق", "sabq", "2015-07-31", 62, 24),
    "alriyadh": ("feed", "الرياض", "alriyadh", "2015-08-03", 62, 24),
    "almadina": ("feed", "المدينة", "almadina", "2015-08-06", 45, 14),  # goes quiet at 14:00
}
FAILING = ("alriyadh", 20 * 60, 21 * 60 + 30)  # its feed answers 500 between these minutes of the day
# the planted story: (source, minute of the day, title, paragraphs)
PLANTED = [
    ("alwatan", 10 * 60 + 5, "حريق ضخم في مصفاة بمدينة ينبع الصناعية ومقتل أربعة عمال",
     ["اندلع حريق ضخم صباح اليوم الثلاثاء في خزان للوقود داخل مصفاة بمدينة ينبع الصناعية غرب المملكة، ما أدى إلى مقتل 4 عمال وإصابة 11 آخرين، بحسب الدفاع المدني.",
      "وهرعت فرق الإطفاء إلى موقع الحريق في المصفاة، وأخلت السلطات المنطقة المحيطة بخزانات الوقود تحسبا لامتداد النيران."]),
    ("okaz", 10 * 60 + 20, "مقتل 4 عمال في حريق خزان وقود بمصفاة ينبع",
     ["لقي 4 عمال حتفهم وأصيب 11 آخرون في حريق اندلع اليوم الثلاثاء في خزان وقود بمصفاة في مدينة ينبع الصناعية.",
      "وأوضح الدفاع المدني أن فرق الإطفاء تعمل على السيطرة على النيران في خزان الوقود بالمصفاة، وأن المصابين نقلوا إلى مستشفى ينبع العام."]),
    ("sabq", 10 * 60 + 35, "الدفاع المدني: السيطرة على حريق مصفاة ينبع بعد مقتل 4 عمال",
     ["أعلن الدفاع المدني السيطرة على حريق خزان الوقود في مصفاة مدينة ينبع الصناعية الذي أسفر عن مقتل 4 عمال وإصابة 11.",
      "وقال المتحدث باسم الدفاع المدني العقيد سعيد سرحان إن \"فرق الإطفاء تمكنت من محاصرة النيران في خزان الوقود ومنع امتدادها إلى الخزانات المجاورة\"."]),
    ("alriyadh", 11 * 60, "حريق مصفاة ينبع: 4 قتلى و11 مصابا",
     ["قتل 4 عمال وأصيب 11 في حريق ضخم اندلع في خزان للوقود بمصفاة في مدينة ينبع الصناعية صباح اليوم الثلاثاء.",
      "وتواصل فرق الدفاع المدني تبريد خزان الوقود في المصفاة بعد إخماد الحريق، فيما فتحت السلطات تحقيقا في أسبابه."]),
    ("almadina", 11 * 60 + 30, "تحقيق في أسباب حريق مصفاة ينبع الذي أودى بحياة 4 عمال",
     ["فتحت السلطات تحقيقا في أسباب الحريق الذي اندلع في خزان وقود بمصفاة في مدينة ينبع الصناعية وأدى إلى مقتل 4 عمال.",
      "وذكر الدفاع المدني أن فرق الإطفاء أخمدت الحريق في خزان الوقود بالمصفاة بعد ساعات من اندلاعه."]),
    ("alwatan", 14 * 60, "أمير المدينة المنورة يوجه بالتحقيق في حريق مصفاة ينبع",
     ["وجه أمير منطقة المدينة المنورة الأمير فيصل بن سلمان بالتحقيق في حريق خزان الوقود بمصفاة مدينة ينبع الصناعية الذي أودى بحياة 4 عمال.",
      "وقال الأمير فيصل بن سلمان إن \"سلامة العاملين في المصفاة أولوية، وسنحاسب كل من يثبت تقصيره في حادث حريق خزان الوقود\"."]),
    ("sabq", 18 * 60, "ارتفاع عدد قتلى حريق مصفاة ينبع",
     ["ذكر مصدر طبي أن حريق خزان الوقود بمصفاة مدينة ينبع الصناعية أسفر عن مقتل 9 عمال، بعد وفاة مصابين في مستشفى ينبع العام.",
      "وكان الدفاع المدني قد أعلن السيطرة على حريق المصفاة صباح اليوم الثلاثاء بعد أن امتدت النيران إلى خزان للوقود."]),
]
EXCLUDE = ("ينبع", "مصفاة", "فيصل بن سلمان", "المريخ")  # background pages must not touch the planted story's terms


def page_html(title: str, paragraphs: list[str], published: str) -> bytes:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (f'<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<meta property="article:published_time" content="{published}"></head>'
            f"<body><article><h1>{escape(title)}</h1>{body}</article></body></html>").encode()


class Outlet:
    """One source's publications (path -> minute of the day) and its feed, in its kind."""

    def __init__(self, name: str, kind: str) -> None:
        self.name, self.kind = name, kind
        self.items: list[tuple[int, str, str]] = []  # (minute, path, title)

    def feed(self, site: LocalSite, clock: FakeClock, hit) -> Resp:
        minute = (clock.now() - DAY).total_seconds() / 60
        if self.name == FAILING[0] and FAILING[1] <= minute < FAILING[2]:
            return Resp(500, b"down")
        live = sorted((m, p, t) for m, p, t in self.items if m <= minute)[::-1][:100]
        etag = '"' + hashlib.sha1(repr(live).encode()).hexdigest()[:12] + '"'
        if hit.headers.get("if-none-match") == etag:
            return Resp(304, headers={"ETag": etag})
        stamp = [(site.url(p), escape(t), (DAY + timedelta(minutes=m)).strftime("%Y-%m-%dT%H:%M:%SZ")) for m, p, t in live]
        if self.kind == "atom":
            body = "".join(f"<entry><title>{t}</title><link href=\"{u}\"/><id>{u}</id><updated>{d}</updated></entry>"
                           for u, t, d in stamp)
            xml, ctype = f'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>{body}</feed>', "application/atom+xml"
        elif self.kind == "sitemap":
            body = "".join(f"<url><loc>{u}</loc><news:news><news:title>{t}</news:title>"
                           f"<news:publication_date>{d}</news:publication_date></news:news></url>" for u, t, d in stamp)
            xml = ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                   f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{body}</urlset>')
            ctype = "application/xml"
        else:
            body = "".join(f"<item><title>{t}</title><link>{u}</link><pubDate>{d}</pubDate></item>" for u, t, d in stamp)
            xml, ctype = f'<rss version="2.0"><channel><title>x</title>{body}</channel></rss>', "application/rss+xml"
        return Resp(200, ('<?xml version="1.0" encoding="utf-8"?>' + xml).encode(), {"Content-Type": ctype, "ETag": etag})


@pytest.fixture(scope="module")
def background() -> dict[str, list[dict]]:
    out = {}
    for name, (_, _, sn_outlet, day, n, _) in SOURCES.items():
        seen: set[str] = set()
        recs = []
        for r in saudinewsnet(days=[day]):
            key = r["content"][:300]
            if (r["source"] == sn_outlet and len(r["content"]) > 400 and key not in seen
                    and not any(x in r["content"] + r["title"] for x in EXCLUDE)):
                seen.add(key)
                recs.append(r)
        if len(recs) < n:
            pytest.skip(f"SaudiNewsNet has {len(recs)} usable {sn_outlet} articles on {day}, {n} needed")
        out[name] = recs[:n]
    return out


def test_a_simulated_day(tmp_path, background):
    site = LocalSite()
    clock = FakeClock(DAY)
    rng = random.Random(15)
    outlets = {name: Outlet(name, spec[0]) for name, spec in SOURCES.items()}
    for name, recs in background.items():
        stop = SOURCES[name][5] * 60
        minutes = sorted(rng.randrange(0, stop) for _ in recs)
        for i, (m, rec) in enumerate(zip(minutes, recs, strict=True)):
            path = f"/{name}/bg/{i}"
            paras = [p for p in rec["content"].split("\n") if p.strip()][:3]
            site.set(path, Resp(200, page_html(rec["title"], paras, rec["date_extracted"][:10]),
                                {"Content-Type": "text/html; charset=utf-8"}))
            outlets[name].items.append((m, path, rec["title"]))
    planted_paths = []
    for i, (name, m, title, paras) in enumerate(PLANTED):
        path = f"/{name}/news/{i}"
        planted_paths.append(path)
        site.set(path, Resp(200, page_html(title, paras, "2015-07-21"), {"Content-Type": "text/html; charset=utf-8"}))
        outlets[name].items.append((m, path, title))
    total = sum(len(o.items) for o in outlets.values())
    assert total == 300
    for name, o in outlets.items():
        site.set(f"/{name}/feed", lambda hit, o=o: o.feed(site, clock, hit))
    accepted: list[int] = []

    def hook(hit):
        if not any(h.method == "POST" for h in site.hits[:-1]):
            return Resp(500, b"not now")  # the receiver's first answer is a failure
        accepted.append(json.loads(hit.body)["id"])
        return Resp(200, b"ok")

    site.set("/hook", hook)
    raw = {
        "source": [{"name": n, "kind": "sitemap" if s[0] == "sitemap" else "feed", "outlet": s[1],
                    "url": site.url(f"/{n}/feed"), "interval": "10m"} for n, s in SOURCES.items()],
        "fetch": {"per_host_delay": 0, "retries": 1, "backoff": 2, "read_timeout": 5, "deadline": 10, "workers": 4},
        "alerts": {"breaking_outlets": 3, "breaking_hours": 6, "failing_after": 3, "quiet_ratio": 0.25,
                   "quiet_window": "6h", "quiet_baseline": "7d"},
        "watchlist": [
            {"name": "breaking", "events": ["breaking"]},  # every story, only when it breaks
            # the governor spelled as the story does not spell him (ابن / بن)
            {"name": "ينبع", "entities": ["فيصل ابن سلمان"], "keywords": ["مصفاة ينبع"],
             "events": ["match", "conflict", "quoted"]},
            {"name": "elsewhere", "outlets": ["الجزيرة"], "keywords": ["زلزال المريخ"]},  # follows nothing here
        ],
        "webhook": {"url": site.url("/hook"), "retries": 3},
    }
    store = Store(tmp_path / "day.db")
    log = EventLog(clock, io.StringIO(), keep=True)
    watcher = Watcher(config_from_dict(raw, "day.toml"), store, clock=clock, log=log, seed=15)
    try:
        # the day, and one more poll interval for what was published in its last minutes
        watcher.run(until=DAY + timedelta(hours=24, minutes=11))
        ws = watcher.wstore

        # nothing lost: every page published was fetched once and stored, and is in a story
        not_stored = {u: st for u, (st, _, _) in ws.urls().items() if st != "stored"}
        assert not not_stored and len(ws.urls()) == 300
        assert store.count("articles") == 300 and store.count("pending") == 0
        page_hits = [h.path for h in site.hits if h.method == "GET" and "/feed" not in h.path and h.path != "/robots.txt"]
        assert len(page_hits) == 300 and len(set(page_hits)) == 300
        planted_ids = {pid for (pid,) in store.conn.execute(
            f"SELECT page_id FROM watch_pages WHERE url IN ({','.join('?' * len(PLANTED))})", [site.url(p) for p in planted_paths])}
        story_ids = {store.story_of(p) for p in planted_ids}
        assert len(story_ids) == 1
        sid = story_ids.pop()

        alerts = sorted(ws.alerts(limit=1000), key=lambda a: a.id)
        fired = {(a.kind, a.watchlist, a.story_id or a.source) for a in alerts}
        assert fired == {
            ("breaking", "breaking", sid),
            ("match", "ينبع", sid),
            ("quoted", "ينبع", sid),
            ("conflict", "ينبع", sid),
            ("source-failing", None, "alriyadh"),
            ("source-quiet", None, "almadina"),
        }, [a.title for a in alerts]
        assert len(alerts) == 6  # each once

        def at(kind: str) -> float:  # minutes into the day when the alert was raised
            a = next(a for a in alerts if a.kind == kind)
            return (parse_iso(a.created_at) - DAY).total_seconds() / 60

        # the first report at 10:05 matches; the third outlet (10:35) makes it breaking; the governor (14:00) is
        # quoted; the toll of 9 (18:00) conflicts with the 4 of the first reports: each within one poll interval
        assert 10 * 60 + 5 <= at("match") <= 10 * 60 + 16
        assert 10 * 60 + 35 <= at("breaking") <= 10 * 60 + 46
        assert 14 * 60 <= at("quoted") <= 14 * 60 + 11
        assert 18 * 60 <= at("conflict") <= 18 * 60 + 11
        # the failing feed alerts at its third failed poll; the quiet source once its last six hours fall below
        # a quarter of its own rate (about 3.2 pages an hour before it stopped)
        assert 20 * 60 + 20 <= at("source-failing") <= 20 * 60 + 32
        assert 14 * 60 < at("source-quiet") < 24 * 60
        breaking = next(a for a in alerts if a.kind == "breaking")
        assert set(json.loads(breaking.detail)["outlets"]) == {"الوطن", "عكاظ", "سبق"}
        quoted = next(a for a in alerts if a.kind == "quoted")
        assert json.loads(quoted.detail)["speaker"].endswith("فيصل بن سلمان")
        conflict = json.loads(next(a for a in alerts if a.kind == "conflict").detail)
        assert conflict["about"] == "killed" and {c["value"] for c in conflict["claims"]} == {4.0, 9.0}

        # the webhook got every alert once, though its first answer was a failure
        posts = [json.loads(h.body)["id"] for h in site.hits if h.method == "POST"]
        assert sorted(accepted) == [a.id for a in alerts]
        assert posts[0] == posts[1] == alerts[0].id and len(posts) == len(alerts) + 1
        assert all(a.delivered_at for a in ws.alerts(limit=1000))
        # the feeds were asked conditionally: most polls of a quiet hour are answered 304
        polls = log.of("poll")
        assert sum(p["outcome"] == "not-modified" for p in polls) > len(polls) / 4
        failed_polls = [p for p in log.of("poll-failed") if p["source"] == "alriyadh"]
        assert len(failed_polls) == 9 and all(p["attempts"] == 2 for p in failed_polls)
    finally:
        watcher.close()
        store.close()
        site.close()
