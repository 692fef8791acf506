"""Block-level cleaning shared by text dumps and HTML: what belongs to the article?

A page is a sequence of blocks (lines or paragraphs).  The cleaner walks them
once, in two states:

* **article** — blocks are body text unless a signal says otherwise;
* **foreign** — entered at a "read also"/"related"/comments marker, after the
  page's source/tags footer, or when a long block does not cohere with the
  article and the blocks after it cohere with each other rather than with the
  article (an appended article with no marker), when an unmarked headline foreign
  to the article heads paragraphs that echo it rather than the article down to the
  page's foot, or when a block far from the article follows a headline dropped as a
  related link and nothing after it comes back.  A block brings the page back to
  the article state when it is closer to the article than to the foreign run and
  than to the run's last headline (the article a headline heads echoes it); after
  the page's own source/tags footer, a marker's run never does.  When the article clearly
  comes back after a run that no marker opened (a drift, an unmarked headline), the
  run was the article's own digression and is taken back, bar the stray headlines
  in it; a drift with no marker opens a run only under a line that could head
  another article, and only when the run, taken whole down to the foot or the next
  such line, stays far from the article.  Related links come in runs and on any topic: a
  headline-like line right after one, or a lone bulleted line between two paragraphs of
  running text, that heads nothing under it (shares next to none of its words with the next
  block) is one too, however close to the article's subject.

Coherence is cosine similarity of TF-IDF vectors (stemmed normalized terms,
background IDF from SaudiNewsNet).  The thresholds were set on generated noisy
pages (``bench/extraction_eval.py``) and the seeds; see ``defaults.toml``.

Every dropped block is returned with its reason.
"""

from __future__ import annotations

import math
from collections import _count_elements  # type: ignore[attr-defined]  # Counter's C counting loop
from dataclasses import dataclass, field

import regex

from marsad.analyze.dates import find_dates, parse_date_line
from marsad.arabic.lexicons import word_set
from marsad.arabic.normalize import normalize
from marsad.arabic.terms import idf, stem, stopwords
from marsad.arabic.tokenize import tokenize
from marsad.extract.blocks import (
    GLUED_HEAD_MAX_WORDS,
    contains_marker_inline,
    continues_article,
    find_glue,
    glue_fallback,
    is_byline,
    is_caption,
    is_date_only,
    is_headline_like,
    is_list_item,
    is_section_label,
    is_table_row,
    match_field,
    match_marker,
    opens_with_bare_marker,
)
from marsad.model import Removed

# Tuned on generated pages (bench/extraction_eval.py); see module docstring.
RESUME_SIM = 0.12  # foreign -> article when a block is at least this close to the article
HEADLINE_ONLY_FLOOR = 0.01  # right after a linked headline, a block sharing anything with the article resumes it
RESUME_FLOOR = 0.03  # ... or at least this close and much closer to the article than to the foreign run
FOREIGN_MARGIN = 1.5
RUN_DRIFT_SIM = 0.06  # a headline-like block opens a foreign article when the blocks after it stay this far
DRIFT_SIM = 0.045  # article block this far from the article starts a candidate foreign run
AFTER_LINK_SIM = 0.025  # ... and one this far right under a headline dropped as a related link, if the rest stays away
MIN_TERMS = 6  # blocks with fewer terms inherit their neighbours' state
DEBUG = False
DRIFT_MIN_TERMS = 10  # shorter blocks are too noisy to start a foreign run
LIST_RUN = 3  # this many short list items in a row are a link list
FAR_RUN_SIM = 0.07  # a drifting run to the page's foot, taken whole, is at most this close to an appended article


class Vec:
    """A term vector (sublinear TF x background IDF) with its squared norm kept up to date.

    Keeping the norm makes a cosine against the growing article vector cost the size
    of the block, not of the article: a page of thousands of paragraphs stays linear.
    """

    __slots__ = ("sq", "w")

    def __init__(self, w: dict[str, float] | None = None, sq: float | None = None) -> None:
        self.w = w if w is not None else {}
        self.sq = sum(x * x for x in self.w.values()) if sq is None else sq

    def __len__(self) -> int:
        return len(self.w)

    def copy(self) -> Vec:
        return Vec(dict(self.w), self.sq)


# token key -> its term ("" for a token that is no term), and term -> background IDF: plain str and
# float values, so that a cache growing with every new word adds nothing for the garbage collector to scan
_TERM: dict[str, str] = {}
_IDF: dict[str, float] = {}
_TERM_MAX = 400_000  # the caches are dropped when they have grown past this many tokens


def _term_of(tok: str) -> str:
    """The term of one token as `marsad.arabic.terms.terms` keeps it ("" if it keeps none), now kept."""
    if len(tok) < 2 or tok in stopwords() or (tok.isdigit() and len(tok) < 3):
        t = ""
    else:
        t = stem(tok)
        if t not in _IDF:
            _IDF[t] = idf(t)
    _TERM[tok] = t
    return t


_TF = [0.0, 1.0] + [1.0 + math.log(c) for c in range(2, 64)]  # sublinear TF of a count, for the usual counts


def _vec(text: str, key: str | None = None) -> Vec:
    """``weighted(terms(text), normalized=False)`` from the text's key, with per-token work cached."""
    toks = tokenize(normalize(text) if key is None else key, normalized=True)
    if len(_TERM) >= _TERM_MAX:  # dropped between two blocks, never while one is read
        _TERM.clear()
        _IDF.clear()
    # tokens -> terms and their counts in C (map, set difference, _count_elements): terms keep
    # the order of their first token, as the sums over them (norms, cosines) need to come out the same
    term = _TERM.__getitem__
    try:
        terms = list(map(term, toks))
    except KeyError:  # new words: their terms are found once, then kept
        for tok in set(toks).difference(_TERM):
            _term_of(tok)
        try:
            terms = list(map(term, toks))
        except KeyError:  # (another thread dropped the caches meanwhile)
            terms = [_term_of(tok) for tok in toks]
    counts: dict[str, int] = {}
    _count_elements(counts, terms)
    counts.pop("", None)  # tokens that are no term
    idfs, tf = _IDF, _TF
    try:
        w = {t: (tf[c] if c < 64 else 1.0 + math.log(c)) * idfs[t] for t, c in counts.items()}
    except KeyError:  # (the same) the values the cache holds, computed again and kept again
        for t in counts:
            if t not in idfs:
                idfs[t] = idf(t)
        w = {t: (tf[c] if c < 64 else 1.0 + math.log(c)) * idf(t) for t, c in counts.items()}
    return Vec(w, sum([x * x for x in w.values()]))


