"""Named-entity recognizer: a CRF (python-crfsuite) over word, affix, clitic, gazetteer and context features.

Trained here on ANERcorp (first 5/6 of the tokens; ``scripts/train_ner.py``) and
shipped as ``analyze/models/ner.crfsuite``: nothing is downloaded at run time and
nothing needs torch.  Tags are BIO over PERS, LOC, ORG, MISC.

`evaluate` computes entity-level micro precision/recall/F1 (exact span and type)
on the last 1/6, as ``marsad eval ner PATH`` prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import regex

from marsad.arabic.lexicons import data_lines, gz_table, table, word_set
from marsad.arabic.normalize import normalize

MODEL_NAME = "ner.crfsuite"
TRAIN_FRACTION = 5 / 6
_PROCLITICS = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ل", "ف", "ك")


@cache
def gazetteers() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """type -> (full names, single words of names) from the shipped gazetteer files."""
    full: dict[str, set[str]] = {"LOC": set(), "PERS": set(), "ORG": set()}
    for name in ("gazetteer_countries.tsv", "gazetteer_places.tsv", "gazetteer_orgs.tsv", "gazetteer_people.tsv"):
        for row in table(name):
            full.setdefault(row[1], set()).add(row[0])
    out = {}
    for t, names in full.items():
        words = {w for n in names for w in n.split() if len(w) > 2}
        out[t] = (frozenset(names), frozenset(words))
    return out


@cache
def role_words() -> frozenset[str]:
    return frozenset(w for r in word_set("roles.txt") for w in r.split())


def strip_clitics(word: str) -> str:
    for p in _PROCLITICS:
        if word.startswith(p) and len(word) - len(p) >= 3:
            return word[len(p):]
    return word


@cache
def word_clusters() -> dict[str, tuple[str, ...]]:
    """normalized word -> its cluster ids at three granularities (scripts/build_word_clusters.py)."""
    return {w: tuple(cols) for w, cols in gz_table("word_clusters.tsv.gz").items()}


def _shape(w: str) -> str:
    if w.isdigit():
        return "D"
    if regex.fullmatch(r"\p{Arabic}+", w):
        return "A"
    if w.isascii() and w.isalpha():
        return "L"
    if not regex.search(r"\w", w):
        return "P"
    return "M"


@lru_cache(maxsize=300_000)
def _token_feats(w: str) -> tuple[str, ...]:
    """The token's own features as feature strings (cached: the vocabulary repeats)."""
    n = normalize(w)
    base = strip_clitics(n)
    gz = gazetteers()
    f = [f"w={n}", f"b={base}", f"p2={n[:2]}", f"p3={n[:3]}", f"s2={n[-2:]}", f"s3={n[-3:]}", f"bs2={base[-2:]}",
         f"shape={_shape(n)}", f"len={min(len(n), 8)}"]
    if n.startswith("ال"):
        f.append("al")
    clusters = word_clusters().get(n) or word_clusters().get(base)
    if clusters:
        f += [f"c{i}={c}" for i, c in enumerate(clusters)]
    else:
        f.append("c=none")
    for t, (_, words) in gz.items():
        if n in words or base in words:
            f.append("gz_" + t)
    if n in role_words() or base in role_words():
        f.append("role")
    return tuple(f)


_CONTEXT_KEYS = ("w=", "b=", "c1=", "gz_", "role")


@lru_cache(maxsize=600_000)
def _context_feats(w: str, offset: int) -> tuple[str, ...]:
    own = _token_feats(w)
    keep = [x for x in own if x.startswith(_CONTEXT_KEYS) or (abs(offset) == 1 and x.startswith(("s2=", "c0=")))]
    return tuple(f"{offset}:{x}" for x in keep)


def sentence_features(tokens: list[str]) -> list[list[str]]:
    """Feature strings of each token of a sentence: its own, its neighbours', and gazetteer phrases."""
    own = [_token_feats(t) for t in tokens]
    n = len(tokens)
    out = []
    gz = gazetteers()
    keys = [x[0][2:] for x in own]  # the normalized word (w=...)
    bases = [x[1][2:] for x in own]
    for i in range(n):
        f = list(own[i])
        for off in (-2, -1, 1, 2):
            j = i + off
            if 0 <= j < n:
                f.extend(_context_feats(tokens[j], off))
            else:
                f.append(f"{off}:pad")
        if i > 0:
            f.append(f"bi={keys[i - 1]}|{keys[i]}")
        if any(x.startswith("gz_") for x in own[i]):
            for span in (2, 3):
                for start in range(i - span + 1, i + 1):
                    if start < 0 or start + span > n:
                        continue
                    phrase, phrase_b = " ".join(keys[start:start + span]), " ".join(bases[start:start + span])
                    for t, (names, _) in gz.items():
                        if phrase in names or phrase_b in names:
                            f.append(f"gzp_{t}")
        out.append(f)
    return out


