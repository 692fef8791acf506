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

from rapidfuzz.distance import Levenshtein

from marsad.analyze import ner
from marsad.analyze.doc import LETTERS, WORD, Doc
from marsad.arabic.clitics import DEFINITE_PREFIXES, DOUBLE_PROCLITICS, PROCLITICS, strip_proclitic
from marsad.arabic.lexicons import mapping, table, word_set
from marsad.arabic.normalize import normalize
from marsad.model import Entity, Mention

_LETTERS = LETTERS  # a word of letters only (with their marks)
_WORD = WORD  # (kept for callers that tokenize as `find_mentions` does)
_ADJECTIVE_ENDINGS = ("يه", "يون", "يين", "يان")  # nisba adjectives are not names (الأذربيجانية)


@cache
def _gazetteer_index() -> dict[tuple[str, ...], str]:
    idx: dict[tuple[str, ...], str] = {}
    for name in ("gazetteer_countries.tsv", "gazetteer_places.tsv", "gazetteer_orgs.tsv", "gazetteer_people.tsv",
                 "gazetteer_news.tsv"):  # (the last one is not a feature of the recognizer: see its header)
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
    """A key word without a leading conjunction/preposition (وباكو -> باكو, but وزارة and ليلى stay)."""
    if word in word_set("first_names.txt"):
        return word  # ليلى is a name, not ل + يلي
    return strip_proclitic(word)


def find_mentions(text: str | Doc, *, use_model: bool = True) -> list[Mention]:
    """Entity mentions in displayed ``text`` (or the `Doc` of an article) with offsets."""
    doc = Doc.of(text)
    text = doc.text
    words, keys, skeys = doc.words, doc.keys, doc.stripped
    n_toks = len(words)
    spans: dict[tuple[int, int], str] = {}
    # 1. gazetteer: longest match first, with and without proclitics on the first word
    gz = _gazetteer_index()
    lengths = _gazetteer_first_words()
    clitic_skip: dict[int, int] = {}
    taken = [False] * n_toks
    i = 0
    while i < n_toks:
        key0, skey0 = keys[i], skeys[i]
        bare = key0[1:] if key0[:1] in PROCLITICS and len(key0) > 3 else None
        bare2 = key0[2:] if key0[:2] in DOUBLE_PROCLITICS and len(key0) > 5 else None  # ولإندونيسيا
        variants = [v for v in dict.fromkeys((key0, skey0, skey0.removeprefix("ال"), bare, bare2)) if v and v in lengths]
        match = None
        for first in variants:
            for n in lengths[first]:
                if i + n <= n_toks and (first, *keys[i + 1:i + n]) in gz:
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
        elif first != key0 and first == bare2:
            clitic_skip[i] = 2
        for k in range(i, i + n):
            taken[k] = True
        i += n
    # 2. roles: الرئيس الأذربيجاني إلهام علييف -> PERS on the name words
    roles_by_first = _roles_by_first()
    in_title = [False] * n_toks  # words of a title that names an organisation (رئيس مجلس الوزراء)
    in_gazetteer = list(taken)
    for i in range(n_toks):
        for role in roles_by_first.get(skeys[i], ()):
            n = len(role)
            if tuple(keys[i + 1:i + n]) != role[1:] or in_gazetteer[i]:
                continue  # (a title inside a gazetteer name is none: شرم الشيخ)
            if n > len(_title_words(" ".join(role))):
                for k in range(i, i + n):
                    in_title[k] = True
            j = i + n
            # skip adjectives of nationality after the role (الأذري, الروسي)
            while j < n_toks and keys[j].startswith("ال") and keys[j].endswith(("ي", "يه")):
                j += 1
            start = j
            while j < n_toks and j - start < 3 and skeys[j] not in word_set("org_heads.txt") and (
                    _name_like(words[j], keys[j]) or j == start and _family_name(keys[j])):
                j += 1
            if j > start and not any(taken[start:j]):
                spans[(start, j)] = "PERS"
                for k in range(start, j):
                    taken[k] = True
            break
    # 2a. organisation heads: وزارة الصحة, هيئة الأرصاد الجوية, البنك المركزي
    org_heads = word_set("org_heads.txt")
    for i in range(n_toks):
        if taken[i] or skeys[i] not in org_heads or in_title[i]:
            continue
        j = i + 1
        while (j < n_toks and j - i <= 2 and not taken[j] and keys[j].startswith("ال") and keys[j] not in word_set("stopwords.txt")
               and keys[j] not in _one_word_titles()  # مستشفى الملك سعود: the title starts a name
               and not _is_role(keys[j])  # اللجنة الأستاذ, وزارة التعليم الآن (not الأمن العام)
               and (not _is_time(keys[j]) or keys[j] in word_set("org_adjectives.txt"))):
            j += 1
        if j > i + 1:
            if i > 0 and not taken[i - 1] and skeys[i - 1] in org_heads and not keys[i - 1].startswith("ال"):
                i -= 1  # مركز + شرطة النزهة: a head in construct with the next one
            spans[(i, j)] = "ORG"
            for k in range(i, j):
                taken[k] = True
    # 2b. a common given name followed by name-like words: دافيد ملكونيان
    first_names = word_set("first_names.txt")
    for i in range(n_toks):
        if taken[i] or skeys[i] not in first_names or words[i].endswith("ى") or i > 0 and keys[i - 1] in _CHAIN:
            continue  # (على is a preposition, علي a name; after بن/آل the name chain takes the word)
        j = i + 1
        while (j < n_toks and j - i < 3 and not taken[j] and _name_like(words[j], keys[j])
               and skeys[j] not in first_names):
            j += 1
        if j > i + 1:
            spans[(i, j)] = "PERS"
            for k in range(i, j):
                taken[k] = True
    # 3. the recognizer on the article's sentences as one document, where nothing else claimed the words
    if use_model and ner.model_available():
        windows = doc.windows
        tagged = ner.tag_document([list(words[a:b]) for a, b in windows])
        for (w_start, _), tags in zip(windows, tagged, strict=True):
            for sp in ner.spans(tags):
                a, b = w_start + sp.start, w_start + sp.end
                if sp.type == "MISC" or any(taken[a:b]) or sp.type == "ORG" and all(in_title[a:b]):
                    continue
                if b - a == 1 and (len(keys[a]) < 3 or keys[a].endswith(_ADJECTIVE_ENDINGS) and keys[a].startswith("ال")):
                    continue
                if "\u064b" in words[a] or {_strip(keys[a]), keys[a][1:]} & word_set("roles.txt"):
                    continue  # adverbs with tanween (ميدانيًا) and bare titles (نظيره)
                spans[(a, b)] = sp.type
                for k in range(a, b):
                    taken[k] = True
    # an organisation inside a title (لرئيس مجلس الوزراء) is the title's, not a mention of its own
    spans = {(a, b): t for (a, b), t in spans.items() if not (t == "ORG" and all(in_title[a:b]))}
    # words that open a line and stand before a dash (a dateline: سبق - جدة:)
    line_starts = frozenset(i for i in range(n_toks - 1) if words[i + 1] in _DASHES
                            and (i == 0 or "\n" in text[doc.ends[i - 1]:doc.starts[i]]))
    spans = _refine(spans, words, keys, skeys, line_starts)
    out = []
    for (a, b), typ in sorted(spans.items()):
        s, e = doc.starts[a] + (clitic_skip.get(a, 0) or _proclitic_length(words[a], keys[a], typ)), doc.ends[b - 1]
        out.append(Mention(text[s:e], typ, s, e))
    return out


# -- precision on news text ----------------------------------------------------------------------
# The recognizer and the rules above over-reach in news text: "صباح الخميس" (صباح is also a given
# name), "أرمن" and "الأرميني" (peoples and nisba adjectives), "نظيره" (a role noun with a pronoun)
# and a name's neighbours ("هاني شاكر مجموعة", "حارث هارلي بزيارة").  `_refine` cuts, drops and
# extends spans with word lists (time_words, demonyms, role_nouns, name_stops, ambiguous_places)
# and with one corpus signal: a word that is common with the article ال (مجموعة, زيارة) is a noun.

_PRONOUN_SUFFIXES = ("هما", "هم", "ها", "كم", "نا", "ه")
_DUAL_ENDINGS = ("ان", "ين")
_CHAIN = ("بن", "بنت", "ابن", "ال", "ابو", "ابي", "ام")  # normalized: آل -> ال
_DASHES = ("-", "–")
_STATE_HEADS = ("جمهوريه", "مملكه", "المملكه", "اماره", "سلطنه", "دوله")


@cache
def _time_words() -> frozenset[str]:
    return word_set("time_words.txt") | frozenset(mapping("weekdays.tsv")) | frozenset(
        row[0] for row in table("months.tsv"))


