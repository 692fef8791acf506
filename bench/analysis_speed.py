"""Analysis cost and recognizer accuracy side by side, per recognizer setting, in one process (issue #19).

On the first N SaudiNewsNet records (the `bench/run.py` order), for each setting of the entity
recognizer: CPU ms per article (process time, robust to a loaded machine) of the whole
`analyze()` and of the recognizer alone on the sentences `entities.find_mentions` gives it, and
the recognizer's ANERcorp test-split F1 (exact span and type, `marsad eval ner`).  Settings
(`ner._shipped`, README): the default (the neural stage a few tokens around unsettled possible
names), ``MARSAD_NER=sentences``, ``MARSAD_NER=full`` (the neural stage on every sentence), ``MARSAD_NER=crf``
(the two CRF stages alone) and, with ``--before-code FILE``, an earlier ``ner.py`` with its own
default on the same shipped models (the "before" of a change, measured in the same run):

    git show 13c6a79:src/marsad/analyze/ner.py > /tmp/ner_before.py
    nice -n 10 .venv/bin/python bench/analysis_speed.py --shared ../shared --articles 1000 \
        --before-code /tmp/ner_before.py --out bench/results/analysis_speed.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from run import recognizer_sentences, snn  # noqa: E402


def cpu_ms(fn, items) -> float:
    t0 = time.process_time()
    for x in items:
        fn(x)
    return round((time.process_time() - t0) / len(items) * 1000, 2)


def main() -> None:
    from marsad.analyze import ner
    from marsad.analyze.core import analyze
    from marsad.api import extract_text

    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--before-code", type=Path, help="an earlier ner.py, timed with its own default")
    ap.add_argument("--rounds", type=int, default=1, help="timed passes per setting, interleaved; the least is kept")
    ap.add_argument("--out", default="bench/results/analysis_speed.json")
    args = ap.parse_args()
    shared = Path(args.shared)
    arts = [extract_text(f"{r.get('title') or ''}\n{r['content']}") for r in snn(shared, args.articles)]
    docs = [recognizer_sentences(a.text) for a in arts]
    _, test = ner.split(ner.read_conll(shared / "data" / "anercorp" / "ANERCorp.txt"))

    def configured(**kw) -> ner.Recognizer:
        rec = ner.Recognizer.open()
        for k, v in kw.items():
            setattr(rec, k, v)
        return rec

    settings: dict = {}
    evaluate = {}
    if args.before_code:
        import importlib.util

        spec = importlib.util.spec_from_file_location("ner_before", args.before_code)
        before = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        sys.modules["ner_before"] = before
        spec.loader.exec_module(before)  # type: ignore[union-attr]
        name = f"before: {args.before_code.name}, its default"
        settings[name] = before.Recognizer.open()
        evaluate[name] = before.evaluate
    settings.update({
        f"default: neural stage {ner.NEURAL_WINDOW} tokens around unsettled possible names": configured(),
        "MARSAD_NER=sentences: neural stage on the sentences holding them": configured(neural_window=None),
        "MARSAD_NER=full: neural stage on every sentence": configured(neural_gate=1.0, neural_window=None,
                                                                      neural_settled=None),
        "MARSAD_NER=crf: two CRF stages": ner.Recognizer.open(neural=False),
    })
    out: dict = {"articles": len(arts), "command": " ".join(sys.argv), "settings": {}}
    shipped = ner._shipped
    timings: dict[str, dict[str, list[float]]] = {name: {"analyze": [], "recognizer": []} for name in settings}
    try:
        for rec in settings.values():  # warm: models loaded, per-type tables as a running worker has them
            ner._shipped = lambda rec=rec: rec  # type: ignore[assignment]
            [analyze(a) for a in arts[:50]]
            [rec.tag_document(d) for d in docs[:200]]
        for _ in range(args.rounds):
            for name, rec in settings.items():
                ner._shipped = lambda rec=rec: rec  # type: ignore[assignment]
                timings[name]["analyze"].append(cpu_ms(analyze, arts))
                timings[name]["recognizer"].append(cpu_ms(rec.tag_document, docs))
    finally:
        ner._shipped = shipped  # type: ignore[assignment]
    for name, rec in settings.items():
        m = evaluate.get(name, ner.evaluate)(test, rec)["overall"]
        ms = min(timings[name]["analyze"])
        out["settings"][name] = {
            "analyze_cpu_ms_per_article": ms, "analysis_articles_per_s_per_core": round(1000 / ms, 1),
            "recognizer_cpu_ms_per_article": min(timings[name]["recognizer"]),
            "all_passes": timings[name],
            "anercorp_f1": round(m["f1"], 4), "anercorp_precision": round(m["precision"], 4),
            "anercorp_recall": round(m["recall"], 4)}
        print(name, json.dumps(out["settings"][name]), file=sys.stderr, flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(out, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
