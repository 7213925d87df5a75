"""Tests of the analysis notebooks 02_professional_space, 03_outcomes, 04_theme, 05_open_answers.

Fast tests read the source notebooks: no outputs, one ``parameters`` cell with defaults that
run as they are, the ``peo`` kernel, fixed cell ids, thin code cells, no dollar math.

The slow tests work in a temporary folder (``PEO_ROOT``) with a copy of ``data/raw``,
``codebooks`` and ``notebooks`` and of what the session's demo build (``built_demo``) cleaned
and published for the demo waves 2022 and 2023 (their data packages), and run, two at a time,

* each notebook under papermill for 2022, and 04/05 also for 2023 (mostly open answers), each
  in an empty folder that holds only the notebook and a copy of the wave's data package: a
  chapter reruns from the published package alone. The 2022 runs take the notebook's own
  default parameters (none given), with ``PEO_ROOT`` pointing at a folder that holds nothing
  but the package where the repository keeps it (``data/processed/2022/tables``): the
  notebook as a reader opens it runs from top to bottom without an error (what
  ``pytest --nbval-lax`` checked here before, in four more kernels). The 2023 runs name the
  package (``-p package``), with ``PEO_ROOT`` pointing at an empty folder;
* 04_theme on a copy of the 2022 package whose thematic codebook gained an item type nobody
  handles, and 02 on a copy that lacks a table.

They check that the runs succeed, that every figure is an image with alt text, that hidden
cells are explained, and that no output holds an identifying detail planted in the demo
open answers (``peo/data/demo_pii.yml``) or a respondent's pseudonymous id.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from conftest import copy_processed
from peo.pipeline import notebooks as pipeline

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = {
    "02_professional_space": "space",
    "03_outcomes": "outcomes",
    "04_theme": "theme",
    "05_open_answers": "open",
}
#: (notebook, wave) runs under papermill; 02 and 03 need the key figures, written for 2022.
RUNS = [(nb, "2022") for nb in NOTEBOOKS] + [("04_theme", "2023"), ("05_open_answers", "2023")]
#: The wave whose runs take the notebooks' default parameters (``wave = "2022"``, the package
#: found under ``PEO_ROOT``).
DEFAULT_WAVE = "2022"
BAD_WAVE = "2099"
#: The trends chapter and its data package (data/processed/trends).
TRENDS = "10_trends"
TRENDS_PACKAGE = "trends"
#: A copy of the 2022 package without one of the tables 02_professional_space needs.
INCOMPLETE = "incomplete"
MISSING_TABLE = "space_tests"
PII_FILE = REPO / "peo" / "data" / "demo_pii.yml"
PII_KINDS = ("persons", "emails", "phones", "places", "organisations")
PID = re.compile(r"\b(19|20)\d\d-\d{3,}\b")
IMAGE_DATA = re.compile(r"data:image/[a-z+.-]+;base64,[A-Za-z0-9+/=\s]*")
TIMEOUT = 600


def _source(name: str):
    return nbformat.read(REPO / "notebooks" / f"{name}.ipynb", as_version=4)


def _planted_details() -> list[str]:
    pii = yaml.safe_load(PII_FILE.read_text(encoding="utf-8"))
    return [str(v) for kind in PII_KINDS for v in pii.get(kind, []) or []]


# ================================================================ source notebooks (fast)


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_source_notebook_has_no_outputs_and_plain_parameters(name):
    nb = _source(name)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == pipeline.KERNEL_NAME
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is None and c.outputs == [] for c in code)
    assert code[0].metadata.get("tags") == ["parameters"]
    assert sum("parameters" in c.metadata.get("tags", []) for c in code) == 1
    namespace: dict = {}
    exec(code[0].source, namespace)  # plain defaults that run as they are
    assert namespace["wave"] == "2022" and namespace["root"] == ""
    assert sum("%matplotlib inline" in c.source for c in code) == 1


@pytest.mark.parametrize(("name", "prefix"), list(NOTEBOOKS.items()))
def test_cell_ids_are_fixed(name, prefix):
    ids = [c.id for c in _source(name).cells]
    assert ids == [f"{prefix}-{i:02d}" for i in range(1, len(ids) + 1)]


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_code_cells_are_thin(name):
    """Every code cell computes with one peo call and draws or shows with another."""
    code = [c for c in _source(name).cells if c.cell_type == "code"][1:]
    for cell in code:
        lines = [ln for ln in cell.source.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        assert len(lines) <= 10, cell.source
        assert not re.search(r"\b(def|class|lambda|while)\b", cell.source), cell.source
        for forbidden in ("read_csv", "read_parquet", "groupby", "respondents", ".loc[", "pid", "print("):
            assert forbidden not in cell.source, (forbidden, cell.source)


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_narrative_is_safe_for_the_book(name):
    """No dollar math (switched off in the book) and no planted identifying detail."""
    text = "\n".join(c.source for c in _source(name).cells).lower()
    assert "$" not in "\n".join(c.source for c in _source(name).cells if c.cell_type == "markdown")
    assert not [d for d in _planted_details() if d.lower() in text]


# ====================================================================== runs (slow)


@dataclass
class Run:
    parameters: dict
    returncode: int
    output: str
    notebook: Path | None = None


def _run_jobs(jobs: list[dict], env: dict, folder: Path) -> list[Run]:
    """Run notebooks one after another under papermill in one process (tests/papermill_jobs.py)."""
    folder.mkdir(parents=True)
    (folder / "jobs.json").write_text(json.dumps(jobs), encoding="utf-8")
    res = subprocess.run(
        [
            sys.executable,
            str(REPO / "tests" / "papermill_jobs.py"),
            str(folder / "jobs.json"),
            str(folder / "out.json"),
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT * len(jobs),
    )
    assert res.returncode == 0, res.stdout + res.stderr
    done = json.loads((folder / "out.json").read_text(encoding="utf-8"))
    return [Run(j["parameters"], d["returncode"], d["output"], Path(j["output"])) for j, d in zip(jobs, done)]


def _outputs_text(nb) -> str:
    """The text of every output, without the base64 payload of images."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                parts.append(f"ERROR {out.get('ename')}: {out.get('evalue')}")
            parts.append(str(out.get("text", "")))
            for mime, value in out.get("data", {}).items():
                if mime.startswith("image/"):
                    continue
                parts.append(IMAGE_DATA.sub("data:image/png;base64,", str(value)))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def runs(tmp_path_factory, built_demo):
    """Copy the cleaned data and data packages of 2022 and 2023 from the session's demo build,
    run every notebook job."""
    tmp = tmp_path_factory.mktemp("analysis_notebooks")
    # The demo build cleaned the waves and wrote their data packages (the results step):
    # a copy of those, not a second cleaning and results run.
    root = copy_processed(built_demo, tmp / "root", ("2022", "2023"))
    env = {**os.environ, "PEO_ROOT": str(root), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}

    packages = {w: root / "data" / "processed" / w / "tables" for w in ("2022", "2023")}
    # The trends' data package, as the demo build published it.
    packages[TRENDS_PACKAGE] = tmp / "trends_package"
    shutil.copytree(built_demo / "data" / "processed" / "trends", packages[TRENDS_PACKAGE])
    # Two damaged copies of the 2022 package: one whose thematic codebook gained an item type
    # that nothing handles, one without a table that 02_professional_space needs.
    bad = packages[BAD_WAVE] = tmp / "bad_package"
    shutil.copytree(packages["2022"], bad)
    theme_yml = next(p for p in (bad / "codebook").iterdir() if p.name.endswith("theme.yml"))
    with theme_yml.open("a", encoding="utf-8") as fh:
        fh.write(
            "  - id: t99_rank\n    role: theme\n    type: ranking\n    short_nl: Rangorde\n"
            "    short_en: Ranking\n    text_nl: Zet in volgorde.\n    text_en: Put in order.\n"
        )
    incomplete = packages[INCOMPLETE] = tmp / "incomplete_package"
    shutil.copytree(packages["2022"], incomplete)
    (incomplete / f"{MISSING_TABLE}.csv").unlink()

    isolated = tmp / "isolated"

    def papermill(name: str, wave: str) -> dict:
        """A notebook in an empty folder with only a copy of the package: no data/raw, no processed data.

        The runs of :data:`DEFAULT_WAVE` give no parameters: the notebook finds the package
        where the repository keeps it, under ``PEO_ROOT`` (``here/root``), which holds only
        the package. The others name the package (``here/package``); ``PEO_ROOT`` is empty."""
        here = isolated / f"{name}_{wave}"
        here.mkdir(parents=True)
        shutil.copy2(REPO / "notebooks" / f"{name}.ipynb", here / f"{name}.ipynb")
        parameters = {}
        if wave == DEFAULT_WAVE:
            shutil.copytree(packages[wave], here / "root" / "data" / "processed" / wave / "tables")
            peo_root = here / "root"
        else:
            shutil.copytree(packages[wave], here / "package")
            (here / "empty").mkdir()
            peo_root = here / "empty"
            if wave != TRENDS_PACKAGE:
                parameters["wave"] = "2022" if wave in (BAD_WAVE, INCOMPLETE) else wave
            parameters["package"] = str(here / "package")
        return {
            "input": str(here / f"{name}.ipynb"),
            "output": str(here / f"{name}_{wave}_out.ipynb"),
            "parameters": parameters,
            "cwd": str(here),
            "peo_root": str(peo_root),
        }

    # Longest first, two at a time (the machine has two cores).
    order = [
        ("05_open_answers", "2022"),
        ("05_open_answers", "2023"),
        (TRENDS, TRENDS_PACKAGE),
        ("03_outcomes", "2022"),
        ("02_professional_space", "2022"),
        ("04_theme", "2022"),
        ("04_theme", "2023"),
        ("04_theme", BAD_WAVE),
        ("02_professional_space", INCOMPLETE),
    ]
    # Two processes (the machine has two cores), each running its notebooks one after another:
    # the longest first, dealt out in turn.
    shares = [order[0::2], order[1::2]]
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = [
            pool.submit(_run_jobs, [papermill(*key) for key in keys], env, tmp / f"jobs{k}")
            for k, keys in enumerate(shares)
        ]
        results = {key: run for keys, job in zip(shares, done) for key, run in zip(keys, job.result())}
    results["root"] = root
    results["isolated"] = isolated
    return results


