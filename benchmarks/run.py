"""Benchmarks of the peo pipeline (issues 5 and 8): timings, not tests.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/run.py``). Everything runs in
temporary copies of the repository, never in the working tree, and every measured
command runs in a fresh subprocess whose wall time, CPU time (user + system, including
its children) and peak memory (largest resident set of the process or any child it
waited for, from ``os.wait4``) are recorded. The results go to
``benchmarks/results.json``; a summary is printed. ``benchmarks/README.md`` explains the
figures.

What is measured
----------------
1. **Builds** of the demo waves in a copy of the repository (``python -m peo build`` with
   ``CI=1``, default ``--jobs``): a full build, a rebuild with nothing changed (five times;
   the median counts), and a rebuild after one wave's ``theme.yml`` got a harmless change
   (a YAML comment). ``build/last_build.json`` and ``build/state.json`` show which steps ran
   and which fingerprints changed; one more no-op rebuild under ``python -X importtime``
   lists the packages it imported. Targets: the full build faster than before issue 8
   (42.3 s); the no-op rebuild at most 2% of the full build, decided without pandas,
   nbformat or papermill.
2. **Scale**: synthetic waves of 10,000 and 100,000 responses
   (:func:`peo.ingest.synth.generate_scaled`), each alone in a root: cleaning
   (``peo.pipeline.cleaning.clean_wave``) and every analysis (``peo.tables.results.write_results``), each
   in a fresh process. Target: 100,000 within 20 s and 1 GB. De-identification is
   also timed on its own (answers, distinct answers, ms per distinct answer).
3. **Notebook pipeline against a plain process** on the same three demo waves, in the same
   run: the full build minus its Jupyter Book step, against one Python process that computes
   the same tables (cleans and analyses every wave and writes the trend tables). Target: at
   most 1.5 times the plain process. The fixed costs that explain the difference (a notebook
   kernel's start, the imports of a notebook, loading deduce) are measured too.
4. **make test** (only with ``--make-test``: it runs the whole suite in the working tree, about
   eight minutes): its wall time. Target: within 8 minutes on 2 cores.

The ``peo`` package is copied into each temporary root with the data and put first on
``PYTHONPATH``, so all measurements of one run use the same code even when the working
tree changes meanwhile.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable
RESULTS = REPO / "benchmarks" / "results.json"

TARGETS = {
    "full_build_seconds_before": 42.33,  # benchmarks/results.json before issue 8 (the same machine)
    "noop_rebuild_share_of_full_max": 0.02,
    "scale_n": 100_000,
    "scale_seconds_max": 20.0,
    "scale_peak_memory_mb_max": 1024.0,
    "notebook_over_plain_max": 1.5,
    "make_test_seconds_max": 480.0,
}
#: No-op rebuilds timed; the median counts.
NOOP_RUNS = 5
#: Packages a no-op rebuild must not import (it decides with the standard library).
HEAVY = ("pandas", "numpy", "nbformat", "papermill", "jupyter_client", "matplotlib", "yaml", "pydantic")
#: The wave whose theme.yml gets a harmless change in the one-wave rebuild.
CHANGED_WAVE = "2022"
#: The demo wave the scale runs are made from.
SCALE_TEMPLATE = "2022"
SCALE_SEED = 20240501
#: What the build writes under book/ (not copied into the benchmark root).
BOOK_GENERATED = {"_build", "waves", "generated", "_toc.yml", "index.md"}
IGNORE = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pyc")


# ----------------------------------------------------------------------------- helpers


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def run(cmd: list[str], *, root: Path, logfile: Path, extra_env: dict | None = None) -> dict:
    """Run ``cmd`` in ``root``; return wall seconds, CPU seconds, peak memory and exit code.

    CPU time and peak memory come from ``os.wait4`` on the child: they include the
    grandchildren it waited for (notebook kernels, the results process, jupyter-book).
    """
    env = dict(os.environ)
    env.update(
        {
            "PEO_ROOT": str(root),
            "PYTHONPATH": os.pathsep.join([str(root), *filter(None, [os.environ.get("PYTHONPATH")])]),
            "CI": "1",
            "PYTHONHASHSEED": "0",
        }
    )
    env.update(extra_env or {})
    logfile.parent.mkdir(parents=True, exist_ok=True)
    load_before = loadavg()
    t0 = time.monotonic()
    with open(logfile, "w", encoding="utf-8") as fh:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=fh, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    rss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)  # bytes on macOS, KiB on Linux
    out = {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_memory_mb": round(rss / 2**20, 1),
        "exit_code": proc.returncode,
        "load_average_before": load_before,
    }
    if proc.returncode != 0:
        tail = logfile.read_text(encoding="utf-8", errors="replace").splitlines()[-25:]
        raise RuntimeError(
            f"{' '.join(cmd[:4])} ... failed (exit {proc.returncode}); see {logfile}:\n" + "\n".join(tail)
        )
    return out


def python(code: str, *args: str, root: Path, logfile: Path) -> dict:
    """Run a Python snippet in a fresh process (with the Agg backend, as the build's Python steps)."""
    return run([PY, "-c", textwrap.dedent(code), *args], root=root, logfile=logfile, extra_env={"MPLBACKEND": "Agg"})


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_root(dst: Path, *, book: bool = True, notebooks: bool = True) -> Path:
    """A copy of the repository's inputs and the ``peo`` package, without build outputs."""
    dst.mkdir(parents=True)
    shutil.copytree(REPO / "data" / "raw", dst / "data" / "raw", ignore=IGNORE)
    (dst / "data" / "processed").mkdir()
    readme = REPO / "data" / "processed" / "README.md"
    if readme.is_file():
        shutil.copy2(readme, dst / "data" / "processed" / "README.md")
    shutil.copytree(REPO / "codebooks", dst / "codebooks", ignore=IGNORE)
    shutil.copytree(REPO / "peo", dst / "peo", ignore=IGNORE)
    shutil.copy2(REPO / "requirements.lock", dst / "requirements.lock")
    if notebooks:
        shutil.copytree(REPO / "notebooks", dst / "notebooks", ignore=IGNORE)
    if book:

        def ignore(folder: str, names: list[str]) -> set[str]:
            skip = set(IGNORE(folder, names))
            if Path(folder) == REPO / "book":
                skip |= BOOK_GENERATED & set(names)
            return skip

        shutil.copytree(REPO / "book", dst / "book", ignore=ignore)
    return dst


def wave_ids(root: Path) -> list[str]:
    ids = []
    for cfg in sorted((root / "data" / "raw").glob("*/wave.yml")):
        ids.append(str(yaml.safe_load(cfg.read_text(encoding="utf-8"))["id"]))
    return sorted(ids)


def build_records(root: Path) -> list[dict]:
    return json.loads((root / "build" / "last_build.json").read_text(encoding="utf-8"))


def build_state(root: Path) -> dict[str, str]:
    return json.loads((root / "build" / "state.json").read_text(encoding="utf-8"))["steps"]


def git_info() -> dict:
    def git(*args: str) -> str | None:
        try:
            res = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
        except OSError:
            return None
        return res.stdout.strip() if res.returncode == 0 else None

    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "HEAD"), "dirty": None if status is None else bool(status)}


