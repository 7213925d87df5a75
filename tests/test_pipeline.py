"""Tests of the build engine (peo.pipeline.engine.build) on tiny notebooks in a temporary root.

The real steps (cleaning, the notebooks, the results step, jupyter-book) are replaced by
small stand-ins: two notebooks per wave that write and read a file, a "results" step that is
a Python function in ``tests/pipeline_stand_ins.py`` (run in its own process, as the real one
is), a trends notebook, and a book step whose jupyter-book run is replaced (monkeypatch) by
a function that writes one HTML page. Everything else, the
fingerprints, skipping, staging, publishing, failure handling and the swap of the built
book, is the real code. Real notebook executions (about 2 s each) are kept to 14.
"""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

import pipeline_stand_ins
from peo.pipeline import bookbuild, cues, engine, progress, state, steps
from peo.pipeline.steps import BOOK, EVERY, NOTEBOOK, PYTHON, Step, StepFailed

TESTS = Path(__file__).resolve().parent

WAVE_YML = textwrap.dedent(
    """\
    id: "{id}"
    title: Testmeting {id}
    raw:
      file: export.csv
      format: csv
    codebooks: [codebook.yml]
    completion: {{rule: every_row}}
    """
)


def codebook_text(title: str) -> str:
    """A valid (empty) codebook whose title the fake steps read."""
    return f"title_nl: '{title}'\nitems: []\n"


#: Cell 1 is the parameters cell; papermill injects cell 2; so the cells below are 3, 4, ...
N1 = [
    "import os\nfrom pathlib import Path\nroot = Path(os.environ['PEO_ROOT'])",
    "folder = root / 'data' / 'processed' / wave\nfolder.mkdir(parents=True, exist_ok=True)\n"
    "codebook = (root / 'data' / 'raw' / wave / 'codebook.yml').read_text()\n"
    "(folder / 'n1.txt').write_text(codebook)\nprint('n1', wave)",
]
N2 = [
    "import os\nfrom pathlib import Path\n"
    "text = (Path(os.environ['PEO_ROOT']) / 'data' / 'processed' / wave / 'results.txt').read_text()\n"
    "if 'fail' in text:\n    raise KeyError('boom')\nprint(text)",
]
TRENDS = [
    "import os\nfrom pathlib import Path\n"
    "found = sorted(Path(os.environ['PEO_ROOT']).glob('data/processed/*/results.txt'))\n"
    "print(len(found), 'waves')",
]


def write_notebook(path: Path, cells: list[str], *, parameters: str = 'wave = "2001"') -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "peo", "display_name": "Python (peo)", "language": "python"}
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {path.stem}"), params]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


WAVE_STEPS = (
    Step("n1", NOTEBOOK, "notebooks/n1.ipynb", outputs=("data/processed/{wave}/n1.txt",)),
    Step(
        "results",
        PYTHON,
        pipeline_stand_ins.write_results,
        needs=("n1",),
        outputs=("data/processed/{wave}/results.txt",),
    ),
    Step("n2", NOTEBOOK, "notebooks/n2.ipynb", needs=("results",)),
)
GLOBAL_STEPS = (
    Step("trends", NOTEBOOK, "notebooks/trends.ipynb", needs=("results",), publish="book/waves/trends.ipynb"),
    Step("book", BOOK, needs=(EVERY,), outputs=("book/_build/html/index.html",)),
)
#: Steps without a notebook: no kernel starts.
PY_WAVE_STEPS = (dataclasses.replace(WAVE_STEPS[1], needs=()),)
PY_GLOBAL_STEPS = (dataclasses.replace(GLOBAL_STEPS[1]),)


@dataclasses.dataclass
class Project:
    root: Path
    book_calls: list
    peo_source: list  # [checksum]: stands in for the digest of the peo package

    def wave_dir(self, wave: str) -> Path:
        return self.root / "data" / "raw" / wave

    def codebook(self, wave: str) -> Path:
        return self.wave_dir(wave) / "codebook.yml"

    def build(self, **kw):
        out = io.StringIO()
        kw.setdefault("wave_steps", WAVE_STEPS)
        kw.setdefault("global_steps", GLOBAL_STEPS)
        report = engine.build(self.root, stream=out, live=False, jobs=2, **kw)
        return report, out.getvalue()

    def last_build(self) -> list[dict]:
        return json.loads((self.root / "build" / "last_build.json").read_text())

    def html(self) -> str:
        return (self.root / "book" / "_build" / "html" / "index.html").read_text()