def _executed(run: Run):
    return nbformat.read(run.notebook, as_version=4)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "wave"), RUNS, ids=[f"{n}-{w}" for n, w in RUNS])
def test_notebook_runs_under_papermill(runs, name, wave):
    run = runs[(name, wave)]
    assert run.returncode == 0, run.output[-3000:]
    nb = _executed(run)
    text = _outputs_text(nb)
    assert "ERROR" not in text and "Traceback" not in text
    # every code cell shows something (nothing silently blank), except the parameter cells and
    # cells that end with an assignment (e.g. `thema = analysis.theme(gegevens)`)
    for cell in nb.cells:
        if cell.cell_type != "code" or {"parameters", "injected-parameters"} & set(cell.metadata.get("tags", [])):
            continue
        if re.match(r"^\w+\s*=", cell.source.strip().splitlines()[-1]):
            continue
        assert cell.outputs, cell.source


@pytest.mark.slow
@pytest.mark.parametrize(("name", "wave"), RUNS, ids=[f"{n}-{w}" for n, w in RUNS])
def test_every_figure_is_an_image_with_alt_text(runs, name, wave):
    nb = _executed(runs[(name, wave)])
    images = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            # no figure shown by matplotlib itself (it would have no alt text)
            assert not any(m.startswith("image/") for m in data), cell.source
            for img in re.findall(r"<img [^>]*>", str(data.get("text/html", ""))):
                images += 1
                alt = re.search(r'alt="([^"]+)"', img)
                assert alt and len(alt.group(1)) > 40, img[:200]
                assert 'src="data:image/png;base64,' in img
    assert images >= 1