def machine() -> dict:
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    cpu = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": cpu or platform.processor() or None,
        "memory_gb": mem,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def _steps(records: list[dict], status: str) -> list[str]:
    return [f"{r['wave'] if r['wave'] is not None else '*'}/{r['step']}" for r in records if r["status"] == status]


# -------------------------------------------------------------------------- 1. builds


def bench_builds(work: Path, env_epoch: str) -> dict:
    root = make_root(work / "build-root")
    cmd = [PY, "-m", "peo", "build"]
    extra = {"SOURCE_DATE_EPOCH": env_epoch}  # the same build date on every build of this run
    logs = work / "logs"

    log("full build of the demo waves ...")
    full = run(cmd, root=root, logfile=logs / "build_full.log", extra_env=extra)
    full_records = build_records(root)
    state_full = build_state(root)
    log(f"  {full['seconds']:.1f} s")

    log(f"rebuild, nothing changed ({NOOP_RUNS} times) ...")
    noops = [run(cmd, root=root, logfile=logs / f"build_noop_{i}.log", extra_env=extra) for i in range(NOOP_RUNS)]
    noop = {
        **min(noops, key=lambda r: abs(r["seconds"] - statistics.median(x["seconds"] for x in noops))),
        "seconds": round(statistics.median(r["seconds"] for r in noops), 3),
        "cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in noops), 3),
        "runs_seconds": [r["seconds"] for r in noops],
    }
    noop_records = build_records(root)
    run([PY, "-X", "importtime", *cmd[1:]], root=root, logfile=logs / "build_noop_importtime.log", extra_env=extra)
    imported = sorted(
        {
            line.rsplit("|", 1)[-1].strip().split(".")[0]
            for line in (logs / "build_noop_importtime.log").read_text(encoding="utf-8").splitlines()
            if line.startswith("import time:") and "|" in line
        }
        - {"package"}
    )
    log(f"  median {noop['seconds']:.2f} s")

    theme = root / "data" / "raw" / CHANGED_WAVE / "theme.yml"
    before = sha256(theme)
    with open(theme, "a", encoding="utf-8") as fh:
        fh.write("\n# benchmark: a harmless change (a YAML comment), to rebuild one wave\n")
    after = sha256(theme)
    log(f"rebuild after a comment was added to data/raw/{CHANGED_WAVE}/theme.yml ...")
    one = run(cmd, root=root, logfile=logs / "build_one_wave.log", extra_env=extra)
    one_records = build_records(root)
    state_one = build_state(root)
    log(f"  {one['seconds']:.1f} s")

    waves = wave_ids(root)
    globals_ = sorted(k for k in state_full if k.startswith("*/"))
    expected_changed = sorted([k for k in state_full if k.startswith(f"{CHANGED_WAVE}/")] + globals_)
    changed = sorted(k for k in state_one if state_one.get(k) != state_full.get(k))
    ran_one = _steps(one_records, "ran")
    checks = {
        "full_build_ran_every_step": all(r["status"] == "ran" for r in full_records),
        "noop_rebuild_skipped_every_step": all(r["status"] == "skipped" for r in noop_records),
        "noop_rebuild_imported_no_heavy_package": not set(imported) & set(HEAVY),
        "theme_yml_checksum_changed": before != after,
        "fingerprints_changed_only_for_that_wave_and_global_steps": changed == expected_changed,
        "only_that_wave_and_global_steps_ran": sorted(ran_one) == expected_changed,
    }
    book_seconds = sum(r["seconds"] for r in full_records if r["step"] == "book")
    return {
        "root_inputs": "copy of data/raw, codebooks, notebooks, book (without build outputs), requirements.lock, peo",
        "command": "python -m peo build (CI=1, default --jobs)",
        "waves": waves,
        "full": {**full, "steps": full_records},
        "noop": {**noop, "steps_ran": _steps(noop_records, "ran"), "imported_packages": imported},
        "one_wave_changed": {
            **one,
            "changed_file": f"data/raw/{CHANGED_WAVE}/theme.yml",
            "sha256_before": before,
            "sha256_after": after,
            "fingerprints_changed": changed,
            "steps_ran": ran_one,
            "steps_skipped": _steps(one_records, "skipped"),
            "steps": one_records,
        },
        "noop_share_of_full": round(noop["seconds"] / full["seconds"], 4),
        "one_wave_share_of_full": round(one["seconds"] / full["seconds"], 4),
        "book_step_seconds": round(book_seconds, 2),
        "checks": checks,
    }