def _add(acc: Vec, vec: Vec, weight: float = 1.0) -> None:
    w, sq = acc.w, acc.sq
    for t, x in vec.w.items():
        old = w.get(t, 0.0)
        new = old + x * weight
        w[t] = new
        sq += new * new - old * old
    acc.sq = sq


def cosine(a: Vec, b: Vec) -> float:
    if not a.w or not b.w:
        return 0.0
    aw, bw = a.w, b.w
    if len(aw) > len(bw):
        aw, bw = bw, aw
    get = bw.get
    dot = sum([x * get(t, 0.0) for t, x in aw.items()])  # (a list: faster than a generator, the same sum)
    if dot == 0.0 or a.sq <= 0.0 or b.sq <= 0.0:
        return 0.0
    return dot / math.sqrt(a.sq * b.sq)


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
        tkey = normalize(title).rstrip(" .")
        at = next((j for j in range(i, min(len(blocks), i + HEADER_SCAN)) if normalize(blocks[j]).rstrip(" .") == tkey), None)
        if at is not None:
            # what stands above the page's own title is header: breadcrumbs, labels, bylines
            removed += [Removed("header", blocks[j]) for j in range(i, at)]
            i = at + 1
    elif find_title:
        # a short label line right above a longer headline is a section label, not the title
        while (i < len(blocks) - 2 and _short_label(blocks[i]) and is_headline_like(blocks[i + 1])
               and len(blocks[i + 1].split()) > len(blocks[i].split())
               and (not is_headline_like(blocks[i + 2], 12) or _metadata_line(blocks[i + 2]) is not None
                    or is_byline(blocks[i + 2]) or is_section_label(blocks[i + 2]))
               and _metadata_line(blocks[i + 1]) is None and not is_byline(blocks[i + 1])):
            removed.append(Removed("section-label", blocks[i]))
            i += 1
        if i < len(blocks) - 1 and is_headline_like(blocks[i]):
            title = blocks[i]
            i += 1
    # date line, section label, byline or caption right after the title
    while i < len(blocks):
        if (hit := match_marker(blocks[i])) and hit.scope in ("tail", "glued"):
            break  # a "related" block right under the title: the main loop reads it
        if is_section_label(blocks[i]) or is_byline(blocks[i]) or is_caption(blocks[i]):
            reason = "section-label" if is_section_label(blocks[i]) else "byline" if is_byline(blocks[i]) else "caption"
            removed.append(Removed(reason, blocks[i]))
            i += 1
            continue
        meta = _metadata_line(blocks[i])
        if meta is None:
            break
        date = date or meta[1]
        removed.append(Removed(meta[0], blocks[i]))
        i += 1

    article_vec = _vec(title) if title else Vec()
    foreign_vec = Vec()
    foreign_blocks = 0  # blocks of foreign text (beyond a linked headline) in the current foreign run
    state = "article"
    probation = False  # the article was resumed after foreign text on a weak signal
    foreign_reason = ""
    footer_seen = False
    expect_headline = False
    marker_run = False  # the foreign run was opened by a "read also"/"related" marker
    head_vec = Vec()  # the last headline inside the foreign run: the article it heads echoes it
    link_at = -1  # the last block dropped as another article's headline (a related link)
    tail_end = 0  # a foreign run judged whole up to this block (`_foreign_tail`): nothing in it resumes the article
    digression_at: int | None = None  # where in `removed` an off-topic run opened by drift or a headline starts
    article_year = int(date[:4]) if date else None

    keys: dict[str, str] = {}  # block text -> its key, normalized once for every test that needs it
    vecs: dict[str, Vec] = {}  # block text -> its term vector

    def key_of(text: str) -> str:
        k = keys.get(text)
        if k is None:
            k = keys[text] = normalize(text)
        return k

    def vec_of(j: int) -> Vec:
        b = blocks[j]
        v = vecs.get(b)
        if v is None:
            v = vecs[b] = _vec(b, key_of(b))
        return v

    def n_terms(v: Vec) -> int:
        return len(v)

    while i < len(blocks):
        b = blocks[i]
        unglued = False  # a marker and headline were cut from this block: what is left is a paragraph
        hit = match_marker(b)
        fld = match_field(b)
        if hit and hit.scope in ("tail", "glued") and not hit.rest:
            state, foreign_reason, expect_headline = "foreign", hit.reason, True
            foreign_vec, foreign_blocks, marker_run, head_vec = Vec(), 0, True, Vec()
            removed.append(Removed(hit.reason, b))
            i += 1
            continue
        if hit and hit.scope in ("tail", "glued") and (_runs_on(hit.rest) or _short_glued(hit.rest) is not None):
            # marker and headline glued to the start of a paragraph: cut at the seam, keep the paragraph
            cut = find_glue(hit.rest, relaxed=True)
            if cut is None and _runs_on(hit.rest):
                cut = glue_fallback(hit.rest)  # a seam no split supports: inside the headline's unseen token
            start = len(b) - len(hit.rest)
            head_len = start + (cut or 0)
            removed.append(Removed(hit.reason, b[:head_len].strip()))
            b = b[head_len:].strip()
            blocks[i] = b
            unglued = True
            hit = None
            fld = match_field(b)
        if hit and hit.scope == "tail":
            # marker and linked headline on one line
            state, foreign_reason, expect_headline = "foreign", hit.reason, False
            foreign_vec, foreign_blocks, marker_run = _vec(hit.rest), 0, True
            head_vec = foreign_vec.copy()
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
            unglued = True
        elif hit:  # line-scope boilerplate
            removed.append(Removed(hit.reason, b))
            i += 1
            continue
        if fld and expect_headline and fld[0] == "source" and len(fld[1].split()) > SOURCE_MAX_WORDS_UNDER_MARKER:
            fld = None  # "مصدر: الجثث المنقولة ... ليست في المدينة" under a marker: the linked headline, no source line
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
        if is_caption(b) or (is_byline(b) and (not paragraphs or i >= len(blocks) - 3)) or (
                _name_or_label(b) and (not paragraphs or (i >= len(blocks) - 3 and not _heads_paragraph(i, blocks)))):
            # photo captions anywhere; author / place lines, section labels at the top or the foot of the body
            removed.append(Removed("caption" if is_caption(b) else "byline", b))
            if expect_headline:  # a linked headline ending on a credit-like name ("... في «the Voice Kids»")
                _add(foreign_vec, vec_of(i))
                head_vec, expect_headline = vec_of(i).copy(), False
            i += 1
            continue
        if fld and fld[0] in ("date", "updated", "author") and len(b.split()) <= 12:
            removed.append(Removed(f"{fld[0]}-line", b) if state == "article" else Removed(foreign_reason, b))
            i += 1
            continue
        # inline glued marker in the middle of a paragraph: "...نص الخبرإقرأ المزيد عنوان"
        inline = contains_marker_inline(b, key_of(b))
        if inline:
            start, ihit = inline
            cut = find_glue(ihit.rest, relaxed=_runs_on(ihit.rest))
            before = b[:start].strip()
            if cut is not None:
                tail_start = len(b) - len(ihit.rest) + cut
                removed.append(Removed(ihit.reason, b[start:tail_start].strip()))
                b = (before + " " + b[tail_start:].strip()).strip()
            elif _runs_on(ihit.rest):  # no seam found in a long run: drop the marker only
                marker_end = len(b) - len(ihit.rest)
                removed.append(Removed(ihit.reason, b[start:marker_end].strip()))
                b = (before + " " + ihit.rest).strip()
            else:
                removed.append(Removed(ihit.reason, b[start:].strip()))
                b = before
            if not b:
                i += 1
                continue
            blocks[i] = b
        # link lists: a run of short list items
        if is_list_item(b) and len(b.split()) <= 20:
            j = i
            while j < len(blocks) and is_list_item(blocks[j]) and len(blocks[j].split()) <= 20:
                j += 1
            if j - i >= LIST_RUN or state == "foreign":
                if not _list_is_article(i, j, blocks, vec_of, article_vec, state):
                    for k in range(i, j):
                        removed.append(Removed("link-list" if state == "article" else foreign_reason, blocks[k]))
                    i = j
                    expect_headline = False  # (the marker's headlines were these)
                    continue
                if state == "article" and j - i >= LIST_RUN:
                    # the article's own list: its items are taken whole, not weighed one by one as links
                    k = i
                    while k < j and not match_marker(blocks[k]) and not match_field(blocks[k]) and not is_caption(blocks[k]):
                        paragraphs.append(blocks[k])
                        _add(article_vec, vec_of(k), 2.0 if len(paragraphs) <= 2 else 1.0)
                        k += 1
                    if k > i:
                        i = k
                        continue
        v = vec_of(i)
        if state == "foreign":
            if expect_headline and is_headline_like(b):
                removed.append(Removed(foreign_reason, b))
                expect_headline = False
                _add(foreign_vec, v)  # what follows the linked headline is its article, or ours again
                head_vec = v.copy()
                i += 1
                continue
            expect_headline = False
            sim_a = cosine(v, article_vec)
            sim_f = cosine(v, foreign_vec) if foreign_vec else 0.0
            headline = is_headline_like(b)
            if not headline and head_vec:
                # the article of the run's last headline echoes it: "الرئيس المصري يؤكد ..." over
                # "صرح الناطق باسم الرئاسة المصرية ...", however much both share with ours
                sim_f = max(sim_f, cosine(v, head_vec))
            if i < tail_end:
                resume = False
            elif footer_seen and marker_run:
                resume = False  # after the page's own source/tags footer, a marker's run is never ours
            elif footer_seen:
                resume = sim_a >= RESUME_SIM * 1.6 and sim_a > sim_f
            elif headline:
                # another headline in a block of links: only a block clearly ours ends it
                resume = sim_a >= RESUME_SIM and sim_a > sim_f
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
                # resumed on a weak signal: until a block is clearly ours, a drift may still end it
                probation = sim_a < RESUME_SIM
                if foreign_reason == "off-topic" and digression_at is not None and not probation:
                    # the article clearly comes back after a run no marker opened: the run was its own digression
                    # (an appended article runs to the page's foot; another article's lines met between
                    # ours are headlines, taken one by one), so its blocks are the article's again
                    # (another article's headline met in it stays out: it shares nothing with ours nor with the line after it)
                    run = removed[digression_at:]
                    del removed[digression_at:]
                    for k, r in enumerate(run):
                        if r.reason != "off-topic":
                            removed.append(r)
                            continue
                        rv = _vec(r.text)
                        after = run[k + 1].text if k + 1 < len(run) else b
                        if is_headline_like(r.text, 20) and _headline_shaped(r.text) and _stray(rv, _vec(after), article_vec):
                            removed.append(Removed("related-link", r.text))
                            continue
                        paragraphs.append(r.text)
                        _add(article_vec, rv)
                digression_at = None
            else:
                _add(foreign_vec, v)
                foreign_blocks += 1
                if headline and len(v) >= 3 and sim_a < STRAY_SIM and _heads_article(i, blocks):
                    head_vec = v.copy()  # another article's headline: what follows may be its article
                removed.append(Removed(foreign_reason, b))
                i += 1
                continue
        else:
            if footer_seen:
                # after the page's source/tags footer nothing more belongs to the article
                # unless it clearly continues it
                sim_a = cosine(v, article_vec)
                if not (n_terms(v) >= MIN_TERMS and sim_a >= RESUME_SIM * 1.6):
                    state, foreign_reason, foreign_vec, foreign_blocks = "foreign", "after-footer", v.copy(), 1
                    marker_run, head_vec = False, Vec()
                    removed.append(Removed("after-footer", b))
                    i += 1
                    continue
            elif paragraphs and _own_dateline(b, article_year):
                state, foreign_reason, foreign_vec, foreign_blocks = "foreign", "foreign-article", v.copy(), 1
                marker_run, head_vec = False, Vec()
                removed.append(Removed("foreign-article", b))
                i += 1
                continue
            elif paragraphs and _dateline_opens_foreign(b) and is_date_only(b):  # (the cheap test first)
                # a dateline in the middle of the page opens another article ("الرياض 25 شوال 1436 هـ ... واس")
                state, foreign_reason, foreign_vec, foreign_blocks = "foreign", "foreign-article", Vec(), 0
                marker_run, head_vec = False, Vec()
                if len(paragraphs) > 1 and is_headline_like(paragraphs[-1], 20):
                    removed.append(Removed("foreign-article", paragraphs.pop()))
                removed.append(Removed("foreign-article", b))
                i += 1
                continue
            elif paragraphs and not _announced(paragraphs) and (run := _link_run(i, blocks, vec_of, article_vec, paragraphs)):
                # two or more headlines in a row that share (nearly) nothing with the article: related links
                removed += [Removed("related-link", blocks[k]) for k in range(i, i + run)]
                i += run
                link_at = i - 1
                continue
            elif (paragraphs and is_headline_like(b, 20) and _headline_shaped(b) and not is_table_row(b)
                  and not _in_verse(i, blocks) and not _announced(paragraphs) and not _quotes_next(b, blocks, i)
                  and not _inner_heading(b, blocks, i, paragraphs)
                  and (link_at == i - 1 or _lone_bullet(i, blocks, paragraphs)
                       or (opens_with_bare_marker(b) and cosine(v, article_vec) < RESUME_SIM))
                  and _heads_nothing(i, blocks, vec_of)):
                # next to another article's headline, or a lone bulleted line amid prose, heading nothing under
                # it: a related link however close to the article's subject (links come in runs, on any topic)
                removed.append(Removed("related-link", b))
                link_at = i
                i += 1
                continue
            elif (paragraphs and is_headline_like(b, 20) and not _verse_like(b) and not _figure_row(b)
                  and not _in_verse(i, blocks) and not _announced(paragraphs)
                  and not _inner_heading(b, blocks, i, paragraphs) and _lone_link(i, blocks, vec_of, article_vec)):
                # a headline of another article among ours, with no marker: a related link
                removed.append(Removed("related-link", b))
                link_at = i
                i += 1
                continue
            elif (paragraphs and not unglued and is_headline_like(b, 20) and not _introduces(b) and not is_table_row(b)
                  and not _figure_row(b) and not _in_verse(i, blocks) and not _announced(paragraphs)
                  and not (_verse_like(b) and (_verse_like(paragraphs[-1]) or _verse_like(blocks[i + 1] if i + 1 < len(blocks) else "")))
                  and not _asked(b, blocks, i, paragraphs) and not _inner_heading(b, blocks, i, paragraphs, look_ahead=False)
                  and _stray_headline(i, blocks, vec_of, article_vec)):
                # a headline sharing nothing with the article nor with the paragraph after it (a subheading
                # or a question shares its paragraph's words): another article's, with no marker
                removed.append(Removed("related-link", b))
                link_at = i
                i += 1
                continue
            elif (paragraphs and is_headline_like(b, 20) and not _interview_line(b, blocks, i, paragraphs)
                  and not _in_verse(i, blocks) and not _introduces(b) and not _announced(paragraphs)
                  and not _quotes_next(b, blocks, i)
                  and ((len(paragraphs) >= 2 and _headline_opens_foreign(i, blocks, vec_of, article_vec))
                       or _echoed_headline(i, blocks, vec_of, article_vec))):
                digression_at = len(removed)
                state, foreign_reason, foreign_vec, foreign_blocks = "foreign", "off-topic", v.copy(), 1
                marker_run, head_vec = False, v.copy()
                removed.append(Removed("off-topic", b))
                i += 1
                continue
            elif len(paragraphs) >= 2 and n_terms(v) >= MIN_TERMS:
                sim_a = cosine(v, article_vec)
                if DEBUG:
                    print(f"{sim_a:.3f}", b[:60])
                if sim_a >= RESUME_SIM:
                    probation = False
                if (sim_a < DRIFT_SIM and n_terms(v) >= DRIFT_MIN_TERMS and not _introduces(b) and not _announced(paragraphs)
                        and not _quotes_next(paragraphs[-1], blocks, i - 1)
                        and (probation or not continues_article(b))
                        and (((probation or _headed_far_run(i, blocks, vec_of, article_vec))
                              and _run_is_foreign(i, blocks, vec_of, article_vec))
                             or (link_at == i - 1 and sim_a < AFTER_LINK_SIM
                                 and (tail_end := _foreign_tail(i, blocks, vec_of, article_vec))))):
                    digression_at = len(removed)
                    state, foreign_reason, foreign_vec, foreign_blocks = "foreign", "off-topic", v.copy(), 1
                    marker_run, head_vec = False, Vec()
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