@cache
def _demonyms() -> frozenset[str]:
    """Peoples and nisba adjectives: the irregular list plus forms derived from every one-word place."""
    places = {row[0] for name in ("gazetteer_countries.tsv", "gazetteer_places.tsv") for row in table(name)
              if len(row[0].split()) == 1}
    out = set(word_set("demonyms.txt"))
    for place in places:
        bare = place.removeprefix("ال")
        if bare.endswith("يا") and len(bare) > 4:
            stem = bare[:-2] + "ي"
        elif bare.endswith(("ا", "ه")):
            stem = bare[:-1] + "ي"
        elif bare.endswith("ي"):
            stem = bare
        else:
            stem = bare + "ي"
        for form in (stem, stem + "ه", stem + "ون", stem + "ين"):
            out.add("ال" + form)
            if form not in places:
                out.add(form)
    for w in list(out):
        if not w.startswith("ال"):
            out.add("ال" + w)
    return frozenset(out)


@cache
def _role_nouns() -> frozenset[str]:
    base = word_set("role_nouns.txt") | {w for r in word_set("roles.txt") for w in _title_words(r)}
    out = set(base)
    for w in base:
        stem = w.removeprefix("ال")
        stem = stem[:-1] + "ت" if stem.endswith("ه") else stem  # نظيرة + ها -> نظيرتها
        for suf in _PRONOUN_SUFFIXES:
            out.add(stem + suf)
    return frozenset(out)


def _title_words(role: str) -> list[str]:
    """The words of a title up to the organisation it names (رئيس مجلس الوزراء -> رئيس): مجلس and
    الوزراء are not role words elsewhere."""
    out = []
    for w in role.split():
        if w in word_set("org_heads.txt"):
            break
        out.append(w)
    return out


def _bare(key: str) -> str:
    """A key without a proclitic and without the article."""
    k = _strip(key)
    if k[:1] in "وف" and len(k) > 3 and k[1:] in _role_nouns() | _time_words():
        k = k[1:]
    return k


def _is_role(key: str) -> bool:
    k = _bare(key)
    return k in _role_nouns() or k.removeprefix("ال") in _role_nouns() or (
        k[:2] == "لل" and "ال" + k[2:] in _role_nouns())


def _is_time(key: str) -> bool:
    k = _bare(key)
    return k in _time_words() or k.removeprefix("ال") in _time_words()


def _is_demonym(key: str) -> bool:
    return _bare(key) in _demonyms() or key in _demonyms()


def _common_noun(key: str) -> bool:
    """Often written with the article (مجموعة/المجموعة), so a noun, not a name; given names are not."""
    from marsad.arabic.clitics import surface_count

    k = _strip(key)
    if k.startswith("ال") or k in word_set("first_names.txt") or ner.shipped_lexicon().get(k, {}).get("PERS"):
        return False  # a given name, or a word the training text has seen in a person's name (رشيد)
    if k[:1] in "بلك" and len(k) > 4 and surface_count("ال" + k[1:]) >= 100:
        k = k[1:]  # بزيارة -> زيارة
    with_al = surface_count("ال" + k)
    return with_al >= 100 and with_al >= 0.3 * surface_count(k)


def _family_name(key: str, strict: bool = True) -> bool:
    """An article-prefixed word that reads as a family name (الكلباني, الجبوري), not a noun or adjective.

    ``strict`` (right after a title, with no given name before it) asks for a nisba form or a word
    the training text has seen in a name.
    """
    from marsad.arabic.clitics import surface_count

    if not key.startswith("ال") or len(key) < 5 or key in word_set("stopwords.txt") or key in word_set("name_stops.txt"):
        return False  # (إبراهيم + الجميع: a quantifier, name_stops.txt)
    if key.startswith("الم") and key.endswith(("ين", "ون")) and len(key) >= 8:
        return False  # المستفيدين, المشاركون: a participle's plural, not a family name
    if _is_demonym(key) or _is_time(key) or _is_role(key):
        return False
    seen = ner.shipped_lexicon().get(key, {})
    if seen.get("O", 0) > 2 * seen.get("PERS", 0):
        return False  # the training text reads it as a word (السابق, التعليم)
    if not strict:
        return True  # after a given name an article-prefixed word is its family name (حسام الزين)
    if not key.endswith("ي") and not seen.get("PERS"):
        return False  # family names are mostly nisba forms (الكلباني, الحجري)
    return surface_count(key[2:]) <= surface_count(key)


def _particle_pronoun(key: str) -> bool:
    """A particle with a pronoun suffix (بأنهم, لأنها, إنه): never a name."""
    k = _strip(key)
    for suffix in _PRONOUN_SUFFIXES:
        if k.endswith(suffix) and k[:-len(suffix)] in ("ان", "لان", "كان", "لكن", "بان"):
            return k not in word_set("first_names.txt")
    return False


def _bad_name_word(word: str, key: str, first: bool) -> bool:
    if "\u064b" in word or "\u064c" in word or not _LETTERS.fullmatch(word):
        return True  # tanween: adverbs and indefinite nouns (جيداً), never a name
    if _particle_pronoun(key):
        return True  # بأنهم تأخروا
    k = _strip(key)
    if _is_time(key) or _is_role(key):
        return True
    if k in word_set("first_names.txt") and not word.endswith("ى"):
        return False  # علي the name, not على the preposition (one key for both)
    if k in word_set("stopwords.txt") or k in word_set("name_stops.txt"):
        return True
    seen = ner.shipped_lexicon().get(k, {})
    whole = ner.shipped_lexicon().get(key, {})  # (the word as written: بادي is not ب + ادي)
    if not first and len(k) > 4 and k.endswith(("ته", "تها", "تهم")) and not seen.get("PERS"):
        return True  # a noun with a pronoun (تهنئته)
    if k in word_set("org_heads.txt") or _pronoun_noun(key):
        return True  # رئيس مجلس (الشؤون): an organisation's head; باسمه, بانتقاله: a noun with a pronoun
    if not first and key.startswith(("لل", "بال", "كال")):
        return True  # فابيان للنصر, أوباما بالوعد: a preposition and the article end the name
    if not first and _preposition_noun(key):
        return True  # أشرف عبدالغني لمواصلة: a preposition and a verbal noun end the name
    if (first and (k.endswith("ات") or whole.get("O", 0) > 0 and not whole.get("PERS")) and _common_noun(key)
            and "ال" + k not in _gazetteer_first_words() and k not in _known_surnames()):
        return True  # ميليشيات صالح, شؤون المعلمين: a noun (common with the article) before the name; not فالح
    if whole.get("O", 0) >= 8 and not whole.get("PERS") and k not in word_set("first_names.txt"):
        return True  # a word the training text only knows outside names: a verb or noun after one (يؤكد, حقوق)
    return (not first and k not in _CHAIN and not k.startswith("ال") and k not in _known_surnames()
            and _common_noun(key))  # (كاميرون, هادي: a public figure's surname is a name)


def _covered(spans: Iterable[tuple[int, int]], n: int) -> list[bool]:
    """Which of ``n`` tokens lie inside one of the ``(start, end)`` spans."""
    taken = [False] * n
    for (a, b) in spans:
        for k in range(a, b):
            taken[k] = True
    return taken


