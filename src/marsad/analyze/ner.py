"""Named-entity recognizer: two CRFs (python-crfsuite) over word, affix, clitic, cluster, gazetteer,
lexicon and document features.

Stage 1 tags each sentence from local evidence: the word and its clitic-stripped
base, prefixes and suffixes, word clusters learned from SaudiNewsNet, the shipped
gazetteers and role words, the words around it, and how often the word was part
of a name of each type in the training text (the *lexicon*).  Stage 2 re-tags with
stage 1's tags and the document's view of each word: what stage 1 called the same
word elsewhere in the document (a name tagged after "الرئيس" in one sentence is
the same name where it stands alone in the next).  Training is jackknifed: the
lexicon features and stage-1 tags a training sentence sees come from models that
did not see it, so stage 2 learns how far to trust them on unseen text.

A third, neural stage (``ner_neural``: word vectors, a letter CNN and a BiLSTM-CRF
over stage 1's tags, run in numpy) gives its own tag posteriors; the recognizer
decodes the mean of those and stage 2's marginals.  By default it reads only a few
tokens around the possible names stage 2 has left unsettled (``NEURAL_WINDOW``,
``NEURAL_SETTLED``); ``MARSAD_NER`` chooses another reading (``sentences``, ``full``)
or none (``crf``).

Trained here on ANERcorp (first 5/6 of the tokens; ``scripts/train_ner.py`` and
``scripts/train_ner_neural.py``) and shipped in ``analyze/models/``:
``ner.crfsuite`` (stage 1), ``ner_doc.crfsuite`` (stage 2), ``ner_lexicon.tsv.gz``
and ``ner_neural.npz``.  Nothing is downloaded at run time and nothing needs
torch.  Tags are BIO over PERS, LOC, ORG, MISC.

At run time the CRFs are not called through crfsuite: their weights are scored in
numpy from per-word-type sums (see "fast scoring" below), with crfsuite's tags.

`evaluate` computes entity-level micro precision/recall/F1 (exact span and type)
on the last 1/6, as ``marsad eval ner PATH`` prints.
"""

from __future__ import annotations

import gzip
import random
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import regex

from marsad.arabic.clitics import PREFIXES
from marsad.arabic.lexicons import gz_table, table, word_set
from marsad.arabic.normalize import normalize

if TYPE_CHECKING:
    from marsad.analyze.ner_neural import NeuralTagger

STAGE1_MODEL, STAGE2_MODEL, LEXICON = "ner.crfsuite", "ner_doc.crfsuite", "ner_lexicon.tsv.gz"
NEURAL_MODEL = "ner_neural.npz"
NEURAL_WEIGHT = 0.5  # share of the neural stage's posteriors in the mean decoded with stage 2's marginals
# Where the neural stage reads (`Recognizer._neural_spans`; figures in the README, bench/analysis_speed.py):
# around tokens where a name is possible (stage 1 tags a name or stage 2 gives O less than NEURAL_GATE) that
# stage 2 has not settled (its best tag below NEURAL_SETTLED), NEURAL_WINDOW tokens either side within the
# sentence.  ANERcorp F1 0.7552 (0.7547 as before), recognizer 8.9 ms per article, not 23.9.
# MARSAD_NER=sentences reads those sentences whole (15.4 ms; the news figures of bench/news_ner_eval.py as
# before, PERS exact precision 0.862 where this default gives 0.851), MARSAD_NER=full every sentence whole
# (the recognizer as trained), MARSAD_NER=crf none (F1 0.740, 4.8 ms).
NEURAL_WINDOW: int | None = 5
NEURAL_SETTLED: float | None = 0.8
NEURAL_GATE = 0.95
TRAIN_FRACTION = 5 / 6
FOLDS = 5  # jackknife folds for the lexicon features and stage-1 tags of the training text
DOC_WINDOW = 400  # tokens either side within which another mention of a word informs its tag
TYPES = ("PERS", "LOC", "ORG", "MISC")

Lexicon = dict[str, Counter]


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
def _gazetteer_features() -> frozenset[str]:
    """The gazetteer-word features `_token_feats` can give (``gz_`` + a type)."""
    return frozenset("gz_" + t for t in gazetteers())


@cache
def role_words() -> frozenset[str]:
    return frozenset(w for r in word_set("roles.txt") for w in r.split())


def strip_clitics(word: str) -> str:
    for p in PREFIXES:
        if word.startswith(p) and len(word) - len(p) >= 3:
            return word[len(p):]
    return word


def word_key(token: str) -> str:
    """The key the lexicon and the document features use: normalized, proclitics stripped."""
    return strip_clitics(normalize(token))


@cache
def word_clusters() -> dict[str, tuple[str, ...]]:
    """normalized word -> its cluster ids at three granularities (scripts/build_word_clusters.py)."""
    return {w: tuple(cols) for w, cols in gz_table("word_clusters.tsv.gz").items()}


_ARABIC_WORD = regex.compile(r"\p{Arabic}+")
_WORD_CHAR = regex.compile(r"\w")


def _shape(w: str) -> str:
    if w.isdigit():
        return "D"
    if _ARABIC_WORD.fullmatch(w):
        return "A"
    if w.isascii() and w.isalpha():
        return "L"
    if not _WORD_CHAR.search(w):
        return "P"
    return "M"


# ~2 KB a word (30 feature strings): the recognizer's type table keeps the scores it needs, so this memo
# serves the neural stage's flags and the reference path, which read the recent words
@lru_cache(maxsize=50_000)
def _token_feats(w: str) -> tuple[str, ...]:
    """The token's own features as feature strings (cached: the vocabulary repeats)."""
    n = normalize(w)
    base = strip_clitics(n)
    f = [f"w={n}", f"b={base}", f"shape={_shape(n)}", f"len={min(len(n), 8)}"]
    for k in (1, 2, 3, 4):
        if len(n) > k:
            f += [f"p{k}={n[:k]}", f"s{k}={n[-k:]}"]
        if len(base) > k and base != n:
            f += [f"bp{k}={base[:k]}", f"bs{k}={base[-k:]}"]
    if n.startswith("ال"):
        f.append("al")
    clusters = word_clusters()
    own = clusters.get(n)
    f += [f"c{i}={c}" for i, c in enumerate(own)] if own else ["c=none"]
    if base != n and (of_base := clusters.get(base)):
        f += [f"bc{i}={c}" for i, c in enumerate(of_base)]
    for t, (_, words) in gazetteers().items():
        if n in words or base in words:
            f.append("gz_" + t)
    if n in role_words() or base in role_words():
        f.append("role")
    return tuple(f)


