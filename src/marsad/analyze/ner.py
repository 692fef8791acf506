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
decodes the mean of those and stage 2's marginals.

Trained here on ANERcorp (first 5/6 of the tokens; ``scripts/train_ner.py`` and
``scripts/train_ner_neural.py``) and shipped in ``analyze/models/``:
``ner.crfsuite`` (stage 1), ``ner_doc.crfsuite`` (stage 2), ``ner_lexicon.tsv.gz``
and ``ner_neural.npz``.  Nothing is downloaded at run time and nothing needs
torch.  Tags are BIO over PERS, LOC, ORG, MISC.

`evaluate` computes entity-level micro precision/recall/F1 (exact span and type)
on the last 1/6, as ``marsad eval ner PATH`` prints.
"""

from __future__ import annotations

import gzip
import random
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import regex

from marsad.arabic.lexicons import gz_table, table, word_set
from marsad.arabic.normalize import normalize

if TYPE_CHECKING:
    from marsad.analyze.ner_neural import NeuralTagger

STAGE1_MODEL, STAGE2_MODEL, LEXICON = "ner.crfsuite", "ner_doc.crfsuite", "ner_lexicon.tsv.gz"
NEURAL_MODEL = "ner_neural.npz"
NEURAL_WEIGHT = 0.5  # share of the neural stage's posteriors in the mean decoded with stage 2's marginals
TRAIN_FRACTION = 5 / 6
FOLDS = 5  # jackknife folds for the lexicon features and stage-1 tags of the training text
DOC_WINDOW = 400  # tokens either side within which another mention of a word informs its tag
TYPES = ("PERS", "LOC", "ORG", "MISC")
_PROCLITICS = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ل", "ف", "ك")

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
def role_words() -> frozenset[str]:
    return frozenset(w for r in word_set("roles.txt") for w in r.split())


def strip_clitics(word: str) -> str:
    for p in _PROCLITICS:
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


@dataclass
class Recognizer:
    """The two CRF stages and, when its file is there, the neural stage (default: the shipped models)."""

    stage1: object
    stage2: object
    lexicon: Lexicon
    neural: NeuralTagger | None = None

    @classmethod
    def open(cls, model_dir: str | Path | None = None, *, neural: str | Path | None = None) -> Recognizer:
        """Open the models in ``model_dir``; ``neural`` names another neural-stage file."""
        import pycrfsuite

        from marsad.analyze.ner_neural import NeuralTagger

        taggers = []
        for name in (STAGE1_MODEL, STAGE2_MODEL):
            tagger = pycrfsuite.Tagger()
            if model_dir is None:
                with resources.as_file(_model_path(name)) as path:
                    tagger.open(str(path))
            else:
                tagger.open(str(Path(model_dir) / name))
            taggers.append(tagger)
        lexicon = shipped_lexicon() if model_dir is None else read_lexicon(Path(model_dir) / LEXICON)
        network = None
        if neural is not None:
            network = NeuralTagger.load(neural)
        elif (ref := _model_path(NEURAL_MODEL) if model_dir is None else Path(model_dir) / NEURAL_MODEL).is_file():
            with resources.as_file(ref) as path:
                network = NeuralTagger.load(path)
        return cls(taggers[0], taggers[1], lexicon, network)

    def tag_document(self, sentences_: list[list[str]]) -> list[list[str]]:
        """BIO tags for each sentence of one document (stage 2 reads the whole document)."""
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
        """Stage 2's tag marginals, asked only where a name is possible.

        Most tokens are plain words that stage 1 and the neural stage both call O with
        near certainty; there the mean is O whatever stage 2 says, so its marginals are
        taken as O without asking (the calls cost more than the rest of the decoding).
        """
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
    return Recognizer.open()


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
