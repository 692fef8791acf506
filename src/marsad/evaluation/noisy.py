"""Noisy pages built from clean articles, with the truth known: the extraction test bed.

`NoisyPageBuilder` takes a clean article (title and paragraphs, e.g. from
SaudiNewsNet) and a pool of other articles, and writes the page a scraper
would have produced: section labels, date and source lines, ads markers,
"read also" blocks between paragraphs, read-more headlines glued to the next
sentence, link lists, comment forms, copyright lines, and other articles
appended with or without a marker.  Each page comes with its gold body and the
foreign text it carries, so body precision/recall/F1 and the share of foreign
text kept can be measured (`score`).

`LayoutBuilder` widens this into layout families scored one by one (bullets and
subheads inside articles, Q&A interviews, breadcrumbs, related links with and
without markers at any position, glued headlines, captions, bylines, tables); its
phrases come from ``evaluation/data/layouts.tsv``, kept apart from the extractor's
own lists so that the evaluation is not a copy of what the extractor knows.

Everything random goes through one seeded `random.Random`, so a seed gives the
same pages on every machine.
"""

from __future__ import annotations

import html as htmllib
import random
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

import regex

from marsad.arabic.lexicons import data_lines
from marsad.arabic.terms import terms
from marsad.arabic.tokenize import tokenize

READ_ALSO = ["إقرأ أيضاً:", "اقرأ أيضاً", "اقرأ ايضا", "إقرأ أيضا", "شاهد أيضاً", "اقرأ كذلك"]
READ_MORE = ["إقرأ المزيد ", "اقرأ المزيد "]
RELATED = ["مقالات ذات صلة", "أخبار ذات صلة", "مواضيع ذات صلة", "الأكثر قراءة"]
SECTION = ["أخبار العالم", "محليات", "اقتصاد", "رياضة", "عربي ودولي", "منوعات"]
ADS = ["[ad_1]", "[ad_2]", "إعلان"]
COMMENTS = [["اترك تعليقاً", "لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *"],
            ["أضف تعليقا"]]
FOOTERS = ["جميع الحقوق محفوظة © 2015", "زر الذهاب إلى الأعلى", "Source link",
           "اشترك في القائمة البريدية ليصلك آخر الأخبار", "تابعونا على منصات التواصل الاجتماعي"]
MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"]


@dataclass
class Clean:
    title: str
    paragraphs: list[str]
    outlet: str = ""
    date: str | None = None  # YYYY-MM-DD


@dataclass
class NoisyPage:
    text: str
    body: list[str]  # gold paragraphs
    foreign: list[str] = field(default_factory=list)  # foreign text pieces on the page
    html: str = ""
    kinds: list[str] = field(default_factory=list)  # what noise was added
    title: str | None = None  # gold title
    family: str = "legacy"  # layout family (see LayoutBuilder)


def paragraphs_of(content: str) -> list[str]:
    return [p.strip() for p in content.replace("\r", "").split("\n") if p.strip() and len(p.split()) >= 3]