_NEAR_KEYS = ("w=", "b=", "c0=", "c1=", "c2=", "bc1=", "gz_", "role", "s1=", "s2=", "p1=", "p2=", "al", "shape=")
_FAR_KEYS = ("w=", "b=", "c1=", "bc1=", "gz_", "role")


@lru_cache(maxsize=600_000)
def _context_feats(w: str, offset: int) -> tuple[str, ...]:
    keys = _NEAR_KEYS if abs(offset) == 1 else _FAR_KEYS
    return tuple(f"{offset}:{x}" for x in _token_feats(w) if x.startswith(keys))


def _lexicon_feats(key: str, lexicon: Lexicon) -> list[str]:
    counts = lexicon.get(key)
    if not counts or len(key) < 2:
        return ["lex_unseen"]
    total = sum(counts.values())
    out = []
    for t in TYPES:
        if counts[t]:
            share = counts[t] / total
            out.append(f"lex_{t}={'h' if share >= 0.6 else 'm' if share >= 0.25 else 'l'}")
    return out or ["lex_O"]


def sentence_features(tokens: list[str], lexicon: Lexicon | None = None) -> list[list[str]]:
    """Stage-1 features of each token of a sentence: its own, its neighbours', gazetteer phrases, lexicon."""
    lexicon = shipped_lexicon() if lexicon is None else lexicon
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
            f.extend(_context_feats(tokens[j], off) if 0 <= j < n else (f"{off}:pad",))
        if i > 0:
            f.append(f"bi={keys[i - 1]}|{keys[i]}")
        if i + 1 < n:
            f.append(f"bi+={keys[i]}|{keys[i + 1]}")
        if any(x.startswith("gz_") for x in own[i]):
            for span in (2, 3):
                for start in range(i - span + 1, i + 1):
                    if start < 0 or start + span > n:
                        continue
                    phrase, phrase_b = " ".join(keys[start:start + span]), " ".join(bases[start:start + span])
                    for t, (names, _) in gz.items():
                        if phrase in names or phrase_b in names:
                            f.append(f"gzp_{t}")
        f.extend(_lexicon_feats(bases[i], lexicon))
        out.append(f)
    return out


def document_features(sentences: list[list[str]], stage1: list[list[str]],
                      feats: list[list[list[str]]]) -> list[list[list[str]]]:
    """Stage-2 features: stage-1 features plus stage 1's tags and what it called the same word nearby."""
    flat = [(si, ti, word_key(tok)) for si, toks in enumerate(sentences) for ti, tok in enumerate(toks)]
    positions: dict[str, list[int]] = {}
    for g, (_, _, key) in enumerate(flat):
        positions.setdefault(key, []).append(g)
    out = [[list(f) for f in sent] for sent in feats]
    for g, (si, ti, key) in enumerate(flat):
        tags = stage1[si]
        own = tags[ti]
        f = out[si][ti]
        f.append("s1=" + own)
        if ti > 0:
            f.append("s1-1=" + tags[ti - 1])
        if ti + 1 < len(tags):
            f.append("s1+1=" + tags[ti + 1])
        if len(key) < 2 or key.isdigit():
            continue
        seen: Counter = Counter()
        total = 0
        for other in positions[key]:
            if other != g and abs(other - g) <= DOC_WINDOW:
                total += 1
                tag = stage1[flat[other][0]][flat[other][1]]
                seen[tag[2:] if tag != "O" else "O"] += 1
        if not total:
            continue
        named = {t: c for t, c in seen.items() if t != "O"}
        if not named:
            f.append("doc_none")
            continue
        best = max(named, key=lambda t: (named[t], t))
        f += [f"doc={best}", f"doc_share={best}:{'h' if 2 * named[best] >= total else 'l'}", f"doc={best}|s1={own}"]
    return out


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


def build_lexicon(sentences_: Iterable[list[tuple[str, str]]]) -> Lexicon:
    """word key -> how often it was tagged O or part of a PERS/LOC/ORG/MISC name."""
    lexicon: Lexicon = {}
    for sent in sentences_:
        for tok, tag in sent:
            lexicon.setdefault(word_key(tok), Counter())[tag[2:] if tag != "O" else "O"] += 1
    return lexicon


_LEXICAL = ("w=", "b=", "bi=", "bi+=", "lex_", "c0=", "c1=", "c2=", "bc0=", "bc1=", "bc2=", "c=none")


def _as_unseen(feats: list[list[str]], tags: list[str], rng: random.Random, rate: float) -> list[list[str]]:
    """A copy of a training sentence where some name words look unknown (no identity, lexicon or cluster)."""
    out = []
    for f, tag in zip(feats, tags, strict=True):
        if tag != "O" and rng.random() < rate:
            f = [x for x in f if not x.startswith(_LEXICAL)] + ["lex_unseen", "c=none"]
        out.append(f)
    return out


def _fit(items: list[tuple[list[list[str]], list[str]]], path: str | Path, params: dict, unseen_rate: float = 0.0) -> None:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    rng = random.Random(7)
    for feats, tags in items:
        trainer.append(feats, tags)
        if unseen_rate and any(t != "O" for t in tags):
            trainer.append(_as_unseen(feats, tags, rng, unseen_rate), tags)
    trainer.set_params({**params, "feature.possible_transitions": True})
    trainer.train(str(path))