@pytest.fixture
def project(tmp_path, monkeypatch) -> Project:
    """A root with waves 2001 and 2002, the stand-in notebooks, results module and book step."""
    root = tmp_path / "root"
    for wave in ("2001", "2002"):
        d = root / "data" / "raw" / wave
        d.mkdir(parents=True)
        (d / "wave.yml").write_text(WAVE_YML.format(id=wave))
        (d / "codebook.yml").write_text(codebook_text(wave))
        (d / "export.csv").write_text("resp_id\nr1\n")
    (root / "codebooks").mkdir()
    write_notebook(root / "notebooks" / "n1.ipynb", N1)
    write_notebook(root / "notebooks" / "n2.ipynb", N2)
    write_notebook(root / "notebooks" / "trends.ipynb", TRENDS, parameters="# no parameters")
    (root / "book").mkdir()
    (root / "book" / "_config.yml").write_text("title: test\n")
    (root / "book" / "intro.md").write_text("# Intro\n")
    (root / "requirements.lock").write_text("pandas==3.1.1\n")
    monkeypatch.setenv("PYTHONPATH", str(TESTS))  # the stand-in step function
    monkeypatch.setenv("PEO_ROOT", str(root))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)

    calls: list = []

    def fake_write_sources(root_, waves, *, chapters, trends):
        calls.append(([w.id for w in waves], list(chapters), trends))

    def fake_jupyter_book(book_dir, output_dir, log):
        html = output_dir / "_build" / "html"
        html.mkdir(parents=True)
        (html / "index.html").write_text(f"book build {len(calls)}")

    monkeypatch.setattr(bookbuild, "write_sources", fake_write_sources)
    monkeypatch.setattr(bookbuild, "run_jupyter_book", fake_jupyter_book)
    monkeypatch.setattr(bookbuild, "write_pdfs", lambda *a, **k: [])  # no real pages to render
    # The peo source is an input of every step. Other work on the package while the tests
    # run must not change it between two builds of one test: a fixed stand-in.
    peo_source = ["peo version 1"]
    monkeypatch.setattr(state, "package_digest", lambda: peo_source[0])
    return Project(root, calls, peo_source)


def statuses(records: list[dict]) -> dict[tuple, str]:
    return {(r["wave"], r["step"]): r["status"] for r in records}


def ran(records: list[dict]) -> set[tuple]:
    return {(r["wave"], r["step"]) for r in records if r["status"] == "ran"}


ALL = {(w, s) for w in ("2001", "2002") for s in ("n1", "results", "n2")} | {(None, "trends"), (None, "book")}


def snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))}


# ------------------------------------------------------------------------------- plan


def test_plan_has_one_frozen_run_spec_per_wave(project):
    specs = steps.plan(["2001", "2002"], project.root, WAVE_STEPS)
    assert [s.wave for s in specs] == ["2001", "2002"]
    for spec in specs:
        assert spec.steps == WAVE_STEPS
        assert dict(spec.parameters) == {"wave": spec.wave}
        names = {p.name for p in spec.inputs}
        assert names == {"wave.yml", "codebook.yml", "export.csv"}
        assert all(project.wave_dir(spec.wave) == p.parent for p in spec.inputs)
    with pytest.raises(dataclasses.FrozenInstanceError):
        specs[0].wave = "2003"


def test_plan_rejects_steps_that_need_a_later_step(project):
    bad = (WAVE_STEPS[2], WAVE_STEPS[0])
    with pytest.raises(ValueError, match="needs"):
        steps.plan(["2001"], project.root, bad)


