"""Block-level cleaning shared by text dumps and HTML: what belongs to the article?

A page is a sequence of blocks (lines or paragraphs).  The cleaner walks them
once, in two states:

* **article** — blocks are body text unless a signal says otherwise;
* **foreign** — entered at a "read also"/"related"/comments marker, after the
  page's source/tags footer, or when a long block does not cohere with the
  article and the blocks after it cohere with each other rather than with the
  article (an appended article with no marker).  A block brings the page back
  to the article state when it is closer to the article than to the foreign run.

Coherence is cosine similarity of TF-IDF vectors (stemmed normalized terms,
background IDF from SaudiNewsNet).  The thresholds were set on generated noisy
pages (``bench/extraction_eval.py``) and the seeds; see ``defaults.toml``.

Every dropped block is returned with its reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from marsad.analyze.dates import find_dates, parse_date_line
from marsad.arabic.normalize import normalize
from marsad.arabic.terms import terms, weighted
from marsad.extract.blocks import (
    contains_marker_inline,
    find_glue,
    is_date_only,
    is_headline_like,
    is_list_item,
    is_section_label,
    match_field,
    match_marker,
)
from marsad.model import Removed

# Tuned on generated pages (bench/extraction_eval.py); see module docstring.
RESUME_SIM = 0.12  # foreign -> article when a block is at least this close to the article
HEADLINE_ONLY_FLOOR = 0.01  # right after a linked headline, a block sharing anything with the article resumes it
RESUME_FLOOR = 0.03  # ... or at least this close and much closer to the article than to the foreign run
FOREIGN_MARGIN = 1.5
RUN_DRIFT_SIM = 0.06  # a headline-like block opens a foreign article when the blocks after it stay this far
DRIFT_SIM = 0.045  # article block this far from the article starts a candidate foreign run
MIN_TERMS = 6  # blocks with fewer terms inherit their neighbours' state
DEBUG = False
DRIFT_MIN_TERMS = 10  # shorter blocks are too noisy to start a foreign run
LIST_RUN = 3  # this many short list items in a row are a link list


def _vec(text: str) -> dict[str, float]:
    return weighted(terms(text), normalized=False)


def _add(acc: dict[str, float], vec: dict[str, float], weight: float = 1.0) -> None:
    for t, w in vec.items():
        acc[t] = acc.get(t, 0.0) + w * weight


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    if dot == 0.0:
        return 0.0
    na = math.sqrt(sum(w * w for w in a.values()))
    nb = math.sqrt(sum(w * w for w in b.values()))
    return dot / (na * nb)


@dataclass
class Cleaned:
    title: str | None
    paragraphs: list[str]
    removed: list[Removed]
    date: str | None = None
    sources: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def split_blocks(text: str) -> list[str]:
    """Non-empty lines, stripped; very long run-on lines stay whole."""
    return [ln.strip() for ln in text.replace("\r", "\n").split("\n") if ln.strip()]


def clean_blocks(blocks: list[str], *, title: str | None = None, find_title: bool = True) -> Cleaned:
    """Separate article body from boilerplate and foreign articles in ``blocks``."""
    removed: list[Removed] = []
    paragraphs: list[str] = []
    sources: list[str] = []
    tag_lines: list[str] = []
    date: str | None = None

    i = 0
    # 1. header: section labels, markers, date lines, then the title
    header_limit = min(len(blocks), 6)
    while i < header_limit:
        b = blocks[i]
        if is_section_label(b):
            removed.append(Removed("section-label", b))
        elif (meta := _metadata_line(b)) is not None:
            reason, line_date = meta
            date = date or line_date
            removed.append(Removed(reason, b))
        else:
            break
        i += 1
    if title is not None:
        if i < len(blocks) and normalize(blocks[i]).rstrip(" .") == normalize(title).rstrip(" ."):
            i += 1
    elif find_title and i < len(blocks) - 1 and is_headline_like(blocks[i]):
        title = blocks[i]
        i += 1
    # date line right after the title
    while i < len(blocks):
        meta = _metadata_line(blocks[i])
        if meta is None:
            break
        date = date or meta[1]
        removed.append(Removed(meta[0], blocks[i]))
        i += 1

    article_vec: dict[str, float] = _vec(title) if title else {}
    foreign_vec: dict[str, float] = {}
    foreign_blocks = 0  # blocks of foreign text (beyond a linked headline) in the current foreign run
    state = "article"
    foreign_reason = ""
    footer_seen = False
    expect_headline = False
    article_year = int(date[:4]) if date else None

    vecs: dict[int, dict[str, float]] = {}

    def vec_of(j: int) -> dict[str, float]:
        if j not in vecs:
            vecs[j] = _vec(blocks[j])
        return vecs[j]

    def n_terms(v: dict[str, float]) -> int:
        return len(v)

    while i < len(blocks):
        b = blocks[i]
        hit = match_marker(b)
        fld = match_field(b)
        if hit and hit.scope in ("tail", "glued") and not hit.rest:
            state, foreign_reason, expect_headline = "foreign", hit.reason, True
            foreign_vec, foreign_blocks = {}, 0
            removed.append(Removed(hit.reason, b))
            i += 1
            continue
        if hit and hit.scope == "tail":
            # marker and linked headline on one line
            state, foreign_reason, expect_headline = "foreign", hit.reason, False
            foreign_vec, foreign_blocks = _vec(hit.rest), 0
            removed.append(Removed(hit.reason, b))
            i += 1
            continue
        if hit and hit.scope == "glued":
            cut = find_glue(hit.rest)
            if cut is None:
                removed.append(Removed(hit.reason, b))
                i += 1
                continue
            head_len = len(b) - len(hit.rest) + cut
            removed.append(Removed(hit.reason, b[:head_len].strip()))
            b = b[head_len:].strip()
            blocks[i] = b
            vecs.pop(i, None)
        elif hit:  # line-scope boilerplate
            removed.append(Removed(hit.reason, b))
            i += 1
            continue
        if fld and fld[0] in ("source", "tags") and len(fld[1].split()) <= (12 if fld[0] == "source" else 60):
            if state == "foreign" and not foreign_vec and paragraphs:
                state = "article"  # only a marker and its headline came between: still our footer
            elif (state == "foreign" and fld[0] == "source" and not sources and i + 1 < len(blocks)
                  and (nxt := match_field(blocks[i + 1])) and nxt[0] == "tags"):
                state = "article"  # a source line followed by the tags line is the page's own footer
            if state == "article":
                (sources if fld[0] == "source" else tag_lines).append(fld[1])
                removed.append(Removed(f"{fld[0]}-line", b))
                if paragraphs:
                    footer_seen = True
            else:
                removed.append(Removed(foreign_reason or "foreign-article", b))
            i += 1
            continue
        if fld and fld[0] in ("date", "updated", "author") and len(b.split()) <= 12:
            removed.append(Removed(f"{fld[0]}-line", b) if state == "article" else Removed(foreign_reason, b))
            i += 1
            continue
        # inline glued marker in the middle of a paragraph: "...نص الخبرإقرأ المزيد عنوان"
        inline = contains_marker_inline(b)
        if inline:
            start, ihit = inline
            cut = find_glue(ihit.rest)
            before = b[:start].strip()
            if cut is not None:
                tail_start = len(b) - len(ihit.rest) + cut
                removed.append(Removed(ihit.reason, b[start:tail_start].strip()))
                b = (before + " " + b[tail_start:].strip()).strip()
            else:
                removed.append(Removed(ihit.reason, b[start:].strip()))
                b = before
            if not b:
                i += 1
                continue
            blocks[i] = b
            vecs.pop(i, None)
        # link lists: a run of short list items
        if is_list_item(b) and len(b.split()) <= 20:
            j = i
            while j < len(blocks) and is_list_item(blocks[j]) and len(blocks[j].split()) <= 20:
                j += 1
            if j - i >= LIST_RUN or state == "foreign":
                for k in range(i, j):
                    removed.append(Removed("link-list", blocks[k]))
                i = j
                continue
        v = vec_of(i)
        if state == "foreign":
            if expect_headline and is_headline_like(b):
                removed.append(Removed(foreign_reason, b))
                expect_headline = False
                _add(foreign_vec, v)  # what follows the linked headline is its article, or ours again
                i += 1
                continue
            expect_headline = False
            sim_a = cosine(v, article_vec)
            sim_f = cosine(v, foreign_vec) if foreign_vec else 0.0
            if footer_seen:
                resume = sim_a >= RESUME_SIM * 1.6 and sim_a > sim_f
            elif foreign_blocks == 0:
                # only a linked headline so far: its own article would echo it, ours would not
                resume = (sim_a >= HEADLINE_ONLY_FLOOR and sim_a > sim_f * FOREIGN_MARGIN) or (sim_a >= RESUME_SIM and sim_a > sim_f)
            else:
                # closer to the article than to the foreign run, or clearly the article's
                resume = (sim_a >= RESUME_FLOOR and sim_a > sim_f * FOREIGN_MARGIN) or (sim_a >= RESUME_SIM and sim_a > sim_f)
            if DEBUG:
                print(f"F a={sim_a:.3f} f={sim_f:.3f} n={n_terms(v)} resume={resume}", b[:50])
            if n_terms(v) >= MIN_TERMS and resume and not _own_dateline(b, article_year):
                state = "article"
            else:
                _add(foreign_vec, v)
                foreign_blocks += 1
                removed.append(Removed(foreign_reason, b))
                i += 1
                continue
        else:
            if footer_seen:
                # after the page's source/tags footer nothing more belongs to the article
                # unless it clearly continues it
                sim_a = cosine(v, article_vec)
                if not (n_terms(v) >= MIN_TERMS and sim_a >= RESUME_SIM * 1.6):
                    state, foreign_reason, foreign_vec, foreign_blocks = "foreign", "after-footer", dict(v), 1
                    removed.append(Removed("after-footer", b))
                    i += 1
                    continue
            elif paragraphs and _own_dateline(b, article_year):
                state, foreign_reason, foreign_vec, foreign_blocks = "foreign", "foreign-article", dict(v), 1
                removed.append(Removed("foreign-article", b))
                i += 1
                continue
            elif paragraphs and is_date_only(b) and _dateline_opens_foreign(b):
                # a dateline in the middle of the page opens another article ("الرياض 25 شوال 1436 هـ ... واس")
                state, foreign_reason, foreign_vec, foreign_blocks = "foreign", "foreign-article", {}, 0
                if len(paragraphs) > 1 and is_headline_like(paragraphs[-1], 20):
                    removed.append(Removed("foreign-article", paragraphs.pop()))
                removed.append(Removed("foreign-article", b))
                i += 1
                continue
            elif len(paragraphs) >= 2 and is_headline_like(b, 20) and _headline_opens_foreign(i, blocks, vec_of, article_vec):
                state, foreign_reason, foreign_vec, foreign_blocks = "foreign", "off-topic", dict(v), 1
                removed.append(Removed("off-topic", b))
                i += 1
                continue
            elif len(paragraphs) >= 2 and n_terms(v) >= MIN_TERMS:
                sim_a = cosine(v, article_vec)
                if DEBUG:
                    print(f"{sim_a:.3f}", b[:60])
                if sim_a < DRIFT_SIM and n_terms(v) >= DRIFT_MIN_TERMS and _run_is_foreign(i, blocks, vec_of, article_vec):
                    state, foreign_reason, foreign_vec, foreign_blocks = "foreign", "off-topic", dict(v), 1
                    if paragraphs and is_headline_like(paragraphs[-1], 20) and len(paragraphs) > 2:
                        removed.append(Removed("off-topic", paragraphs.pop()))
                    removed.append(Removed("off-topic", b))
                    i += 1
                    continue
        paragraphs.append(b)
        # the lead weighs more: it defines what the article is about
        _add(article_vec, v, 2.0 if len(paragraphs) <= 2 else 1.0)
        i += 1

    tags = _split_tags(tag_lines, paragraphs, title)
    return Cleaned(title, paragraphs, removed, date, sources, tags)


def _metadata_line(b: str) -> tuple[str, str | None] | None:
    """(reason, date it gives) for a header line that is not the article: date, author, ads."""
    fld = match_field(b)
    if fld and fld[0] in ("date", "updated", "author"):
        return f"{fld[0]}-line", parse_date_line(fld[1]) if fld[0] == "date" else None
    if is_date_only(b):
        return "date-line", parse_date_line(b)
    hit = match_marker(b)
    if hit and hit.scope == "line":
        return hit.reason, None
    return None


def _run_is_foreign(i: int, blocks: list[str], vec_of, article_vec: dict[str, float]) -> bool:
    """Does the run starting at block i cohere with itself more than with the article?"""
    nxt = [j for j in range(i + 1, min(i + 6, len(blocks)))
           if len(vec_of(j)) >= MIN_TERMS and not match_marker(blocks[j]) and not match_field(blocks[j])][:2]
    if not nxt:
        # the last block of the page: foreign only if it shares nearly nothing
        return cosine(vec_of(i), article_vec) < DRIFT_SIM / 4 and len(vec_of(i)) >= 2 * DRIFT_MIN_TERMS
    run = dict(vec_of(i))
    for j in nxt:
        to_run, to_article = cosine(vec_of(j), run), cosine(vec_of(j), article_vec)
        if to_run <= to_article or to_article >= RESUME_SIM:
            return False
        _add(run, vec_of(j))
    return True


def _dateline_opens_foreign(block: str) -> bool:
    """A date line that names a place or an agency, as appended articles open: "الرياض 25 شوال 1436 هـ ... واس"."""
    words = block.split()
    return len(words) >= 4 and not any(ch.isdigit() for ch in words[0])


def _headline_opens_foreign(i: int, blocks: list[str], vec_of, article_vec: dict[str, float]) -> bool:
    """A headline-like block followed by blocks that stay away from the article: an appended article."""
    nxt = [j for j in range(i + 1, min(i + 8, len(blocks)))
           if len(vec_of(j)) >= MIN_TERMS and not match_marker(blocks[j]) and not match_field(blocks[j])][:3]
    if not nxt:
        return False
    sims = [cosine(vec_of(j), article_vec) for j in nxt]
    if sum(sims) / len(sims) >= RUN_DRIFT_SIM or max(sims) >= RESUME_SIM:
        return False
    head = vec_of(i)
    return any(cosine(vec_of(j), head) > cosine(vec_of(j), article_vec) for j in nxt)


def _own_dateline(block: str, article_year: int | None) -> bool:
    """A block opening with its own full date far from the article's (an appended article)."""
    if article_year is None:
        return False
    head = block[:160]
    if "اليوم" not in head and "today" not in head.lower():
        return False
    for d in find_dates(head):
        if d.granularity == "day" and not d.relative and abs(int(d.value[:4]) - article_year) >= 1:
            return True
    return False