@pytest.mark.slow
def test_professional_space_explains_hidden_cells_and_states_key_figures(runs):
    text = _outputs_text(_executed(runs[("02_professional_space", "2022")]))
    # In the 2022 demo, the small answers to "in general enough space" are merged with the other
    # answers outside the headline box (merging goes before hiding), and the chapter says why.
    assert "(helemaal) oneens en neutraal (samengevoegd) 10%" in text
    assert "omdat een van die antwoorden te weinig respondenten had" in text
    kf = json.loads((runs["root"] / "data" / "processed" / "2022" / "tables" / "key_figures.json").read_text("utf-8"))
    for fig in kf["figures"]:
        if fig["item"].startswith("ps_"):
            sentence = fig["statement_nl"][:1].upper() + fig["statement_nl"][1:]
            assert sentence in text
    assert "Cronbachs alfa" in text and "McDonalds omega" in text and "p (Holm)" in text


@pytest.mark.slow
def test_outcomes_states_association_not_cause(runs):
    text = _outputs_text(_executed(runs[("03_outcomes", "2022")]))
    assert "samenhang, geen bewezen oorzaak" in text
    assert "Spearmans rho" in text and "Odds ratio" in text and "keer zo groot" in text


@pytest.mark.slow
def test_theme_notebook_reads_well_for_a_mostly_open_wave(runs):
    text = _outputs_text(_executed(runs[("04_theme", "2023")]))
    assert "hoofdstuk Open antwoorden" in text
    assert "open vraag" in text and "stelling met antwoordschaal" in text