class NoisyPageBuilder:
    """Builds noisy pages; `marked_share` of appended articles get a marker, the rest none.

    Foreign articles are drawn from other days than the target and share no more
    than one title term with it: an appended report of the *same* event is not
    foreign to the story, and no reader could tell it apart either.
    """

    def __init__(self, seed: int = 1, marked_share: float = 0.5) -> None:
        self.rng = random.Random(seed)
        self.marked_share = marked_share
        self._title_terms: dict[int, set[str]] = {}

    def _terms(self, art: Clean) -> set[str]:
        key = id(art)
        if key not in self._title_terms:
            self._title_terms[key] = set(terms(art.title))
        return self._title_terms[key]

    def build(self, article: Clean, pool: list[Clean]) -> NoisyPage:
        rng = self.rng
        title_terms = self._terms(article)
        pool = [o for o in pool if o.date != article.date and len(title_terms & self._terms(o)) <= 1] or pool
        lines: list[str] = []
        foreign: list[str] = []
        kinds: list[str] = []
        html_parts: list[str] = []
        html_after: list[str] = []
        if rng.random() < 0.4:
            lines.append(rng.choice(SECTION))
            kinds.append("section")
        lines.append(article.title)
        if article.date and rng.random() < 0.7:
            y, m, d = article.date.split("-")
            fmt = rng.choice([
                f"تاريخ النشر: {int(d)} {MONTHS[int(m) - 1]} {y}",
                f"{d}/{m}/{y}",
                f"تاريخ النشر: {int(d)}th, {['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][int(m) - 1]} {y} GMT",
            ])
            lines.append(fmt)
        if rng.random() < 0.3:
            lines.append(rng.choice(ADS))
            kinds.append("ad")
        body = list(article.paragraphs)
        for k, para in enumerate(body):
            text = para
            if k > 0 and rng.random() < 0.12:
                other = rng.choice(pool)
                head = other.title
                marker = rng.choice(READ_MORE)
                lines_before = marker + head
                # glued: the next sentence follows the headline without a space
                text = lines_before + para
                foreign.append(head)
                kinds.append("glued")
                html_parts.append(f"<p>{htmllib.escape(text)}</p>")
                lines.append(text)
                continue
            lines.append(text)
            html_parts.append(f"<p>{htmllib.escape(text)}</p>")
            if k < len(body) - 1 and rng.random() < 0.15:
                other = rng.choice(pool)
                marker = rng.choice(READ_ALSO)
                lines += [marker, other.title]
                foreign.append(other.title)
                kinds.append("read-also-inline")
                html_parts.append(f'<div class="read-also"><p>{htmllib.escape(marker)}</p><p><a href="/x">{htmllib.escape(other.title)}</a></p></div>')
        if rng.random() < 0.6:
            lines.append(f"المصدر: {article.outlet or 'وكالات'}")
        if rng.random() < 0.4:
            lines.append("كلمات دلالية: " + " ".join(article.title.split()[:4]))
        # appended foreign material
        n_appended = rng.choice([0, 1, 1, 2])
        for _ in range(n_appended):
            other = rng.choice(pool)
            marked = rng.random() < self.marked_share
            if marked:
                marker = rng.choice(READ_ALSO + RELATED[:1])
                lines.append(marker)
                kinds.append("appended-marked")
            else:
                kinds.append("appended-unmarked")
            lines.append(other.title)
            foreign.append(other.title)
            for p in other.paragraphs[: rng.randint(2, 6)]:
                lines.append(p)
                foreign.append(p)
            html_after.append(f"<section><h2>{htmllib.escape(other.title)}</h2>" +
                              "".join(f"<p>{htmllib.escape(p)}</p>" for p in other.paragraphs[:3]) + "</section>")
        if rng.random() < 0.3:
            lines.append(rng.choice(RELATED))
            for other in rng.sample(pool, k=min(4, len(pool))):
                lines.append("• " + other.title)
                foreign.append(other.title)
            kinds.append("link-list")
        if rng.random() < 0.4:
            lines += rng.choice(COMMENTS)
            kinds.append("comments")
        if rng.random() < 0.5:
            lines.append(rng.choice(FOOTERS))
            kinds.append("footer")
        page_html = (
            '<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
            f"<title>{htmllib.escape(article.title)}</title></head><body>"
            '<nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/a">أخبار</a></li><li><a href="/s">رياضة</a></li></ul></nav>'
            f"<main><article><h1>{htmllib.escape(article.title)}</h1>{''.join(html_parts)}</article>"
            '<aside><h3>الأكثر قراءة</h3><ul>' + "".join(
                f'<li><a href="/r{i}">{htmllib.escape(o.title)}</a></li>' for i, o in enumerate(rng.sample(pool, k=min(3, len(pool))))) +
            "</ul></aside>" + "".join(html_after) +
            "</main><footer><p>جميع الحقوق محفوظة</p></footer></body></html>"
        )
        return NoisyPage("\n".join(lines), body, foreign, page_html, kinds, article.title)


@dataclass
class Score:
    precision: float
    recall: float
    f1: float
    foreign_kept: float
    pages: int

    def as_dict(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "foreign_kept": round(self.foreign_kept, 4), "pages": self.pages}