# --------------------------------------------------------------------------- 2. scale


_GENERATE = """
import sys
from pathlib import Path
from peo.ingest import synth
synth.generate_scaled(Path(sys.argv[1]), wave_template=sys.argv[2], n=int(sys.argv[3]), seed=int(sys.argv[4]))
"""
_CLEAN = """
import sys
from peo.pipeline import cleaning as pipeline
pipeline.clean_wave(sys.argv[1])
"""
_RESULTS = """
import sys
from peo.tables.results import write_results
write_results(sys.argv[1])
"""
_DEIDENTIFY = """
import json, sys, time
import pandas as pd
from peo.tables import ner, text
from peo.tables.wavedata import load_wave_data
t0 = time.perf_counter()
text.warm_up()
load = time.perf_counter() - t0
data = load_wave_data(sys.argv[1])
items = [i.id for i in data.codebook.by_type("open") if i.id in data.respondents]
answers = pd.concat([data.respondents.set_index("pid")[i].dropna() for i in items]) if items else pd.Series(dtype="string")
answers = answers[answers.str.strip().ne("")]
distinct = answers.drop_duplicates()
# Frog (named-entity recognition) on its own first, as deidentify runs it (split over
# processes above ner.WORDS_PER_PROCESS words); deidentify then finds its entities cached,
# so the two figures below are deduce, the region list and the rules without Frog.
texts = ner.distinct_texts(answers.tolist())
t0 = time.perf_counter()
ner.entities(texts)
ner_s = time.perf_counter() - t0
t0 = time.perf_counter()
text.deidentify(answers)
all_s = time.perf_counter() - t0
t0 = time.perf_counter()
text.deidentify(distinct)
distinct_s = time.perf_counter() - t0
per = distinct_s / max(len(distinct), 1)
json.dump({
    "deduce_load_seconds": round(load, 2),
    "answers": int(len(answers)),
    "distinct_answers": int(len(distinct)),
    "mean_answer_chars": round(float(answers.str.len().mean()), 1) if len(answers) else None,
    "ner_words": sum(len(t.split()) for t in texts),
    "ner_processes": len(ner._chunks(texts)),
    "ner_seconds": round(ner_s, 2),
    "deidentify_all_seconds": round(all_s, 2),
    "deidentify_distinct_only_seconds": round(distinct_s, 2),
    "ms_per_distinct_answer": round(1000 * per, 3),
    "projected_seconds_if_every_answer_distinct": round(per * len(answers), 1),
}, open(sys.argv[2], "w"))
"""