HEADER_SCAN = 8  # the page's own title is looked for among this many first blocks
SOURCE_MAX_WORDS_UNDER_MARKER = 4  # right under a "read also" marker, a longer "مصدر: ..." line is a headline
RUN_ON_WORDS = 22  # a "headline" after a marker longer than this runs on into a paragraph


def _runs_on(rest: str) -> bool:
    """Is the text after a marker longer than a headline (a paragraph glued to it)?"""
    return len(rest.split()) > RUN_ON_WORDS


GLUED_PARA_MIN_WORDS = 4  # after a marker, a headline, then a seam and this many words: a short paragraph


def _short_glued(rest: str) -> int | None:
    """The seam in a marker line shorter than `_runs_on` whose headline runs into a short paragraph.

    ``تابع أيضا :من يحل الأزمةوأضاف أن النظام ...``: a headline and a seam, then a few
    words of the article (a marker and a plain headline have no seam inside).
    """
    cut = find_glue(rest, relaxed=True)
    if cut is None or len(rest[cut:].split()) < GLUED_PARA_MIN_WORDS or not 2 <= len(rest[:cut].split()) <= GLUED_HEAD_MAX_WORDS:
        return None
    return cut


def _name_or_label(block: str) -> bool:
    """One or two words and nothing else (no digit, no punctuation): a name, a place or a section label.

    Above the first paragraph or at the foot of the page such a line is an author, a dateline
    or a section label ("ياسر الدوسري", "الأسهم"), not a paragraph of the article.
    """
    return _short_label(block) and len(block.split()) <= 2 and not match_marker(block)


