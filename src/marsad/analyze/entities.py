"""Entity mentions in an article, and their canonical forms across spellings.

Mentions come from three sources, merged with gazetteer and role evidence
preferred over the statistical tagger where they overlap:

1. the two-stage CRF recognizer trained on ANERcorp (`ner.py`), reading the article as one document;
2. gazetteers shipped as data files (countries from CLDR, places, organisations,
   public figures) and the alias table (``aliases.tsv``);
3. role patterns: a title such as الرئيس / وزير الخارجية / المتحدث باسم followed by
   one to three name-like words is a person.

`canonical_key` folds a mention into a matching key: normalized, proclitics and
the article ال dropped from single words, the alias table applied.  `Canonicalizer`
merges the keys of one story: exact keys, then length-aware fuzzy matching (one
edit is a variant in a name of six letters or more, never in a short word), then
short forms resolved to a full name seen in the same story (باشينيان -> نيكول باشينيان).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import regex
from rapidfuzz.distance import Levenshtein

from marsad.analyze import ner
from marsad.arabic.clitics import strip_proclitic
from marsad.arabic.lexicons import mapping, table, word_set
from marsad.arabic.normalize import normalize
from marsad.model import Entity, Mention

_WORD = regex.compile(r"[\p{L}\p{M}]+|\d+|[^\s\p{L}\p{M}\d]")
_ADJECTIVE_ENDINGS = ("يه", "يون", "يين", "يان")  # nisba adjectives are not names (الأذربيجانية)


@cache
def _gazetteer_index() -> dict[tuple[str, ...], str]:
    idx: dict[tuple[str, ...], str] = {}
    for name in ("gazetteer_countries.tsv", "gazetteer_places.tsv", "gazetteer_orgs.tsv", "gazetteer_people.tsv"):
        for row in table(name):
            idx[tuple(row[0].split())] = row[1]
    for variant in mapping("aliases.tsv"):
        idx.setdefault(tuple(variant.split()), "LOC")
    return idx


@cache
def _gazetteer_first_words() -> dict[str, list[int]]:
    """first word of a gazetteer name -> the name lengths starting with it, longest first."""
    out: dict[str, set[int]] = {}
    for name in _gazetteer_index():
        out.setdefault(name[0], set()).add(len(name))
    return {k: sorted(v, reverse=True) for k, v in out.items()}


@cache
def _roles() -> list[tuple[str, ...]]:
    return sorted((tuple(r.split()) for r in word_set("roles.txt")), key=len, reverse=True)


@cache
def _roles_by_first() -> dict[str, list[tuple[str, ...]]]:
    out: dict[str, list[tuple[str, ...]]] = {}
    for role in _roles():
        out.setdefault(role[0], []).append(role)
    return out


def _strip(word: str) -> str:
    """A key word without a leading conjunction/preposition (وباكو -> باكو, but وزارة stays)."""
    return strip_proclitic(word)


def find_mentions(text: str, *, use_model: bool = True) -> list[Mention]:
    """Entity mentions in displayed ``text`` with offsets."""
    toks = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
    words = [t[0] for t in toks]
    keys = [normalize(w) for w in words]
    spans: dict[tuple[int, int], str] = {}
    # 1. gazetteer: longest match first, with and without proclitics on the first word
    gz = _gazetteer_index()
    lengths = _gazetteer_first_words()
    skeys = [_strip(k) for k in keys]
    clitic_skip: dict[int, int] = {}
    taken = [False] * len(toks)
    i = 0
    while i < len(toks):
        key0, skey0 = keys[i], skeys[i]
        bare = key0[1:] if key0[:1] in "وبلفك" and len(key0) > 3 else None
        variants = [v for v in dict.fromkeys((key0, skey0, skey0.removeprefix("ال"), bare)) if v and v in lengths]
        match = None
        for first in variants:
            for n in lengths[first]:
                if i + n <= len(toks) and (first, *keys[i + 1:i + n]) in gz:
                    if match is None or n > match[1]:
                        match = (first, n)
                    break
        if match is None:
            i += 1
            continue
        first, n = match
        spans[(i, i + n)] = gz[(first, *keys[i + 1:i + n])]
        if first != key0 and key0[1:] in (first, first[2:] if first.startswith("ال") else None):
            clitic_skip[i] = 1
        for k in range(i, i + n):
            taken[k] = True
        i += n
    # 2. roles: الرئيس الأذربيجاني إلهام علييف -> PERS on the name words
    roles_by_first = _roles_by_first()
    for i in range(len(toks)):
        for role in roles_by_first.get(skeys[i], ()):
            n = len(role)
            if tuple(keys[i + 1:i + n]) != role[1:]:
                continue
            j = i + n
            # skip adjectives of nationality after the role (الأذري, الروسي)
            while j < len(toks) and keys[j].startswith("ال") and keys[j].endswith(("ي", "يه")):
                j += 1
            start = j
            while j < len(toks) and j - start < 3 and _name_like(words[j], keys[j]):
                j += 1
            if j > start and not any(taken[start:j]):
                spans[(start, j)] = "PERS"
                for k in range(start, j):
                    taken[k] = True
            break
    # 2a. organisation heads: وزارة الصحة, هيئة الأرصاد الجوية, البنك المركزي
    org_heads = word_set("org_heads.txt")
    for i in range(len(toks)):
        if taken[i] or skeys[i] not in org_heads:
            continue
        j = i + 1
        while j < len(toks) and j - i <= 2 and not taken[j] and keys[j].startswith("ال") and keys[j] not in word_set("stopwords.txt"):
            j += 1
        if j > i + 1:
            spans[(i, j)] = "ORG"
            for k in range(i, j):
                taken[k] = True
    # 2b. a common given name followed by name-like words: دافيد ملكونيان
    first_names = word_set("first_names.txt")
    for i in range(len(toks)):
        if taken[i] or skeys[i] not in first_names or words[i].endswith("ى"):
            continue  # (على is a preposition, علي a name: only the display tells them apart)
        j = i + 1
        while (j < len(toks) and j - i < 3 and not taken[j] and _name_like(words[j], keys[j])
               and skeys[j] not in first_names):
            j += 1
        if j > i + 1:
            spans[(i, j)] = "PERS"
            for k in range(i, j):
                taken[k] = True
    # 3. the recognizer on the article's sentences as one document, where nothing else claimed the words
    if use_model and ner.model_available():
        windows: list[tuple[int, int]] = []
        sent_start = 0
        for idx in range(len(toks) + 1):
            if idx == len(toks) or words[idx] in (".", "!", "؟", "?", "\n"):
                if idx > sent_start:
                    windows.append((sent_start, idx))
                sent_start = idx + 1
        tagged = ner.tag_document([words[a:b] for a, b in windows])
        for (w_start, _), tags in zip(windows, tagged, strict=True):
            for sp in ner.spans(tags):
                a, b = w_start + sp.start, w_start + sp.end
                if sp.type == "MISC" or any(taken[a:b]):
                    continue
                if b - a == 1 and (len(keys[a]) < 3 or keys[a].endswith(_ADJECTIVE_ENDINGS) and keys[a].startswith("ال")):
                    continue
                if "\u064b" in words[a] or {_strip(keys[a]), keys[a][1:]} & word_set("roles.txt"):
                    continue  # adverbs with tanween (ميدانيًا) and bare titles (نظيره)
                spans[(a, b)] = sp.type
                for k in range(a, b):
                    taken[k] = True
    out = []
    for (a, b), typ in sorted(spans.items()):
        s, e = toks[a][1] + clitic_skip.get(a, 0), toks[b - 1][2]
        out.append(Mention(text[s:e], typ, s, e))
    return out


def _name_like(word: str, key: str) -> bool:
    if not regex.fullmatch(r"[\p{L}\p{M}]+", word) or len(key) < 2:
        return False
    if key.startswith("ال") or key in word_set("stopwords.txt") or key in word_set("speech_verbs.txt"):
        return False
    return not key.startswith(("و", "ف")) or len(key) > 5 and key[1:] not in word_set("speech_verbs.txt")


def canonical_key(mention_text: str) -> str:
    """The matching key of a mention: normalized, clitics off, aliases applied."""
    key = normalize(mention_text).strip("\"'“”«» ")
    words = key.split()
    if not words:
        return ""
    words[0] = _strip(words[0])
    key = " ".join(words)
    aliases = mapping("aliases.tsv")
    if key in aliases:
        return normalize(aliases[key])
    if key.startswith("ال") and key[2:] in aliases:
        return normalize(aliases[key[2:]])
    return key


def fuzzy_variant(a: str, b: str) -> bool:
    """Length-aware: one edit is a variant in a name of six letters or more, two in twelve or more."""
    if a == b:
        return True
    la, lb = len(a.replace(" ", "")), len(b.replace(" ", ""))
    shorter = min(la, lb)
    if shorter < 6:
        return False
    allowed = 2 if shorter >= 12 else 1
    return Levenshtein.distance(a, b, score_cutoff=allowed) <= allowed


@dataclass
class _Group:
    key: str
    type: str
    variants: Counter
    articles: set[str]
    count: int


class Canonicalizer:
    """Merges mentions of one story (or the store) into canonical entities."""

    def __init__(self) -> None:
        self.groups: list[_Group] = []

    def add(self, mention: Mention, article_id: str) -> None:
        key = canonical_key(mention.text)
        if not key:
            return
        for g in self.groups:
            if g.key == key or (g.type == mention.type and fuzzy_variant(g.key, key)):
                g.variants[mention.text.strip()] += 1
                g.articles.add(article_id)
                g.count += 1
                return
        self.groups.append(_Group(key, mention.type, Counter({mention.text.strip(): 1}), {article_id}, 1))

    def entities(self) -> list[Entity]:
        groups = self._merge_short_forms(self.groups)
        out = []
        for g in groups:
            types = g.type
            name = _display_name(g)
            out.append(Entity(name=name, type=types, variants=tuple(sorted(g.variants, key=lambda v: (-g.variants[v], v))),
                              article_ids=tuple(sorted(g.articles)), mentions=g.count))
        out.sort(key=lambda e: (-len(e.article_ids), -e.mentions, e.name))
        return out

    @staticmethod
    def _merge_short_forms(groups: list[_Group]) -> list[_Group]:
        """باشينيان -> نيكول باشينيان when the one-word key ends a longer person's key."""
        by_len = sorted(groups, key=lambda g: -len(g.key.split()))
        merged: list[_Group] = []
        for g in by_len:
            target = None
            if len(g.key.split()) == 1:
                for m in merged:
                    parts = m.key.split()
                    ends = parts[-1:] + (parts[:1] if g.type == "PERS" == m.type else [])
                    if len(parts) > 1 and m.type in (g.type, "PERS", "LOC") and any(fuzzy_variant(p, g.key) for p in ends):
                        target = m
                        break
                    if len(parts) > 1 and m.type == g.type and g.key in parts and g.type != "PERS":
                        target = m
                        break
            if target is None:
                merged.append(_Group(g.key, g.type, Counter(g.variants), set(g.articles), g.count))
            else:
                target.variants.update(g.variants)
                target.articles |= g.articles
                target.count += g.count
        return merged