def bench_scale(work: Path, source: Path, sizes: list[int]) -> list[dict]:
    logs = work / "logs"
    out = []
    for n in sizes:
        root = work / f"scale-{n}"
        (root / "data" / "raw").mkdir(parents=True)
        (root / "data" / "processed").mkdir()
        shutil.copytree(source / "codebooks", root / "codebooks")
        shutil.copytree(source / "peo", root / "peo", ignore=IGNORE)
        log(f"scale {n:,}: generating a synthetic wave from demo wave {SCALE_TEMPLATE} ...")
        gen = python(
            _GENERATE,
            str(root / "data" / "raw"),
            SCALE_TEMPLATE,
            str(n),
            str(SCALE_SEED),
            root=source,
            logfile=logs / f"scale_{n}_generate.log",
        )
        wave = wave_ids(root)[0]
        log(f"scale {n:,}: clean_wave ...")
        cl = python(_CLEAN, wave, root=root, logfile=logs / f"scale_{n}_clean.log")
        log(f"  {cl['seconds']:.1f} s, {cl['peak_memory_mb']:.0f} MB")
        log(f"scale {n:,}: write_results ...")
        res = python(_RESULTS, wave, root=root, logfile=logs / f"scale_{n}_results.log")
        log(f"  {res['seconds']:.1f} s, {res['peak_memory_mb']:.0f} MB")
        log(f"scale {n:,}: de-identification on its own ...")
        deid_file = work / f"scale_{n}_deidentify.json"
        deid_run = python(_DEIDENTIFY, wave, str(deid_file), root=root, logfile=logs / f"scale_{n}_deidentify.log")
        deid = json.loads(deid_file.read_text())
        with open(root / "data" / "processed" / wave / "flow.csv", encoding="utf-8", newline="") as fh:
            flow = {row["step"]: int(row["n"]) for row in csv.DictReader(fh)}
        export_bytes = sum(p.stat().st_size for p in (root / "data" / "raw").rglob("*") if p.is_file())
        seconds = round(cl["seconds"] + res["seconds"], 2)
        peak = max(cl["peak_memory_mb"], res["peak_memory_mb"])
        out.append(
            {
                "n_responses": n,
                "n_analysed": flow.get("analysed"),
                "export_mb": round(export_bytes / 2**20, 1),
                "generate_seconds": gen["seconds"],
                "clean": cl,
                "results": res,
                "seconds": seconds,
                "peak_memory_mb": peak,
                "deidentify": {**deid, "process_seconds": deid_run["seconds"]},
            }
        )
        shutil.rmtree(root / "data", ignore_errors=True)  # 100,000 rows of personal-looking data: not kept
    return out