def _split_tags(tag_lines: list[str], paragraphs: list[str], title: str | None) -> list[str]:
    """Tags from keyword lines: split on separators, or else into phrases found in the article."""
    import regex

    from marsad.arabic.terms import stopwords

    body_key = " " + normalize(" ".join(paragraphs) + " " + (title or "")) + " "
    stop = stopwords()
    out: list[str] = []
    seen: set[str] = set()
    for line in tag_lines:
        parts = [p.strip() for p in regex.split(r"[,،;|#\n]+", line) if p.strip()]
        if len(parts) == 1:
            words = parts[0].split()
            parts, k = [], 0
            while k < len(words):
                for n in (4, 3, 2, 1):
                    chunk = words[k: k + n]
                    if len(chunk) == n and (n == 1 or f" {normalize(' '.join(chunk))} " in body_key):
                        parts.append(" ".join(chunk))
                        k += n
                        break
        for p in parts:
            key = normalize(p)
            if not key or key in seen or all(w in stop for w in key.split()):
                continue
            seen.add(key)
            out.append(_repair_letters(p))
    return out


def _repair_letters(text: str) -> str:
    """Persian yeh/kaf in Arabic keyword lines are encoding slips: show them as Arabic letters."""
    return text.replace("\u06cc", "\u064a").replace("\u06a9", "\u0643")
