"""One `Doc` per article (issue #19): CPU ms per article of `analyze()` and `normalize` calls, before and after.

    nice -n 10 .venv/bin/python bench/doc_bench.py --shared ../shared [--n 1000] [--count-n 200] [--before REV]

"Before" is a copy of ``src/marsad`` with the analysers of git revision ``REV`` (the commit before
``analyze/doc.py``: each analyser normalizing and tokenizing the text itself) laid over it; "after"
is a copy of the tree as it is, taken at the same moment (so both read the same recognizer).  Both
run in fresh processes of this one run, one after the other, on the same first ``--n`` SaudiNewsNet records (extracted as `bench/run.py`
does), after a warm-up on 20 of them:

* CPU ms per article (process time) of `analyze()` with the recognizer, and with the rules alone;
* calls per article of `normalize`, `normalize_with_offsets` and the uncached work under them
  (`_normalize`, `_key_with_offsets`), counted by cProfile over the first ``--count-n`` articles;
* whether each article's analysis is identical (a hash of every field, offsets included).

Results go to bench/results/doc_bench.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# the files that changed with the Doc: the analysers and the Arabic helpers they read
ANALYSERS = ["analyze/core.py", "analyze/dates.py", "analyze/claims.py", "analyze/quotes.py",
             "analyze/numbers.py", "analyze/entities.py", "analyze/timeline.py"]
DEFAULT_BEFORE = "13c6a79"


def _worker(shared: str, n: int, count_n: int) -> dict:
    import cProfile
    import dataclasses
    import pstats

    sys.path.insert(0, str(ROOT / "bench"))
    from run import snn

    from marsad.analyze import ner
    from marsad.analyze.core import analyze
    from marsad.api import extract_text

    ner.Recognizer.open()
    arts = [extract_text(f"{r.get('title') or ''}\n{r['content']}") for r in snn(Path(shared), n)]
    for a in arts[:20]:
        analyze(a)

    def cpu_ms(**kw) -> tuple[float, list]:
        t0 = time.process_time()
        analyses = [analyze(a, **kw) for a in arts]
        return (time.process_time() - t0) / len(arts) * 1000, analyses

    with_model, analyses = cpu_ms()
    rules_only, _ = cpu_ms(use_model=False)
    out = {"articles": len(arts), "analyze_cpu_ms_per_article": round(with_model, 2),
           "analyze_rules_only_cpu_ms_per_article": round(rules_only, 2)}
    out["hashes"] = [hashlib.sha256(json.dumps(dataclasses.astuple(an), ensure_ascii=False, default=str).encode())
                     .hexdigest()[:16] for an in analyses]
    prof = cProfile.Profile()
    few = arts[:count_n]
    prof.enable()
    for a in few:
        analyze(a)
    prof.disable()
    stats = pstats.Stats(prof).stats  # (file, line, name) -> (primitive calls, calls, tt, ct, callers)
    calls: dict[str, float] = {}
    for (file, _line, name), (_pc, nc, _tt, _ct, _callers) in stats.items():
        if file.endswith("arabic/normalize.py") and name in (
                "normalize", "normalize_with_offsets", "_normalize", "_key_with_offsets"):
            calls[name] = calls.get(name, 0) + nc
    out["calls_per_article"] = {k: round(v / len(few), 1) for k, v in sorted(calls.items())}
    out["calls_counted_on"] = len(few)
    return out


def _tree(dest: Path, rev: str | None = None) -> Path:
    """A copy of src/marsad as it is now (the recognizer, the data), with the analysers of ``rev`` if given
    (analyze/doc.py is then left, unused).  Both sides are copied at once, so work going on in the tree
    during the run (another recognizer) reaches neither."""
    src = dest / "src"
    shutil.copytree(ROOT / "src" / "marsad", src / "marsad", ignore=shutil.ignore_patterns("__pycache__"))
    for rel in ANALYSERS if rev else ():
        old = subprocess.run(["git", "show", f"{rev}:src/marsad/{rel}"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout
        (src / "marsad" / rel).write_text(old, encoding="utf-8")
    return src


def _run(shared: str, n: int, count_n: int, pythonpath: str) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = pythonpath
    proc = subprocess.run([sys.executable, __file__, "--worker", "--shared", shared, "--n", str(n),
                           "--count-n", str(count_n)], env=env, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
        raise SystemExit(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--count-n", type=int, default=200)
    ap.add_argument("--before", default=DEFAULT_BEFORE)
    ap.add_argument("--worker", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "doc_bench.json"))
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(_worker(args.shared, args.n, args.count_n)))
        return
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        before_src = _tree(Path(tmp) / "before", args.before)
        after_src = _tree(Path(tmp) / "after")
        before = _run(args.shared, args.n, args.count_n, str(before_src))
        after = _run(args.shared, args.n, args.count_n, str(after_src))
    same = sum(a == b for a, b in zip(before.pop("hashes"), after.pop("hashes"), strict=True))
    result = {
        "command": f"nice -n 10 .venv/bin/python bench/doc_bench.py --shared ../shared --n {args.n} "
                   f"--count-n {args.count_n} --before {args.before}",
        "before": {"revision": args.before, **before},
        "after": after,
        "identical_analyses": f"{same}/{after['articles']}",
        "cpu_ratio_after_to_before": round(after["analyze_cpu_ms_per_article"] / before["analyze_cpu_ms_per_article"], 3),
        "rules_only_cpu_ratio_after_to_before": round(
            after["analyze_rules_only_cpu_ms_per_article"] / before["analyze_rules_only_cpu_ms_per_article"], 3),
        "wall_s": round(time.time() - t0, 1),
        "load_average_at_end": os.getloadavg(),
        "python": platform.python_version(),
    }
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