# ------------------------------------------------------------- 3. notebooks against plain


_PLAIN = """
import json, sys, time
t0 = time.perf_counter()
from peo.pipeline import cleaning
from peo.tables import trends
from peo.tables.results import write_results
timings = {"import": time.perf_counter() - t0}
waves = sys.argv[2:]
for w in waves:
    t = time.perf_counter(); cleaning.clean_wave(w); timings[f"{w}/clean"] = time.perf_counter() - t
    t = time.perf_counter(); write_results(w); timings[f"{w}/results"] = time.perf_counter() - t
t = time.perf_counter(); trends.write_results(waves); timings["trends"] = time.perf_counter() - t
json.dump({k: round(v, 2) for k, v in timings.items()}, open(sys.argv[1], "w"))
"""
_TRIVIAL_NOTEBOOK = """
import json, sys, time, statistics
import nbformat, papermill as pm
from jupyter_client.kernelspec import KernelSpecManager
kernel = "peo" if "peo" in KernelSpecManager().find_kernel_specs() else "python3"
nb = nbformat.v4.new_notebook()
nb.cells = [nbformat.v4.new_code_cell("pass")]
nbformat.write(nb, sys.argv[2])
times = []
for _ in range(3):
    t = time.perf_counter()
    pm.execute_notebook(sys.argv[2], sys.argv[3], kernel_name=kernel, progress_bar=False, log_output=False,
                        extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
    times.append(time.perf_counter() - t)
json.dump({"kernel": kernel, "seconds": round(statistics.median(times), 2)}, open(sys.argv[1], "w"))
"""


_DEDUCE_LOAD = """
import json, sys, time
from peo.tables import text
t = time.perf_counter()
text.warm_up()
json.dump({"seconds": round(time.perf_counter() - t, 2)}, open(sys.argv[1], "w"))
"""


def _deduce_load(root: Path, work: Path, logs: Path) -> float:
    """Seconds to load deduce in a process that has already imported ``peo.tables.text``."""
    out = work / "deduce_load.json"
    python(_DEDUCE_LOAD, str(out), root=root, logfile=logs / "deduce.log")
    return json.loads(out.read_text())["seconds"]


def _median_run(code: str, *, root: Path, logfile: Path, times: int = 3) -> float:
    return round(statistics.median(python(code, root=root, logfile=logfile)["seconds"] for _ in range(times)), 2)