def _refine(spans: dict[tuple[int, int], str], words: list[str], keys: list[str],
            skeys: list[str], line_starts: frozenset[int] = frozenset()) -> dict[tuple[int, int], str]:
    """Spans cut to the name, extended along name chains, or dropped when they name no one."""
    n = len(words)
    spans = _join_people(spans, keys)
    taken = _covered(spans, n)
    out: dict[tuple[int, int], str] = {}
    for (a, b), typ in sorted(spans.items()):
        if typ == "PERS":
            span = _refine_person(a, b, words, keys, taken)
            if span:
                out[span] = "PERS"
        elif typ == "LOC":
            span = _refine_place(a, b, words, keys, skeys, taken)
            if span:
                out[span] = "LOC"
        else:
            if b - a == 1 and (keys[a] in _units() or _strip(keys[a]) in _units()):
                continue  # ريال, دولار: a currency, not an organisation
            for k in range(a + 1, b):
                if keys[k] not in word_set("org_adjectives.txt") and (
                        _strip(keys[k]) in word_set("stopwords.txt") or _is_time(keys[k]) or keys[k].startswith("بال")):
                    b = k  # كلية الطب إن رغبت, اتحاد القدم الوقت, الاتحاد باللاعبين: the name ended before
                    break
            while b > a + 1 and keys[b - 1] not in word_set("org_adjectives.txt") and (
                    _is_time(keys[b - 1]) or _strip(keys[b - 1]) in word_set("stopwords.txt")):
                b -= 1  # البنك المركزي الأربعاء, للمنظمة في (not الأمن العام)
            if b - a == 1 and _strip(keys[a]) in word_set("stopwords.txt"):
                continue
            out[(a, b)] = typ
    out = _news_shapes(out, words, keys, skeys, line_starts)
    # أمانة المنطقة, مجلس الإدارة: a head and a word that refers to the place or body it serves names none
    generic = word_set("generic_places.txt")
    heads = word_set("org_heads.txt")
    out = {(a, b): t for (a, b), t in out.items()
           if not (t == "ORG" and b - a == 2 and _strip(keys[a]) in heads and keys[a + 1] in generic)
           and not (t == "ORG" and b - a == 2 and _generic_body(keys[a], keys[a + 1], heads))
           and not (t == "ORG" and b - a == 2 and _room(keys[a], keys[a + 1]))
           and not (t == "ORG" and b - a >= 2 and _adjectives_only(keys[a:b]))
           and not (t == "ORG" and _functional_committee(a, b, keys))}
    out = _coordinated_org_names(out, words, keys, heads)
    for (a, b) in out:
        for k in range(a, b):
            taken[k] = True
    gz_index = _gazetteer_index()
    place_heads = mapping("place_heads.tsv")
    # غرفة أبها, بلدية العلا, جمرك مطار الملك عبدالعزيز الدولي: an organisation head right before a place
    # names the organisation, with the adjective that closes it (نادي الباحة الأدبي)
    unit_heads = heads | {"اماره"}  # إمارة منطقة مكة المكرمة: the region's governorate (not إمارة دبي)
    for (a0, b), typ in list(out.items()):
        a = a0
        if (typ == "LOC" and a > 1 and not any(taken[a - 2:a]) and _strip(keys[a - 2]) in unit_heads
                and place_heads.get(keys[a - 1]) == "admin" and _strip(keys[a]) == keys[a]):
            a -= 1  # أمانة منطقة الرياض, شرطة محافظة جدة: the head, the unit and the place
        if (typ == "LOC" and a > 0 and not taken[a - 1] and _strip(keys[a - 1]) in (heads if a == a0 else unit_heads)
                and (a < a0 or place_heads.get(_strip(keys[a - 1])) != "admin"  # مركز خيبر: an administrative centre,
                     or _agreeing_adjective(keys[a - 1], b, keys, taken))  # but مركز أبها الدولي is a venue
                and (b - a == 1 or _strip(keys[a]) == keys[a] or place_heads.get(keys[a]) == "admin")):
            del out[(a0, b)]
            end = b + 1 if _agreeing_adjective(keys[a - 1], b, keys, taken) else b
            out[(a - 1, end)] = "ORG"
            for k in range(a - 1, end):
                taken[k] = True
    # النادي + الأهلي: a definite head before a one-word name is part of it (a bare one is a descriptor:
    # شركة سابك -> سابك)
    name_heads = word_set("org_name_heads.txt")
    for (a, b), typ in list(out.items()):
        if typ != "ORG" or a == 0 or taken[a - 1]:
            continue
        head = _strip(keys[a - 1])
        if b - a == 1 and head.startswith("ال") and head[2:] in heads and keys[a].startswith("ال"):
            del out[(a, b)]
            out[(a - 1, b)] = "ORG"
            taken[a - 1] = True
        elif (head in name_heads and not keys[a].startswith("ال") and not _proclitic_length(words[a], keys[a], "ORG")
              and _LETTERS.fullmatch(words[a])):
            # جامعة سيراكيوز, وكالة فرانس برس, وكالة فارس (للأنباء): the head is part of a name after it that
            # has no article, with the field that follows a one-word name
            end = b + 1 if (b - a == 1 and b < n and not taken[b] and keys[b].startswith("لل") and len(keys[b]) >= 5
                            and not _is_time(keys[b]) and not _is_role(keys[b])) else b
            del out[(a, b)]
            out[(a - 1, end)] = "ORG"
            for k in range(a - 1, end):
                taken[k] = True
    first_names = word_set("first_names.txt")
    for (a, b), typ in list(out.items()):
        if typ != "ORG" or not _org_head(keys[a], heads) or b >= n or taken[b]:
            continue
        if (b - a == 2 and _strip(keys[a]) in heads and keys[b].startswith("لل") and len(keys[b]) >= 5
                and not _is_time(keys[b]) and not _is_role(keys[b])
                and (keys[a + 1].removeprefix("ال") in first_names or _family_name(keys[a + 1]))):
            end = b + 1  # شركة العيسى للسيارات: a company named after a family, and its field
        elif b - a >= 2 and keys[b - 1].startswith("ال") and keys[b - 1].endswith("يه") and (
                _agreeing_adjective(keys[b - 1], b, keys, taken)):
            end = b + 1  # شركة الصناعات الكيميائية الأساسية: the adjectives of the name agree with each other
        elif (b - a >= 2 and keys[b - 1].startswith("لل") and b < n and keys[b].startswith("ال")
              and keys[b].endswith(("ي", "يه")) and len(keys[b]) > 4 and not _is_demonym(keys[b])
              and not _is_time(keys[b]) and not _is_role(keys[b])):
            end = b + 1  # المكتب الاتحادي للتحليل + الاقتصادي: the field's adjective
        elif (b + 1 < n and keys[b - 1].startswith("ال") and keys[b - 1].endswith(("ي", "يه"))
              and keys[b][:1] == "ل" and keys[b][1:] in word_set("org_field_nouns.txt")
              and keys[b + 1].startswith("ال") and not taken[b + 1] and not _is_time(keys[b + 1])):
            end = b + 2  # الاتحاد البرازيلي لكرة القدم, المرصد السوري لحقوق الإنسان
        else:
            continue
        del out[(a, b)]
        out[(a, end)] = "ORG"
        for k in range(b, end):
            taken[k] = True
    # مجلس التعاون + الخليج: a one-word region right after an organisation's name is part of it
    for (a, b), typ in sorted(out.items()):
        nxt = (b, b + 1)
        if (typ == "ORG" and out.get(nxt) == "LOC" and (a, b) in out and keys[b].startswith("ال")
                and _org_head(keys[a], heads) and tuple(keys[a:b + 1]) not in gz_index):
            del out[(a, b)], out[nxt]
            out[(a, b + 1)] = "ORG"
    out = _names_around_places(out, words, keys)
    # a quoted outlet's name is the outlet (قال المصدر لـ«الشرق الأوسط»), not a place
    from marsad.extract.outlets import known as known_outlet

    for (a, b), typ in list(out.items()):
        if typ != "ORG" and 0 < a and b < n and words[a - 1] in "«\"“" and words[b] in "»\"”":
            o = known_outlet(" ".join(words[a:b]))
            if o is not None and o.kind in ("outlet", "wire"):
                out[(a, b)] = "ORG"
    out = _org_boundaries(out, words, keys)
    # adjacent places the tagger split (قبردين + بلقار, لوس + أنجلس) are one name, unless a part is a
    # place of its own (قره باغ | أذربيجان)
    gz = _gazetteer_index()
    merged: dict[tuple[int, int], str] = {}
    for (a, b), typ in sorted(out.items()):
        prev = next(((pa, pb) for (pa, pb), pt in merged.items() if pb == a and pt == typ == "LOC"), None)
        if (prev and b - prev[0] <= 3 and _strip(keys[a]) == keys[a] and keys[a][:1] not in PROCLITICS
                and tuple(keys[prev[0]:prev[1]]) not in gz and tuple(keys[a:b]) not in gz):
            del merged[prev]
            merged[(prev[0], b)] = typ
        else:
            merged[(a, b)] = typ
    return merged