def _heads_paragraph(i: int, blocks: list[str]) -> bool:
    """Is block i followed by a paragraph (as a subheading is), not by the page's foot?"""
    return i + 1 < len(blocks) and len(blocks[i + 1].split()) > 12 and not match_field(blocks[i + 1])


def _short_label(block: str) -> bool:
    """One to three words, no digits, no sentence punctuation: a section label's shape."""
    words = block.split(None, 3)
    return 1 <= len(words) <= 3 and not any(ch.isdigit() for ch in block) and not any(c in block for c in ".،,؟?!:")


def _list_is_article(i: int, j: int, blocks: list[str], vec_of, article_vec: Vec, state: str) -> bool:
    """Are list items i..j-1 the article's own points (they cohere with it) rather than links?

    Links are headlines of other articles: they share little with the article.  The
    article's own points (bullets, numbered steps, a Q&A) share its vocabulary, or end
    like sentences.
    """
    if not article_vec:
        return False
    items = [vec_of(k) for k in range(i, j)]
    sims = [cosine(v, article_vec) for v in items if v]
    if not sims:
        return False
    close = sum(s >= LIST_ITEM_SIM for s in sims) / len(sims)
    sentences = sum(not is_headline_like(blocks[k]) for k in range(i, j)) / (j - i)
    if state == "foreign":
        return close >= 0.5 and sentences >= 0.5
    # (a question counts: a few bulleted questions in a row, none answered, none close to the article, are links)
    shaped = sum(_headline_shaped(blocks[k]) or _question_headline(blocks[k]) for k in range(i, j)) / (j - i)
    if (sentences == 0 and shaped == 1 and j - i <= RUN_MAX and (i == 0 or not _introduces(blocks[i - 1]))
            and all(match_field(b) or match_marker(b) for b in blocks[j:])):
        # headlines, nothing announcing them, down to the page's foot: related links, however
        # topical, unless nearly every one of them is close to the article
        return close >= FOOT_LIST_CLOSE
    if close >= 0.5 or sentences >= 0.5:
        return True
    # a list of links is a handful of headlines at the foot or under a marker; verse set as a
    # list, or a long list with the article going on after it, is the article's own
    goes_on = any(not match_field(b) and not match_marker(b) and len(b.split()) > 20 for b in blocks[j: j + 2])
    return shaped < 0.5 or (j - i > RUN_MAX and goes_on) or j - i > LINK_LIST_MAX


