"""The static HTML report: index of storylines and stories, one page per story, one per article.

Right-to-left, an Arabic font stack from the reader's own machine, no external
requests (no CDN, no web fonts, no scripts from elsewhere), readable on a phone.
Every string that came from a scraped page goes through Jinja2's autoescaping;
the only markup built here is the timeline SVG, whose text is escaped by hand.

Each summary sentence and each claim links to ``article-ID.html#s-OFFSET``, the
sentence it came from, which the article page highlights (CSS ``:target``).
"""

from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from marsad.analyze.timeline import clip, period_start
from marsad.arabic.lexicons import table
from marsad.arabic.tokenize import split_sentences
from marsad.extract.outlets import UNKNOWN_LABEL
from marsad.model import Article, Claim, Story
from marsad.report.export import write_atomic
from marsad.report.facts import fact_label
from marsad.report.story import outlet_display
from marsad.store.db import Store
from marsad.textsafe import for_html

UNKNOWN_SPEAKER = "متحدث غير معروف"  # a quote whose speaker the text does not name
STATUS_LABEL = {"agree": "متفق", "conflict": "متعارض", "single-source": "مصدر واحد"}
QUALIFIER_LABEL = {"about": "نحو", "more-than": "أكثر من", "at-least": "على الأقل", "less-than": "أقل من",
                   "at-most": "على الأكثر", "vague": "تقديري", "none": "نفي"}


def _env() -> Environment:
    # finalize: every value a template prints loses its bidi embedding/override/isolate characters (scraped text
    # could otherwise display in a misleading order); the templates isolate scraped text with dir="auto"/<bdi>
    return Environment(loader=PackageLoader("marsad.report", "templates"),
                       autoescape=select_autoescape(["html"], default=True), trim_blocks=True, lstrip_blocks=True,
                       finalize=_no_bidi_controls)


def _no_bidi_controls(value: object) -> object:
    return for_html(value) if isinstance(value, str) else value


def _category_labels() -> dict[str, str]:
    return {row[0]: row[1] for row in table("categories.tsv", "marsad.report.data")}


def _fact_label(about: str, labels: dict[str, str]) -> str:
    return fact_label(about)  # Arabic throughout: measure, unit and scope ("(approximate)" -> "(تقديري)")


class _Anchors:
    """Maps character offsets of an article's text to the start of their sentence."""

    def __init__(self, article: Article) -> None:
        self.starts = [s.start for s in split_sentences(article.text)]

    def of(self, offset: int) -> int:
        best = 0
        for s in self.starts:
            if s <= offset:
                best = s
            else:
                break
        return best


def write_site(store: Store, out_dir: str | Path) -> Path:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    env = _env()
    labels = _category_labels()
    articles = {a.id: a for a in store.articles()}
    assignments = store.assignments()
    anchors = {aid: _Anchors(a) for aid, a in articles.items()}
    stories = store.stories()
    story_by_id = {s.id: s for s in stories}
    lines = store.storylines()
    line_by_id = {ln.id: ln for ln in lines}

    def href(aid: str, offset: int) -> str:
        return f"article-{aid}.html#s-{anchors[aid].of(offset)}" if aid in anchors else f"article-{aid}.html"

    for s in stories:
        page = env.get_template("story.html").render(
            story=s, line=line_by_id.get(s.storyline_id or ""),
            summary=[{"text": x.text, "sources": [
                {"href": href(*_split_anchor(anchor)), "label": outlet_display(articles[_split_anchor(anchor)[0]]),
                 "title": articles[_split_anchor(anchor)[0]].title or ""}
                for anchor in x.anchors if _split_anchor(anchor)[0] in articles]} for x in s.summary],
            facts=[{"label": _fact_label(g.about, labels), "status": g.status, "status_label": STATUS_LABEL[g.status],
                    "claims": [_claim_view(c, articles, href) for c in g.claims]} for g in s.facts],
            timeline=[{"date": t.date, "text": t.text, "granularity": t.granularity, "anchor": t.anchor,
                       "background": t.background, "sources": [
                {"href": f"article-{aid}.html", "label": outlet_display(articles[aid])} for aid in t.article_ids if aid in articles]}
                for t in s.timeline],
            timeline_svg=timeline_svg(s),
            articles=[{"id": aid, "label": outlet_display(articles[aid]), "title": articles[aid].title,
                       "published": articles[aid].published, "published_how": articles[aid].published_how,
                       "duplicate_of": assignments.get(aid, (None, None))[1]} for aid in s.article_ids if aid in articles],
            entities=s.entities[:40],
            quotes=_quotes_by_speaker(s, articles, href),
        )
        write_atomic(out / f"story-{s.id}.html", page)
    for aid, a in articles.items():
        sid = assignments.get(aid, (None, None))[0]
        page = env.get_template("article.html").render(
            article=a, label=outlet_display(a), story=story_by_id.get(sid or ""), paragraphs=_paragraph_sentences(a),
        )
        write_atomic(out / f"article-{aid}.html", page)
    line_views = []
    for ln in lines:
        members = [story_by_id[i] for i in ln.story_ids if i in story_by_id]
        members.sort(key=lambda s: (s.date or "", s.id), reverse=True)
        newest = max((s.date or "" for s in members), default="")
        line_views.append({"id": ln.id, "title": ln.title, "stories": members, "newest": newest,
                           "conflicts": [{"label": _fact_label(g.about, labels)} for g in ln.facts if g.status == "conflict"]})
    line_views.sort(key=lambda v: (v["newest"], v["id"]), reverse=True)
    index = env.get_template("index.html").render(lines=line_views, stories=stories, n_articles=len(articles))
    path = out / "index.html"
    write_atomic(path, index)
    return path