def bench_plain(work: Path, build: dict) -> dict:
    logs = work / "logs"
    root = make_root(work / "plain-root", book=False, notebooks=False)
    waves = wave_ids(root)
    log("plain process: clean + results per wave, trends ...")
    timings_file = work / "plain_timings.json"
    plain = python(_PLAIN, str(timings_file), *waves, root=root, logfile=logs / "plain.log")
    log(f"  {plain['seconds']:.1f} s")
    full = build["full"]
    notebook_seconds = round(full["seconds"] - build["book_step_seconds"], 2)
    records = full["steps"]

    def step_sum(pred) -> float:
        return round(sum(r["seconds"] for r in records if pred(r)), 1)

    log("fixed costs: a notebook kernel, the imports of a notebook, loading deduce ...")
    kernel_file = work / "kernel.json"
    python(
        _TRIVIAL_NOTEBOOK,
        str(kernel_file),
        str(work / "trivial.ipynb"),
        str(work / "trivial_out.ipynb"),
        root=root,
        logfile=logs / "kernel.log",
    )
    kernel = json.loads(kernel_file.read_text())
    fixed = {
        "python_startup_seconds": _median_run("pass", root=root, logfile=logs / "startup.log"),
        "import_notebook_modules_seconds": _median_run(
            "import matplotlib.pyplot\nfrom peo.tables import wavedata\nfrom peo.report import plots, present",
            root=root,
            logfile=logs / "imports.log",
        ),
        "notebook_kernel_start_and_stop_seconds": kernel["seconds"],
        "notebook_kernel": kernel["kernel"],
        "load_deduce_seconds": _deduce_load(root, work, logs),
    }
    n_notebooks = sum(1 for r in records if r["step"][:2].isdigit())
    n_python = sum(1 for r in records if r["step"] in ("clean", "results", "trend_results"))

    # The same full build with one job per wave (every wave side by side), for comparison, when
    # the default (twice the cores, since issue 8) runs fewer waves side by side than there are.
    jobs = len(waves)
    per_wave = None
    if 2 * (os.cpu_count() or 1) < jobs:
        log(f"full build again with --jobs {jobs} (one job per wave), for comparison ...")
        root_j = make_root(work / "build-root-jobs")
        run_j = run(
            [PY, "-m", "peo", "build", "--jobs", str(jobs)],
            root=root_j,
            logfile=logs / "build_jobs.log",
            extra_env={"SOURCE_DATE_EPOCH": str(int(time.time()))},
        )
        book_j = sum(r["seconds"] for r in build_records(root_j) if r["step"] == "book")
        per_wave = {
            "jobs": jobs,
            "full_build_seconds": run_j["seconds"],
            "notebook_pipeline_seconds": round(run_j["seconds"] - book_j, 2),
            "ratio_wall": round((run_j["seconds"] - book_j) / plain["seconds"], 2),
        }
        log(f"  {run_j['seconds']:.1f} s")
    # Since issue 8 a wave's notebooks share one kernel (plus one for the trends), and the
    # Python steps are forked from one server that imported the modules and loaded deduce once.
    n_kernels = len(waves) + (1 if any(r["step"] == "10_trends" for r in records) else 0)
    return {
        "plain": {**plain, "waves": waves, "timings": json.loads(timings_file.read_text())},
        "notebook_pipeline": {
            "seconds": notebook_seconds,
            "definition": "wall time of the full build minus its book step (from build/last_build.json)",
            "jobs": "default (twice the number of cores)",
            "full_build_cpu_seconds_including_book": full["cpu_seconds"],
            "step_seconds": {
                "clean (python processes)": step_sum(lambda r: r["step"] == "clean"),
                "01_clean notebooks": step_sum(lambda r: r["step"] == "01_clean"),
                "results (python processes)": step_sum(lambda r: r["step"] == "results"),
                "analysis notebooks 02-05": step_sum(lambda r: r["step"][:2] in ("02", "03", "04", "05")),
                "trend_results + 10_trends": step_sum(lambda r: r["step"] in ("trend_results", "10_trends")),
            },
            "notebooks": n_notebooks,
            "kernels": n_kernels,
            "python_steps": n_python,
            "python_step_processes": "forked from one server per build (peo.pipeline.forked)",
        },
        "ratio_wall": round(notebook_seconds / plain["seconds"], 2),
        "ratio_cpu_including_book": round(full["cpu_seconds"] / plain["cpu_seconds"], 2),
        "with_one_job_per_wave": per_wave or "the default already runs every wave side by side",
        "fixed_costs": fixed,
        "fixed_cost_estimate_seconds": round(
            n_kernels * (fixed["notebook_kernel_start_and_stop_seconds"] + fixed["import_notebook_modules_seconds"])
            + fixed["python_startup_seconds"]
            + fixed["import_notebook_modules_seconds"]
            + fixed["load_deduce_seconds"],
            1,
        ),
    }


# -------------------------------------------------------------------------- 4. make test


def bench_make_test(work: Path) -> dict:
    """Wall time of ``make test`` in the working tree (it needs the tree's .venv and git)."""
    env = dict(os.environ, CI="1")
    env.pop("PEO_ROOT", None)
    logfile = work / "logs" / "make_test.log"
    logfile.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    with open(logfile, "w", encoding="utf-8") as fh:
        proc = subprocess.run(["make", "test"], cwd=REPO, env=env, stdout=fh, stderr=subprocess.STDOUT, check=False)
    seconds = round(time.monotonic() - t0, 1)
    tail = logfile.read_text(encoding="utf-8", errors="replace").splitlines()[-3:]
    log(f"  {seconds:.0f} s, exit code {proc.returncode}")
    return {"seconds": seconds, "exit_code": proc.returncode, "tail": tail}


