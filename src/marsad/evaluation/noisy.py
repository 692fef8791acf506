"""Noisy pages built from clean articles, with the truth known: the extraction test bed.

`NoisyPageBuilder` takes a clean article (title and paragraphs, e.g. from
SaudiNewsNet) and a pool of other articles, and writes the page a scraper
would have produced: section labels, date and source lines, ads markers,
"read also" blocks between paragraphs, read-more headlines glued to the next
sentence, link lists, comment forms, copyright lines, and other articles
appended with or without a marker.  Each page comes with its gold body and the
foreign text it carries, so body precision/recall/F1 and the share of foreign
text kept can be measured (`score`).

Everything random goes through one seeded `random.Random`, so a seed gives the
same pages on every machine.
"""

from __future__ import annotations

import html as htmllib
import random
from collections import Counter
from dataclasses import dataclass, field

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
        return NoisyPage("\n".join(lines), body, foreign, page_html, kinds)


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