LINK_LIST_MAX = 12  # an unmarked list longer than this is no list of links (verse, steps, names)


LIST_ITEM_SIM = 0.08  # a list item this close to the article is one of its own points
FOOT_LIST_CLOSE = 0.75  # a list of headlines down to the page's foot is the article's own if this share of it is close


def _labelled(block: str) -> bool:
    """A line with a short label before a colon ("س:", "سؤال:", "محمد العتيبي:"): an interview's, not a headline.

    A label opened by a verb of speech ("وتابع الشمري:", "وقال:") introduces a quotation in
    running text, not an interview's turn (``speech_verbs.txt``).
    """
    head = block.strip()[:40]
    if ":" not in head:
        return False
    label = head.split(":")[0].split()
    return len(label) <= 3 and not (label and _speech_verb(label[0]))


def _speech_verb(word: str) -> bool:
    """Is ``word`` a verb of reported speech, with or without a conjunction ("وتابع", "فقال")?"""
    key, verbs = normalize(word), word_set("speech_verbs.txt")
    return key in verbs or (key[:1] in "وف" and key[1:] in verbs)


def _speaker_line(block: str, blocks: list[str], i: int, paragraphs: list[str] | None) -> bool:
    """A labelled line that belongs to an interview rather than a headline of the "X: ..." kind.

    News headlines open with a speaker as often as interviews do ("الصحة: تسجيل 4 حالات",
    "مارتينو: لو كنت ميسي"); a short labelled line counts as the article's own only
    next to a question or a long labelled answer, or when it is itself a long answer.
    """
    if not _labelled(block):
        return False
    if not is_headline_like(block, 20):
        return True
    near = list((paragraphs or [])[-3:]) + blocks[i + 1: i + 3]
    # two of them: one "وقال فلان: ..." paragraph is a quotation, not an interview
    return sum(n.rstrip().endswith(("؟", "?")) or (_labelled(n) and not is_headline_like(n, 20)) for n in near) >= 2


RUN_MAX = 6  # related links come a few at a time; a longer run of short lines is verse or a list
_VOWEL_MARKS = frozenset("\u064e\u064f\u0650\u0651\u0652")  # fatha, damma, kasra, shadda, sukun


def _headline_shaped(block: str) -> bool:
    """Could this line be another article's headline (as opposed to a verse, a table row, a label)?

    Headlines have three words or more, do not end on a comma, a colon, a question mark or
    a bare number (a table's cells), and are not vocalised like verse.
    """
    words = block.split()
    if len(words) < 3 or _verse_like(block):
        return False
    return not block.rstrip().endswith((":", "：", "؟", "?")) and not _figure_row(block)


VERSE_RUN = 7  # this many short lines in a row, none ending a sentence, are verse (or the article's own list)
VERSE_WORDS = 12


def _short_line(block: str) -> bool:
    return is_headline_like(block, VERSE_WORDS) and not match_marker(block)  # (at most VERSE_WORDS words)


def _in_verse(i: int, blocks: list[str]) -> bool:
    """Is block i inside a long run of short lines (a poem, an enumeration) rather than among a few links?"""
    if not _short_line(blocks[i]):
        return False
    lo = i
    while lo > 0 and i - lo < VERSE_RUN and _short_line(blocks[lo - 1]):
        lo -= 1
    hi = i + 1
    while hi < len(blocks) and hi - lo < VERSE_RUN and _short_line(blocks[hi]):
        hi += 1
    return hi - lo >= VERSE_RUN


def _introduces(block: str) -> bool:
    """A line that announces what follows ("... يقول الشاعر:"): never the first line of another article."""
    return block.rstrip().endswith((":", "："))