# ---------------------------------------------------------------------------- summary


def verdicts(res: dict) -> dict:
    out = {}
    b = res.get("build")
    if b:
        out["full_build"] = {
            "value": b["full"]["seconds"],
            "target": f"< {TARGETS['full_build_seconds_before']} s (before issue 8)",
            "met": b["full"]["seconds"] < TARGETS["full_build_seconds_before"],
        }
        out["noop_rebuild"] = {
            "value": b["noop_share_of_full"],
            "target": f"<= {TARGETS['noop_rebuild_share_of_full_max']}",
            "met": b["noop_share_of_full"] <= TARGETS["noop_rebuild_share_of_full_max"] and all(b["checks"].values()),
        }
    for s in res.get("scale", []):
        if s["n_responses"] == TARGETS["scale_n"]:
            out["scale_100k"] = {
                "value": {"seconds": s["seconds"], "peak_memory_mb": s["peak_memory_mb"]},
                "target": f"<= {TARGETS['scale_seconds_max']:g} s and <= {TARGETS['scale_peak_memory_mb_max']:g} MB",
                "met": s["seconds"] <= TARGETS["scale_seconds_max"]
                and s["peak_memory_mb"] <= TARGETS["scale_peak_memory_mb_max"],
            }
    p = res.get("notebook_vs_plain")
    if p:
        out["notebook_over_plain"] = {
            "value": p["ratio_wall"],
            "target": f"<= {TARGETS['notebook_over_plain_max']}",
            "met": p["ratio_wall"] <= TARGETS["notebook_over_plain_max"],
        }
    t = res.get("make_test")
    if t:
        out["make_test"] = {
            "value": t["seconds"],
            "target": f"<= {TARGETS['make_test_seconds_max']:g} s",
            "met": t["exit_code"] == 0 and t["seconds"] <= TARGETS["make_test_seconds_max"],
        }
    return out