def test_default_steps_are_the_report(project):
    from peo.pipeline import cleaning
    from peo.tables import results, trends

    names = [s.name for s in steps.WAVE_STEPS]
    assert names == [
        "clean",
        "01_clean",
        "results",
        "02_professional_space",
        "03_outcomes",
        "04_theme",
        "05_open_answers",
    ]
    # Python steps are the functions themselves; the runner gets their module and name.
    assert steps.WAVE_STEPS[0].target is cleaning.clean_wave
    assert steps.WAVE_STEPS[0].ref == "peo.pipeline.cleaning.clean_wave"
    assert steps.WAVE_STEPS[1].needs == ("clean",)  # the cleaning notebook only shows what cleaning wrote
    assert steps.WAVE_STEPS[2].target is results.write_results
    assert [s.name for s in steps.GLOBAL_STEPS] == ["trend_results", "10_trends", "book"]
    assert steps.GLOBAL_STEPS[0].target is trends.write_results
    assert steps.GLOBAL_STEPS[1].publish == "book/waves/trends.ipynb"


def test_a_python_step_needs_a_function_another_process_can_import():
    with pytest.raises(ValueError, match="function"):
        Step("results", PYTHON, "peo.tables.results:write_results")
    with pytest.raises(ValueError, match="top level"):
        Step("results", PYTHON, lambda wave: None)


def test_fingerprints_change_only_with_their_inputs(project):
    specs = steps.plan(["2001", "2002"], project.root, WAVE_STEPS)
    before = state.fingerprints(specs, project.root, GLOBAL_STEPS[:1])
    assert state.fingerprints(specs, project.root, GLOBAL_STEPS[:1]) == before
    project.codebook("2002").write_text(codebook_text("2002, changed"))
    after = state.fingerprints(specs, project.root, GLOBAL_STEPS[:1])
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"2002/n1", "2002/results", "2002/n2", "*/trends"}


# ------------------------------------------------------------------ building (kernels)