def _display_name(g: _Group) -> str:
    """The most frequent full spelling among the variants that carry the canonical key."""
    aliases = mapping("aliases.tsv")
    target = None
    for v in g.variants:
        k = canonical_key(v)
        if k == g.key and normalize(v) == g.key:
            target = v
    if target is None and g.key in {normalize(a) for a in aliases.values()}:
        for canon in aliases.values():
            if normalize(canon) == g.key:
                return canon
    longest = max(g.variants, key=lambda v: (len(v.split()), g.variants[v], v))
    return target if target and len(target.split()) >= len(longest.split()) else _strip_display(longest)


def _strip_display(text: str) -> str:
    """Drop a proclitic from the displayed first word when the key drops it too."""
    words = text.split()
    first = words[0]
    k = normalize(first)
    stripped = _strip(k)
    if stripped != k and not stripped.startswith("ال") and len(first) > len(stripped):
        words[0] = first[len(first) - len(stripped):] if normalize(first[1:]) == stripped else first
    return " ".join(words)


def canonical_entities(mentions_by_article: Iterable[tuple[str, Iterable[Mention]]]) -> list[Entity]:
    canon = Canonicalizer()
    for article_id, mentions in mentions_by_article:
        for m in mentions:
            canon.add(m, article_id)
    return canon.entities()


def entity_keys(mentions: Iterable[Mention]) -> list[str]:
    """Canonical keys of an article's mentions (for clustering features)."""
    keys = defaultdict(int)
    for m in mentions:
        k = canonical_key(m.text)
        if k:
            keys[k] += 1
    return sorted(keys)
