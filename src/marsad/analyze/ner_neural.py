"""Neural stage of the entity recognizer: a BiLSTM-CRF run in numpy, no torch at run time.

Each token enters as its word vector (skip-gram, learned here from SaudiNewsNet
and the training split, int8 in the shipped file), a character CNN over its
normalized letters, a few flags (gazetteer, role word, article, shape) and an
embedding of what the CRF's first stage tagged it together with what the
document called the same word (``ner.document_features``).  A bidirectional
LSTM reads the sentence and a CRF layer scores the tags.

The recognizer averages this model's tag posteriors with the second CRF's
marginals and decodes the mean under the BIO constraints (``ner.Recognizer``);
each alone scores lower on ANERcorp than the two together.

``scripts/train_ner_neural.py`` trains it with torch (the ``train`` extra) and
writes ``models/ner_neural.npz``; the encoding functions here are the ones the
training used, so both sides see the same inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
from threadpoolctl import ThreadpoolController, threadpool_limits

from marsad.analyze.ner import TYPES, _shape, gazetteers, role_words, strip_clitics, word_clusters
from marsad.arabic.normalize import normalize

TAGS = ("O",) + tuple(f"{p}-{t}" for t in TYPES for p in "BI")
TAG_INDEX = {t: i for i, t in enumerate(TAGS)}
DOC_LABELS = ("none", "PERS", "LOC", "ORG", "MISC", "nodoc")
FLAGS = ("gz_LOC", "gz_PERS", "gz_ORG", "role", "al", "shape=A", "shape=L", "shape=D", "shape=P", "c=none")
MAX_CHARS = 20
TOKEN_CACHE = 40_000  # tokens whose input projections are kept (8 * hidden float32 each: 192 MB at 150 units, filled as used)
MAX_TOKENS = 80  # longest piece the LSTM reads at once (ner.sentences cuts training sentences there too)
PAD, UNK = 0, 1


def word_ids(tokens: list[str], vocab: dict[str, int]) -> list[int]:
    out = []
    for t in tokens:
        n = normalize(t)
        out.append(vocab.get(n, vocab.get(strip_clitics(n), UNK)))
    return out


def char_ids(tokens: list[str], alphabet: dict[str, int]) -> np.ndarray:
    """(tokens, MAX_CHARS) letter ids of each normalized token, 0-padded."""
    out = np.zeros((len(tokens), MAX_CHARS), np.int64)
    for i, t in enumerate(tokens):
        ids = [alphabet.get(c, UNK) for c in normalize(t)[:MAX_CHARS]] or [UNK]
        out[i, :len(ids)] = ids
    return out


def flag_values(token: str) -> list[bool]:
    """Which of `FLAGS` are among the token's features (``ner._token_feats``), without building them all."""
    n = normalize(token)
    base = strip_clitics(n)
    present = {"gz_" + t for t, (_, words) in gazetteers().items() if n in words or base in words}
    roles = role_words()
    if n in roles or base in roles:
        present.add("role")
    if n.startswith("ال"):
        present.add("al")
    present.add("shape=" + _shape(n))
    if not word_clusters().get(n):
        present.add("c=none")
    return [x in present for x in FLAGS]


def flags(tokens: list[str]) -> np.ndarray:
    return np.array([flag_values(t) for t in tokens], np.float32).reshape(len(tokens), len(FLAGS))


def doc_label(features: list[str]) -> int:
    """Which DOC_LABELS entry ``ner.document_features`` gave a token (its features come last)."""
    for f in reversed(features):
        if f.startswith("doc=") and "|" not in f:
            return DOC_LABELS.index(f[4:])
        if f == "doc_none":
            return 0
        if f.startswith("s1"):
            break
    return len(DOC_LABELS) - 1


def context_ids(stage1_tags: list[str], doc_features: list[list[str]]) -> list[int]:
    """One id per token for (stage-1 tag, document label)."""
    return [TAG_INDEX[t] * len(DOC_LABELS) + doc_label(f) for t, f in zip(stage1_tags, doc_features, strict=True)]