def train(pairs: list[tuple[str, str]], model_dir: str | Path, *, c1: float = 0.05, c2: float = 0.05,
          max_iterations: int = 150, folds: int = FOLDS, unseen_rate: float = 0.0) -> None:
    """Train both stages on ``pairs`` and write the models and the lexicon into ``model_dir``."""
    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    params = {"c1": c1, "c2": c2, "max_iterations": max_iterations}
    sents = list(sentences(pairs))
    toks = [[t for t, _ in s] for s in sents]
    gold = [[g for _, g in s] for s in sents]
    feats, stage1 = jackknifed_stage1(sents, model_dir, params, folds=folds, unseen_rate=unseen_rate)
    _fit(list(zip(feats, gold, strict=True)), model_dir / STAGE1_MODEL, params, unseen_rate)
    doc = document_features(toks, stage1, feats)
    _fit(list(zip(doc, gold, strict=True)), model_dir / STAGE2_MODEL, params)
    for name in (STAGE1_MODEL, STAGE2_MODEL):  # the arrays the fast path scores with
        export_crf_arrays(model_dir / name)
    with gzip.open(model_dir / LEXICON, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write("#key\t" + "\t".join(("O",) + TYPES) + "\n")
        for key, counts in sorted(build_lexicon(sents).items()):
            fh.write(key + "\t" + "\t".join(str(counts[t]) for t in ("O",) + TYPES) + "\n")


def jackknifed_stage1(sents: list[list[tuple[str, str]]], workdir: str | Path, params: dict, *,
                      folds: int = FOLDS, unseen_rate: float = 0.0) -> tuple[list[list[list[str]]], list[list[str]]]:
    """Stage-1 features and tags of each training sentence, each from lexicons and models that did not see it."""
    import pycrfsuite

    toks = [[t for t, _ in s] for s in sents]
    gold = [[g for _, g in s] for s in sents]
    n = len(sents)
    cuts = [(n * k // folds, n * (k + 1) // folds) for k in range(folds)]
    # lexicon features of a training sentence come from the other folds
    feats: list[list[list[str]]] = [[] for _ in range(n)]
    for lo, hi in cuts:
        lexicon = build_lexicon(sents[i] for i in range(n) if not lo <= i < hi)
        for i in range(lo, hi):
            feats[i] = sentence_features(toks[i], lexicon)
    # stage-1 tags of the training text, each from a model that did not see it
    stage1: list[list[str]] = [[] for _ in range(n)]
    for k, (lo, hi) in enumerate(cuts):
        path = Path(workdir) / f".fold{k}.crfsuite"
        _fit([(feats[i], gold[i]) for i in range(n) if not lo <= i < hi], path, params, unseen_rate)
        tagger = pycrfsuite.Tagger()
        tagger.open(str(path))
        for i in range(lo, hi):
            stage1[i] = tagger.tag(feats[i])
        tagger.close()
        path.unlink()
    return feats, stage1


# -- tagging ---------------------------------------------------------------

def _model_path(name: str):
    return resources.files("marsad.analyze").joinpath("models", name)


def read_lexicon(path: str | Path) -> Lexicon:
    cols = ("O",) + TYPES
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        rows = (line.rstrip("\n").split("\t") for line in fh if not line.startswith("#"))
        return {r[0]: Counter({t: int(v) for t, v in zip(cols, r[1:], strict=True) if v != "0"}) for r in rows}


@cache
def shipped_lexicon() -> Lexicon:
    ref = _model_path(LEXICON)
    if not ref.is_file():
        return {}
    with resources.as_file(ref) as path:
        return read_lexicon(path)


# -- fast scoring -------------------------------------------------------------
#
# A linear-chain CRF scores a tag at a token as the sum of the weights of the token's
# features for that tag, plus a transition weight.  Everything a token's own features
# and its features as a neighbour contribute depends on the word alone, so those sums
# are made once per word type (`_TypeTable`, kept across documents) and a document's
# emission scores are gathered from them with numpy; only the features of word pairs,
# gazetteer phrases, stage 1's tags and the document view are added per token.  The
# weights are crfsuite's own (``_LinearChain.from_crfsuite``), so the tags are the ones
# crfsuite gives for the same feature strings (``Recognizer.tag_document_crfsuite``
# keeps that path; tests/integration/test_equivalence_ner.py compares the two).

_OFFSETS = (-2, -1, 1, 2)
_TYPE_CAP = 150_000  # word types kept (720 bytes of scores each); the table is emptied between documents when full


@dataclass
class _LinearChain:
    """A crfsuite model as arrays: attribute -> row of weights per tag (in `_TAGS` order), transitions."""

    attrs: dict[str, int]
    weights: np.ndarray  # (attributes + 1, tags); the last row is zero (unknown attribute)
    trans: np.ndarray  # (tags, tags)

    @classmethod
    def from_crfsuite(cls, path: str) -> _LinearChain:
        import pycrfsuite

        tagger = pycrfsuite.Tagger()
        tagger.open(path)
        info = tagger.info()
        tagger.close()
        col = {t: k for k, t in enumerate(_TAGS)}
        attrs: dict[str, int] = {}
        for attr, _ in info.state_features:
            attrs.setdefault(attr, len(attrs))
        weights = np.zeros((len(attrs) + 1, len(_TAGS)))
        for (attr, label), w in info.state_features.items():
            weights[attrs[attr], col[label]] = w
        trans = np.zeros((len(_TAGS), len(_TAGS)))
        for (a, b), w in info.transitions.items():
            trans[col[a], col[b]] = w
        return cls(attrs, weights, trans)

    def row(self, features: Iterable[str]) -> np.ndarray:
        """Summed weights of the features crfsuite knows (an unknown attribute weighs nothing)."""
        unknown = len(self.attrs)
        return self.weights[[self.attrs.get(f, unknown) for f in features]].sum(axis=0)

    def get(self, feature: str) -> np.ndarray | None:
        k = self.attrs.get(feature)
        return None if k is None else self.weights[k]


_TAGS = ("O",) + tuple(f"{p}-{t}" for t in TYPES for p in "BI")  # the tag order of every array here
_TAG_ID = {t: k for k, t in enumerate(_TAGS)}
_KIND = np.array([0] + [1 + k for k in range(len(TYPES)) for _ in "BI"])  # tag id -> 0 (O) or 1 + type index


def _crf_arrays(path: str) -> _LinearChain:
    """The model's weights, from the ``.npz`` exported next to it when it matches the model file, else from crfsuite."""
    import hashlib

    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    cached = Path(path).with_suffix(".npz")
    if cached.is_file():
        with np.load(cached, allow_pickle=False) as z:
            if str(z["source_sha256"]) == digest and tuple(str(z["tags"]).split("\n")) == _TAGS:
                attrs = {a: k for k, a in enumerate(str(z["attrs"]).split("\n"))}
                return _LinearChain(attrs, z["weights"], z["trans"])
    return _LinearChain.from_crfsuite(path)


def export_crf_arrays(path: str | Path) -> Path:
    """Write the ``.npz`` of a crfsuite model beside it (loads in milliseconds; crfsuite's dump takes a second)."""
    import hashlib

    chain = _LinearChain.from_crfsuite(str(path))
    out = Path(path).with_suffix(".npz")
    names = sorted(chain.attrs, key=chain.attrs.__getitem__)
    assert not any("\n" in a for a in names)
    np.savez_compressed(out, attrs=np.array("\n".join(names)), weights=chain.weights, trans=chain.trans,
                        tags=np.array("\n".join(_TAGS)),
                        source_sha256=np.array(hashlib.sha256(Path(path).read_bytes()).hexdigest()))
    return out


def _by_base_feature(chains: tuple[_LinearChain, _LinearChain]) -> tuple[dict[str, int], np.ndarray]:
    """Feature ``x`` -> its weights as the token's own feature and as ``o:x`` at each neighbour offset, both stages.

    Returns the index and an array (features + 1, 1 + len(_OFFSETS), 2, tags); the last row is zero.
    A word type's scores are then one gather and one sum over its own features.
    """
    slot = {f"{o}:": 1 + j for j, o in enumerate(_OFFSETS)}
    index: dict[str, int] = {}
    placed = []
    for chain in chains:
        ks, js, rows = [], [], []
        for attr, row in chain.attrs.items():
            head, sep, rest = attr.partition(":")
            j = slot.get(head + sep, 0) if sep else 0
            ks.append(index.setdefault(rest if j else attr, len(index)))
            js.append(j)
            rows.append(row)
        placed.append((ks, js, rows))
    table = np.zeros((len(index) + 1, 1 + len(_OFFSETS), 2, len(_TAGS)))
    for s, (ks, js, rows) in enumerate(placed):
        table[ks, js, s] = chains[s].weights[rows]
    return index, table


def _pair_features(chains: tuple[_LinearChain, _LinearChain]) -> tuple[dict[str, np.ndarray], set[str], set[str]]:
    """``"a|b"`` -> weights (stage, kind, tags) of ``bi=a|b`` (kind 0, read at b) and ``bi+=a|b`` (kind 1, read
    at a) in both stages; and the words that stand first and second in any of them.

    A word holding "|" makes the split ambiguous, so every split is taken into the word sets (the
    lookup itself is on the whole string, as crfsuite's).
    """
    pairs: dict[str, np.ndarray] = {}
    left: set[str] = set()
    right: set[str] = set()
    for s, chain in enumerate(chains):
        for attr, k in chain.attrs.items():
            if attr.startswith("bi="):
                kind, rest = 0, attr[3:]
            elif attr.startswith("bi+="):
                kind, rest = 1, attr[4:]
            else:
                continue
            pairs.setdefault(rest, np.zeros((2, 2, len(_TAGS))))[s, kind] = chain.weights[k]
            cut = -1
            while (cut := rest.find("|", cut + 1)) >= 0:
                left.add(rest[:cut])
                right.add(rest[cut + 1:])
    return pairs, left, right


class _DocView:
    """Stage 2's weights of the document-view features (`document_features`) as arrays by type and tag."""

    def __init__(self, chain: _LinearChain) -> None:
        zero = np.zeros(len(_TAGS))

        def row(f: str) -> np.ndarray:
            r = chain.get(f)
            return zero if r is None else r

        self.none = row("doc_none")
        # (types, tags): doc=T; (types, 2 shares h/l, tags); (types, stage-1 tag, tags)
        self.doc = np.stack([row(f"doc={t}") for t in TYPES])
        self.share = np.stack([np.stack([row(f"doc_share={t}:{h}") for h in "hl"]) for t in TYPES])
        self.with_s1 = np.stack([np.stack([row(f"doc={t}|s1={g}") for g in _TAGS]) for t in TYPES])
        self.s1 = np.stack([row(f"s1={g}") for g in _TAGS])
        self.prev = np.stack([row(f"s1-1={g}") for g in _TAGS])
        self.next = np.stack([row(f"s1+1={g}") for g in _TAGS])


# ties between types seen as often go to the greatest name (max over (count, name) in `document_features`)
_TYPE_RANK = np.argsort(np.argsort(TYPES))


class _TypeTable:
    """Per word type (a normalized word), the summed weights of its features in both stages.

    ``own[s]`` is the type's own features (and its lexicon features) scored by stage ``s``;
    ``ctx[s][k]`` the same word seen at offset ``_OFFSETS[k]`` from the token being tagged.
    """

    def __init__(self, chains: tuple[_LinearChain, _LinearChain], lexicon: Lexicon) -> None:
        self.chains = chains
        self.lexicon = lexicon
        self.index, self.table = _by_base_feature(chains)
        self._flat = self.table.reshape(self.table.shape[0], -1)  # (features, offsets x stages x tags)
        self._flat_own = np.ascontiguousarray(self.table[:, 0]).reshape(self.table.shape[0], -1)
        self.raw: dict[str, int] = {}  # token as written -> type id
        self.ids: dict[str, int] = {}  # normalized word -> type id
        self.norm: list[str] = []
        self.base: list[str] = []
        # word pairs (bi=, bi+=): a pair is looked up only where both words occur in some pair feature
        self.pairs, self._left_words, self._right_words = _pair_features(chains)
        self.base_ids: dict[str, int] = {}  # clitic-stripped key -> id (the document view groups by it)
        cap = 4096
        # per type: has a gazetteer word; is first / second word of some pair feature; the document
        # view applies to its key (two letters or more, not a number: `document_features`)
        self.flags = np.zeros((cap, 4), bool)
        self.base_of = np.zeros(cap, np.int64)  # id of its clitic-stripped key
        self.own = np.zeros((2, cap, len(_TAGS)))
        self.ctx = np.zeros((2, len(_OFFSETS), cap, len(_TAGS)))
        self.pad = np.stack([np.stack([c.row([f"{o}:pad"]) for o in _OFFSETS]) for c in chains])
        self.view = _DocView(chains[1])

    def clear(self) -> None:
        self.raw.clear()
        self.ids.clear()
        self.norm.clear()
        self.base.clear()
        self.base_ids.clear()

    def lookup(self, tokens: list[str]) -> list[int]:
        raw = self.raw
        new = [t for t in dict.fromkeys(tokens) if t not in raw]
        if new:
            self._add(new)
        return [raw[t] for t in tokens]

    def _add(self, tokens: list[str]) -> None:
        """Give each new token a type id, scoring the types not seen before all at once."""
        fresh: list[tuple[int, str, str]] = []  # (id, token, normalized) of the new types
        for t in tokens:
            n = normalize(t)
            k = self.ids.get(n)
            if k is None:
                k = self.ids[n] = len(self.norm) + len(fresh)
                fresh.append((k, t, n))
            self.raw[t] = k
        if not fresh:
            return
        need = len(self.norm) + len(fresh)
        while need > self.own.shape[1]:
            grow = self.own.shape[1]
            self.own = np.concatenate([self.own, np.zeros_like(self.own[:, :grow])], axis=1)
            self.ctx = np.concatenate([self.ctx, np.zeros_like(self.ctx[:, :, :grow])], axis=2)
            self.flags = np.concatenate([self.flags, np.zeros_like(self.flags[:grow])])
            self.base_of = np.concatenate([self.base_of, np.zeros_like(self.base_of[:grow])])
        index, unknown = self.index, len(self.index)
        get = index.get
        gz_feats = _gazetteer_features()
        left, right, base_ids = self._left_words, self._right_words, self.base_ids
        feats: list[int] = []
        feat_starts: list[int] = []
        lex: list[int] = []
        lex_starts: list[int] = []
        flags: list[tuple[bool, bool, bool, bool]] = []
        base_of: list[int] = []
        for _, token, n in fresh:
            # not through `_token_feats`'s memo: this table keeps the type's scores
            own = _token_feats.__wrapped__(token)
            base = own[1][2:]
            self.norm.append(n)
            self.base.append(base)
            flags.append((not gz_feats.isdisjoint(own), n in left, n in right, len(base) >= 2 and not base.isdigit()))
            base_of.append(base_ids.setdefault(base, len(base_ids)))
            feat_starts.append(len(feats))
            feats.extend(map(get, own, repeat(unknown, len(own))))
            # the lexicon features are the token's own only (no neighbour reads them)
            lex_starts.append(len(lex))
            lexical = _lexicon_feats(base, self.lexicon)
            lex.extend(map(get, lexical, repeat(unknown, len(lexical))))
        first = fresh[0][0]  # the new ids are consecutive
        self.flags[first:first + len(fresh)] = flags
        self.base_of[first:first + len(fresh)] = base_of
        # the sums of each type's feature rows as one sparse product: (types x features) of ones times the
        # table, added in feature order (the sums a gather and `sum` per type gave, bit for bit, at half
        # the cost: no gathered copy of the rows is made)
        m = len(fresh)
        rows = (_ones(feats, feat_starts, self.table.shape[0]) @ self._flat).reshape(m, *self.table.shape[1:])
        lex_rows = (_ones(lex, lex_starts, self.table.shape[0]) @ self._flat_own).reshape(m, *self.table.shape[2:])
        ids = np.fromiter((k for k, _, _ in fresh), np.int64, m)
        self.own[:, ids] = (rows[:, 0] + lex_rows).transpose(1, 0, 2)
        self.ctx[:, :, ids] = rows[:, 1:].transpose(2, 1, 0, 3)


def _ones(columns: list[int], starts: list[int], width: int):
    """A CSR matrix with a row of ones at ``columns[starts[i]:starts[i + 1]]`` for each i (repeats kept)."""
    from scipy.sparse import csr_matrix

    indptr = np.append(np.asarray(starts, np.int64), len(columns))
    return csr_matrix((np.ones(len(columns)), np.asarray(columns, np.int64), indptr), shape=(len(starts), width))


@dataclass
class _Document:
    """One document's tokens as type ids, flat, with each token's sentence bounds."""

    sentences: list[list[str]]
    ids: np.ndarray
    starts: np.ndarray  # flat index of the token's sentence's first token
    ends: np.ndarray  # ... and one past its last
    lengths: list[int]
    keys: list[str]  # normalized word of each token
    bases: list[str]  # clitic-stripped key (``word_key``)
    base_ids: np.ndarray | None = None  # id of each token's clitic-stripped key
    viewable: np.ndarray | None = None  # the document view applies to the token's key (not a number, 2+ letters)
    view: _DocView | None = None
    gz: np.ndarray | None = None  # the token is a gazetteer word
    pair_left: np.ndarray | None = None  # ... the first word of some pair feature
    pair_right: np.ndarray | None = None  # ... the second


def _gather(types: _TypeTable, doc: _Document, stage: int) -> np.ndarray:
    """(tokens, tags) emission scores of a stage from the per-type tables: own, neighbours, padding."""
    ids = doc.ids
    n = len(ids)
    out = types.own[stage][ids]
    pos = np.arange(n)
    for j, o in enumerate(_OFFSETS):
        other = pos + o
        inside = (other >= doc.starts) & (other < doc.ends)
        rows = types.ctx[stage, j][ids[np.clip(other, 0, n - 1)]]
        out += np.where(inside[:, None], rows, types.pad[stage, j])
    return out


def _pair_and_phrase_rows(types: _TypeTable, doc: _Document, stage: int, out: np.ndarray) -> None:
    """Add the features of word pairs (bi=, bi+=) and of gazetteer phrases (gzp_) to ``out``.

    Only neighbours that both stand in some pair feature (flags per type) are looked up, and only
    tokens with a gazetteer word (`_TypeTable.flags`) try phrases: most tokens cost no Python at all.
    """
    ids = doc.ids
    n = len(ids)
    if n > 1:
        left = doc.pair_left[:-1]
        right = doc.pair_right[1:]
        same = doc.ends[:-1] > np.arange(1, n)  # the next token is in the same sentence
        keys, pairs = doc.keys, types.pairs
        for g in np.flatnonzero(left & right & same).tolist():
            r = pairs.get(f"{keys[g]}|{keys[g + 1]}")
            if r is not None:
                out[g + 1] += r[stage, 0]
                out[g] += r[stage, 1]
    gzs = doc.gz
    if not gzs.any():
        return
    chain = types.chains[stage]
    keys, bases = doc.keys, doc.bases
    gz = gazetteers()
    attrs, weights = chain.attrs, chain.weights
    for row in np.flatnonzero(gzs).tolist():
        first, end = int(doc.starts[row]), int(doc.ends[row])
        for span in (2, 3):
            for a in range(row - span + 1, row + 1):
                if a < first or a + span > end:
                    continue
                phrase, phrase_b = " ".join(keys[a:a + span]), " ".join(bases[a:a + span])
                for t, (names, _) in gz.items():
                    if (phrase in names or phrase_b in names) and (k := attrs.get(f"gzp_{t}")) is not None:
                        out[row] += weights[k]


def _packed(rows: np.ndarray, lengths: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple]:
    """Sentences of a flat (tokens, tags) array as a (sentences, longest, tags) batch, longest first.

    Returns the batch, the order (batch row -> sentence), the sorted lengths and the batch cell of
    each token: (batch row, step, flat index), the tokens of batch row 0 first (one gather, no loop).
    """
    lens = np.asarray(lengths, np.int64)
    order = np.argsort(-lens, kind="stable")
    sl = lens[order]
    starts = np.cumsum(lens) - lens
    total = int(sl.sum())
    brow = np.repeat(np.arange(len(sl)), sl)
    step = np.arange(total) - np.repeat(np.cumsum(sl) - sl, sl)
    flat = np.repeat(starts[order], sl) + step
    batch = np.zeros((len(sl), int(sl[0]), rows.shape[1]))
    batch[brow, step] = rows[flat]
    return batch, order, sl, (brow, step, flat)


def _active(sorted_lengths) -> np.ndarray:
    """For each step t, how many of the (longest-first) sentences are longer than t."""
    longest = sorted_lengths[0]
    counts = np.bincount(sorted_lengths, minlength=longest + 1)
    return len(sorted_lengths) - np.cumsum(counts)[:longest]


def _near_counts(keys: np.ndarray, positions: np.ndarray, kinds: np.ndarray, query_keys: np.ndarray,
                 query_positions: np.ndarray, n: int, width: int) -> np.ndarray:
    """For each query (key, position), how many other tokens of the same key lie within `DOC_WINDOW`
    tokens of it, by kind: (queries, width) counts.

    ``keys``/``positions``/``kinds`` are the tokens sorted by key, then position (positions below
    ``n``, each query among them).  One search for each end of each query's window over the tokens
    as ``key * stride + position`` and cumulative counts by kind; the query itself is not counted.
    """
    stride = n + 2 * DOC_WINDOW + 1  # a window never reaches into the next key's range
    line = keys * stride + positions
    centre = query_keys * stride + query_positions
    lo = np.searchsorted(line, centre - DOC_WINDOW, "left")
    hi = np.searchsorted(line, centre + DOC_WINDOW, "right")
    cum = np.zeros((len(kinds) + 1, width), np.int64)
    np.cumsum(np.eye(width, dtype=np.int64)[kinds], axis=0, out=cum[1:])
    out = cum[hi] - cum[lo]
    own = kinds[np.searchsorted(line, centre)]
    out[np.arange(len(out)), own] -= 1
    return out


def viterbi_batch(rows: np.ndarray, lengths: list[int], trans: np.ndarray,
                  start: np.ndarray | None = None) -> list[np.ndarray]:
    """Best tag-id path of each sentence of a flat (tokens, tags) score array, all sentences at once.

    Each step keeps its scores (``v[t]``), so a sentence's last scores are read where it ends and a
    step writes into arrays made once (the sentences still going are a prefix of the batch).
    """
    batch, order, sl, (brow, step, flat) = _packed(rows, lengths)
    active = _active(sl).tolist()
    nb, longest, k = batch.shape
    v = np.empty((longest, nb, k))
    v[0] = batch[:, 0] if start is None else batch[:, 0] + start
    back = np.zeros((longest, nb, k), np.int64)
    scores = np.empty((nb, k, k))
    for t in range(1, longest):
        a = active[t]
        s = scores[:a]
        np.add(v[t - 1, :a, :, None], trans, out=s)
        s.argmax(1, out=back[t, :a])
        vt = v[t, :a]
        s.max(1, out=vt)
        vt += batch[:a, t]
    rows_ = np.arange(nb)
    path = np.zeros((longest, nb), np.int64)
    path[sl - 1, rows_] = v[sl - 1, rows_].argmax(1)
    for t in range(longest - 1, 0, -1):
        a = active[t]
        path[t - 1, :a] = back[t, rows_[:a], path[t, :a]]
    best = path[step, brow]  # batch order: row 0's tokens, then row 1's ...
    out: list[np.ndarray] = [np.zeros(0, np.int64)] * len(lengths)
    bounds = np.cumsum(sl).tolist()
    a = 0
    for b, s_ in enumerate(order.tolist()):
        out[s_] = best[a:bounds[b]]
        a = bounds[b]
    return out


def marginals_batch(rows: np.ndarray, lengths: list[int], trans: np.ndarray, start: np.ndarray | None = None,
                    end: np.ndarray | None = None) -> np.ndarray:
    """Per-token tag marginals (forward-backward, scaled) of a flat (tokens, tags) score array."""
    batch, order, sl, (brow, step, flat) = _packed(rows, lengths)
    active = _active(sl).tolist()
    nb, longest, k = batch.shape
    p = np.exp(batch - batch.max(axis=2, keepdims=True))
    m = np.exp(trans)
    mt = m.T
    alpha = np.zeros_like(p)
    beta = np.zeros_like(p)
    alpha[:, 0] = p[:, 0] * (np.exp(start) if start is not None else 1.0)
    alpha[:, 0] /= alpha[:, 0].sum(1, keepdims=True)
    # backward on each sentence reversed, so that it too is a prefix of the batch
    rev = np.zeros_like(p)
    rev[brow, np.repeat(sl, sl) - 1 - step] = p[brow, step]
    beta[:, 0] = np.exp(end) if end is not None else 1.0
    for t in range(1, longest):
        a = active[t]
        x = (alpha[:a, t - 1] @ m) * p[:a, t]
        alpha[:a, t] = x / x.sum(1, keepdims=True)
        x = (rev[:a, t - 1] * beta[:a, t - 1]) @ mt
        beta[:a, t] = x / x.sum(1, keepdims=True)
    joint = alpha[brow, step] * beta[brow, np.repeat(sl, sl) - 1 - step]
    out = np.zeros_like(rows)
    out[flat] = joint / joint.sum(1, keepdims=True)
    return out


@dataclass
class Recognizer:
    """The two CRF stages and, when its file is there, the neural stage (default: the shipped models)."""

    stage1: object
    stage2: object
    lexicon: Lexicon
    neural: NeuralTagger | None = None
    paths: tuple[str, str] = ("", "")
    neural_gate: float = NEURAL_GATE
    neural_window: int | None = NEURAL_WINDOW
    neural_settled: float | None = NEURAL_SETTLED
    _types: _TypeTable | None = field(default=None, repr=False)
    # the type table and the neural stage's projection store grow as documents are tagged:
    # one document at a time per recognizer (a server may tag from several threads)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def open(cls, model_dir: str | Path | None = None, *, neural: str | Path | None | bool = None) -> Recognizer:
        """Open the models in ``model_dir``; ``neural`` names another neural-stage file (False: none)."""
        import pycrfsuite

        from marsad.analyze.ner_neural import NeuralTagger

        taggers, paths = [], []
        for name in (STAGE1_MODEL, STAGE2_MODEL):
            tagger = pycrfsuite.Tagger()
            if model_dir is None:
                with resources.as_file(_model_path(name)) as path:
                    tagger.open(str(path))
                    paths.append(str(path))
            else:
                tagger.open(str(Path(model_dir) / name))
                paths.append(str(Path(model_dir) / name))
            taggers.append(tagger)
        lexicon = shipped_lexicon() if model_dir is None else read_lexicon(Path(model_dir) / LEXICON)
        network = None
        if neural is False:
            pass
        elif neural is not None and neural is not True:
            network = NeuralTagger.load(neural)
        elif (ref := _model_path(NEURAL_MODEL) if model_dir is None else Path(model_dir) / NEURAL_MODEL).is_file():
            with resources.as_file(ref) as path:
                network = NeuralTagger.load(path)
        return cls(taggers[0], taggers[1], lexicon, network, (paths[0], paths[1]))

    def bound_type_table(self, fill: float = 0.75, min_capacity: int = 65_536) -> bool:
        """Empty the per-word-type table once it fills ``fill`` of arrays of ``min_capacity`` or more.

        Between a long-running process's batches: the arrays double when full, so a watcher that let
        the table reach `_TYPE_CAP` would jump to twice the memory it had after its first thousand
        pages.  The table is a cache (scores of a word's features), so tags do not change.
        """
        with self._lock:
            types = self._types
            if types is None or types.own.shape[1] < min_capacity or len(types.norm) <= fill * types.own.shape[1]:
                return False
            types.clear()
            return True

    def _table(self) -> _TypeTable:
        if self._types is None:
            self._types = _TypeTable((_crf_arrays(self.paths[0]), _crf_arrays(self.paths[1])), self.lexicon)
        elif len(self._types.norm) > _TYPE_CAP:
            self._types.clear()
        return self._types

    def _document(self, types: _TypeTable, sentences_: list[list[str]]) -> _Document:
        flat = [t for s in sentences_ for t in s]
        ids = types.lookup(flat)
        lengths = [len(s) for s in sentences_ if s]
        starts = np.repeat(np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(int), lengths)
        ends = starts + np.repeat(lengths, lengths)
        arr = np.array(ids, np.int64)
        return _Document(sentences_, arr, starts, ends, lengths,
                         [types.norm[k] for k in ids], [types.base[k] for k in ids],
                         types.base_of[arr], types.flags[arr, 3], types.view, types.flags[arr, 0],
                         types.flags[arr, 1], types.flags[arr, 2])

    def tag_document(self, sentences_: list[list[str]]) -> list[list[str]]:
        """BIO tags for each sentence of one document (stage 2 reads the whole document)."""
        if not any(sentences_):
            return [[] for _ in sentences_]
        with self._lock:
            return self._tag_document(sentences_)

    def _tag_document(self, sentences_: list[list[str]]) -> list[list[str]]:
        types = self._table()
        doc = self._document(types, sentences_)
        chain1, chain2 = types.chains
        e1 = _gather(types, doc, 0)
        _pair_and_phrase_rows(types, doc, 0, e1)
        stage1 = np.concatenate(viterbi_batch(e1, doc.lengths, chain1.trans))
        e2 = _gather(types, doc, 1)
        _pair_and_phrase_rows(types, doc, 1, e2)
        doc_labels = self._stage2_rows(doc, stage1, chain2, e2)
        if self.neural is None:
            best = np.concatenate(viterbi_batch(e2, doc.lengths, chain2.trans))
        else:
            from marsad.analyze import ner_neural

            contexts = stage1 * len(ner_neural.DOC_LABELS) + doc_labels
            crf = marginals_batch(e2, doc.lengths, chain2.trans)
            neural = crf.copy()  # a sentence the neural stage does not read keeps stage 2's marginals
            spans = self._neural_spans(doc, stage1, crf)
            if spans:
                flat_tokens = [t for s in sentences_ for t in s]
                where = np.concatenate([np.arange(a, a + n) for a, n in spans])
                neural[where] = self.neural.document_posteriors(
                    [flat_tokens[g] for g in where], [n for _, n in spans], contexts[where])
            # where stage 1 says O and the neural stage is sure of O, stage 2's marginals are taken as O
            # (as `_marginals` does: the mean is O there whatever stage 2 says)
            sure = (stage1 == 0) & (neural[:, 0] >= 0.98)
            crf[sure] = 0.0
            crf[sure, 0] = 1.0
            mean = NEURAL_WEIGHT * neural + (1 - NEURAL_WEIGHT) * crf
            best = np.concatenate(ner_neural.decode_batch(mean, doc.lengths))
        out: list[list[str]] = []
        g = 0
        for s in sentences_:
            out.append([_TAGS[k] for k in best[g:g + len(s)]])
            g += len(s)
        return out

    def _neural_spans(self, doc: _Document, stage1: np.ndarray, crf: np.ndarray) -> list[tuple[int, int]]:
        """The (start, length) pieces of the document the neural stage reads.

        With `neural_gate` at 1.0 every sentence is read whole (the recognizer as trained).
        Below it, only where a name is possible: a token stage 1 tags as a name or that stage 2
        gives less than ``neural_gate`` of O and, with `neural_settled` set, whose best tag stage 2
        gives less than ``neural_settled``; with `neural_window` set, only those tokens and
        ``neural_window`` tokens either side within their sentence, else their whole sentence.
        Elsewhere stage 2's marginals stand alone (README: the speed and F1 of each setting).
        """
        bounds = np.concatenate([[0], np.cumsum(doc.lengths)])
        if self.neural_gate >= 1.0:
            return [(int(bounds[k]), n) for k, n in enumerate(doc.lengths)]
        possible = (stage1 != 0) | (crf[:, 0] < self.neural_gate)
        if self.neural_settled is not None:  # stage 2 already sure of its best tag there, whatever it is
            possible &= crf.max(1) < self.neural_settled
        if self.neural_window is None:
            hits = np.add.reduceat(possible, bounds[:-1])
            return [(int(bounds[k]), n) for k, n in enumerate(doc.lengths) if hits[k]]
        w = self.neural_window
        # "full" then the centre: "same" returns the kernel's length when the document is shorter
        read = np.convolve(possible.astype(np.int64), np.ones(2 * w + 1, np.int64), "full")[w:w + len(possible)] > 0
        first = np.zeros(len(read), bool)
        first[bounds[:-1]] = True
        opens = read & (first | ~np.r_[False, read[:-1]])
        piece = np.cumsum(opens) * read  # piece number of each token read (0: not read)
        starts = np.flatnonzero(opens)
        lengths = np.bincount(piece, minlength=len(starts) + 1)[1:]
        return [(int(a), int(n)) for a, n in zip(starts, lengths, strict=True)]

    @staticmethod
    def _stage2_rows(doc: _Document, stage1: np.ndarray, chain: _LinearChain, out: np.ndarray) -> np.ndarray:
        """Add stage 2's features of stage 1's tags and of the document view (`document_features`) to ``out``.

        Returns each token's document label (index into ``ner_neural.DOC_LABELS``: none, a type, or nodoc).
        The view is counted per key with numpy: what stage 1 called the other mentions of the same key,
        all of them when the key's mentions lie within `DOC_WINDOW` of each other, else those within the window
        of each token (`_near_counts`).
        """
        view = doc.view if doc.view is not None else _DocView(chain)
        n = len(stage1)
        out += view.s1[stage1]
        pos = np.arange(n)
        has_prev = pos > doc.starts
        has_next = pos + 1 < doc.ends
        out[has_prev] += view.prev[stage1[pos[has_prev] - 1]]
        out[has_next] += view.next[stage1[pos[has_next] + 1]]
        labels = np.full(n, 5, np.int64)  # nodoc
        if doc.base_ids is None or doc.viewable is None:
            raise ValueError("a _Document made by Recognizer._document is needed")
        kinds = _KIND[stage1]
        # keys that occur twice or more and that the view applies to
        _, group, sizes = np.unique(doc.base_ids, return_inverse=True, return_counts=True)
        keep = doc.viewable & (sizes[group] >= 2)
        if not keep.any():
            return labels
        where = np.flatnonzero(keep)
        grp = group[where]
        kw = kinds[where]
        width = len(TYPES) + 1
        counts = np.bincount(grp * width + kw, minlength=len(sizes) * width).reshape(len(sizes), width)
        seen = counts[grp]
        seen[np.arange(len(where)), kw] -= 1
        # the kept tokens by key, in text order within a key: a key's mentions are one run of ``by_key``
        order = np.argsort(grp, kind="stable")
        by_key, at = grp[order], where[order]
        first = at[np.searchsorted(by_key, grp, "left")]
        last = at[np.searchsorted(by_key, grp, "right") - 1]
        far = np.flatnonzero((last - first) > DOC_WINDOW)
        if len(far):  # mentions spread over more than the window: count the near ones of each such token
            seen[far] = _near_counts(by_key, at, kinds[at], grp[far], where[far], n, width)
        total = seen.sum(1)
        ok = total > 0
        where, seen, total = where[ok], seen[ok], total[ok]
        named = seen[:, 1:]
        anyname = named.any(1)
        none = where[~anyname]
        labels[none] = 0
        out[none] += view.none
        where, named, total = where[anyname], named[anyname], total[anyname]
        best = np.argmax(named * len(TYPES) + _TYPE_RANK, axis=1)  # most seen; ties to the greatest name
        labels[where] = 1 + best
        low = (2 * named[np.arange(len(where)), best] < total).astype(np.int64)
        out[where] += view.doc[best] + view.share[best, low] + view.with_s1[best, stage1[where]]
        return labels

    def tag_document_crfsuite(self, sentences_: list[list[str]]) -> list[list[str]]:
        """The same tags through crfsuite on feature strings (the reference the fast path is tested against)."""
        feats = [sentence_features(toks, self.lexicon) if toks else [] for toks in sentences_]
        stage1 = [self.stage1.tag(f) if f else [] for f in feats]  # type: ignore[attr-defined]
        doc = document_features(sentences_, stage1, feats)
        if self.neural is None:
            return [self.stage2.tag(f) if f else [] for f in doc]  # type: ignore[attr-defined]
        from marsad.analyze import ner_neural

        contexts = [ner_neural.context_ids(s1, d) for s1, d in zip(stage1, doc, strict=True)]
        neural = self.neural.tag_posteriors(sentences_, contexts)
        out = []
        for f, s1, posterior in zip(doc, stage1, neural, strict=True):
            if not f:
                out.append([])
                continue
            crf = self._marginals(f, s1, posterior)
            out.append(ner_neural.decode(NEURAL_WEIGHT * posterior + (1 - NEURAL_WEIGHT) * crf))
        return out

    def _marginals(self, feats: list[list[str]], stage1: list[str], neural: np.ndarray) -> np.ndarray:
        """Stage 2's tag marginals through crfsuite, asked only where a name is possible."""
        from marsad.analyze.ner_neural import TAGS

        tagger = self.stage2
        tagger.set(feats)  # type: ignore[attr-defined]
        known = set(tagger.labels())  # type: ignore[attr-defined]
        out = np.zeros((len(feats), len(TAGS)))
        out[:, 0] = 1.0
        for i, tag in enumerate(stage1):
            if tag != "O" or neural[i, 0] < 0.98:
                out[i] = [tagger.marginal(t, i) if t in known else 0.0 for t in TAGS]  # type: ignore[attr-defined]
        return out


@cache
def _shipped() -> Recognizer:
    """The shipped recognizer, set by ``MARSAD_NER`` (README: F1 and speed of each).

    Unset: the neural stage `NEURAL_WINDOW` tokens either side of unsettled possible names
    (`NEURAL_SETTLED`); ``sentences``: on the sentences holding them, whole; ``full``: on every
    sentence whole, as trained; ``crf``: the two CRF stages alone.
    """
    import os

    mode = os.environ.get("MARSAD_NER", "").lower()
    if mode == "crf":
        return Recognizer.open(neural=False)
    rec = Recognizer.open()
    if mode == "full":
        rec.neural_gate, rec.neural_window, rec.neural_settled = 1.0, None, None
    elif mode == "sentences":
        rec.neural_window = None
    return rec


def model_available() -> bool:
    """Whether the CRF stages and their lexicon ship with this install (the neural stage is optional)."""
    return all(_model_path(name).is_file() for name in (STAGE1_MODEL, STAGE2_MODEL, LEXICON))


def tag_document(sentences_: list[list[str]], recognizer: Recognizer | None = None) -> list[list[str]]:
    return (recognizer or _shipped()).tag_document(sentences_)


def tag(tokens: list[str], recognizer: Recognizer | None = None) -> list[str]:
    """BIO tags of one sentence taken as a document of its own."""
    return tag_document([tokens], recognizer)[0] if tokens else []


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


def evaluate(pairs: list[tuple[str, str]], recognizer: Recognizer | None = None) -> dict[str, dict[str, float]]:
    """Entity-level micro P/R/F1 (exact span and type), per type and overall.

    The test text is one running stream (ANERcorp marks no document boundaries), so
    it is tagged as one document: stage 2 looks `DOC_WINDOW` tokens either side.
    """
    sents = list(sentences(pairs))
    tagged = tag_document([[t for t, _ in s] for s in sents], recognizer)
    gold_all: set[tuple[int, int, str]] = set()
    pred_all: set[tuple[int, int, str]] = set()
    offset = 0
    for sent, pred in zip(sents, tagged, strict=True):
        gold_all |= {(offset + s.start, offset + s.end, s.type) for s in spans(g for _, g in sent)}
        pred_all |= {(offset + s.start, offset + s.end, s.type) for s in spans(pred)}
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