def _org_boundaries(out: dict[tuple[int, int], str], words: list[str],
                    keys: list[str]) -> dict[tuple[int, int], str]:
    """Where an organisation's name starts and ends (the classes of blind3's boundary errors).

    * a transliterated name ends before the country adjective that follows it (سان خوسيه إرثكوايكس + الأمريكي,
      برو فوتبول + التلفزيونية): a club's or channel's country is not part of its name, unlike a body that
      opens with a head word (الجيش اللبناني, بنك أتلانتا الاحتياطي) or a company's quoted or introduced name
      (شركة زين السعودية, "بوبا العربية": company_heads.txt);
    * a bare head alone names nothing (اتحاد): it takes the construct that follows (اتحاد كرة القدم, with the
      adjective that agrees with the head: السعودي), or is dropped;
    * a bare head before another head's name is the name's start when the closing adjective agrees with it
      and not with the second head (مركز + جامعة فاندربيلت الطبي); the construct's first noun is a common noun
      (كرة, not نجران);
    * a field after a preposition (للدفاع المدني) starts after a definite head and its adjective (الإدارة العامة
      للدفاع المدني, المديرية العامة للجوازات);
    * a head and an activity it describes (حركة السفن, بنك الدم, هيئة المحلفين: head_complements.tsv) and a
      name after a product's noun (الهاتف "جالاكسي إس6": product_heads.txt) name no organisation.
    """
    n = len(words)
    heads = word_set("org_heads.txt")
    openers = heads | word_set("state_bodies.txt") | word_set("org_descriptors.txt") | word_set("outlet_prefixes.txt")
    complements = table("head_complements.tsv")
    generic = {(normalize(row[1]), row[0]) for row in complements if len(row) > 1}
    products = word_set("product_heads.txt")
    gz = _gazetteer_index()
    taken = _covered(out, n)
    new: dict[tuple[int, int], str] = {}
    for (a, b), typ in sorted(out.items()):
        j = a - 1
        while j >= 0 and words[j] in "«\"“”'":
            j -= 1
        if j >= 0 and _head_word(keys[j], products):
            continue  # الهاتف "جالاكسي إس6 ايدج بلس": a product
        if typ != "ORG":
            new[(a, b)] = typ
            continue
        first = _strip(keys[a])
        quoted = 0 < a and b < n and words[a - 1] in "«\"“" and words[b] in "»\"”"
        company = j >= 0 and _head_word(keys[j], word_set("company_heads.txt"))
        if (b - a >= 2 and not quoted and not company and keys[b - 1].startswith("ال") and keys[b - 1].endswith(("ي", "يه")) and len(keys[b - 1]) > 4
                and (_is_demonym(keys[b - 1]) or keys[b - 1] in word_set("place_name_adjectives.txt")
                     or keys[b - 1].endswith("يه") and keys[b - 1] not in word_set("org_adjectives.txt"))
                and not any(_strip(k).startswith("ال") or _org_head(k, openers) for k in keys[a:b - 1])
                and tuple(keys[a:b]) not in gz):
            b -= 1  # سان خوسيه إرثكوايكس الأمريكي -> سان خوسيه إرثكوايكس
        if b - a <= 2 and first in heads and not first.startswith("ال") and all(_LETTERS.fullmatch(w) for w in words[a:b]):
            j = a + 1
            if (j + 1 < n and (j < b or not taken[j]) and not taken[j + 1] and _LETTERS.fullmatch(words[j]) and _common_noun(keys[j])
                    and _LETTERS.fullmatch(words[j + 1]) and not keys[j].startswith(DEFINITE_PREFIXES)
                    and _strip(keys[j]) not in word_set("stopwords.txt") and not _is_time(keys[j]) and not _is_role(keys[j]) and keys[j + 1].startswith("ال")
                    and not keys[j + 1].endswith(("ي", "يه")) and not _is_time(keys[j + 1]) and not _is_role(keys[j + 1])
                    and keys[j + 1] not in word_set("stopwords.txt") and (j + 1, j + 2) not in out):
                b = j + 2  # اتحاد (كرة) + القدم: a construct of an indefinite noun and a definite one
                if _agreeing_adjective(keys[a], b, keys, taken) or (
                        b < n and not taken[b] and _is_demonym(keys[b]) and keys[b].startswith("ال")
                        and keys[b].endswith("ه") == first.endswith(("ه", "ات"))):
                    b += 1  # (السعودي)
                for k in range(a, b):
                    taken[k] = True
            elif b - a == 1:
                continue  # اتحاد alone
        if (a > 0 and not taken[a - 1] and b - a >= 3 and _org_head(keys[a], heads) and not keys[a].startswith("ال")
                and _strip(keys[a - 1]) in heads and not _strip(keys[a - 1]).startswith("ال")
                and keys[b - 1].startswith("ال") and keys[b - 1].endswith(("ي", "يه"))):
            outer, inner = _strip(keys[a - 1]).endswith(("ه", "ات")), first.endswith(("ه", "ات"))
            if outer != inner and keys[b - 1].endswith("يه") == outer:
                taken[a - 1] = True
                a -= 1  # مركز + جامعة فاندربيلت الطبي: the adjective agrees with مركز
        if keys[a].startswith("لل") and a > 0 and not taken[a - 1]:
            j = a - 1
            if j > 0 and keys[j] in word_set("org_adjectives.txt") and not taken[j - 1]:
                j -= 1
            head = _strip(keys[j])
            if head.startswith("ال") and (head[2:] in heads or head[2:] in word_set("field_body_heads.txt")) and j < a:
                for k in range(j, a):
                    taken[k] = True
                a = j  # (ب)الإدارة العامة + للدفاع المدني
        if b - a >= 2 and (keys[a + 1], first.removeprefix("ال")) in generic:
            continue  # حركة السفن, بنك الدم: a head and the activity it describes
        new[(a, b)] = typ
    return new


def _names_around_places(out: dict[tuple[int, int], str], words: list[str],
                         keys: list[str]) -> dict[tuple[int, int], str]:
    """Places that are part of a longer name, and names cut short around them.

    * a city after the word that opens a club's name is the club (أتلتيكو مدريد, سبارتاك موسكو), and so is a
      city followed by a masculine country adjective (بنفيكا البرتغالي: a city agrees in the feminine,
      لشبونة البرتغالية; the club, النادي, in the masculine; not a region with the article: الجولان السوري);
      the adjective stays out of the name;
      A city the article names as a club elsewhere (نادي روما ... وقّع مع روما) is the club too, unless a
      locative preposition or a place's head stands before it (الفحص الطبي في روما);
    * a place's name keeps the adjective that is part of it (روسيا الاتحادية, القدس الشرقية, اليرموك الثانية);
    * a facility's head names the place with the nouns between them (محطة سكة حديد الحجاز), not over an
      organisation (مسجد قوات طوارئ عسير);
    * a tribe's or town's name keeps بني (بني ياس); a one-word unknown name after موقع is a website (موقع
      كيكستارتر), not a place;
    * an acronym spelled in Arabic letters runs over all its letters (اف بي + اي);
    * a word with a pronoun suffix (كبلدنا, مدينتهم) is a noun, not a place.
    """
    from marsad.arabic.clitics import surface_count

    n = len(words)
    gz = _gazetteer_index()
    countries = {row[0] for row in table("gazetteer_countries.tsv")}
    clubs = word_set("club_prefixes.txt")
    adjectives = word_set("place_name_adjectives.txt")
    letters = word_set("letter_names.txt")
    place_heads = mapping("place_heads.tsv")
    bodies = word_set("org_heads.txt") | word_set("state_bodies.txt")
    starts = {a: (a, b) for (a, b) in out}
    covered = {k: (a, b) for (a, b) in out for k in range(a, b)}  # word -> the span over it
    new = dict(out)
    club_names: set[tuple[str, ...]] = set()
    for (a, b), typ in sorted(out.items()):
        if (a, b) not in new:
            continue
        before = covered.get(a - 1)
        if (typ in ("LOC", "ORG") and a > 0 and keys[a - 1] in ("بني", "بنو") and b - a <= 2
                and " ".join(keys[a:b]) not in countries  # (بني إسرائيل: a people)
                and (before is None or before == (a - 1, a) and new.get(before) in ("LOC", "ORG"))):
            new.pop(before, None)  # (the tagger may have taken بني alone)
            del new[(a, b)]
            a -= 1
            new[(a, b)] = typ  # بني ياس, بني وليد: the tribe's name starts with بني
        if typ == "ORG" and _strip(keys[a]).removeprefix("ال") in ("نادي", "فريق") and b - a >= 2:
            club_names.add(tuple(keys[a + 1:b]))  # نادي روما: روما is the club in this article
        if typ == "LOC":
            if (a > 0 and a - 1 not in covered and _strip(keys[a - 1]) in clubs and b - a <= 2
                    and " ".join(keys[a:b]) not in countries):
                del new[(a, b)]
                new[(a - 1, b)] = "ORG"  # أتلتيكو مدريد
                club_names.add(tuple(keys[a - 1:b]))
                continue
            if (b < n and b not in starts and keys[b].startswith("ال") and keys[b].endswith("ي") and len(keys[b]) > 4
                    and _is_demonym(keys[b]) and b - a <= 3 and _strip(keys[a]) == keys[a] and not keys[a].startswith("ال")
                    and keys[b] not in adjectives and not _head_word(keys[a], place_heads)  # ريف دمشق الغربي
                    and " ".join(keys[a:b]) not in countries and tuple(keys[a:b + 1]) not in gz
                    and not (a > 0 and _head_word(keys[a - 1], place_heads))):
                new[(a, b)] = "ORG"  # بنفيكا البرتغالي: the club
                club_names.update(tuple(keys[k:b]) for k in range(a, b - 1))  # باريس سان جرمان, سان جرمان
                club_names.add(tuple(keys[a:b]))
                continue
            if b < n and b not in starts and keys[b] in adjectives and tuple(keys[a:b]) + (keys[b],) not in gz:
                del new[(a, b)]
                b += 1
                new[(a, b)] = "LOC"  # روسيا الاتحادية
            head = next((j for j in range(a - 1, max(-1, a - 4), -1) if _strip(keys[j]) in place_heads
                         and place_heads[_strip(keys[j])] == "name"), None)
            if head is not None and head < a - 1 and _strip(keys[a]) == keys[a] and keys[a][:1] not in PROCLITICS and all(
                    _LETTERS.fullmatch(words[k]) and not keys[k].startswith("ال") and _strip(keys[k]) == keys[k]
                    and keys[k][:1] not in PROCLITICS  # (جبل مران بصعدة, فندق بقلب واشنطن: a preposition between)
                    and not _is_time(keys[k]) and not _is_role(keys[k]) and (k not in covered or out.get(covered[k]) == "ORG")
                    and _strip(keys[k]) not in bodies  # مسجد قوات طوارئ + عسير: an organisation between them
                    for k in range(head + 1, a)):
                inside = [x for x in new if head <= x[0] and x[1] <= a]
                if all(new[x] == "ORG" for x in inside) and not any(x[0] < head < x[1] for x in new):
                    for x in inside:
                        del new[x]
                    del new[(a, b)]
                    new[(head, b)] = "LOC"  # دار أوبرا فيينا, محطة سكة حديد الحجاز
                    continue
            if (b - a == 1 and a > 0 and a - 1 not in covered and _strip(keys[a - 1]) == "موقع" and tuple(keys[a:b]) not in gz
                    and keys[a] not in _gazetteer_first_words()):
                new[(a, b)] = "ORG"  # موقع كيكستارتر: a website, not a place
                continue
            if b - a == 1 and tuple(keys[a:b]) not in gz:
                k = _strip(keys[a])
                k = k[1:] if k[:1] in "كبل" and len(k) > 5 else k
                for suffix in _PRONOUN_SUFFIXES[:-1]:  # (not a bare ه: بريدة, طيبة end so)
                    stem = k[:-len(suffix)] if k.endswith(suffix) else ""
                    stem = stem[:-1] + "ه" if stem.endswith("ت") else stem
                    if len(stem) >= 3 and surface_count("ال" + stem) >= 100:
                        del new[(a, b)]  # كبلدنا: our country
                        break
        elif typ == "ORG" and all(_strip(k) in letters or k in letters for k in keys[a:b]):
            end = b
            while end < n and end not in starts and keys[end] in letters and _LETTERS.fullmatch(words[end]):
                end += 1
            if end > b:
                del new[(a, b)]
                new[(a, end)] = "ORG"  # اف بي + اي
    for (a, b), typ in list(new.items()):
        if typ != "LOC" or (_strip(keys[a]), *keys[a + 1:b]) not in club_names:
            continue
        if a > 0 and (keys[a - 1] in ("في", "من") or _head_word(keys[a - 1], place_heads)) or keys[a][:1] == "ب" and _strip(keys[a]) != keys[a]:
            continue
        new[(a, b)] = "ORG"
    return new


