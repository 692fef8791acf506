"""Hostile inputs at full size, and kill -9 in every stage: memory, wall time, resumed results.

    .venv/bin/python bench/hostile_bench.py --shared ../shared [--kills 3] [--out bench/results/hostile.json]

1. The big files of scripts/make_hostile_corpus.py (`write_big`): a 200 MB text
   file, a WARC holding a 700 MB gzip bomb, an HTML page of 300,000 paragraphs and
   a 1.5 MB single-line text.  Each is given alone to ``marsad digest`` in a fresh
   process; the figures are that process's peak resident memory (``wait4``'s
   ``ru_maxrss``) and wall time, beside the same for a digest of one small good
   page (the cost of starting marsad at all).  Goals (issue #13): under 300 MB
   each; the 300,000-paragraph page bounded by the per-page deadline (60 s).
2. The kill matrix of tests/e2e/test_kill.py: an uninterrupted digest of
   SaudiNewsNet pages, then ``--kills`` kills at a random point of each of the
   seven stages (storylines are linked in the report stage), each followed by a resume compared with the uninterrupted result
   (16 pages by default, so that the whole matrix stays near ten minutes on two cores).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _corpus_module():
    spec = importlib.util.spec_from_file_location("make_hostile_corpus", ROOT / "scripts" / "make_hostile_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_hostile_corpus", mod)  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def measure(paths: list[str], work: Path, page_timeout: float = 60.0) -> dict:
    """Peak memory (MB), wall time (s), exit code and error lines of one ``marsad digest`` process."""
    work.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "marsad.cli", "digest", *paths, "--db", str(work / "m.db"), "--out", str(work / "out"),
           "-q", "-j", "1", "--page-timeout", str(page_timeout)]
    t0 = time.perf_counter()
    with open(work / "stderr.txt", "wb") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT,
                                env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    lines = (work / "stderr.txt").read_text(encoding="utf-8", errors="replace").splitlines()
    return {"peak_mb": round(usage.ru_maxrss / 1024, 1), "wall_s": round(wall, 2),
            "exit": os.waitstatus_to_exitcode(status), "stderr": [ln[-200:] for ln in lines][:5]}


def big_files(work: Path) -> dict:
    mod = _corpus_module()
    files = mod.write_big(work / "big")
    good = work / "good.txt"
    title, body = mod.good_page(0)
    good.write_text(f"{title}\n{body}\n", encoding="utf-8")
    out = {"baseline_one_good_page": measure([str(good)], work / "m_good")}
    for name, path in files.items():
        out[name] = {"file_bytes": path.stat().st_size, **measure([str(path)], work / f"m_{name}")}
        print(name, out[name], flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--kills", type=int, default=3, help="kills per stage (0: skip the kill matrix)")
    ap.add_argument("--pages", type=int, default=16, help="SaudiNewsNet pages of the kill matrix")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "hostile.json")
    args = ap.parse_args()
    os.environ["MARSAD_SHARED"] = str(args.shared.resolve())
    result: dict = {"command": " ".join(["bench/hostile_bench.py", *sys.argv[1:]])}
    with tempfile.TemporaryDirectory(prefix="marsad-hostile-") as tmp:
        work = Path(tmp)
        result["big_files"] = big_files(work)
        if args.kills:
            sys.path.insert(0, str(ROOT))
            import shutil

            import tests.e2e.test_kill as kill_test
            from tests.conftest import saudinewsnet, write_pages
            from tests.e2e.test_kill import kill_matrix

            pages = work / "pages"
            write_pages(pages, saudinewsnet(limit=args.pages))
            # the children run a snapshot of the source taken now: every run of the matrix runs the same code
            # even if the tree is edited meanwhile (the reference and a resumed run minutes apart)
            shutil.copytree(ROOT / "src", work / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
            kill_test.SRC = work / "src"
            t0 = time.perf_counter()
            report = kill_matrix(pages, work / "kills", reps=args.kills)
            report["wall_s"] = round(time.perf_counter() - t0, 1)
            report["all_killed"] = all(k["killed"] for k in report["kills"])
            report["all_equal"] = all(k["equal"] for k in report["kills"])
            report["inside_stage"] = sum(k["where"] != "end" for k in report["kills"])
            result["kill_matrix"] = report
            print("kills:", len(report["kills"]), "equal:", report["all_equal"], flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
