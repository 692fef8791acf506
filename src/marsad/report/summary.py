"""Attributed extractive multi-document summaries.

1. Candidates are the sentences of the story's clean bodies (never removed text).
2. Sentences saying the same thing in different outlets are aligned into one
   group: they share a wire paragraph, or most of their normalized content words
   (overlap coefficient >= `ALIGN_OVERLAP` with at least `ALIGN_MIN_SHARED` shared
   terms) and no conflicting numbers.
3. Groups are ranked by centrality (cosine to the story centroid), boosted by
   how many outlets carry them and by lead position, then picked with MMR so the
   summary does not repeat itself.
4. A group is shown by its best well-formed sentence (balanced quotes, a
   sentence end, no subjectless opening such as "وأضاف:"), and the picked
   sentences are ordered by event date, then by where they sit in the reports.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

import regex

from marsad.arabic.lexicons import word_set
from marsad.arabic.normalize import normalize
from marsad.arabic.terms import terms, weighted
from marsad.arabic.tokenize import split_sentences
from marsad.cluster.features import cosine
from marsad.model import Analysis, Article, SummarySentence

ALIGN_OVERLAP = 0.6
ALIGN_MIN_SHARED = 5
MMR_LAMBDA = 0.7
CENTRALITY_WEIGHT, SUPPORT_WEIGHT, LEAD_WEIGHT = 0.5, 0.5, 0.1
MIN_WORDS, MAX_WORDS = 7, 70
DEFAULT_MAX, DEFAULT_MIN = 8, 5



@cache
def _continuation_verb() -> regex.Pattern:
    verbs = sorted({normalize(w) for w in word_set("continuation_verbs.txt")}, key=len, reverse=True)
    return regex.compile(rf"^(?:و|ف)?(?:{'|'.join(map(regex.escape, verbs))})(?![\p{{L}}])")


def _dangling(sentence: str) -> bool:
    """A sentence that opens with a continuation verb and goes on with what was said ("وأضاف:")."""
    key = normalize(sentence.strip())
    m = _continuation_verb().match(key)
    return bool(m) and regex.match(r"\s*(?:[:،,]|(?:الي|ان|انه)(?!\p{L}))", key[m.end():]) is not None


def _continues(sentence: str) -> bool:
    return bool(_continuation_verb().match(normalize(sentence.strip())))


@dataclass
class Candidate:
    article_id: str
    text: str
    start: int
    position: float  # 0 = lead of its article, 1 = end
    terms: set[str]
    vector: dict[str, float]
    numbers: frozenset[str]
    date: str | None = None
    paragraph: int = 0


@dataclass
class Group:
    members: list[Candidate] = field(default_factory=list)
    terms: set[str] = field(default_factory=set)

    @property
    def article_ids(self) -> list[str]:
        return sorted({m.article_id for m in self.members})


def well_formed(sentence: str) -> bool:
    words = sentence.split()
    if not (MIN_WORDS <= len(words) <= MAX_WORDS):
        return False
    if not regex.search(r"[.!؟?…][\"'”»)]*\s*$", sentence):
        return False
    if _dangling(sentence):
        return False
    if sentence.count('"') % 2 or sentence.count("“") != sentence.count("”") or sentence.count("«") != sentence.count("»"):
        return False
    return True


def candidates(article: Article, analysis: Analysis | None = None) -> list[Candidate]:
    out = []
    text = article.text
    sents = split_sentences(text)
    date_at = {}
    if analysis:
        for d in analysis.dates:
            if d.granularity != "year":
                date_at[d.start] = d.value
    para_starts = []
    pos = 0
    for p in article.paragraphs:
        para_starts.append(pos)
        pos += len(p) + 2
    for k, s in enumerate(sents):
        ts = terms(s.text)
        if len(ts) < 3:
            continue
        date = next((v for st, v in date_at.items() if s.start <= st < s.end), None)
        para = max(i for i, ps in enumerate(para_starts) if ps <= s.start) if para_starts else 0
        nums = frozenset(regex.findall(r"\d+", normalize(s.text)))
        out.append(Candidate(article.id, s.text, s.start, k / max(1, len(sents) - 1), set(ts), weighted(ts), nums, date, para))
    return out


def align(cands: list[Candidate], shared: set[tuple[str, int, str, int]] | None = None) -> list[Group]:
    """Group sentences that say the same thing (different articles only)."""
    shared = shared or set()
    groups: list[Group] = []
    for c in cands:
        best, best_score = None, 0.0
        for g in groups:
            inter = len(c.terms & g.terms)
            overlap = inter / max(1, min(len(c.terms), len(g.terms)))
            # cheap tests first: most groups share too little to be chosen whatever the rest says
            if overlap <= best_score or overlap < ALIGN_OVERLAP / 2 or c.article_id in g.article_ids:
                continue
            wire = any((m.article_id, m.paragraph, c.article_id, c.paragraph) in shared
                       or (c.article_id, c.paragraph, m.article_id, m.paragraph) in shared for m in g.members)
            numbers_clash = any(m.numbers and c.numbers and not (m.numbers & c.numbers) for m in g.members)
            if numbers_clash:
                continue
            ok = (inter >= ALIGN_MIN_SHARED and overlap >= ALIGN_OVERLAP) or (wire and overlap >= ALIGN_OVERLAP / 2)
            if ok and overlap > best_score:
                best, best_score = g, overlap
        if best is None:
            groups.append(Group([c], set(c.terms)))
        else:
            best.members.append(c)
            best.terms |= c.terms
    return groups


def summarize(items: list[tuple[Article, Analysis]], *, max_sentences: int = DEFAULT_MAX,
              min_sentences: int = DEFAULT_MIN, shared: set[tuple[str, int, str, int]] | None = None,
              outlet_of: dict[str, str | None] | None = None, exclude: set[str] | None = None) -> list[SummarySentence]:
    """The attributed summary of one story's articles."""
    exclude = exclude or set()
    cands = [c for art, an in items if art.id not in exclude for c in candidates(art, an)]
    if not cands:
        return []
    groups = align(cands, shared)
    centroid: dict[str, float] = {}
    for c in cands:
        for t, w in c.vector.items():
            centroid[t] = centroid.get(t, 0.0) + w
    norm = math.sqrt(sum(w * w for w in centroid.values())) or 1.0
    centroid = {t: w / norm for t, w in centroid.items()}
    n_articles = len({c.article_id for c in cands})
    scored = []
    for g in groups:
        rep = _representative(g, centroid)
        if rep is None:
            continue
        central = cosine(rep.vector, centroid)
        # what several outlets report is the strongest sign of salience across documents
        support = (len(g.article_ids) - 1) / (n_articles - 1) if n_articles > 1 else 0.0
        lead = 1.0 - min(m.position for m in g.members)
        score = CENTRALITY_WEIGHT * central + SUPPORT_WEIGHT * support + LEAD_WEIGHT * lead
        scored.append((score, g, rep))
    scored.sort(key=lambda x: (-x[0], x[2].article_id, x[2].start))
    picked: list[tuple[float, Group, Candidate]] = []
    limit = max_sentences
    # each candidate's redundancy (its highest cosine with a picked sentence), updated as sentences are picked
    redundancy = [0.0] * len(scored)
    while scored and len(picked) < limit:
        best_idx, best_val = 0, -1e9
        for i, (score, _group, _rep) in enumerate(scored):
            val = MMR_LAMBDA * score - (1 - MMR_LAMBDA) * redundancy[i]
            if val > best_val:
                best_idx, best_val = i, val
        item = scored.pop(best_idx)
        if redundancy.pop(best_idx) > 0.6 and len(picked) >= min_sentences:
            continue
        picked.append(item)
        redundancy = [max(r, cosine(rep.vector, item[2].vector))
                      for r, (_s, _g, rep) in zip(redundancy, scored, strict=True)]
    main_date = Counter(c.date for c in cands if c.date).most_common(1)
    default_date = main_date[0][0] if main_date else "9999"
    picked.sort(key=lambda x: (min((m.date for m in x[1].members if m.date), default=default_date),
                               sum(m.position for m in x[1].members) / len(x[1].members)))
    outlet_of = outlet_of or {}
    out = []
    for _, g, rep in picked:
        ids = tuple(g.article_ids)
        # known outlets only: an article of an unknown outlet is in article_ids, never named by its id or file
        outlets = tuple(dict.fromkeys(o for i in ids if (o := outlet_of.get(i))))
        anchors = tuple(f"{m.article_id}:{m.start}" for m in sorted(g.members, key=lambda m: m.article_id))
        out.append(SummarySentence(rep.text, ids, outlets, anchors))
    return out


def _representative(g: Group, centroid: dict[str, float]) -> Candidate | None:
    good = [m for m in g.members if well_formed(m.text)]
    if not good:
        return None
    # a sentence that names its own subject reads better alone than one continuing the last ("وأضاف …")
    return max(good, key=lambda m: (not _continues(m.text), cosine(m.vector, centroid), -len(m.text), m.article_id))