def _generic_body(head: str, word: str, heads: frozenset[str]) -> bool:
    """A definite head and a describing adjective (الاتحاد المحلي, المحكمة العسكرية): a body, not a name."""
    h = _strip(head)
    return h.startswith("ال") and h[2:] in heads and word in word_set("generic_org_adjectives.txt")


def _room(head: str, word: str) -> bool:
    """غرفة التحقيق: a room, unless a place or a region's adjective follows (غرفة أبها, غرفة الشرقية)."""
    return (_strip(head) in word_set("room_heads.txt") and word.startswith("ال") and not word.endswith(("يه", "ي"))
            and word not in _gazetteer_first_words())


def _adjectives_only(keys: list[str]) -> bool:
    """الجوية الدولية: nisba adjectives with no noun to name (not a gazetteer name, nor a state's body named by
    its adjectives: الخارجية المصرية)."""
    if tuple(keys) in _gazetteer_index() or _strip(keys[0]) in word_set("state_bodies.txt") or any(map(_is_demonym, keys)):
        return False
    return all(k.startswith("ال") and k.endswith(("يه", "ي")) and len(k) > 4 for k in keys)


def _agreeing_adjective(head: str, b: int, keys: list[str], taken: list[bool]) -> bool:
    """The word at ``b`` is an article-prefixed nisba adjective that agrees with the organisation's ``head``
    (نادي ... الأدبي, شركة ... الدولية, الدولة الإسلامية), not a time, role or describing word."""
    if b >= len(keys) or taken[b] or not keys[b].startswith("ال") or len(keys[b]) <= 4:
        return False
    k = keys[b]
    if _is_time(k) or _is_role(k) or k in word_set("generic_org_adjectives.txt"):
        return False
    feminine = _strip(head).endswith(("ه", "ات"))
    if k in word_set("org_adjectives.txt"):
        return k.endswith("ه") == feminine
    return k.endswith("يه") if feminine else k.endswith("ي") and not _is_demonym(k)


def _functional_committee(a: int, b: int, keys: list[str]) -> bool:
    """A committee named by its function (لجنة الانضباط, اللجنة التنفيذية, لجنة الطوارئ الحكومية) is a
    description, not a name; one with a state's adjective (لجنة مكافحة الإرهاب الروسية, اللجنة
    البارالمبية السعودية), an international one (اللجنة الأولمبية الدولية) or a gazetteer name is named."""
    if _strip(keys[a]).removeprefix("ال") not in word_set("committee_heads.txt") or tuple(keys[a:b]) in _gazetteer_index():
        return False
    international = word_set("international_adjectives.txt")
    return not any(_is_demonym(k) or k in international or _strip(k) in _gazetteer_first_words() for k in keys[a + 1:b])


def _coordinated_org_names(out: dict[tuple[int, int], str], words: list[str], keys: list[str],
                           heads: frozenset[str]) -> dict[tuple[int, int], str]:
    """An organisation's name runs on over its coordinated fields: وزارة الثقافة والإعلام, وزارة الشؤون
    البلدية والقروية, هيئة السياحة والتراث الوطني, البنك السعودي للتسليف والادخار."""
    n = len(words)
    starts = {a for (a, _) in out}
    new: dict[tuple[int, int], str] = {}
    for (a, b), typ in sorted(out.items()):
        if typ == "ORG" and (_strip(keys[a]) in heads or _strip(keys[a]).removeprefix("ال") in heads):
            end = b
            if end + 1 < n and keys[end].startswith("لل") and keys[end + 1].startswith("وال") and end not in starts:
                end += 1  # للتسليف (والادخار)
            k = end
            while (k < n and k - b < 4 and k not in starts and keys[k].startswith("وال") and len(keys[k]) > 5
                   and _LETTERS.fullmatch(words[k]) and not _is_time(keys[k][1:]) and not _is_role(keys[k][1:])
                   and not _is_demonym(keys[k][1:]) and _field_noun(keys[k][1:])):
                k += 1
                if k < n and k not in starts and keys[k].startswith("ال") and (
                        keys[k].endswith("يه") or keys[k] in word_set("org_adjectives.txt")):
                    k += 1  # والتراث الوطني
            if k > end:
                b = k
        new[(a, b)] = typ
    return new


def _field_noun(key: str) -> bool:
    """An article-prefixed noun (الإعلام, التخطيط), seen after a preposition (للإعلام, بالتخطيط), or an
    adjective (القروية); not a verb of the article's shape (التقى)."""
    from marsad.arabic.clitics import surface_count

    rest = key[2:]
    return key.endswith("يه") or surface_count("بال" + rest) + surface_count("لل" + rest) > 0


@cache
def _one_word_titles() -> frozenset[str]:
    return frozenset(r for r in word_set("roles.txt") if " " not in r)


@cache
def _named_after() -> tuple[dict[str, tuple[str, ...]], frozenset[str], frozenset[str]]:
    """named_after_heads.tsv: head -> (type, title rule); the heads; the royal titles."""
    rows = {row[0]: tuple(row[1:]) for row in table("named_after_heads.tsv")}
    return (rows, frozenset(h for h, r in rows.items() if r[0] != "title"),
            frozenset(h for h, r in rows.items() if r[0] == "title"))


@cache
def _trigger_forms() -> frozenset[str]:
    """The words that open a state's body or an outlet's name, bare and with one or two proclitics."""
    words = word_set("state_bodies.txt") | word_set("outlet_prefixes.txt")
    return frozenset(p + w for w in words for p in ("", *PROCLITICS, *DOUBLE_PROCLITICS))


def _head_word(key: str, heads: Iterable[str], stripped: str | None = None) -> str | None:
    """The list word ``key`` is, with or without one or two proclitics (بصحيفة, وبمحافظة), or None.

    ``stripped`` is ``_strip(key)`` when the caller has it (the document's stripped keys)."""
    if key in heads:
        return key
    for k in (key[1:] if key[:1] in PROCLITICS else "", key[2:] if key[:2] in DOUBLE_PROCLITICS else ""):
        if k and k in heads:
            return k
    k = _strip(key) if stripped is None else stripped
    return k if k in heads else None


def _arabic_name_before(a: int, b: int, keys: list[str]) -> bool:
    """The name so far ends on a given name the training text knows or on a chain (سلمان بن صالح), after
    which an article-prefixed word is a family name (مبارك السليم); after a foreign name (بول برايمر)
    it is more often the next noun (الحاكم)."""
    last = keys[b - 1]
    seen = ner.shipped_lexicon().get(last, {})
    return (last in word_set("first_names.txt") or 2 * seen.get("PERS", 0) >= max(4, seen.get("O", 0))
            or b - a >= 3 and keys[b - 2] in _CHAIN)


