"""The static HTML report: index of storylines and stories, one page per story, one per article.

Right-to-left, an Arabic font stack from the reader's own machine, no external
requests (no CDN, no web fonts, no scripts from elsewhere), readable on a phone.
Every string that came from a scraped page goes through Jinja2's autoescaping;
the only markup built here is the timeline SVG, whose text is escaped by hand.

Each summary sentence and each claim links to ``article-ID.html#s-OFFSET``, the
sentence it came from, which the article page highlights (CSS ``:target``).
"""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from marsad.arabic.lexicons import table
from marsad.arabic.tokenize import split_sentences
from marsad.model import Article, Claim, Story
from marsad.report.story import outlet_label
from marsad.store.db import Store

STATUS_LABEL = {"agree": "متفق", "conflict": "متعارض", "single-source": "مصدر واحد"}
QUALIFIER_LABEL = {"about": "نحو", "more-than": "أكثر من", "at-least": "على الأقل", "less-than": "أقل من",
                   "at-most": "على الأكثر", "vague": "تقديري", "none": "نفي"}


def _env() -> Environment:
    return Environment(loader=PackageLoader("marsad.report", "templates"),
                       autoescape=select_autoescape(["html"], default=True), trim_blocks=True, lstrip_blocks=True)


def _category_labels() -> dict[str, str]:
    return {row[0]: row[1] for row in table("categories.tsv", "marsad.report.data")}


def _fact_label(about: str, labels: dict[str, str]) -> str:
    key, _, rest = about.partition(" ")
    return labels.get(key, key) + (f" {rest}" if rest else "")


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
                {"href": href(*_split_anchor(anchor)), "label": outlet_label(articles[_split_anchor(anchor)[0]]),
                 "title": articles[_split_anchor(anchor)[0]].title or ""}
                for anchor in x.anchors if _split_anchor(anchor)[0] in articles]} for x in s.summary],
            facts=[{"label": _fact_label(g.about, labels), "status": g.status, "status_label": STATUS_LABEL[g.status],
                    "claims": [_claim_view(c, articles, href) for c in g.claims]} for g in s.facts],
            timeline=[{"date": t.date, "text": t.text, "sources": [
                {"href": f"article-{aid}.html", "label": outlet_label(articles[aid])} for aid in t.article_ids if aid in articles]}
                for t in s.timeline],
            timeline_svg=timeline_svg(s),
            articles=[{"id": aid, "label": outlet_label(articles[aid]), "title": articles[aid].title,
                       "published": articles[aid].published, "published_how": articles[aid].published_how,
                       "duplicate_of": assignments.get(aid, (None, None))[1]} for aid in s.article_ids if aid in articles],
            entities=s.entities[:40],
            quotes=_quotes_by_speaker(s, articles, href),
        )
        (out / f"story-{s.id}.html").write_text(page, encoding="utf-8")
    for aid, a in articles.items():
        sid = assignments.get(aid, (None, None))[0]
        page = env.get_template("article.html").render(
            article=a, label=outlet_label(a), story=story_by_id.get(sid or ""), paragraphs=_paragraph_sentences(a),
        )
        (out / f"article-{aid}.html").write_text(page, encoding="utf-8")
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
    path.write_text(index, encoding="utf-8")
    return path


def _split_anchor(anchor: str) -> tuple[str, int]:
    aid, _, off = anchor.rpartition(":")
    return aid, int(off or 0)


def _claim_view(c: Claim, articles: dict[str, Article], href) -> dict:
    return {"number": c.number_text or (f"{c.value:g}" if c.value is not None else "?"),
            "qualifier": QUALIFIER_LABEL.get(c.qualifier or "", c.qualifier),
            "attributed_to": c.attributed_to,
            "outlet": outlet_label(articles[c.article_id]) if c.article_id in articles else c.article_id,
            "href": href(c.article_id, c.start)}


def _quotes_by_speaker(s: Story, articles: dict[str, Article], href) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for q in s.quotes:
        groups[q.speaker or "—"].append({"text": q.text, "href": href(q.article_id, q.start),
                                          "outlet": outlet_label(articles[q.article_id]) if q.article_id in articles else ""})
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
    """An inline SVG timeline: one dot per dated entry on a time axis (right to left, like the text)."""
    days = []
    for t in story.timeline:
        try:
            value = t.date if len(t.date) == 10 else (t.date + "-01" if len(t.date) == 7 else t.date + "-01-01")
            days.append((dt.date.fromisoformat(value), t))
        except ValueError:
            continue
    if not days:
        return ""
    lo, hi = min(d for d, _ in days), max(d for d, _ in days)
    span = max(1, (hi - lo).days)
    pad = 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-label="timeline">',
             f'<line x1="{pad}" y1="60" x2="{width - pad}" y2="60" stroke="#8aa" stroke-width="2"/>']
    seen: dict[str, int] = {}
    for d, t in days:
        x = width - pad - (d - lo).days / span * (width - 2 * pad)
        r = 4 + 2 * min(4, len(t.article_ids))
        stack = seen.get(t.date, 0)
        seen[t.date] = stack + 1
        title = html.escape(f"{t.date}: {t.text[:120]}")
        parts.append(f'<circle cx="{x:.1f}" cy="60" r="{r}" fill="#0b5fa5" fill-opacity="0.75"><title>{title}</title></circle>')
        if stack == 0:
            y = 30 if len(seen) % 2 else 95
            parts.append(f'<text x="{x:.1f}" y="{y}" font-size="11" text-anchor="middle" fill="#334">{html.escape(t.date)}</text>')
    parts.append("</svg>")
    return "".join(parts)