@pytest.mark.slow
def test_build_reruns_only_what_changed(project):
    # 1. First build: everything runs (5 notebook executions).
    report, out = project.build()
    assert report.ok, report.failures
    assert ran(project.last_build()) == ALL
    assert "[1/8] 2001" in out or "[1/8] 2002" in out
    assert "done (" in out
    assert project.html() == "book build 1"
    assert project.book_calls == [(["2001", "2002"], ["n1", "n2"], True)]
    for wave in ("2001", "2002"):
        for name in ("n1", "n2"):
            assert (project.root / "book" / "waves" / wave / f"{name}.ipynb").is_file()
    assert (project.root / "book" / "waves" / "trends.ipynb").is_file()
    assert not (project.root / "build" / "staging" / "2001").exists()

    # The executed notebook is a deterministic book page: no timings, code behind a toggle.
    nb = nbformat.read(project.root / "book" / "waves" / "2002" / "n1.ipynb", as_version=4)
    assert nb.metadata["papermill"] == {"parameters": {"wave": "2002"}}
    code = [c for c in nb.cells if c.cell_type == "code"]
    for cell in code:
        assert "papermill" not in cell.metadata and "execution" not in cell.metadata
        tags = cell.metadata["tags"]
        if "parameters" in tags or "injected-parameters" in tags:
            assert "remove-cell" in tags
        else:
            assert tags == ["hide-input"]
    injected = [c for c in code if "injected-parameters" in c.metadata["tags"]]
    assert len(injected) == 1 and injected[0].id == "injected-parameters" and '"2002"' in injected[0].source
    assert any("n1 2002" in o.get("text", "") for c in code for o in c.outputs)
    assert "time" not in json.dumps(nb.metadata)

    # 2. Nothing changed: nothing runs, no kernel starts, the book is not rebuilt.
    report, out = project.build()
    assert report.ok
    assert set(statuses(project.last_build()).values()) == {"skipped"}
    assert out.count("skipped (unchanged)") == 8 and "running" not in out
    assert project.html() == "book build 1"

    # 3. One wave's codebook changed: that wave, the trends and the book (3 executions).
    project.codebook("2001").write_text(codebook_text("2001, second version"))
    report, _ = project.build()
    assert report.ok
    assert ran(project.last_build()) == {
        ("2001", "n1"),
        ("2001", "results"),
        ("2001", "n2"),
        (None, "trends"),
        (None, "book"),
    }
    assert project.html() == "book build 2"

    # 4. A notebook's source changed: that notebook in every wave, and the book (2 executions).
    nb = nbformat.read(project.root / "notebooks" / "n2.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("Een nieuwe alinea."))
    nbformat.write(nb, project.root / "notebooks" / "n2.ipynb")
    report, _ = project.build()
    assert report.ok
    assert ran(project.last_build()) == {("2001", "n2"), ("2002", "n2"), (None, "book")}
    published = nbformat.read(project.root / "book" / "waves" / "2001" / "n2.ipynb", as_version=4)
    # the new paragraph ends the notebook's own cells; the book adds its rerun note after it
    sources = [c.source for c in published.cells]
    assert sources[-2] == "Een nieuwe alinea." and sources[-1].startswith("## Zelf opnieuw uitvoeren")


@pytest.mark.slow
def test_a_failing_notebook_is_loud_and_leaves_the_book_intact(project, monkeypatch, run_cli):
    # An earlier book and earlier chapter of wave 2002, as a previous build left them.
    html = project.root / "book" / "_build" / "html"
    html.mkdir(parents=True)
    (html / "index.html").write_text("the previous book")
    earlier = project.root / "book" / "waves" / "2002" / "n1.ipynb"
    earlier.parent.mkdir(parents=True)
    earlier.write_text("the previous chapter")
    book_before = snapshot(project.root / "book")
    project.codebook("2002").write_text(codebook_text("2002, fail"))  # n2 of 2002 raises KeyError('boom')
    monkeypatch.setattr(steps, "WAVE_STEPS", WAVE_STEPS)
    monkeypatch.setattr(steps, "GLOBAL_STEPS", GLOBAL_STEPS)

    code, out, err = run_cli("build", "--jobs", "2")  # 4 executions

    assert code == 1
    assert "Traceback" not in out + err
    assert "Wave 2002, notebook n2.ipynb, cell 4: KeyError: 'boom'" in err
    failed = project.root / "build" / "failed" / "2002" / "n2.ipynb"
    assert str(failed) in err
    nb = nbformat.read(failed, as_version=4)
    assert any(o.get("ename") == "KeyError" for c in nb.cells for o in c.get("outputs", []))
    assert statuses(project.last_build()) == {
        ("2001", "n1"): "ran",
        ("2001", "results"): "ran",
        ("2001", "n2"): "ran",
        ("2002", "n1"): "ran",
        ("2002", "results"): "ran",
        ("2002", "n2"): "failed",
        (None, "trends"): "blocked",
        (None, "book"): "blocked",
    }
    # The other wave finished and was published; the failing one published nothing.
    assert (project.root / "book" / "waves" / "2001" / "n2.ipynb").is_file()
    assert earlier.read_text() == "the previous chapter"
    assert (project.root / "build" / "staging" / "2002" / "n1.ipynb").is_file()
    # The earlier book is untouched, and the book was not rebuilt.
    after = snapshot(project.root / "book")
    assert {k: v for k, v in after.items() if k.startswith("_build")} == {
        k: v for k, v in book_before.items() if k.startswith("_build")
    }
    assert project.book_calls == []
    assert "previous book" in err

    # The steps of the failed wave that ran wrote outputs from inputs that were never
    # published: their fingerprints are forgotten, so the next build runs them again.
    state = json.loads((project.root / "build" / "state.json").read_text())["steps"]
    assert {"2001/n1", "2001/results", "2001/n2"} <= set(state)
    assert not {"2002/n1", "2002/results", "2002/n2", "*/trends", "*/book"} & set(state)


@pytest.mark.slow
def test_force_with_one_wave_and_no_book_reruns_that_wave_only(project):
    """``python -m peo build --force --wave 2002 --no-book``: every step of that wave reruns,
    although nothing changed, and nothing of the other wave nor the book. (This was checked
    on the real steps of demo wave 2022 in test_build_e2e.py; the engine decides it the same
    way for every step, so the stand-ins, notebook steps included, show it.)"""
    project.build()
    assert ran(project.last_build()) == ALL
    report, _ = project.build(waves=["2002"], book=False, force=True)
    assert report.ok
    assert ran(report.records) == {("2002", s) for s in ("n1", "results", "n2")}
    assert {r["reason"] for r in report.records if r["status"] == "ran"} == {"--force"}
    assert not any(w == "2001" and st == "ran" for (w, _), st in statuses(report.records).items())
    assert (None, "book") not in statuses(report.records) and len(project.book_calls) == 1


# ------------------------------------------------------------- building (no kernel)


def test_force_reruns_everything(project):
    project.build(wave_steps=PY_WAVE_STEPS, global_steps=PY_GLOBAL_STEPS)
    report, _ = project.build(wave_steps=PY_WAVE_STEPS, global_steps=PY_GLOBAL_STEPS)
    assert set(statuses(report.records).values()) == {"skipped"}
    report, _ = project.build(wave_steps=PY_WAVE_STEPS, global_steps=PY_GLOBAL_STEPS, force=True)
    assert set(statuses(report.records).values()) == {"ran"}
    assert len(report.records) == 3
    assert project.last_build() == report.records


def test_a_changed_peo_package_or_lock_reruns_everything(project):
    project.build(wave_steps=PY_WAVE_STEPS, global_steps=PY_GLOBAL_STEPS)
    project.peo_source[0] = "peo version 2"
    report, _ = project.build(wave_steps=PY_WAVE_STEPS, global_steps=PY_GLOBAL_STEPS)
    assert set(statuses(report.records).values()) == {"ran"}
    (project.root / "requirements.lock").write_text("pandas==3.1.2\n")
    report, _ = project.build(wave_steps=PY_WAVE_STEPS, global_steps=PY_GLOBAL_STEPS)
    assert set(statuses(report.records).values()) == {"ran"}
    assert {r["reason"] for r in report.records} == {"inputs changed"}


def test_the_package_digest_covers_the_source_and_data_of_peo():
    files = {p.relative_to(Path(steps.__file__).parents[1]).as_posix() for p in state.package_files()}
    assert {"pipeline/engine.py", "pipeline/steps.py", "cli.py", "data/demo_pii.yml"} <= files
    assert not any("__pycache__" in f for f in files)


def test_a_missing_output_reruns_its_step_and_what_needs_it(project):
    project.build(wave_steps=PY_WAVE_STEPS, global_steps=PY_GLOBAL_STEPS)
    (project.root / "data" / "processed" / "2002" / "results.txt").unlink()
    report, _ = project.build(wave_steps=PY_WAVE_STEPS, global_steps=PY_GLOBAL_STEPS)
    assert ran(report.records) == {("2002", "results"), (None, "book")}
    reasons = {(r["wave"], r["step"]): r["reason"] for r in report.records}
    assert reasons[("2002", "results")] == "output missing: data/processed/2002/results.txt"


def test_a_failing_python_step_is_named_with_its_message(project):
    # The stand-in raises a PeoError when n1.txt says "broken": as the real step would.
    folder = project.root / "data" / "processed" / "2001"
    folder.mkdir(parents=True)
    (folder / "n1.txt").write_text("broken")
    (project.root / "data" / "processed" / "2002").mkdir(parents=True)
    (project.root / "data" / "processed" / "2002" / "n1.txt").write_text("fine")
    report, _ = project.build(wave_steps=PY_WAVE_STEPS, global_steps=PY_GLOBAL_STEPS)
    assert not report.ok
    [message] = report.failures
    assert message.startswith(
        "Wave 2001, step results (pipeline_stand_ins.write_results): wave 2001: the codebook says broken"
    )
    assert "build/logs/2001/results.log" in message
    assert statuses(report.records) == {
        ("2001", "results"): "failed",
        ("2002", "results"): "ran",
        (None, "book"): "blocked",
    }


def test_a_failing_book_build_keeps_the_previous_book(project, monkeypatch):
    project.build(wave_steps=PY_WAVE_STEPS, global_steps=PY_GLOBAL_STEPS)
    assert project.html() == "book build 1"

    def failing_jupyter_book(book_dir, output_dir, log):
        (output_dir / "reports").mkdir(parents=True)
        (output_dir / "reports" / "page.log").write_text("WARNING: undefined label")
        raise StepFailed("jupyter-book build failed (exit code 1):\n    WARNING: undefined label")

    monkeypatch.setattr(bookbuild, "run_jupyter_book", failing_jupyter_book)
    (project.root / "book" / "intro.md").write_text("# Intro, changed\n")  # a book source: only the book reruns
    report, _ = project.build(wave_steps=PY_WAVE_STEPS, global_steps=PY_GLOBAL_STEPS)
    assert not report.ok
    assert statuses(report.records) == {
        ("2001", "results"): "skipped",
        ("2002", "results"): "skipped",
        (None, "book"): "failed",
    }
    assert report.failures[0].startswith("Book: jupyter-book build failed")
    assert "was left as it was" in report.failures[0]
    assert project.html() == "book build 1"
    assert (project.root / "build" / "book-staging" / "reports" / "page.log").is_file()  # kept for inspection

    # Fixed: the book is built and swapped in.
    def fixed(book_dir, output_dir, log):
        (output_dir / "_build" / "html").mkdir(parents=True)
        (output_dir / "_build" / "html" / "index.html").write_text("book build 2")

    monkeypatch.setattr(bookbuild, "run_jupyter_book", fixed)
    report, _ = project.build(wave_steps=PY_WAVE_STEPS, global_steps=PY_GLOBAL_STEPS)
    assert ran(report.records) == {(None, "book")}
    assert project.html() == "book build 2"
    assert not (project.root / "build" / "book-staging").exists()


def test_one_wave_builds_that_wave_and_the_book_when_the_others_are_up_to_date(project):
    report, _ = project.build(wave_steps=PY_WAVE_STEPS, global_steps=PY_GLOBAL_STEPS, waves=["2001"])
    # 2002 was never built: the book cannot be made yet, and the user is told why.
    assert report.ok
    assert statuses(report.records) == {("2001", "results"): "ran", (None, "book"): "blocked"}
    assert any("2002" in n and "python -m peo build" in n for n in report.notes)
    report, _ = project.build(wave_steps=PY_WAVE_STEPS, global_steps=PY_GLOBAL_STEPS)
    assert ran(report.records) == {("2002", "results"), (None, "book")}
    project.codebook("2001").write_text(codebook_text("2001, changed"))
    report, _ = project.build(wave_steps=PY_WAVE_STEPS, global_steps=PY_GLOBAL_STEPS, waves=["2001"])
    assert ran(report.records) == {("2001", "results"), (None, "book")}


def test_no_book_runs_the_wave_steps_only(project):
    report, _ = project.build(wave_steps=PY_WAVE_STEPS, global_steps=PY_GLOBAL_STEPS, book=False)
    assert statuses(report.records) == {("2001", "results"): "ran", ("2002", "results"): "ran"}
    assert project.book_calls == []


def test_the_build_command_passes_the_command_line_through(project, monkeypatch, run_cli):
    seen = {}

    def fake_build(**kw):
        seen.update(kw)
        return engine.BuildReport(records=[], failures=["x"])

    monkeypatch.setattr(engine, "build", fake_build)
    code, _, _ = run_cli("build", "--wave", "2001", "--force", "--jobs", "3", "--no-book")
    assert code == 1
    assert seen == {"waves": ["2001"], "force": True, "jobs": 3, "book": False}


def test_live_progress_in_a_terminal_shows_a_status_line():
    out = io.StringIO()
    shown = progress.Progress([("2001/n1", "2001", "n1")], out, live=True)
    number = shown.start("2001/n1")
    shown.end("2001/n1", "done (1.0 s)", number)
    shown.close()
    text = out.getvalue()
    assert "\r\033[K" in text and "[1/1] 2001 n1 ... done (1.0 s)" in text and "running" not in text


# ----------------------------------------------------------------------------- bad input


def _bad_build(project, run_cli, monkeypatch, *argv):
    monkeypatch.setattr(steps, "WAVE_STEPS", WAVE_STEPS)
    monkeypatch.setattr(steps, "GLOBAL_STEPS", GLOBAL_STEPS)
    before = snapshot(project.root)
    code, out, err = run_cli("build", *argv)
    assert code == 2
    assert "Traceback" not in out + err
    assert snapshot(project.root) == before, "the build changed files before it stopped"
    assert not (project.root / "build").exists()
    return err


def test_a_wave_folder_without_wave_yml(project, run_cli, monkeypatch):
    (project.root / "data" / "raw" / "2003").mkdir()
    (project.root / "data" / "raw" / "2003" / "export.csv").write_text("x\n")
    err = _bad_build(project, run_cli, monkeypatch)
    assert "2003 has no wave.yml" in err


def test_a_wave_yml_that_names_a_missing_file(project, run_cli, monkeypatch):
    (project.wave_dir("2002") / "export.csv").unlink()
    err = _bad_build(project, run_cli, monkeypatch)
    assert "'export.csv'" in err and "does not exist" in err and "2002" in err


def test_two_waves_with_the_same_id(project, run_cli, monkeypatch):
    (project.wave_dir("2002") / "wave.yml").write_text(WAVE_YML.format(id="2001"))
    err = _bad_build(project, run_cli, monkeypatch)
    assert "Two waves have the id '2001'" in err


def test_a_wave_that_does_not_exist(project, run_cli, monkeypatch):
    err = _bad_build(project, run_cli, monkeypatch, "--wave", "2001", "--wave", "1999")
    assert "Unknown wave '1999'" in err and "Known waves: 2001, 2002" in err


def test_a_missing_notebook(project, run_cli, monkeypatch):
    (project.root / "notebooks" / "n2.ipynb").unlink()
    err = _bad_build(project, run_cli, monkeypatch)
    assert "n2.ipynb" in err and "does not exist" in err


# ------------------------------------------------------------ nothing changed: decided fast


def test_an_unchanged_build_is_decided_from_the_snapshot_alone(project, monkeypatch):
    kw = {"wave_steps": PY_WAVE_STEPS, "global_steps": PY_GLOBAL_STEPS}
    project.build(**kw)
    saved = json.loads((project.root / "build" / "state.json").read_text())
    assert saved["snapshot"]["files"]["data/raw/2001/codebook.yml"]  # what the fingerprints were made of

    def no_full_build(*args, **kwargs):
        raise AssertionError("the full check ran although nothing changed")

    monkeypatch.setattr(engine, "_full_build", no_full_build)
    report, out = project.build(**kw)
    assert statuses(report.records) == {
        ("2001", "results"): "skipped",
        ("2002", "results"): "skipped",
        (None, "book"): "skipped",
    }
    assert out.count("skipped (unchanged)") == 3
    assert "2001: codebooks " in out and "codebook.yml" in out  # as the full build says
    assert project.last_build() == report.records
    report, _ = project.build(waves=["2002"], book=False, **kw)  # a part of an unchanged build
    assert statuses(report.records) == {("2002", "results"): "skipped"}
    # A change sends the build to the full check, which reruns what changed.
    project.codebook("2001").write_text(codebook_text("2001, changed"))
    with pytest.raises(AssertionError, match="full check ran"):
        project.build(**kw)


@pytest.mark.parametrize(
    "change",
    [
        "raw file",
        "new file in a wave folder",
        "new shared codebook",
        "lock",
        "book source",
        "peo source",
        "missing output",
        "other steps",
        "new wave folder",
        "forced",
    ],
)
def test_the_snapshot_notices_every_input_of_the_fingerprints(project, change):
    kw = {"wave_steps": PY_WAVE_STEPS, "global_steps": PY_GLOBAL_STEPS}
    project.build(**kw)
    if change == "raw file":
        (project.wave_dir("2002") / "export.csv").write_text("resp_id\nr1\nr2\n")
    elif change == "new file in a wave folder":
        (project.wave_dir("2002") / "theme.yml").write_text("codebook: theme\n")  # may shadow a shared codebook
    elif change == "new shared codebook":
        (project.root / "codebooks" / "open_themes.yml").write_text("themes: []\n")
    elif change == "lock":
        (project.root / "requirements.lock").write_text("pandas==3.1.2\n")
    elif change == "book source":
        (project.root / "book" / "appendix.md").write_text("# Bijlage\n")
    elif change == "peo source":
        project.peo_source[0] = "peo version 2"
    elif change == "missing output":
        (project.root / "data" / "processed" / "2001" / "results.txt").unlink()
    elif change == "other steps":
        kw["wave_steps"] = (dataclasses.replace(PY_WAVE_STEPS[0], outputs=()),)
    elif change == "new wave folder":
        (project.root / "data" / "raw" / "2003").mkdir()
    saved = state.load_state(project.root / "build" / "state.json")
    key = engine._steps_key(kw["wave_steps"], kw["global_steps"])
    before = cues.unchanged(project.root, saved["snapshot"], saved["steps"], steps=key, book=True, waves=None)
    if change == "forced":
        assert before is not None
        report, _ = project.build(force=True, **kw)
        assert set(statuses(report.records).values()) == {"ran"}
        return
    assert before is None, f"a {change} went unnoticed"


def test_a_failed_build_leaves_no_snapshot(project):
    kw = {"wave_steps": PY_WAVE_STEPS, "global_steps": PY_GLOBAL_STEPS}
    project.build(**kw)
    project.codebook("2001").write_text(codebook_text("broken"))
    report, _ = project.build(**kw)
    assert not report.ok
    assert state.load_state(project.root / "build" / "state.json")["snapshot"] is None
    report, _ = project.build(**kw)  # still failing: the full check runs again
    assert ("2001", "results") in {(r["wave"], r["step"]) for r in report.records if r["status"] == "failed"}


def test_the_build_command_imports_nothing_heavy_before_it_must():
    """``python -m peo build`` imports the CLI, the engine, the state and progress modules first:
    none of them may pull in pandas, numpy, YAML or Jupyter."""
    code = (
        "import sys\n"
        "import peo.cli, peo.pipeline.engine, peo.pipeline.state, peo.pipeline.progress\n"
        "heavy = {'pandas', 'numpy', 'yaml', 'nbformat', 'papermill', 'jupyter_client', 'matplotlib'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "[]"


# ---------------------------------------------------------------------------- the book step


def test_a_missing_jupyter_book_fails_loudly(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "bin" / "python"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(StepFailed, match="jupyter-book is not installed"):
        bookbuild.run_jupyter_book(tmp_path / "book", tmp_path / "out", tmp_path / "book.log")


def test_a_jupyter_book_that_does_nothing_fails_the_book_step(monkeypatch, tmp_path):
    # The old fallback (python -m jupyter_book.cli.main) exited 0 and built nothing.
    monkeypatch.setattr(bookbuild, "jupyter_book_command", lambda: [sys.executable, "-c", "pass"])
    monkeypatch.setattr(bookbuild, "write_sources", lambda *a, **k: [])
    html = tmp_path / "book" / "_build" / "html"
    html.mkdir(parents=True)
    (html / "index.html").write_text("the previous book")
    with pytest.raises(StepFailed, match="wrote no .*index.html"):
        bookbuild.build_book(tmp_path, [], chapters=[], trends=False)
    assert (html / "index.html").read_text() == "the previous book"


# ------------------------------------------------------------------------------- the layout


def test_the_pipeline_modules_are_small_declare_their_names_and_import_no_cycle():
    import ast

    folder = Path(steps.__file__).parent
    graph = {}
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 600, path.name
        assert any(isinstance(n, (ast.Assign, ast.AnnAssign)) and "__all__" in ast.unparse(n) for n in tree.body), path
        deps = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "peo.pipeline":
                deps |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("peo.pipeline."):
                deps.add(node.module.split(".")[2])
        graph[path.stem] = deps
    done: set[str] = set()

    def visit(module, trail):
        assert module not in trail, f"import cycle: {' -> '.join([*trail, module])}"
        if module in done:
            return
        for dep in graph.get(module, ()):
            visit(dep, [*trail, module])
        done.add(module)

    for module in graph:
        visit(module, [])
    assert graph["state"] <= {"steps"} and graph["progress"] == set()  # light modules stay light