def _adjective_like(key: str) -> bool:
    """An article-prefixed word often written without its article (الغائب: غائب), so an adjective or
    noun rather than a family name (الغامدي: غامدي is rare)."""
    from marsad.arabic.clitics import surface_count

    return surface_count(key[2:]) > 0.3 * surface_count(key)


def _lone_family_name(key: str) -> bool:
    """A family name that can stand alone: almost never written without its article (السيوفي, الحربي),
    unlike an adjective that ended a name by mistake (التعليمي: تعليمي is common)."""
    from marsad.arabic.clitics import surface_count

    return _family_name(key) and surface_count(key[2:]) <= 0.1 * surface_count(key)


def _org_head(key: str, heads: frozenset[str]) -> bool:
    """An organisation's head word, with or without the article and a proclitic (النادي, وبوزارة)."""
    return bool(_head_word(key, heads) or _head_word(_strip(key).removeprefix("ال"), heads))


def _adjective_after(b: int, keys: list[str], taken: list[bool], demonym: bool = True) -> bool:
    """An article-prefixed adjective that closes a name (الطبية, الدولي, القابضة, with ``demonym`` also
    a nisba adjective of a place), not a time or role word."""
    return (b < len(keys) and not taken[b] and keys[b].startswith("ال") and len(keys[b]) > 4
            and (keys[b].endswith("يه") or keys[b] in word_set("org_adjectives.txt") or demonym and _is_demonym(keys[b]))
            and not _is_time(keys[b]) and not _is_role(keys[b]))


def _news_shapes(out: dict[tuple[int, int], str], words: list[str], keys: list[str], skeys: list[str],
                 line_starts: frozenset[int]) -> dict[tuple[int, int], str]:
    """Span shapes of news text the recognizer gets wrong (tests/fixtures/news_entities.jsonl, dev and dev2).

    * an organisation or place named after a person: مستشفى الملك سعود, مجموعة الدكتور سليمان الحبيب,
      استاد الملك فهد الدولي (not a person; named_after_heads.tsv);
    * a place after an administrative head (محافظة حريملاء) is a place, not a person; a geographic
      feature or a facility keeps its head (بحر جاوا, سجن صيدنايا); a head alone names nothing;
    * an organisation's name runs on over its field (جامعة نايف العربية للعلوم الأمنية) and takes the
      adjective that agrees with it (وزارة الداخلية المصرية); it does not start with a descriptor
      (تنظيم داعش -> داعش) nor end in a given name (المنتخب الأولمبي فيصل الخراع); an indefinite phrase
      (منظمة إرهابية دولية), a comparison (كمجلس) and a lone nisba adjective (العربي) name none;
    * a state's body named by its adjective is an organisation (الجيش اللبناني), not after a title
      (وزير الخارجية اليمني) nor as an adjective (المناطق الداخلية);
    * a family name met alone after the full name is the person (السيوفي after سامي السيوفي);
    * an outlet's dateline (سبق - جدة:) and an outlet after صحيفة/قناة/وكالة name the outlet.
    """
    from marsad.extract.outlets import known as known_outlet

    n = len(words)
    gz = _gazetteer_index()
    taken = _covered(out, n)
    place_heads = mapping("place_heads.tsv")
    named_after, founders, royal = _named_after()
    org_heads = word_set("org_heads.txt")
    descriptors = word_set("org_descriptors.txt")
    titles = _one_word_titles()
    first_names = word_set("first_names.txt")
    new: dict[tuple[int, int], str] = {}

    def free(lo: int, hi: int) -> bool:
        return 0 <= lo and hi <= n and not any(taken[lo:hi])

    for (a, b), typ in sorted(out.items()):
        if b - a == 1 and typ != "ORG" and _head_word(keys[a], place_heads) and tuple(keys[a:b]) not in gz:
            taken[a] = False
            continue  # ريف (درعا), محافظة: a head alone names nothing
        if typ == "PERS":
            j = a - 1
            title = _head_word(keys[j], titles) if free(j, j + 1) else None
            if title:
                j -= 1
            before = next(((x, y) for (x, y), t in new.items() if y == a and t == "ORG" and y - x >= 2
                           and _head_word(keys[x], founders) and _head_word(keys[y - 1], titles)), None)
            if before is not None:  # جامعة الأمير + سلطان: the tagger cut the name after the title
                del new[before]
                new[(before[0], b)] = "ORG"
                for k in range(a, b):
                    taken[k] = True
                continue
            head = _head_word(keys[j], founders) if free(j, a) else None
            if head and (named_after[head][1] == "any" or title in royal):
                end = b + 1 if _adjective_after(b, keys, taken, demonym=False) else b  # not الأهالي
                if (end == b and named_after[head][0] == "ORG" and b < n and not taken[b] and keys[b].startswith("لل")
                        and len(keys[b]) >= 5 and not _is_time(keys[b]) and not _is_role(keys[b])):
                    # مركز الملك فيصل + للدراسات الإسلامية: the field of an organisation named after a person
                    end = b + 2 if _adjective_after(b + 1, keys, taken, demonym=False) else b + 1
                for k in range(j, end):
                    taken[k] = True
                if named_after[head][0] != "MISC":  # دوري عبداللطيف جميل: a competition, no entity
                    new[(j, end)] = named_after[head][0]
                continue
            if b - a == 1 and free(a - 1, a) and place_heads.get(_head_word(keys[a - 1], place_heads) or "") == "admin":
                new[(a, b)] = "LOC"
                continue
            if b - a == 1 and free(a - 1, a) and place_heads.get(_strip(keys[a - 1])) == "name":
                taken[a - 1] = True
                new[(a - 1, b)] = "LOC"  # وادي حسان, جبل عامر: a geographic feature, not a person
                continue
        elif typ == "LOC":
            bare = _strip(keys[a]) == keys[a] and keys[a][:1] not in PROCLITICS  # مسجد بالجهراء: no name-head
            if free(a - 1, a) and place_heads.get(_head_word(keys[a - 1], place_heads) or "") == "name" and bare:
                taken[a - 1] = True
                a -= 1
            elif (b - a == 1 and free(a - 2, a) and _head_word(keys[a - 2], org_heads) and bare
                  and keys[a - 1][:1] not in PROCLITICS and _name_like(words[a - 1], keys[a - 1]) and not _is_time(keys[a - 1])):
                taken[a - 2] = taken[a - 1] = True
                end = b + 1 if _agreeing_adjective(keys[a - 2], b, keys, taken) else b
                taken[b:end] = [True] * (end - b)
                new[(a - 2, end)] = "ORG"  # مستشفى شرق جدة, مجلس شباب عسير, شركة معارض الظهران الدولية
                continue
        elif typ == "ORG":
            feminine = keys[a].endswith(("ه", "ات"))
            if (b < n and not taken[b] and keys[b].startswith("ال") and keys[b].endswith("ه") == feminine
                    and (_is_demonym(keys[b]) or keys[b] in word_set("org_adjectives.txt"))
                    and _org_head(keys[a], org_heads | founders)):
                taken[b] = True
                b += 1  # وزارة الداخلية المصرية, شركة معارض الظهران الدولية
            if (b - a >= 2 and _strip(keys[b - 1]) in first_names and not words[b - 1].endswith("ى")
                    and keys[b - 2].startswith("ال") and not _head_word(keys[b - 2], titles)
                    and tuple(keys[a:b]) not in gz):
                # المنتخب الأولمبي فيصل الخراع: an organisation does not end in a given name, the person starts there
                end = b + 1 if b < n and not taken[b] and _family_name(keys[b], strict=False) else b
                for k in range(b - 1, end):
                    taken[k] = True
                new[(b - 1, end)] = "PERS"
                continue
            if b - a >= 2 and _strip(keys[a]) in descriptors and (tuple(keys[a + 1:b]) in gz or keys[a + 1].startswith("ال")):
                a += 1  # تنظيم داعش -> داعش, تنظيم القاعدة -> القاعدة
                if b - a == 1 and keys[a].endswith("ه") and _agreeing_adjective(keys[a], b, keys, taken):
                    taken[b] = True
                    b += 1  # (تنظيم) الدولة الإسلامية
            elif tuple(keys[a:b]) in gz:
                pass
            elif keys[a][:1] == "ك" and _head_word(keys[a][1:], org_heads):
                continue  # كمجلس النابغة: "like a council", a comparison, not a name
            elif b - a == 1 and _is_demonym(keys[a]):
                continue  # العربي
            elif b - a >= 2 and keys[b - 1].endswith("يه") and len(keys[b - 1]) >= 5 and not any(_strip(k).startswith("ال") for k in keys[a:b]):
                continue  # منظمة إرهابية دولية: no name in it
            heads_ = org_heads | founders
            if ((_head_word(keys[a].removeprefix("ال"), heads_) or _head_word(keys[a], heads_)) and b < n and not taken[b] and keys[b].startswith("لل") and len(keys[b]) >= 5
                    and not _is_time(keys[b]) and not _is_role(keys[b])
                    and _adjective_after(b + 1, keys, taken)):
                b += 2
                for k in range(a, b):
                    taken[k] = True
        new[(a, b)] = typ
    # a family name met alone after the full name in the same article (سامي السيوفي ... وجّه السيوفي)
    family = {keys[b - 1] for (a, b), typ in new.items() if typ == "PERS" and b - a >= 2 and keys[b - 1].startswith("ال")}
    for i in range(n if family else 0):
        if not taken[i] and skeys[i] in family and _lone_family_name(skeys[i]):
            new[(i, i + 1)] = "PERS"
            taken[i] = True
    # the words that open a state's body or an outlet's name, found in one pass (most articles have few)
    bodies = word_set("state_bodies.txt")
    prefixes = word_set("outlet_prefixes.txt")
    forms = _trigger_forms()
    hits = [i for i, (k, sk) in enumerate(zip(keys, skeys, strict=True)) if k in forms or sk in forms]
    # الجيش اللبناني, الحكومة (الشرعية) اليمنية, قوات الأمن التركية: a state's body
    for i in hits:
        body = None if taken[i] or i + 1 >= n else _head_word(keys[i], bodies, skeys[i])
        if not body or i > 0 and (_head_word(keys[i - 1], word_set("role_nouns.txt"))
                                             or keys[i].startswith("ال") and _strip(keys[i - 1]).startswith("ال")):
            continue  # وزير الخارجية اليمني: a title; المناطق الداخلية, السياسة الخارجية: an adjective
        j = i + 1
        if j + 1 < n and not taken[j] and keys[j].startswith("ال") and not _is_demonym(keys[j]) and not _is_time(keys[j]):
            j += 1  # الوطني, الأمن, الشرعية
        feminine = body.endswith(("ه", "ات"))  # the adjective agrees with the body (الجيش اللبناني, القوات التركية)
        if not taken[j] and keys[j].startswith("ال") and _is_demonym(keys[j]) and keys[j].endswith("ه") == feminine:
            new[(i, j + 1)] = "ORG"
            for k in range(i, j + 1):
                taken[k] = True
    # outlets: a dateline (سبق - جدة:) and a name after صحيفة / قناة / وكالة
    for i in sorted(line_starts):
        o = None if taken[i] else known_outlet(words[i])
        if o is not None and o.kind in ("outlet", "wire"):
            new[(i, i + 1)] = "ORG"
            taken[i] = True
    for i in hits:
        if not taken[i] and _head_word(keys[i], prefixes, skeys[i]):
            for m in (3, 2, 1):
                if i + 1 + m > n or not all(_LETTERS.fullmatch(w) for w in words[i + 1:i + 1 + m]):
                    continue
                o = known_outlet(" ".join(words[i + 1:i + 1 + m]))
                if o is None or o.kind not in ("outlet", "wire"):
                    continue
                inside = [(a, b) for (a, b) in new if i + 1 <= a and b <= i + 1 + m]
                if all(new[x] != "PERS" for x in inside) and not any(
                        a < i + 1 + m and i + 1 < b and (a, b) not in inside for (a, b) in new):
                    for x in inside:
                        del new[x]
                    new[(i + 1, i + 1 + m)] = "ORG"
                break
    return new