def _announced(paragraphs: list[str]) -> bool:
    """Do the last paragraphs announce what comes next ("... يقول الشاعر:" and a verse or two so far)?"""
    for k in range(len(paragraphs) - 1, max(-1, len(paragraphs) - 5), -1):
        if _introduces(paragraphs[k]):
            return True
        if not _short_line(paragraphs[k]):
            return False
    return False


def _figure_row(block: str) -> bool:
    """A short line ending on a number ("عدد الأسرة 200"): a table row whose cell separators were lost."""
    words = block.split()
    return len(words) <= 5 and words[-1].strip(".,،%").isdigit()


def _question_headline(block: str) -> bool:
    """A question of three words or more: at the foot of the page, with no answer after it, a headline."""
    return len(block.split()) >= 3 and block.rstrip().endswith(("؟", "?")) and not _verse_like(block)


def _verse_like(block: str) -> bool:
    """A line of verse (or of a list running on): vocalised, or ending on a comma. Headlines are neither."""
    return block.rstrip().endswith(("،", ",")) or sum(ch in _VOWEL_MARKS for ch in block) >= 3


RUN_LINK_SIM = 0.06  # every headline of a run of related links is this far from the article, at most


def _link_run(i: int, blocks: list[str], vec_of, article_vec: Vec, paragraphs: list[str]) -> int:
    """The length of a run of two or more related headlines starting at block i (0 if there is none).

    Each is headline-shaped, none is a question, a "label:" line over a list, a table row,
    a marker or a field, and none shares more than a trace with the article; the block after
    the run (if any) is not the paragraph of the last one (as it would be under a subheading).
    """
    if _in_verse(i, blocks):
        return 0
    j = i
    while j < len(blocks) and j - i < RUN_MAX:
        b = blocks[j]
        at_foot = all(match_field(x) or match_marker(x) for x in blocks[j + 1: j + 4])
        # a question closes a run of links when nothing answers it and the article asked none
        unanswered = j > i and _question_headline(b) and not _asked_before(paragraphs) and not (
            j + 1 < len(blocks) and (_labelled(blocks[j + 1]) or _QA_LABEL.match(blocks[j + 1])))
        if (not is_headline_like(b, 20) or is_table_row(b) or match_field(b) or match_marker(b)
                or not (_headline_shaped(b) or (at_foot and _question_headline(b)) or unanswered)
                or _speaker_line(b, blocks, j, paragraphs)):
            break
        v = vec_of(j)
        if len(v) < 2 or cosine(v, article_vec) >= RUN_LINK_SIM:
            break
        j += 1
    if j - i < 2 or (j - i == RUN_MAX and j < len(blocks) and is_headline_like(blocks[j], 20)):
        return 0  # a long run of short lines is a poem or a list of the article's own, not a few links
    if j < len(blocks) and not match_field(blocks[j]) and not match_marker(blocks[j]):
        last, nxt = vec_of(j - 1), vec_of(j)
        if cosine(nxt, last) > cosine(nxt, article_vec):
            j -= 1  # the last one heads the next paragraph: a subheading of a foreign run, let the loop decide
            if j - i < 2:
                return 0
    return j - i


def _asked_before(paragraphs: list[str]) -> bool:
    """Did the article ask a short question in its last paragraphs (an interview's)?"""
    return any(p.rstrip().endswith(("؟", "?")) and len(p.split()) <= 25 for p in paragraphs[-6:])


def _asked(block: str, blocks: list[str], i: int, paragraphs: list[str]) -> bool:
    """An interview's line: a labelled question or speaker line, or a question in a bullet or answered by a label."""
    question = block.rstrip().endswith(("؟", "?"))
    if _labelled(block) and (question or _speaker_line(block, blocks, i, paragraphs)):
        return True
    return question and (is_list_item(block) or (i + 1 < len(blocks) and _labelled(blocks[i + 1])))


LIST_OPENER_MAX_WORDS = 40  # a subheading's line that opens a list ("... على النحو الآتي:") is no longer than this


def _interview_line(block: str, blocks: list[str], i: int, paragraphs: list[str] | None = None) -> bool:
    """A labelled line ("س:", "محمد العتيبي:"), a question in a bullet or answered by a labelled line,
    or a subheading over a line that opens a list ("... الآتي:") or a table row.

    With the article's ``paragraphs`` a short labelled line counts only as a question, a point of
    a list ("* د. فلان: ..."), or among questions and answers (`_speaker_line`): "الصحة: تسجيل 4
    حالات" alone is a headline of the "X: ..." kind.
    """
    if _labelled(block) and (paragraphs is None or block.rstrip().endswith(("؟", "?")) or is_list_item(block)
                             or _speaker_line(block, blocks, i, paragraphs)):
        return True
    nxt = blocks[i + 1] if i + 1 < len(blocks) else ""
    if (nxt.rstrip().endswith((":", "：")) and len(nxt.split()) <= LIST_OPENER_MAX_WORDS) or is_table_row(nxt):
        return True  # (a long paragraph ending on a colon opens an appended article's list as often as ours)
    if not block.rstrip().endswith(("؟", "?")):
        return False
    return is_list_item(block) or (i + 1 < len(blocks) and _labelled(blocks[i + 1]))


def _inner_heading(block: str, blocks: list[str], i: int, paragraphs: list[str] | None = None,
                   look_ahead: bool = True) -> bool:
    """A question, a "label:" line or an interview cue inside the article, not another article's headline.

    A question opens another article's headline as often as an interview's next
    question: it counts as the article's own when it carries a question label or a
    bullet, or when the article already asked one.
    """
    stripped = block.strip()
    if stripped.endswith((":", "：")) or is_table_row(stripped):
        return True
    head = stripped[:40]
    labelled = ":" in head and len(head.split(":")[0].split()) <= 3  # "س:", "سؤال:", "محمد العتيبي:"
    if labelled and not stripped.endswith(("؟", "?")):
        labelled = _speaker_line(stripped, blocks, i, paragraphs)
    if stripped.endswith(("؟", "?")):
        # an interview: an earlier short question line (not a rhetorical question closing a paragraph)
        asked = any(p.rstrip().endswith(("؟", "?")) and len(p.split()) <= 25 for p in (paragraphs or [])[-6:])
        return labelled or is_list_item(stripped) or asked
    if labelled or not look_ahead:
        return labelled
    for after in blocks[i + 1: i + 3]:
        if is_table_row(after) or after.rstrip().endswith(("؟", "?", ":")):
            return True  # a heading over the article's own table, question or list
    return False