def summary(res: dict) -> str:
    lines = ["", "peo benchmarks " + res["generated"], "machine: " + json.dumps(res["machine"])]
    b = res.get("build")
    if b:
        lines += [
            "",
            "1. Builds of the demo waves (wall s / CPU s)",
            f"   full build               {b['full']['seconds']:7.1f} / {b['full']['cpu_seconds']:7.1f}",
            f"   rebuild, nothing changed {b['noop']['seconds']:7.2f} / {b['noop']['cpu_seconds']:7.2f}"
            f"   = {100 * b['noop_share_of_full']:.1f}% of the full build (target <= 2%; median of {NOOP_RUNS},"
            f" imported: {', '.join(b['noop']['imported_packages'])})",
            f"   rebuild, one wave changed{b['one_wave_changed']['seconds']:7.1f} / "
            f"{b['one_wave_changed']['cpu_seconds']:7.1f}   = {100 * b['one_wave_share_of_full']:.0f}%;"
            f" ran: {', '.join(b['one_wave_changed']['steps_ran'])}",
            "   checks: " + ", ".join(f"{k}={v}" for k, v in b["checks"].items()),
        ]
    if res.get("scale"):
        lines += ["", "2. Scale: clean_wave + write_results, each in a fresh process"]
        for s in res["scale"]:
            d = s["deidentify"]
            lines.append(
                f"   {s['n_responses']:>7,} responses ({s['n_analysed']:,} analysed): clean {s['clean']['seconds']:.1f} s"
                f" ({s['clean']['peak_memory_mb']:.0f} MB), results {s['results']['seconds']:.1f} s"
                f" ({s['results']['peak_memory_mb']:.0f} MB): {s['seconds']:.1f} s, peak {s['peak_memory_mb']:.0f} MB"
            )
            lines.append(
                f"            open answers {d['answers']:,} ({d['distinct_answers']:,} distinct): de-identified in"
                f" {d['deidentify_all_seconds']:.1f} s after Frog's {d['ner_seconds']:.1f} s"
                f" ({d['ner_words']:,} words, {d['ner_processes']} process(es)),"
                f" {d['ms_per_distinct_answer']:.2f} ms per distinct answer"
                f" (all distinct: ~{d['projected_seconds_if_every_answer_distinct']:.0f} s); deduce loads in"
                f" {d['deduce_load_seconds']:.1f} s"
            )
    p = res.get("notebook_vs_plain")
    if p:
        nb, pl, fx = p["notebook_pipeline"], p["plain"], p["fixed_costs"]
        lines += [
            "",
            "3. Notebook pipeline against one plain process (same 3 waves)",
            f"   notebook pipeline {nb['seconds']:.1f} s (full build minus book), plain {pl['seconds']:.1f} s"
            f" (CPU {pl['cpu_seconds']:.1f} s): ratio {p['ratio_wall']:.2f} (target <= 1.5);"
            f" CPU ratio {p['ratio_cpu_including_book']:.1f} (build CPU includes the book)",
            (
                f"   with --jobs {p['with_one_job_per_wave']['jobs']} (one job per wave):"
                f" {p['with_one_job_per_wave']['notebook_pipeline_seconds']:.1f} s, ratio"
                f" {p['with_one_job_per_wave']['ratio_wall']:.2f}"
                if isinstance(p["with_one_job_per_wave"], dict)
                else "   the default --jobs already runs every wave side by side"
            ),
            "   build steps (s, summed over waves): " + ", ".join(f"{k} {v}" for k, v in nb["step_seconds"].items()),
            f"   fixed costs: kernel start+stop {fx['notebook_kernel_start_and_stop_seconds']} s, notebook imports"
            f" {fx['import_notebook_modules_seconds']} s, deduce load {fx['load_deduce_seconds']} s;"
            f" {nb['kernels']} kernels ({nb['notebooks']} notebooks) + one fork server for {nb['python_steps']}"
            f" python steps ~ {p['fixed_cost_estimate_seconds']} s"
            f" of the build's {nb['full_build_cpu_seconds_including_book']:.0f} s CPU (the plain process: "
            f"{pl['cpu_seconds']:.0f} s CPU in all)",
        ]
    t = res.get("make_test")
    if t:
        lines += ["", f"4. make test: {t['seconds']:.0f} s (exit code {t['exit_code']})"]
    lines += ["", "Targets:"]
    for k, v in res["verdict"].items():
        lines.append(f"   {k:<22} {json.dumps(v['value'])}  target {v['target']}  {'MET' if v['met'] else 'MISSED'}")
    lines.append(f"   load average: start {res['load_average']['start']}, end {res['load_average']['end']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmarks of the peo pipeline (results in benchmarks/results.json).")
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000], help="scale-run sizes (responses)")
    ap.add_argument(
        "--skip",
        choices=["build", "scale", "plain"],
        nargs="*",
        default=[],
        help="parts to leave out (plain needs build)",
    )
    ap.add_argument("--out", type=Path, default=RESULTS, help="where the results go (default benchmarks/results.json)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary roots and logs")
    ap.add_argument(
        "--make-test", action="store_true", help="also time `make test` in the working tree (about eight minutes)"
    )
    args = ap.parse_args(argv)

    started = time.monotonic()
    res: dict = {
        "generated": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "machine": machine(),
        "repository": git_info(),
        "targets": TARGETS,
        "load_average": {"start": loadavg()},
    }
    work = Path(tempfile.mkdtemp(prefix="peo-bench-"))
    log(f"working in {work}")
    ok = False
    try:
        source = make_root(work / "source", book=False, notebooks=False)
        if "build" not in args.skip:
            res["build"] = bench_builds(work, str(int(time.time())))
        if "scale" not in args.skip and args.sizes:
            res["scale"] = bench_scale(work, source, sorted(args.sizes))
        if "plain" not in args.skip and "build" in res:
            res["notebook_vs_plain"] = bench_plain(work, res["build"])
        if args.make_test:
            log("make test in the working tree ...")
            res["make_test"] = bench_make_test(work)
        ok = True
    finally:
        res["load_average"]["end"] = loadavg()
        res["total_seconds"] = round(time.monotonic() - started, 1)
        res["verdict"] = verdicts(res)
        if ok:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        if args.keep or not ok:
            log(f"temporary roots and logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(summary(res))
    print(f"\nResults written to {args.out} ({res['total_seconds']:.0f} s in all).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
