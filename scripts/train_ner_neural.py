"""Train the neural stage of the entity recognizer (torch, training only) and write it as numpy arrays.

    pip install -e '.[train]'
    .venv/bin/python scripts/build_word_vectors.py --shared ../shared --out /tmp/marsad-w2v.kv
    .venv/bin/python scripts/train_ner_neural.py ../shared/data/anercorp/ANERCorp.txt --vectors /tmp/marsad-w2v.kv

The inputs of a training sentence are built as at run time (``analyze/ner_neural.py``),
with one difference that keeps them honest: its stage-1 tags come from CRFs that did
not see it (``ner.jackknifed_stage1``), as stage 2's do.  The shipped CRFs must be the
ones trained on the same split (``scripts/train_ner.py``).  Writes
``src/marsad/analyze/models/ner_neural.npz`` and prints the recognizer's test-split scores.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import numpy as np

from marsad.analyze import ner
from marsad.analyze import ner_neural as nn_

OUT = "src/marsad/analyze/models/" + ner.NEURAL_MODEL
VOCAB = 50_000
EPOCHS, HIDDEN, CHAR_DIM, FILTERS, CTX_DIM, BATCH = 20, 150, 30, 50, 16, 32


def quantize(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    unit = vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-6)
    scale = np.abs(unit).max(axis=1) / 127.0 + 1e-12
    return np.round(unit / scale[:, None]).astype(np.int8), scale.astype(np.float32)


def main() -> None:  # noqa: PLR0915 - one linear recipe
    import torch
    from gensim.models import KeyedVectors
    from torch import nn

    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--vectors", required=True, help="gensim KeyedVectors from scripts/build_word_vectors.py")
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--hidden", type=int, default=HIDDEN, help="LSTM units per direction")
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(1)

    train_pairs, test_pairs = ner.split(ner.read_conll(args.corpus))
    sents = list(ner.sentences(train_pairs))
    toks = [[t for t, _ in s] for s in sents]
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        feats, stage1 = ner.jackknifed_stage1(sents, tmp, {"c1": 0.05, "c2": 0.05, "max_iterations": 150})
    doc = ner.document_features(toks, stage1, [[[] for _ in s] for s in toks])
    print(f"jackknifed stage 1 in {time.time() - t0:.0f}s", flush=True)

    kv = KeyedVectors.load(args.vectors)
    words = list(kv.index_to_key[:VOCAB])
    emb_q, emb_scale = quantize(kv.vectors[:len(words)])
    emb = np.vstack([np.zeros((2, emb_q.shape[1]), np.float32), emb_q.astype(np.float32) * emb_scale[:, None]])
    alphabet = "".join(sorted({c for s in toks for t in s for c in ner.normalize(t)}))
    vocab = {w: i + 2 for i, w in enumerate(words)}
    letters = {c: i + 2 for i, c in enumerate(alphabet)}

    def encode(sentence_toks, tags, ctx):
        return (torch.tensor(nn_.word_ids(sentence_toks, vocab)), torch.tensor(nn_.char_ids(sentence_toks, letters)),
                torch.tensor(nn_.flags(sentence_toks)), torch.tensor(ctx),
                torch.tensor([nn_.TAG_INDEX[t] for t in tags]))

    data = [encode(t, [g for _, g in s], nn_.context_ids(s1, d))
            for s, t, s1, d in zip(sents, toks, stage1, doc, strict=True) if t]

    class CRF(nn.Module):
        def __init__(self, k: int) -> None:
            super().__init__()
            self.trans, self.start, self.end = (nn.Parameter(torch.zeros(k, k)), nn.Parameter(torch.zeros(k)),
                                                nn.Parameter(torch.zeros(k)))

        def nll(self, em, y, mask):
            score = self.start[y[:, 0]] + em[:, 0].gather(1, y[:, :1]).squeeze(1)
            alpha = self.start + em[:, 0]
            for i in range(1, em.shape[1]):
                m = mask[:, i]
                score = score + m * (self.trans[y[:, i - 1], y[:, i]] + em[:, i].gather(1, y[:, i:i + 1]).squeeze(1))
                nxt = torch.logsumexp(alpha.unsqueeze(2) + self.trans.unsqueeze(0), 1) + em[:, i]
                alpha = torch.where(m.unsqueeze(1) > 0, nxt, alpha)
            last = y.gather(1, (mask.sum(1).long() - 1).unsqueeze(1)).squeeze(1)
            return (torch.logsumexp(alpha + self.end, 1) - score - self.end[last]).sum()

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb = nn.Embedding.from_pretrained(torch.tensor(emb), freeze=True)
            self.cemb = nn.Embedding(len(alphabet) + 2, CHAR_DIM, padding_idx=0)
            self.conv = nn.Conv1d(CHAR_DIM, FILTERS, 3, padding=1)
            self.ctx = nn.Embedding(len(nn_.TAGS) * len(nn_.DOC_LABELS), CTX_DIM)
            self.drop = nn.Dropout(0.5)
            self.lstm = nn.LSTM(emb.shape[1] + FILTERS + len(nn_.FLAGS) + CTX_DIM, args.hidden, bidirectional=True,
                                batch_first=True)
            self.out = nn.Linear(2 * args.hidden, len(nn_.TAGS))
            self.crf = CRF(len(nn_.TAGS))

        def forward(self, wid, cid, fl, ctx, lengths):
            b, n, c = cid.shape
            chars = torch.relu(self.conv(self.cemb(cid.view(b * n, c)).transpose(1, 2))).max(2).values.view(b, n, -1)
            x = self.drop(torch.cat([self.emb(wid), chars, fl, self.ctx(ctx)], 2))
            packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            h, _ = nn.utils.rnn.pad_packed_sequence(self.lstm(packed)[0], batch_first=True, total_length=n)
            return self.out(self.drop(h))

    def batch(items):
        pad = nn.utils.rnn.pad_sequence
        lengths = torch.tensor([len(x[0]) for x in items])
        mask = (torch.arange(int(lengths.max()))[None, :] < lengths[:, None]).float()
        cols = list(zip(*items, strict=True))
        return [pad(list(c), batch_first=True) for c in cols] + [lengths, mask]

    net = Net()
    opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=2e-3)
    for epoch in range(args.epochs):
        random.shuffle(data)
        total = 0.0
        for i in range(0, len(data), BATCH):
            wid, cid, fl, ctx, y, lengths, mask = batch(data[i:i + BATCH])
            loss = net.crf.nll(net(wid, cid, fl, ctx, lengths), y, mask) / len(lengths)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 5.0)
            opt.step()
            total += loss.item()
        print(f"epoch {epoch + 1}: loss {total:.1f} ({time.time() - t0:.0f}s)", flush=True)

    sd = {k: v.detach().numpy().astype(np.float32) for k, v in net.state_dict().items()}
    arrays = {
        "vocab": np.array("\n".join(words)), "alphabet": np.array(alphabet), "emb_q": emb_q, "emb_scale": emb_scale,
        "cemb": sd["cemb.weight"], "conv_w": sd["conv.weight"], "conv_b": sd["conv.bias"], "ctx_emb": sd["ctx.weight"],
        "out_w": sd["out.weight"], "out_b": sd["out.bias"],
        "trans": sd["crf.trans"], "start": sd["crf.start"], "end": sd["crf.end"],
    }
    for suffix, torch_suffix in (("_f", ""), ("_r", "_reverse")):
        arrays["w_ih" + suffix] = sd[f"lstm.weight_ih_l0{torch_suffix}"]
        arrays["w_hh" + suffix] = sd[f"lstm.weight_hh_l0{torch_suffix}"]
        arrays["b" + suffix] = sd[f"lstm.bias_ih_l0{torch_suffix}"] + sd[f"lstm.bias_hh_l0{torch_suffix}"]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **arrays)
    print(f"-> {args.out} ({Path(args.out).stat().st_size / 1e6:.1f} MB)")
    recognizer = ner.Recognizer.open(neural=args.out)
    for typ, m in ner.evaluate(test_pairs, recognizer).items():
        print(f"{typ:8s} P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f} n={int(m['support'])}")


if __name__ == "__main__":
    main()