def _join_people(spans: dict[tuple[int, int], str], keys: list[str]) -> dict[tuple[int, int], str]:
    """Person spans that touch, or meet over بن/آل, are one name (علي + عبدالله صالح, فيصل بن + خالد بن عبدالعزيز)."""
    out: dict[tuple[int, int], str] = {}
    last: tuple[int, int] | None = None
    for (a, b), typ in sorted(spans.items()):
        if typ == "PERS" and last is not None and out.get(last) == "PERS" and b - last[0] <= 8 and keys[a][:1] != "و" and (
                a == last[1] or (a == last[1] + 1 and keys[last[1]] in _CHAIN)):
            del out[last]
            last = (last[0], b)
            out[last] = "PERS"
            continue
        out[(a, b)] = typ
        last = (a, b)
    return out


def _refine_person(a: int, b: int, words: list[str], keys: list[str], taken: list[bool]) -> tuple[int, int] | None:
    own = b  # tokens before this were this span's own
    while a < b and ((_bad_name_word(words[a], keys[a], True) and not (a + 1 < len(keys) and keys[a + 1] in _CHAIN[:3]))
                     or _is_demonym(keys[a]) and not _given_name_demonym(a, b, keys)
                     or _strip(keys[a]) in _CHAIN[:3] or keys[a].startswith("لل")):
        a += 1  # (a word before بن is a given name: عيد بن سعيد)
    if a > 0 and a < b and not taken[a - 1] and (_strip(keys[a - 1]) in ("ابو", "ام") or keys[a - 1] == "ال" or (
            keys[a - 1] in word_set("first_names.txt") and not words[a - 1].endswith("ى"))):
        a -= 1  # أبو محمد الجولاني; علي + عبدالله صالح; آل (written ال) + منصور: the family's name
    end = a
    while end < b and (end == a or not _bad_name_word(words[end], keys[end], False)):
        if end > a and keys[end][:1] == "و" and _proclitic_length(words[end], keys[end], "PERS") and (
                _strip(keys[end - 1]) not in _CHAIN):
            break  # محمد ولافي: two people (but مبارك بن محمد آل وديان is one)
        end += 1
    b = end
    if (b - a >= 1 and _strip(keys[b - 1]) in ("ابو", "ام") and b < len(words) and not taken[b]
            and _LETTERS.fullmatch(words[b]) and _strip(keys[b]) not in word_set("stopwords.txt")
            and not _is_time(keys[b]) and not _is_role(keys[b])):
        b += 1  # هاني أبو + راس: the kunya takes its word, whatever it means (أبو راس, أبو بكر)
    if b < len(words) and keys[b] == "ولد" and (b < own or not taken[b]):
        b += 1  # إسماعيل + ولد الشيخ (the tagger may stop before ولد)
    if (b - a >= 2 and keys[b - 1] == "ولد" and b < len(words) and (b < own or not taken[b]) and _LETTERS.fullmatch(words[b])
            and _strip(keys[b]) not in word_set("stopwords.txt") and not _is_time(keys[b])):
        b += 1  # إسماعيل ولد + الشيخ: ولد (son of) in a Mauritanian name takes the next word, title or not
        if b < len(words) and (b < own or not taken[b]) and keys[b] in word_set("first_names.txt"):
            b += 1  # (ولد الشيخ + أحمد)
    while b > a and _strip(keys[b - 1]) in (*_CHAIN[:3], "ابو", "ابي", "ام", "ولد"):
        b -= 1  # never end on بن, أبو or ولد
    if b <= a:
        return None
    # عبد الله written apart: the name does not end on عبد
    if ((b - a >= 2 or keys[b - 1] in word_set("allah_compounds.txt")) and keys[b - 1] != "عبد" and b < len(words)
            and keys[b] == "الله" and (b < own or not taken[b]) and _LETTERS.fullmatch(words[b - 1])):
        b += 1  # حازم عطا الله, حسن نصر الله: a compound with الله ends the name
    if _strip(keys[b - 1]) == "عبد" and b < len(words) and keys[b].startswith("ال") and (b < own or not taken[b]):
        b += 1  # عبد + one of the divine names (الله، الرحمن، العزيز)
        if b < len(words) and (b < own or not taken[b]) and (_name_like(words[b], keys[b]) or _family_name(keys[b], strict=False)):
            b += 1
    if keys[b - 1] == "ال" and b - a >= 2 and b < len(words) and not taken[b] and _LETTERS.fullmatch(words[b]) and (
            not _bad_name_word(words[b], _strip(keys[b]), False)):
        b += 1  # آل + the family's name, whatever letter it starts with (آل وديان)
    # name chains: محمد بن سلمان بن عبدالعزيز آل سعود; a family name after a given name (عادل الكلباني)
    def chain(b: int) -> int:
        while (b + 1 < len(words) and keys[b] in _CHAIN and (b + 1 < own or not taken[b + 1])
               and _chain_word(words[b + 1], keys[b + 1])):
            b += 2  # (the span's own words are taken: لبيد بن ربيعة)
        return b

    b = chain(b)
    if (b < len(words) and not taken[b] and not keys[b - 1].startswith("ال") and _family_name(keys[b], strict=False)
            and (_arabic_name_before(a, b, keys) or not _adjective_like(keys[b]))):
        b = chain(b + 1)  # خالد الفيصل + بن عبدالعزيز: the chain goes on after the family name
    ks = [_strip(k) for k in keys[a:b]]
    if all(_is_demonym(k) or _is_time(k) or _is_role(k) for k in ks):
        return None
    spelled = word_set("letters_not_in_names.txt")
    if keys[a] in spelled or keys[b - 1] in spelled and not (
            ks[0] in word_set("first_names.txt") or ner.shipped_lexicon().get(ks[0], {}).get("PERS")):
        return None  # واي فاي, آركي سي: a product or an acronym spelled in letters (not جيمس بي. كومي)
    if b - a >= 2 and any(all(k.endswith(end) for k in ks) for end in _DUAL_ENDINGS) and not any(
            k in word_set("first_names.txt") or ner.shipped_lexicon().get(k, {}).get("PERS") for k in ks):
        return None  # a dual or plural noun and its adjective (عينان عسليتان, سؤالين رئيسيين)
    if b - a == 1:
        k = ks[0]
        if k.startswith("لل") or (k.startswith("ال") and not _family_name(k)) or k.endswith(("ته", "تها", "هم", "هما")):
            return None  # تهنئته: a noun with a pronoun
        if _common_noun(keys[a]) and "ال" + k not in _gazetteer_first_words() and k not in _known_surnames():
            return None  # اتحاد, شرطة, إصلاح: a noun (الاتحاد, الشرطة) the role rule or the tagger took for a name
        if _dual_noun(k):
            return None  # نائبين, هدفان
    return a, b