LINK_SIM = 0.03  # a headline this far from the article and from the block after it is a link


def _lone_link(i: int, blocks: list[str], vec_of, article_vec: Vec) -> bool:
    """A headline-like block (or a run of them) sharing (nearly) nothing with the article.

    A subheading shares words with the paragraph it heads; an appended article's
    headline with the article under it.  Related links share neither: after the run
    of such headlines comes the article again, the page's footer, or nothing.
    """
    v = vec_of(i)
    # the page's last lines: headlines with nothing but the footer after them, none clearly ours
    j = i
    while j < len(blocks) and is_headline_like(blocks[j], 20) and not match_field(blocks[j]) and not match_marker(blocks[j]):
        j += 1
    if j > i and all(match_field(b) or match_marker(b) or is_caption(b) for b in blocks[j:]):
        return all(cosine(vec_of(k), article_vec) < RESUME_SIM for k in range(i, j))
    if len(v) < 3 or cosine(v, article_vec) >= LINK_SIM:
        return False
    run = v.copy()
    j = i + 1
    while j < len(blocks) and is_headline_like(blocks[j], 20) and not match_field(blocks[j]) and not match_marker(blocks[j]):
        if cosine(vec_of(j), article_vec) >= LINK_SIM:
            break
        _add(run, vec_of(j))
        j += 1
    nxt = next((k for k in range(j, min(j + 3, len(blocks))) if len(vec_of(k)) >= MIN_TERMS), None)
    if nxt is None or match_field(blocks[nxt]) or match_marker(blocks[nxt]):
        return True  # the page's last lines, or its footer, follow
    to_article, to_run = cosine(vec_of(nxt), article_vec), cosine(vec_of(nxt), run)
    return to_run < LINK_SIM and to_article >= RESUME_FLOOR and to_article > to_run


STRAY_SIM = 0.06  # a headline this far from the article ...
STRAY_NEXT_SHARE = 0.2  # ... and with less of its weight than this in the line after it heads nothing of ours


def _stray_headline(i: int, blocks: list[str], vec_of, article_vec: Vec) -> bool:
    """A headline-like line between our paragraphs that shares (nearly) nothing with the article or the next line.

    A subheading or an interview question takes its words from the paragraph under it; an
    appended article's headline shares its article's words.  A related headline shares
    neither, whatever comes after it.
    """
    return _stray(vec_of(i), vec_of(i + 1) if i + 1 < len(blocks) else None, article_vec)


def _stray(v: Vec, nxt: Vec | None, article_vec: Vec) -> bool:
    """A line's vector that shares (nearly) nothing with the article, nor its weight with the next line's (`_stray_headline`)."""
    if not v or cosine(v, article_vec) >= STRAY_SIM:
        return False
    return nxt is None or _shares_little(v, nxt)


def _shares_little(v: Vec, nxt: Vec) -> bool:
    """Is less than `STRAY_NEXT_SHARE` of a line's weight found in the next line's words?"""
    shared = sum([x for t, x in v.w.items() if t in nxt.w])
    return shared < STRAY_NEXT_SHARE * sum(v.w.values())


PROSE_WORDS = 20  # a paragraph of running text ends like a sentence or is longer than this


def _lone_bullet(i: int, blocks: list[str], paragraphs: list[str]) -> bool:
    """A single bulleted line between two paragraphs of running text ("·مركز الملك سلمان ... يعيد 1400 لاجئ")."""
    return (is_list_item(blocks[i]) and i + 1 < len(blocks) and not is_list_item(paragraphs[-1])
            and not is_list_item(blocks[i + 1]) and not is_headline_like(paragraphs[-1], PROSE_WORDS)
            and not is_headline_like(blocks[i + 1], PROSE_WORDS))


def _heads_nothing(i: int, blocks: list[str], vec_of) -> bool:
    """Does block i share less than `STRAY_NEXT_SHARE` of its weight with the block under it (or stand last)?

    A subheading or a question takes its words from the paragraph it heads; another
    article's headline does not, however close to the article's subject.
    """
    v = vec_of(i)
    if not v:
        return False
    if i + 1 >= len(blocks) or match_field(blocks[i + 1]) or match_marker(blocks[i + 1]):
        return True
    return _shares_little(v, vec_of(i + 1))


def _run_is_foreign(i: int, blocks: list[str], vec_of, article_vec: Vec) -> bool:
    """Does the run starting at block i cohere with itself more than with the article?"""
    nxt = [j for j in range(i + 1, min(i + 6, len(blocks)))
           if len(vec_of(j)) >= MIN_TERMS and not match_marker(blocks[j]) and not match_field(blocks[j])][:2]
    if not nxt:
        # the last block of the page: foreign only if it shares nearly nothing
        return cosine(vec_of(i), article_vec) < DRIFT_SIM / 4 and len(vec_of(i)) >= 2 * DRIFT_MIN_TERMS
    run = vec_of(i).copy()
    for j in nxt:
        to_run, to_article = cosine(vec_of(j), run), cosine(vec_of(j), article_vec)
        if to_run <= to_article or to_article >= RESUME_SIM:
            return False
        _add(run, vec_of(j))
    return True


TAIL_MIN_BLOCKS = 2
FOOT_SCAN = 40  # an appended article reaches the page's foot within this many blocks


def _foreign_tail(i: int, blocks: list[str], vec_of, article_vec: Vec) -> int:
    """Where the page's foot starts (a marker, a footer line, the end), if blocks i up to it all stay away from the article; else 0.

    An appended article whose paragraphs share little with each other (a column) does not
    cohere as a run (`_run_is_foreign`), but none of it comes back to the article either:
    every block is short of `RESUME_SIM` and on average they are as far as a drift.
    """
    sims = []
    j = i
    while j < len(blocks) and not match_marker(blocks[j]) and not match_field(blocks[j]):
        if j - i > FOOT_SCAN:
            return 0  # (no foot in sight: a page of thousands of short lines stays linear)
        if len(vec_of(j)) >= MIN_TERMS:
            sims.append(cosine(vec_of(j), article_vec))
        j += 1
    return j if len(sims) >= TAIL_MIN_BLOCKS and max(sims) < RESUME_SIM and sum(sims) / len(sims) < DRIFT_SIM else 0