def _split_anchor(anchor: str) -> tuple[str, int]:
    aid, _, off = anchor.rpartition(":")
    return aid, int(off or 0)


def _claim_view(c: Claim, articles: dict[str, Article], href) -> dict:
    return {"number": c.number_text or (f"{c.value:g}" if c.value is not None else "?"),
            "qualifier": QUALIFIER_LABEL.get(c.qualifier or "", c.qualifier),
            "attributed_to": c.attributed_to,
            "outlet": outlet_display(articles[c.article_id]) if c.article_id in articles else UNKNOWN_LABEL,
            "href": href(c.article_id, c.start)}


def _quotes_by_speaker(s: Story, articles: dict[str, Article], href) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for q in s.quotes:
        groups[q.speaker or UNKNOWN_SPEAKER].append({"text": q.text, "href": href(q.article_id, q.start),
                                          "outlet": outlet_display(articles[q.article_id]) if q.article_id in articles else ""})
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def _paragraph_sentences(a: Article) -> list[list[dict]]:
    """Paragraphs as runs of sentences, each anchored by its offset in `Article.text`."""
    out = []
    offset = 0
    for para in a.paragraphs:
        items = []
        pos = 0
        for s in split_sentences(para):
            if s.start > pos:
                items.append({"text": para[pos:s.start], "anchor": None})
            items.append({"text": s.text, "anchor": offset + s.start})
            pos = s.end
        if pos < len(para):
            items.append({"text": para[pos:], "anchor": None})
        out.append(items)
        offset += len(para) + 2
    return out


def timeline_svg(story: Story, width: int = 760, height: int = 120) -> str:
    """An inline SVG timeline (right to left, like the text) of the story's own dates.

    Only entries of the story's own days go on the scaled axis, so that one old year cannot
    squeeze the rest; background entries (history, far plans, whole years) sit in short strips
    at either end, in date order but not to scale, cut off from the axis by a break mark.
    """
    own, before, after = [], [], []
    for t in story.timeline:
        start = period_start(t.date)
        if start is not None:
            (own if not t.background else before).append((start, t))
    if own:
        lo, hi = min(d for d, _ in own), max(d for d, _ in own)
        after = [(d, t) for d, t in before if d > hi]
        before = [(d, t) for d, t in before if d <= hi]
    if not own and not before:
        return ""
    pad, strip = 40, 110
    left = pad + (strip if after else 0)  # later dates are on the left
    right = width - pad - (strip if before else 0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-label="timeline">']
    if own:
        parts.append(f'<line x1="{left}" y1="60" x2="{right}" y2="60" stroke="#8aa" stroke-width="2"/>')
        span = max(1, (hi - lo).days)
        labelled: dict[str, int] = {}
        for d, t in own:
            x = right - (d - lo).days / span * (right - left) if hi > lo else (left + right) / 2
            parts.append(_dot(x, t, "#0b5fa5"))
            if t.date not in labelled:
                labelled[t.date] = len(labelled)
                y = 30 if len(labelled) % 2 else 95
                parts.append(f'<text x="{x:.1f}" y="{y}" font-size="11" text-anchor="middle" fill="#334">{html.escape(t.date)}</text>')
    for group, x0, x1, mark in ((before, width - pad - strip + 20, width - pad, width - pad - strip + 8),
                                (after, pad, pad + strip - 20, pad + strip - 8)):
        if not group:
            continue
        group.sort(key=lambda item: item[0])
        dates = list(dict.fromkeys(t.date for _, t in group))
        parts.append(f'<text class="axis-break" x="{mark}" y="64" font-size="13" text-anchor="middle" fill="#8aa">//</text>')
        parts.append(f'<line x1="{x0}" y1="60" x2="{x1}" y2="60" stroke="#ccd" stroke-width="2" stroke-dasharray="4 3"/>')
        for i, date in enumerate(reversed(dates)):  # right to left: the earliest on the right
            x = x1 - (i + 0.5) * (x1 - x0) / len(dates)
            for _, t in group:
                if t.date == date:
                    parts.append(_dot(x, t, "#8a8f98"))
            y = 14 if i % 2 else 114  # rows of their own, clear of the axis labels (30 and 95)
            parts.append(f'<text x="{x:.1f}" y="{y}" font-size="10" text-anchor="middle" fill="#667">{html.escape(date)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _dot(x: float, t, colour: str) -> str:
    r = 4 + 2 * min(4, len(t.article_ids))
    title = html.escape(for_html(f"{t.date}: {clip(t.text, 120)}"))
    return f'<circle cx="{x:.1f}" cy="60" r="{r}" fill="{colour}" fill-opacity="0.75"><title>{title}</title></circle>'