@cache
def _controller() -> ThreadpoolController:
    return ThreadpoolController()


def _one_thread():
    """One BLAS thread for the small matrices here (a second costs more CPU than it saves); the
    controller is made once (entering ``threadpool_limits`` afresh costs about 2 ms a call)."""
    return _controller().limit(limits=1)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _logsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    m = x.max(axis=axis, keepdims=True)
    return (m + np.log(np.exp(x - m).sum(axis=axis, keepdims=True))).squeeze(axis)


@dataclass
class NeuralTagger:
    vocab: dict[str, int]
    alphabet: dict[str, int]
    w: dict[str, np.ndarray]
    cache_size: int = TOKEN_CACHE
    _cache: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _slots: dict[str, int] = field(default_factory=dict, repr=False)  # token -> row of `_store`
    _store: np.ndarray | None = field(default=None, repr=False)  # (cache_size, 2, 4 * hidden), scaled for `_run`
    _packed: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, path: str | Path) -> NeuralTagger:
        with np.load(path, allow_pickle=False) as z:
            w = {k: z[k] for k in z.files}
        vocab = {word: i + 2 for i, word in enumerate(str(w.pop("vocab")).split("\n"))}
        alphabet = {c: i + 2 for i, c in enumerate(str(w.pop("alphabet")))}
        emb = w.pop("emb_q").astype(np.float32) * w.pop("emb_scale")[:, None]
        w["emb"] = np.vstack([np.zeros((2, emb.shape[1]), np.float32), emb])  # PAD and UNK are zero vectors
        for d in ("_f", "_r"):  # the context embeddings multiplied into each LSTM direction, once
            ctx = w["ctx_emb"]
            w["ctx_proj" + d] = (ctx @ w["w_ih" + d][:, -ctx.shape[1]:].T).astype(np.float32)
        return cls(vocab, alphabet, w)

    def _static_inputs(self, tokens: list[str]) -> np.ndarray:
        """(tokens, static dims) word vector, letter CNN and flags of each token."""
        return np.concatenate([self.w["emb"][word_ids(tokens, self.vocab)],
                               self._chars(char_ids(tokens, self.alphabet)), flags(tokens)], axis=1)

    def _projected(self, tokens: list[str]) -> np.ndarray:
        """(tokens, 2, 4 * hidden): each token's static inputs already multiplied into both LSTM directions.

        They depend on the token alone and news repeats its vocabulary, so they are kept per
        token (the cache is emptied when full); this is most of the LSTM's arithmetic.
        """
        cache = self._cache
        missing = list(dict.fromkeys(t for t in tokens if t not in cache))
        if missing:
            if len(cache) + len(missing) > self.cache_size:
                cache.clear()
                missing = list(dict.fromkeys(tokens))
            x = self._static_inputs(missing).astype(np.float32)
            dims = x.shape[1]
            both = np.stack([x @ self.w["w_ih" + d][:, :dims].T for d in ("_f", "_r")], axis=1)
            cache.update(zip(missing, both, strict=True))
        return np.stack([cache[t] for t in tokens])

    def _chars(self, ids: np.ndarray) -> np.ndarray:
        x = self.w["cemb"][ids]  # (n, C, e)
        x = np.pad(x, ((0, 0), (1, 1), (0, 0)))
        windows = np.concatenate([x[:, k:k + MAX_CHARS] for k in range(3)], axis=2)  # (n, C, 3e)
        conv = self.w["conv_w"]  # (filters, e, 3) as torch stores it
        kernel = conv.transpose(2, 1, 0).reshape(-1, conv.shape[0])  # (3e, filters), tap-major
        return np.maximum(windows @ kernel + self.w["conv_b"], 0.0).max(axis=1)

    def _lstm(self, pre: np.ndarray, suffix: str) -> np.ndarray:
        """One direction over left-aligned sentences, from their input projections (batch, length, 4 * hidden).

        Padding comes after each sentence, so it never feeds back into a real token.
        """
        w_hh = self.w["w_hh" + suffix]
        batch, length, _ = pre.shape
        hidden = w_hh.shape[1]
        recurrent = np.ascontiguousarray(w_hh.T)
        pre = pre + self.w["b" + suffix]
        # torch orders the gates i, f, g, o; scale the g rows by 2 so one sigmoid serves all four (tanh z = 2σ(2z) − 1)
        pre[..., 2 * hidden:3 * hidden] *= 2
        recurrent[:, 2 * hidden:3 * hidden] *= 2
        h = np.zeros((batch, hidden), np.float32)
        c = np.zeros((batch, hidden), np.float32)
        out = np.empty((batch, length, hidden), np.float32)
        for t in range(length):
            g = _sigmoid(pre[:, t] + h @ recurrent)
            c = g[:, hidden:2 * hidden] * c + g[:, :hidden] * (2 * g[:, 2 * hidden:3 * hidden] - 1)
            h = g[:, 3 * hidden:] * np.tanh(c)
            out[:, t] = h
        return out

    # -- the document path: one pass over a whole document, both directions at once --------------

    def _prepared(self) -> dict[str, np.ndarray]:
        """Weights rearranged once for `_run`: gates ordered i, f, o, g and pre-scaled so one tanh serves all.

        σ(z) = (1 + tanh(z / 2)) / 2, so the i, f, o rows are halved and the cell input g left as is.
        """
        if self._packed:
            return self._packed
        hidden = self.w["w_hh_f"].shape[1]
        order = np.r_[0:2 * hidden, 3 * hidden:4 * hidden, 2 * hidden:3 * hidden]  # torch's i, f, g, o -> i, f, o, g
        scale = np.r_[np.full(3 * hidden, 0.5), np.ones(hidden)].astype(np.float32)
        dims = self.w["w_ih_f"].shape[1] - self.w["ctx_emb"].shape[1]
        p = self._packed
        p["w_in"] = np.concatenate([self.w["w_ih" + d][order, :dims].T * scale for d in ("_f", "_r")],
                                   axis=1).astype(np.float32)  # (static dims, 2 * 4H)
        p["b_in"] = np.concatenate([self.w["b" + d][order] * scale for d in ("_f", "_r")]).astype(np.float32)
        p["ctx"] = np.stack([self.w["ctx_proj" + d][:, order] * scale for d in ("_f", "_r")], axis=1).astype(np.float32)
        p["rec"] = np.stack([self.w["w_hh" + d][order].T * scale for d in ("_f", "_r")]).astype(np.float32)
        p["out_w"] = np.ascontiguousarray(self.w["out_w"].T.astype(np.float32))
        return p

    def _slots_of(self, tokens: list[str]) -> np.ndarray:
        """Rows of the projection store holding each token's static inputs times both directions' input weights."""
        p = self._prepared()
        slots = self._slots
        missing = list(dict.fromkeys(t for t in tokens if t not in slots))
        if missing:
            if len(slots) + len(missing) > self.cache_size:
                slots.clear()
                missing = list(dict.fromkeys(tokens))
            if self._store is None:
                self._store = np.zeros((self.cache_size, 2, p["w_in"].shape[1] // 2), np.float32)
            first = len(slots)
            x = self._static_inputs(missing).astype(np.float32)
            self._store[first:first + len(missing)] = (x @ p["w_in"] + p["b_in"]).reshape(len(missing), 2, -1)
            slots.update(zip(missing, range(first, first + len(missing)), strict=True))
        return np.fromiter((slots[t] for t in tokens), np.int64, len(tokens))

    def document_posteriors(self, tokens: list[str], lengths: list[int], contexts: np.ndarray) -> np.ndarray:
        """(tokens, len(TAGS)) tag posteriors of a document given flat, with its sentence lengths.

        Sentences are read in pieces of at most `MAX_TOKENS`; the pieces are packed longest first,
        so each step of the LSTM runs only the pieces still going, both directions in one product.
        """
        from marsad.analyze.ner import marginals_batch

        p = self._prepared()
        with _one_thread():
            slots = self._slots_of(tokens)
            pre = self._store[slots] + p["ctx"][contexts]  # type: ignore[index]
            pieces = []
            a = 0
            for n in lengths:
                for b in range(a, a + n, MAX_TOKENS):
                    pieces.append((b, min(MAX_TOKENS, a + n - b)))
                a += n
            emissions = self._run(pre, pieces)
        return marginals_batch(emissions.astype(np.float64), lengths, self.w["trans"].astype(np.float64),
                               self.w["start"].astype(np.float64), self.w["end"].astype(np.float64))

    def _run(self, pre: np.ndarray, pieces: list[tuple[int, int]]) -> np.ndarray:
        """Tag scores (tokens, len(TAGS)) of the pieces (start, length) of flat inputs ``pre`` (tokens, 2, 4H)."""
        p = self._prepared()
        rec = p["rec"]
        hidden = rec.shape[1]
        pieces = sorted(pieces, key=lambda x: -x[1])
        lengths = np.array([n for _, n in pieces])
        longest = int(lengths[0])
        steps = np.arange(longest)
        starts = np.array([a for a, _ in pieces])[:, None]
        fwd = starts + np.minimum(steps, lengths[:, None] - 1)  # (pieces, longest) flat index read at each step
        bwd = starts + np.maximum(lengths[:, None] - 1 - steps, 0)
        x = np.stack([pre[fwd.T, 0], pre[bwd.T, 1]], axis=1)  # (longest, 2, pieces, 4H): a step reads one block
        active = (len(pieces) - np.searchsorted(np.sort(lengths), steps, side="right")).tolist()
        h = np.zeros((2, len(pieces), hidden), np.float32)
        c = np.zeros_like(h)
        out = np.zeros((longest, 2, len(pieces), hidden), np.float32)
        z_all = np.empty((2, len(pieces), 4 * hidden), np.float32)
        ig_all = np.empty((2, len(pieces), hidden), np.float32)
        three = 3 * hidden
        for t in range(longest):
            a = active[t]
            # the step's products written into arrays made once: z = x + h W, c = f c + i g, h = o tanh(c)
            z = z_all[:, :a]
            np.matmul(h[:, :a], rec, out=z)
            z += x[t, :, :a]
            np.tanh(z, out=z)
            gates = z[..., :three]
            gates *= 0.5
            gates += 0.5
            ca = c[:, :a]
            ca *= gates[..., hidden:2 * hidden]
            ig = ig_all[:, :a]
            np.multiply(gates[..., :hidden], z[..., three:], out=ig)
            ca += ig
            ht = out[t, :, :a]
            np.tanh(ca, out=ht)
            ht *= gates[..., 2 * hidden:three]
            h[:, :a] = ht
        n = int(lengths.sum())
        hs = np.empty((n, 2 * hidden), np.float32)
        rows = np.repeat(np.arange(len(pieces)), lengths)
        within = np.arange(n) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        flat = np.repeat(starts[:, 0], lengths) + within
        hs[flat, :hidden] = out[within, 0, rows]
        hs[flat, hidden:] = out[np.repeat(lengths, lengths) - 1 - within, 1, rows]
        return hs @ p["out_w"] + self.w["out_b"]

    def emissions(self, sentences: list[list[str]], contexts: list[list[int]]) -> list[np.ndarray]:
        """Tag scores (tokens, len(TAGS)) of each non-empty sentence."""
        lengths = [len(s) for s in sentences]
        gates = self.w["w_hh_f"].shape[0]
        with threadpool_limits(1):  # small matrices: a second BLAS thread costs more CPU than it saves
            fwd = np.zeros((len(sentences), max(lengths), gates), np.float32)
            bwd = np.zeros_like(fwd)
            for k, (toks, ctx) in enumerate(zip(sentences, contexts, strict=True)):
                proj = self._projected(toks)
                n = len(toks)
                fwd[k, :n] = proj[:, 0] + self.w["ctx_proj_f"][ctx]
                bwd[k, :n] = (proj[:, 1] + self.w["ctx_proj_r"][ctx])[::-1]
            h_f = self._lstm(fwd, "_f")
            h_b = self._lstm(bwd, "_r")
        out = []
        for k, n in enumerate(lengths):
            h = np.concatenate([h_f[k, :n], h_b[k, :n][::-1]], axis=1)
            out.append(h @ self.w["out_w"].T + self.w["out_b"])
        return out


    def posteriors(self, emissions: list[np.ndarray]) -> list[np.ndarray]:
        """Per-token tag marginals of the CRF layer (forward-backward), all sentences in one batch."""
        trans, start, end = (self.w[k].astype(np.float64) for k in ("trans", "start", "end"))
        lengths = [len(e) for e in emissions]
        longest = max(lengths)
        fwd = np.zeros((len(emissions), longest, len(TAGS)))
        bwd = np.zeros_like(fwd)
        for k, e in enumerate(emissions):
            fwd[k, :len(e)] = e
            bwd[k, :len(e)] = e[::-1]
        alpha = np.empty_like(fwd)
        beta_rev = np.empty_like(fwd)  # beta read from each sentence's last token backwards
        alpha[:, 0] = start + fwd[:, 0]
        beta_rev[:, 0] = end
        for t in range(1, longest):
            alpha[:, t] = _logsumexp(alpha[:, t - 1, :, None] + trans, 1) + fwd[:, t]
            beta_rev[:, t] = _logsumexp(trans[None] + (bwd[:, t - 1] + beta_rev[:, t - 1])[:, None, :], 2)
        out = []
        for k, n in enumerate(lengths):
            a, b = alpha[k, :n], beta_rev[k, :n][::-1]
            z = _logsumexp(a[-1] + end, 0)
            out.append(np.exp(a + b - z))
        return out

    def tag_posteriors(self, sentences: list[list[str]], contexts: list[list[int]]) -> list[np.ndarray]:
        keep = [k for k, s in enumerate(sentences) if s]
        out: list[np.ndarray] = [np.zeros((0, len(TAGS))) for _ in sentences]
        if not keep:
            return out
        # the LSTM reads pieces of at most MAX_TOKENS, as it did in training; a run-on sentence
        # of 300 words would otherwise make every sentence of the batch wait for 300 steps
        pieces, owners = [], []
        for k in keep:
            for a in range(0, len(sentences[k]), MAX_TOKENS):
                pieces.append((sentences[k][a:a + MAX_TOKENS], contexts[k][a:a + MAX_TOKENS]))
                owners.append(k)
        ems = self.emissions([p[0] for p in pieces], [p[1] for p in pieces])
        joined: dict[int, list[np.ndarray]] = {}
        for k, em in zip(owners, ems, strict=True):
            joined.setdefault(k, []).append(em)
        for k, p in zip(keep, self.posteriors([np.concatenate(joined[k]) for k in keep]), strict=True):
            out[k] = p
        return out


def _valid_transitions() -> np.ndarray:
    ok = np.zeros((len(TAGS), len(TAGS)))
    for j, t in enumerate(TAGS):
        if t.startswith("I-"):
            for i, s in enumerate(TAGS):
                if s[2:] != t[2:]:
                    ok[i, j] = -np.inf
    return ok


_VALID = _valid_transitions()
_VALID_START = np.array([-np.inf if t.startswith("I-") else 0.0 for t in TAGS])


def decode(probabilities: np.ndarray) -> list[str]:
    """Most probable BIO-valid tag sequence under per-token probabilities (tokens, len(TAGS))."""
    logp = np.log(probabilities + 1e-9)
    v = _VALID_START + logp[0]
    back = []
    for i in range(1, len(logp)):
        scores = v[:, None] + _VALID
        back.append(scores.argmax(0))
        v = scores.max(0) + logp[i]
    best = [int(v.argmax())]
    for b in reversed(back):
        best.append(int(b[best[-1]]))
    return [TAGS[k] for k in reversed(best)]


def decode_batch(probabilities: np.ndarray, lengths: list[int]) -> list[np.ndarray]:
    """`decode` of every sentence of a flat (tokens, len(TAGS)) array at once, as tag ids."""
    from marsad.analyze.ner import viterbi_batch

    return viterbi_batch(np.log(probabilities + 1e-9), lengths, _VALID, _VALID_START)