def _given_name_demonym(a: int, b: int, keys: list[str]) -> bool:
    """A word that is both a nisba adjective and a given name (تركي) opening a name before a family name
    (تركي الدربي): the name, not the adjective."""
    return (not keys[a].startswith("ال") and a + 1 < b and bool(ner.shipped_lexicon().get(keys[a], {}).get("PERS"))
            and _family_name(keys[a + 1], strict=False) and not _is_demonym(keys[a + 1]))


def _preposition_noun(key: str) -> bool:
    """ل or ب and a common noun (لمواصلة: مواصلة is common on its own), not a name (لطفي, بركات: طفي, ركات are rare)."""
    from marsad.arabic.clitics import surface_count

    if key[:1] not in "لب" or len(key) < 5 or key in word_set("first_names.txt") or key in _known_surnames():
        return False
    seen = ner.shipped_lexicon().get(key, {})
    if seen.get("PERS"):
        return False
    rest = key[1:]
    if rest in word_set("first_names.txt") or ner.shipped_lexicon().get(rest, {}).get("PERS"):
        return False
    return surface_count(rest) >= max(200, 2 * surface_count(key))


def _pronoun_noun(key: str) -> bool:
    """A common noun with a pronoun suffix (باسمه, بانتقاله, قوله, برامجهم), not a name ending in ه/ة (سلامة):
    the noun is common with the article (الاسم, الانتقال), or, after a bare ه, the training text knows the
    word only outside names."""
    from marsad.arabic.clitics import surface_count

    if key in word_set("first_names.txt") or key in _known_surnames():
        return False
    seen = ner.shipped_lexicon().get(key, {})
    if seen.get("PERS"):
        return False
    k = key[1:] if key[:1] in "بل" and len(key) > 4 else key
    for suffix in _PRONOUN_SUFFIXES:
        if k.endswith(suffix) and len(k) - len(suffix) >= 3:
            stem = k[:-len(suffix)]
            stem = stem[:-1] + "ه" if stem.endswith("ت") else stem  # تهنئت + ه -> تهنئة
            if suffix == "ه" and k == key:
                return seen.get("O", 0) >= 3  # قوله; but طه, عبده, حمزة are names
            return surface_count("ال" + stem) >= 100
    return False


def _dual_noun(key: str) -> bool:
    """A dual or plural noun (نائبين, هدفان): the singular is common with the article (النائب)."""
    from marsad.arabic.clitics import surface_count

    if key in word_set("first_names.txt") or key in _known_surnames() or ner.shipped_lexicon().get(key, {}).get("PERS"):
        return False
    return key.endswith(_DUAL_ENDINGS) and len(key) >= 5 and surface_count("ال" + key[:-2]) >= 200


@cache
def _units() -> frozenset[str]:
    """Currencies and units written after a figure (units.tsv): ريال is money, not an organisation."""
    return frozenset(row[0] for row in table("units.tsv") if " " not in row[0])


@cache
def _known_surnames() -> frozenset[str]:
    """Last words of the public figures of the gazetteer (هادي of عبد ربه منصور هادي): a short form
    that is also a common word is still the person (الكاميرون keeps كاميرون a name the same way)."""
    return frozenset(row[0].split()[-1] for row in table("gazetteer_people.tsv") if len(row[0].split()) > 1)


def _chain_word(word: str, key: str) -> bool:
    """The word after بن/آل: a father's or family's name, even when it is also a noun (لبيد بن ربيعة)."""
    if not _LETTERS.fullmatch(word) or len(key) < 2 or "\u064b" in word:
        return False
    k = _strip(key)
    if k in word_set("first_names.txt") or ner.shipped_lexicon().get(key, {}).get("PERS"):
        return True
    return not (k in word_set("stopwords.txt") or k in word_set("name_stops.txt") or _is_time(key) or _is_role(key)
                or k in word_set("org_heads.txt") or key.startswith(("لل", "بال")))


def _refine_place(a: int, b: int, words: list[str], keys: list[str], skeys: list[str],
                  taken: list[bool]) -> tuple[int, int] | None:
    if b - a == 1:
        k = skeys[a]
        if k in word_set("generic_places.txt"):
            return None  # "المملكة" refers to a place, it does not name one
        if _is_demonym(keys[a]) and k not in _gazetteer_first_words():
            return None
        if a > 0 and _strip(keys[a - 1]) in word_set("prayer_cues.txt"):
            return None  # أذان المغرب, صلاة المغرب: the prayer
        if k in word_set("ambiguous_places.txt") and (a == 0 or _strip(keys[a - 1]) not in word_set("place_cues.txt")
                                                        and keys[a - 1] not in word_set("place_cues.txt")):
            return None
    # جمهورية مصر العربية: the state's full name
    if a > 0 and not taken[a - 1] and _strip(keys[a - 1]) in _STATE_HEADS and keys[a][:1] != "و":
        a -= 1
        if b < len(words) and not taken[b] and keys[b].startswith("ال") and keys[b].endswith("يه"):
            b += 1
    return a, b


def _proclitic_length(word: str, key: str, typ: str) -> int:
    """How many leading letters of a mention's first word are a conjunction or preposition (وسيرغي -> 1)."""
    from marsad.arabic.clitics import surface_count

    if len(key) < 4 or key[0] not in PROCLITICS or key in word_set("first_names.txt") or key in mapping("place_heads.tsv"):
        return 0  # (وادي, a place's head, is no و + ادي)
    rest = key[1:]
    if typ == "PERS" and key[0] in "بلك":
        # a preposition before a person (لبوتين) when the rest is a name the training text knows and is
        # at least as common as the whole word, or far more common (لكيري); بشار, بلاتر, كريس are names
        if word[:1] not in "بلك":
            return 0
        seen = ner.shipped_lexicon().get(rest, {})
        known = rest in word_set("first_names.txt") or seen.get("PERS", 0) > seen.get("O", 0)
        whole, bare = surface_count(key), surface_count(rest)
        word_like = seen.get("O", 0) > seen.get("PERS", 0)  # كولو is not ك + ولو
        return 1 if known and bare >= whole or not word_like and bare >= max(50, 5 * whole) else 0
    if typ == "PERS" and key[0] == "ف" and word[:1] == "ف":
        # ف before a name is rarer than و: فالح, فراس are names; the rest must be a name or far more common
        seen = ner.shipped_lexicon().get(rest, {})
        known = rest in word_set("first_names.txt") or seen.get("PERS", 0) > seen.get("O", 0)
        return 1 if known or not rest.startswith("ال") and surface_count(rest) >= 2 * max(1, surface_count(key)) else 0
    if rest.startswith("ال") or rest in word_set("first_names.txt") or rest in _gazetteer_first_words():
        return 1 if word[:1] in "وفبل" else 0
    if surface_count(rest) >= max(1, surface_count(key)):
        return 1 if word[:1] in "وفبل" else 0
    return 0


def _name_like(word: str, key: str) -> bool:
    if not _LETTERS.fullmatch(word) or len(key) < 2:
        return False
    if key.startswith("ال") or key in word_set("stopwords.txt") or key in word_set("speech_verbs.txt"):
        return False
    if key in word_set("first_names.txt"):
        return True  # فهد, فيصل: a given name, not ف + a word
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


def title_heads(words_before: list[str]) -> list[str]:
    """The title that governs a name, from the normalized words before it ("وزير الاشغال العامه" -> ["وزير"]).

    Only the title nearest the name counts: in "ممثل الرئيس الأذربيجاني إلهام علييف" the name is
    the president's, not the representative's.
    """
    base = word_set("role_nouns.txt")
    for w in reversed(words_before):
        k = _strip(w).removeprefix("ال")
        if k in base or "ال" + k in base:
            return [k]
    return []
