"""Run several notebooks under papermill, one after another, in one Python process.

``python tests/papermill_jobs.py JOBS RESULTS`` (used by tests/test_notebooks_analysis.py).
JOBS is a JSON file with a list of jobs ``{"input", "output", "parameters", "cwd",
"peo_root"}``. Each notebook runs as ``python -m papermill`` runs it
(:func:`papermill.execute_notebook`): in a new kernel, in the folder ``cwd``, with the
``parameters`` injected (none when empty: the notebook's defaults), and with ``PEO_ROOT`` set
to the job's ``peo_root`` in the environment that kernel starts with. RESULTS gets one
``{"returncode", "output"}`` per job: 0 and nothing, or 1 and the error with its traceback
(papermill's ``PapermillExecutionError`` names the cell, the exception and its message).

Why not one ``python -m papermill`` per notebook: importing papermill takes a few seconds of
CPU, which every run paid again; the kernels, which run the notebooks, are new either way.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

import papermill

__all__ = ["main"]


def main(jobs_file: str, results_file: str) -> int:
    jobs = json.loads(Path(jobs_file).read_text(encoding="utf-8"))
    results = []
    for job in jobs:
        os.environ["PEO_ROOT"] = job["peo_root"]  # inherited by the kernel started for this notebook
        try:
            papermill.execute_notebook(
                job["input"],
                job["output"],
                parameters=job["parameters"] or None,
                cwd=job["cwd"],
                progress_bar=False,
            )
        except Exception as exc:  # the test reads the message; the next notebook still runs
            results.append({"returncode": 1, "output": "".join(traceback.format_exception(exc))})
        else:
            results.append({"returncode": 0, "output": ""})
    Path(results_file).write_text(json.dumps(results), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