def score(results: list[tuple[list[str], list[str], str]]) -> Score:
    """Token-level body P/R/F1 and the share of foreign tokens kept.

    ``results``: (gold body paragraphs, foreign pieces, extracted body text) per page.
    Precision and recall are micro-averaged over all pages' token multisets.
    """
    tp = fp = fn = 0
    foreign_total = foreign_kept = 0
    for gold, foreign, got in results:
        g = Counter(t for p in gold for t in tokenize(p))
        e = Counter(tokenize(got))
        inter = sum((g & e).values())
        tp += inter
        fp += sum(e.values()) - inter
        fn += sum(g.values()) - inter
        f = Counter(t for p in foreign for t in tokenize(p))
        # foreign tokens kept = extracted tokens beyond what the gold body explains, that the foreign text holds
        extra = e - g
        foreign_kept += sum((extra & f).values())
        foreign_total += sum(f.values())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return Score(p, r, f1, foreign_kept / foreign_total if foreign_total else 0.0, len(results))


# -- layout families ----------------------------------------------------------------

FAMILIES = ("legacy", "bullets", "subheads", "qa", "breadcrumbs", "related_marked", "related_unmarked",
            "glued", "captions", "bylines", "tables")


@cache
def _phrases() -> dict[str, list[str]]:
    """The generator's phrase lists (``evaluation/data/layouts.tsv``), by kind."""
    out: dict[str, list[str]] = {}
    for line in data_lines("layouts.tsv", package="marsad.evaluation.data"):
        kind, _, phrase = line.partition("\t")
        out.setdefault(kind, []).append(phrase)
    return out


_WORD = regex.compile(r"[\p{L}\p{M}\d]+")

# A page line: (text shown on the page, its gold body text or None when it is foreign)
Line = tuple[str, str | None]