def _headed_far_run(i: int, blocks: list[str], vec_of, article_vec: Vec) -> bool:
    """Does a drift at block i open an appended article: under a line that could be its headline, far from ours down to the foot?

    An article with no marker comes under its own headline (or dateline, or byline) and,
    taken whole down to the page's foot (a marker, a footer line, the end), it shares next
    to nothing with ours.  A column or an interview drifts paragraph by paragraph, but its
    second half, taken whole, still speaks of what the first half did; and a paragraph
    under a sentence, a question or a labelled line goes on from it.
    """
    if i == 0 or not _could_head(i - 1, blocks):
        return False
    run, j = Vec(), i
    while j < len(blocks) and not match_marker(blocks[j]) and not match_field(blocks[j]):
        if j - i > FOOT_SCAN or (j > i and _could_head(j, blocks)):
            break  # (the next article's headline, or far enough to judge: a page of short lines stays linear)
        _add(run, vec_of(j))
        j += 1
    return cosine(run, article_vec) < FAR_RUN_SIM


def _could_head(i: int, blocks: list[str]) -> bool:
    """Could block i be the headline of an article under it: short, no question, no label, not over a labelled answer?"""
    head = blocks[i]
    return (is_headline_like(head, 20) and not head.rstrip().endswith(("؟", "?", ":", "："))
            and not is_table_row(head) and not _figure_row(head) and not _labelled(head)
            and not _QA_LABEL.match(head) and not (i + 1 < len(blocks) and (_labelled(blocks[i + 1]) or _QA_LABEL.match(blocks[i + 1]))))


def _quotes_next(block: str, blocks: list[str], i: int) -> bool:
    """A short heading whose words stand verbatim in the paragraph under it: the article's own subheading.

    "■ الجرحى خضع للجراحة" over "... أحد الجرحى خضع للجراحة ...": a writer's heading picks a phrase of
    its paragraph; another article's headline is not a piece of the paragraph that follows it.
    """
    if i + 1 >= len(blocks) or blocks[i] != block:
        return False
    head = _LEAD_MARK.sub("", block).strip().rstrip(" .:؟?!")
    if not 2 <= len(head.split()) <= QUOTE_HEAD_MAX_WORDS:
        return False
    return _phrase_of(head, blocks[i + 1])  # punctuation aside: "■ بشاب مكث زمنا" over "... بشاب، مكث زمنا ..."


QUOTE_HEAD_MAX_WORDS = 8
_LEAD_MARK = regex.compile(r"^[\s•·▪►●○■□‣⁃*\-–—]+")


def _dateline_opens_foreign(block: str) -> bool:
    """A date line that names a place or an agency, as appended articles open: "الرياض 25 شوال 1436 هـ ... واس"."""
    words = block.split(None, 4)
    return len(words) >= 4 and not any(ch.isdigit() for ch in words[0])


def _headline_opens_foreign(i: int, blocks: list[str], vec_of, article_vec: Vec) -> bool:
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


ECHO_HEAD_SIM = 0.03  # a headline sharing less than this with the article ...
ECHO_RUN = 2  # ... whose paragraphs (this many at least, to the page's foot) each echo it more than the article


def _echoed_headline(i: int, blocks: list[str], vec_of, article_vec: Vec) -> bool:
    """A headline foreign to the article over paragraphs that stay closer to it than to the article, to the page's foot.

    An appended article on a neighbouring subject ("الزمالك يتسلم القسط الأول ..." under a
    report on another club) shares the article's field words, so its paragraphs do not
    drift far enough for `_headline_opens_foreign`; but they take up their own headline's
    words, which the article never used, and the article does not come back after them
    (a marker, a footer line or the end of the page follows).  A subheading of ours quotes
    its paragraph, and the article goes on after its section; an interview's questions
    and labelled answers are never read as a headline and its article.
    """
    head = vec_of(i)
    if len(head) < 2 or cosine(head, article_vec) >= ECHO_HEAD_SIM or is_list_item(blocks[i]) or not _heads_article(i, blocks):
        return False  # (a point in a list is the article's own heading)
    run, n, j = head.copy(), 0, i + 1
    while j < len(blocks) and not match_marker(blocks[j]) and not match_field(blocks[j]):
        if j - i > FOOT_SCAN:
            return False  # (no foot in sight: a page of thousands of short lines stays linear)
        b, v = blocks[j], vec_of(j)
        if _QA_LABEL.match(b) or _labelled(b) or b.rstrip().endswith(("؟", "?")):
            return False  # questions and labelled answers: an interview
        if len(v) >= MIN_TERMS:
            if n == 0 and (continues_article(b) or _phrase_of(blocks[i], b)):
                return False  # "من جهة أخرى ...", or a paragraph quoting it as one phrase: a subheading of ours
            if cosine(v, run) <= cosine(v, article_vec):
                return False  # the article comes back
            _add(run, v)
            n += 1
        j += 1
    return n >= ECHO_RUN


_QA_LABEL = regex.compile(r"^\s*(?:\p{L}{1,2}|سؤال|جواب)\s*[-–—:]")  # "س - ", "ج: ": an interview's turns


_WORDS = regex.compile(r"[\p{L}\p{M}\d]+")


def _phrase_of(head: str, para: str) -> bool:
    """Do the heading's words stand in ``para`` as one phrase, punctuation aside ("■ الترانزيت 12 750" in "12,750")?"""
    words = _WORDS.findall(normalize(head))
    return bool(words) and f" {' '.join(words)} " in f" {' '.join(_WORDS.findall(normalize(para)))} "


def _heads_article(i: int, blocks: list[str]) -> bool:
    """Could block i head another article: headline-shaped (no question, no "label:" over a list), not answered by a labelled line?"""
    return _headline_shaped(blocks[i]) and not (i + 1 < len(blocks) and _labelled(blocks[i + 1]))


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

    if not tag_lines:
        return []
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