def _to_crfsuite(feats: list[list[str]]) -> list[list[str]]:
    return feats


# -- corpus ----------------------------------------------------------------

def read_conll(path: str | Path) -> list[tuple[str, str]]:
    """(token, tag) pairs of an ANERcorp-style file, in order."""
    pairs = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.strip().split()
            if len(parts) != 2:
                continue
            tok, tag = parts
            pairs.append((tok, tag))
    return pairs


def sentences(pairs: list[tuple[str, str]]) -> Iterator[list[tuple[str, str]]]:
    sent: list[tuple[str, str]] = []
    for tok, tag in pairs:
        sent.append((tok, tag))
        if tok in (".", "!", "?", "؟") or len(sent) >= 80:
            yield sent
            sent = []
    if sent:
        yield sent


def split(pairs: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    cut = int(len(pairs) * TRAIN_FRACTION)
    # do not cut an entity in two
    while cut < len(pairs) and pairs[cut][1].startswith("I-"):
        cut += 1
    return pairs[:cut], pairs[cut:]


def train(pairs: list[tuple[str, str]], model_path: str | Path, *, c1: float = 0.05, c2: float = 0.05,
          max_iterations: int = 150) -> None:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for sent in sentences(pairs):
        toks = [t for t, _ in sent]
        trainer.append(_to_crfsuite(sentence_features(toks)), [tag for _, tag in sent])
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": max_iterations,
                        "feature.possible_transitions": True})
    trainer.train(str(model_path))


# -- tagging ---------------------------------------------------------------

@cache
def _tagger():
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    ref = resources.files("marsad.analyze").joinpath("models", MODEL_NAME)
    with resources.as_file(ref) as path:
        tagger.open(str(path))
    return tagger


def model_available() -> bool:
    return resources.files("marsad.analyze").joinpath("models", MODEL_NAME).is_file()


def tag(tokens: list[str], tagger=None) -> list[str]:
    if not tokens:
        return []
    t = tagger or _tagger()
    return t.tag(_to_crfsuite(sentence_features(tokens)))


@dataclass(frozen=True)
class Span:
    start: int  # token index
    end: int  # exclusive
    type: str


def spans(tags: Iterable[str]) -> list[Span]:
    out: list[Span] = []
    start, typ = None, None
    tags = list(tags)
    for i, t in enumerate(tags + ["O"]):
        if t.startswith("B-") or t == "O" or (t.startswith("I-") and t[2:] != typ):
            if start is not None:
                out.append(Span(start, i, typ))  # type: ignore[arg-type]
                start, typ = None, None
            if t.startswith("B-") or t.startswith("I-"):
                start, typ = i, t[2:]
    return out


def evaluate(pairs: list[tuple[str, str]], tagger=None) -> dict[str, dict[str, float]]:
    """Entity-level micro P/R/F1 (exact span and type), per type and overall."""
    gold_all: set[tuple[int, int, str]] = set()
    pred_all: set[tuple[int, int, str]] = set()
    offset = 0
    for sent in sentences(pairs):
        toks = [t for t, _ in sent]
        gold = spans([g for _, g in sent])
        pred = spans(tag(toks, tagger))
        gold_all |= {(offset + s.start, offset + s.end, s.type) for s in gold}
        pred_all |= {(offset + s.start, offset + s.end, s.type) for s in pred}
        offset += len(sent)
    report: dict[str, dict[str, float]] = {}
    types = sorted({t for *_, t in gold_all | pred_all})
    for typ in types + ["overall"]:
        g = {x for x in gold_all if typ == "overall" or x[2] == typ}
        p = {x for x in pred_all if typ == "overall" or x[2] == typ}
        tp = len(g & p)
        prec = tp / len(p) if p else 0.0
        rec = tp / len(g) if g else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        report[typ] = {"precision": prec, "recall": rec, "f1": f1, "support": float(len(g))}
    return report


def known_names() -> list[str]:
    return data_lines("gazetteer_people.tsv")