class LayoutBuilder:
    """Pages in one layout family each, the truth known; everything random comes from one seeded RNG.

    Families (see `FAMILIES`):

    * ``legacy`` -- the pages of `NoisyPageBuilder` (markers, appended articles, link lists, footers);
    * ``bullets`` -- article points as list items ("* ", "- ", "• " ...) inside the body;
    * ``subheads`` -- short subheadings (with or without a bullet) before body paragraphs;
    * ``qa`` -- an interview: question and answer lines with varying prefixes;
    * ``breadcrumbs`` -- breadcrumb trails and section labels above (and under) the title;
    * ``related_marked`` -- "read also"/"related" blocks at any position: marker line then
      headlines, marker and headline on one line, or a header over a list;
    * ``related_unmarked`` -- foreign headlines between paragraphs or at the end, no marker;
    * ``glued`` -- a marker and a headline glued to the start of a paragraph, or to its end;
    * ``captions`` -- photo captions after the title or between paragraphs;
    * ``bylines`` -- author and place lines in several forms;
    * ``tables`` -- a table of the article's own words and figures inside the body.

    Every page may also get a date line and a source line.  Gold: the body (list
    items, subheads, questions and table rows are body), the title, and the foreign
    pieces (headlines, markers, captions, bylines, breadcrumbs).  Phrases come from
    ``evaluation/data/layouts.tsv``, written apart from the extractor's own lists.
    """

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.legacy = NoisyPageBuilder(seed=seed, marked_share=0.5)
        self._title_terms: dict[int, set[str]] = {}

    def _pick(self, kind: str) -> str:
        return self.rng.choice(_phrases()[kind])

    def _fill(self, template: str, article: Clean, x: str = "") -> str:
        return (template.replace("{name}", self._pick("name")).replace("{city}", self._pick("city"))
                .replace("{outlet}", article.outlet or "واس").replace("{x}", x))

    def _span(self, text: str, lo: int = 2, hi: int = 4) -> str:
        words = _WORD.findall(text)
        if not words:
            return ""
        n = min(len(words), self.rng.randint(lo, hi))
        start = self.rng.randint(0, len(words) - n)
        return " ".join(words[start: start + n])

    def _others(self, article: Clean, pool: list[Clean]) -> list[Clean]:
        mine = self._terms(article)
        return [o for o in pool if o.date != article.date and len(mine & self._terms(o)) <= 1] or pool

    def _terms(self, art: Clean) -> set[str]:
        if id(art) not in self._title_terms:
            self._title_terms[id(art)] = set(terms(art.title))
        return self._title_terms[id(art)]

    def _marker(self, kind: str = "read") -> str:
        """A marker with random punctuation after it."""
        return self._pick(kind) + self.rng.choice(["", ":", " :", " -", " |", "..", " »", ": "])

    def build(self, article: Clean, pool: list[Clean], family: str) -> NoisyPage:
        if family == "legacy":
            page = self.legacy.build(article, pool)
            page.family = "legacy"
            return page
        rng = self.rng
        others = self._others(article, pool)
        head: list[str] = []
        groups: list[list[Line]] = [[(p, p)] for p in article.paragraphs]
        tail: list[str] = []
        foreign: list[str] = []
        getattr(self, f"_{family}")(article, others, head, groups, tail, foreign)
        if article.title not in head:
            head.append(article.title)
        if article.date and rng.random() < 0.4:
            y, m, d = article.date.split("-")
            head.insert(head.index(article.title) + 1,
                        rng.choice([f"{d}/{m}/{y}", f"تاريخ النشر: {int(d)} {MONTHS[int(m) - 1]} {y}"]))
        if rng.random() < 0.4:
            tail.append(f"المصدر: {article.outlet or 'وكالات'}")
        shown = [t for g in groups for t, _ in g]
        gold = [b for g in groups for _, b in g if b]
        lines = head + shown + tail
        html = _page_html(article.title, head, shown, tail)
        return NoisyPage("\n".join(lines), gold, foreign, html, [family], article.title, family)

    # Each family edits head / groups / tail / foreign in place.

    def _insert(self, groups: list[list[Line]], block: list[str], inside: bool = False) -> None:
        """Foreign lines after a random paragraph (or before the first one unless ``inside``)."""
        k = self.rng.randint(0 if inside else -1, max(0, len(groups) - 2) if inside else len(groups) - 1)
        if k < 0:
            groups.insert(0, [(ln, None) for ln in block])
        else:
            groups[k] = groups[k] + [(ln, None) for ln in block]

    def _bullets(self, article, others, head, groups, tail, foreign) -> None:
        rng = self.rng
        bullet = self._pick("bullet")
        cands = list(range(1, len(groups))) or [0]
        for k in rng.sample(cands, min(len(cands), rng.randint(1, 2))):
            para = groups[k][0][0]
            sents = [s.strip() for s in regex.split(r"(?<=[.!؟?])\s+", para) if s.strip()]
            items = [bullet + s for s in sents]
            if len(sents) >= 2 and len(sents[0].split()) > 4 and rng.random() < 0.5:
                words = sents[0].split()
                items[0] = " ".join(words[: rng.randint(3, min(8, len(words)))]).rstrip("،,.") + ":"
                items[1:] = [bullet + s for s in [" ".join(sents[0].split()[len(items[0].split()):])] + sents[1:] if s]
            groups[k] = [(ln, ln) for ln in items]
        if rng.random() < 0.3 and len(groups) > 2:  # the rest of the article as a list of points
            for k in range(2, len(groups)):
                groups[k] = [(t if t.startswith(bullet) else bullet + t,) * 2 for t, _ in groups[k]]

    def _subheads(self, article, others, head, groups, tail, foreign) -> None:
        rng = self.rng
        prefix = self._pick("subprefix")
        cands = list(range(1, len(groups))) or [0]
        for k in rng.sample(cands, min(len(cands), rng.randint(1, 3))):
            sub = self._span(groups[k][0][0], 2, 5)
            if sub:
                groups[k] = [(prefix + sub, prefix + sub)] + groups[k]

    def _qa(self, article, others, head, groups, tail, foreign) -> None:
        qp, ap = self._fill(self._pick("qprefix"), article), self._fill(self._pick("aprefix"), article)
        for k in range(1, len(groups)):
            para = groups[k][0][0]
            q = qp + self._fill(self._pick("question"), article, self._span(para, 2, 3))
            a = ap + para
            groups[k] = [(q, q), (a, a)]

    def _breadcrumbs(self, article, others, head, groups, tail, foreign) -> None:
        rng = self.rng
        parts = rng.sample(_phrases()["section"], rng.randint(2, 4))
        if rng.random() < 0.6:
            parts[0] = "الرئيسية"
        trail = self._pick("crumbsep").join(parts)
        label = self._pick("section")
        form = rng.random()
        head += [trail] if form < 0.4 else [label] if form < 0.7 else [trail, label]
        foreign += head
        if rng.random() < 0.3:  # a label under the title, too
            head += [article.title, self._pick("section")]
            foreign.append(head[-1])

    def _related_marked(self, article, others, head, groups, tail, foreign) -> None:
        rng = self.rng
        for _ in range(rng.randint(1, 3)):
            heads = [o.title for o in rng.sample(others, rng.randint(1, 3))]
            form = rng.random()
            if form < 0.35:
                block = [self._marker()] + heads[:1]
            elif form < 0.6:
                block = [self._marker() + " " + heads[0]]
            elif form < 0.8:
                bullet = self._pick("bullet")
                block = [self._marker("related")] + [bullet + h for h in heads]
            else:
                block = [self._marker("related")] + heads
            foreign += block
            if rng.random() < 0.2:
                tail[:0] = block
            else:
                self._insert(groups, block)

    def _related_unmarked(self, article, others, head, groups, tail, foreign) -> None:
        rng = self.rng
        heads = [o.title for o in rng.sample(others, rng.randint(1, 4))]
        if rng.random() < 0.4:
            bullet = self._pick("bullet")
            heads = [bullet + h for h in heads]
        foreign += heads
        if rng.random() < 0.5:
            tail[:0] = heads
        else:
            self._insert(groups, heads, inside=True)

    def _glued(self, article, others, head, groups, tail, foreign) -> None:
        rng = self.rng
        cands = list(range(1, len(groups))) or [0]
        for k in rng.sample(cands, min(len(cands), rng.randint(1, 2))):
            other = rng.choice(others)
            marker = self._marker()
            piece = f"{marker} {other.title}" if rng.random() < 0.8 else f"{marker}{other.title}"
            para = groups[k][0][0]
            if rng.random() < 0.7:  # marker and headline running straight into the paragraph's first word
                groups[k] = [(piece + para, para)]
            else:  # ... or hanging at its end
                groups[k] = [(para + " " + piece, para)]
            foreign.append(piece)

    def _captions(self, article, others, head, groups, tail, foreign) -> None:
        rng = self.rng
        for _ in range(rng.randint(1, 3)):
            cap = self._fill(self._pick("caption"), article, self._span(article.title, 3, 5))
            foreign.append(cap)
            if rng.random() < 0.4:
                groups.insert(0, [(cap, None)])
            else:
                self._insert(groups, [cap], inside=True)

    def _bylines(self, article, others, head, groups, tail, foreign) -> None:
        rng = self.rng
        line = self._fill(self._pick("byline"), article)
        foreign.append(line)
        where = rng.random()
        if where < 0.6:
            groups.insert(0, [(line, None)])
        elif where < 0.8:
            head += [article.title, line]
        else:
            tail.insert(0, line)

    def _tables(self, article, others, head, groups, tail, foreign) -> None:
        rng = self.rng
        sep = self._pick("tablesep")
        k = rng.randint(0, len(groups) - 1)
        numbers = regex.findall(r"\d+(?:[.,]\d+)?", " ".join(article.paragraphs)) or [str(rng.randint(2, 900))]
        cols = rng.randint(2, 3)
        rows = [sep.join(rng.sample(_phrases()["tablehead"], cols))]
        for _ in range(rng.randint(2, 5)):
            cells = [self._span(rng.choice(article.paragraphs), 1, 3)] + [rng.choice(numbers) for _ in range(cols - 1)]
            rows.append(sep.join(cells))
        groups[k] = groups[k] + [(r, r) for r in rows]


def _page_html(title: str, head: list[str], shown: list[str], tail: list[str]) -> str:
    """A plain CMS-like HTML page of the same lines: the title in <h1>, every other line a <p>."""
    esc = htmllib.escape
    before = "".join(f"<p>{esc(ln)}</p>" for ln in head if ln != title)
    body = "".join(f"<p>{esc(ln)}</p>" for ln in shown + tail)
    return ('<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
            f"<title>{esc(title)}</title></head><body><main><article>{before}<h1>{esc(title)}</h1>"
            f"{body}</article></main></body></html>")