@pytest.mark.slow
def test_open_answers_show_quotes_and_theme_counts(runs):
    for wave in ("2022", "2023"):
        nb = _executed(runs[("05_open_answers", wave)])
        markdown = "\n".join(
            str(out.get("data", {}).get("text/markdown", "")) for c in nb.cells for out in c.get("outputs", [])
        )
        assert re.search(r"(?m)^> \S", markdown), wave  # block quotes
        assert "Thema" in _outputs_text(nb) and "Aantal zoekregels" in _outputs_text(nb)


@pytest.mark.slow
def test_unknown_item_type_gives_a_clear_message(runs):
    run = runs[("04_theme", BAD_WAVE)]
    assert run.returncode != 0
    # The configuration schema refuses the type before the notebook runs, naming the item and the value.
    assert "'ranking'" in run.output and "t99_rank" in run.output and "Allowed: one of" in run.output


@pytest.mark.slow
def test_chapter_notebooks_rerun_from_the_data_package_alone(runs):
    """Each run above had only the package and the notebook: no raw export, no processed personal data."""
    package_files = sorted(
        p.relative_to(runs["root"] / "data" / "processed" / DEFAULT_WAVE / "tables")
        for p in (runs["root"] / "data" / "processed" / DEFAULT_WAVE / "tables").rglob("*")
    )
    assert package_files
    for name, wave in RUNS:
        here = runs["isolated"] / f"{name}_{wave}"
        assert runs[(name, wave)].returncode == 0, runs[(name, wave)].output[-3000:]
        files = {p.relative_to(here).parts[0] for p in here.rglob("*")}
        if wave == DEFAULT_WAVE:
            assert files == {"root", f"{name}.ipynb", f"{name}_{wave}_out.ipynb"}, files
            # PEO_ROOT held the package where the repository keeps it, and nothing else (nor
            # did the run write anything there)
            tables = here / "root" / "data" / "processed" / wave / "tables"
            assert sorted(p.relative_to(tables) for p in tables.rglob("*")) == package_files
            assert {p for p in (here / "root").rglob("*") if p.is_file()} == {
                p for p in tables.rglob("*") if p.is_file()
            }
        else:
            assert files == {"package", "empty", f"{name}.ipynb", f"{name}_{wave}_out.ipynb"}, files
            assert not list((here / "empty").iterdir())
        assert not [p for p in here.rglob("*") if p.suffix in (".parquet", ".sav", ".xlsx") or "raw" in p.parts]


@pytest.mark.slow
def test_a_package_without_a_needed_table_names_the_package_and_the_table(runs):
    run = runs[("02_professional_space", INCOMPLETE)]
    assert run.returncode != 0
    assert "PackageError" in run.output and "peo-2022" in run.output
    assert f"table '{MISSING_TABLE}'" in run.output and f"{MISSING_TABLE}.csv is missing" in run.output


@pytest.mark.slow
def test_analysis_notebooks_run_with_their_default_parameters(runs):
    """The four chapters as committed, without a parameter: they run from top to bottom
    without an error (every cell executed, none with an error output), finding the package
    of the default wave under ``PEO_ROOT``. This replaces a ``pytest --nbval-lax`` run of the
    same notebooks, which checked the same (no cell raises) in four more kernels."""
    for name in NOTEBOOKS:
        run = runs[(name, DEFAULT_WAVE)]
        assert run.parameters == {}, run.parameters
        assert run.returncode == 0, run.output[-3000:]
        nb = _executed(run)
        assert not [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.execution_count is not None for c in code), name
        assert not [o for c in code for o in c.outputs if o.get("output_type") == "error"], name
        assert 'wave = "2022"' in code[0].source and 'package = ""' in code[0].source


@pytest.mark.slow
def test_no_identifying_detail_or_pid_in_any_output(runs):
    planted = _planted_details()
    root = runs["root"]
    # The check is not vacuous: the raw open answers do hold planted details.
    raw = pd.concat(
        [pd.read_parquet(root / "data" / "processed" / w / "respondents.parquet") for w in ("2022", "2023")]
    )
    texts = raw.select_dtypes(include=["object", "string"])
    raw_text = " ".join(" ".join(texts[c].dropna().astype(str)) for c in texts.columns)
    assert [d for d in planted if d.lower() in raw_text.lower()]
    assert PID.search(" ".join(raw["pid"].astype(str)))
    for key, run in runs.items():
        if not isinstance(run, Run) or run.notebook is None or not run.notebook.is_file():
            continue
        text = _outputs_text(_executed(run))
        low = text.lower()
        assert not [d for d in planted if d.lower() in low], key
        assert not PID.search(text), (key, PID.search(text))
        assert not re.search(r"\b20\d\d-0", text), key


@pytest.mark.slow
def test_trends_notebook_reruns_from_its_data_package_alone(runs):
    """10_trends in an empty folder with only the trends' data package and the notebook: no wave
    package, no raw or processed data. It shows both figures (with alt text), the change tables
    and the sentence on the detectable change that the package carries."""
    run = runs[(TRENDS, TRENDS_PACKAGE)]
    assert run.returncode == 0, run.output[-3000:]
    here = runs["isolated"] / f"{TRENDS}_{TRENDS_PACKAGE}"
    files = {p.relative_to(here).parts[0] for p in here.rglob("*")}
    assert files == {"package", "empty", f"{TRENDS}.ipynb", f"{TRENDS}_{TRENDS_PACKAGE}_out.ipynb"}, files
    assert not list((here / "empty").iterdir())
    package = json.loads((here / "package" / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["path"] for r in package["resources"]} == {"headline_trend.csv", "changes.csv"}
    assert all(r["peo:protection"] and r["hash"].startswith("sha256:") for r in package["resources"])
    nb = _executed(run)
    text = _outputs_text(nb)
    assert "ERROR" not in text and "Traceback" not in text
    assert package["peo"]["detectable_nl"] in text
    figures = re.findall(r"<img [^>]*>", text)
    assert len(figures) == 2 and all(len(re.search(r'alt="([^"]+)"', f).group(1)) > 40 for f in figures)
    assert not PID.search(text)


@pytest.mark.slow
def test_trends_package_without_a_table_names_the_package_and_the_table(runs, tmp_path):
    from peo.errors import PackageError
    from peo.tables.trends import load_trend_package

    broken = tmp_path / "trends"
    shutil.copytree(runs["isolated"] / f"{TRENDS}_{TRENDS_PACKAGE}" / "package", broken)
    assert len(load_trend_package(broken).tables["changes"]) > 0
    (broken / "changes.csv").unlink()
    with pytest.raises(PackageError, match=r"peo-trends.*table 'changes'.*changes\.csv is missing"):
        load_trend_package(broken).tables["changes"]
