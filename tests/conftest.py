"""Shared fixtures: a throw-away repository root with one small wave, and a CLI runner.

``tiny_wave`` builds ``<tmp>/data/raw/9999/`` with a ``wave.yml``, a small codebook
(``codebook.yml``) and a valid CSV export (``export.csv``), and points ``PEO_ROOT`` at
``<tmp>``. Tests overwrite the export (or the codebook) to make the bad input they need.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock
from hypothesis import settings

# In CI the property-based tests draw the same examples every run (derandomize), so that a
# submission's result does not depend on luck; locally they explore new examples each run.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

TINY_CODEBOOK = textwrap.dedent(
    """\
    codebook: tiny
    title_nl: Testcodeboek
    title_en: Test codebook
    response_scales:
      agree5:
        type: likert
        label_nl: Oneens-eens
        label_en: Disagree-agree
        codes:
          - {code: 1, nl: Helemaal oneens, en: Strongly disagree}
          - {code: 2, nl: Oneens, en: Disagree}
          - {code: 3, nl: Neutraal, en: Neutral}
          - {code: 4, nl: Eens, en: Agree}
          - {code: 5, nl: Helemaal eens, en: Strongly agree}
        missing:
          - {code: 8, nl: Weet niet, en: Don't know, kind: dont_know}
        boxes:
          agree: {codes: [4, 5], nl: (helemaal) eens, en: (strongly) agree}
      employer3:
        type: categorical
        label_nl: Type werkgever
        label_en: Employer type
        codes:
          - {code: 1, value: GI, nl: Gecertificeerde instelling, en: Certified institution}
          - {code: 2, value: JZ, nl: Specialistische jeugdhulp, en: Specialised youth care}
          - {code: 3, value: LT, nl: Lokaal team, en: Local team}
      causes:
        type: categorical
        label_nl: Oorzaken
        label_en: Causes
        codes:
          - {code: 1, nl: Regels, en: Rules}
          - {code: 2, nl: Tijd, en: Time}
    constructs: {}
    items:
      - id: employer_type
        role: group
        type: categorical
        response_scale: employer3
        required: true
        short_nl: Type werkgever
        text_nl: Bij welk type organisatie werkt u?
        text_en: What type of organisation do you work for?
      - id: ps_general
        role: core
        type: likert
        response_scale: agree5
        required: true
        headline: agree
        short_nl: Genoeg ruimte
        text_nl: Ik heb genoeg professionele ruimte.
        text_en: I have enough professional space.
      - id: years_experience
        role: background
        type: numeric
        min: 0
        max: 50
        unit_nl: jaar
        short_nl: Jaren ervaring
        text_nl: Hoeveel jaar werkt u in de jeugdhulp?
        text_en: How many years have you worked in youth care?
      - id: causes
        role: theme
        type: multi
        response_scale: causes
        short_nl: Oorzaken
        text_nl: Wat zijn de oorzaken?
        text_en: What are the causes?
      - id: remark
        role: theme
        type: open
        short_nl: Opmerking
        text_nl: Wilt u nog iets kwijt?
        text_en: Anything else?
    """
)

TINY_WAVE_YML = textwrap.dedent(
    """\
    id: "9999"
    title: Testmeting
    raw:
      file: export.csv
      format: csv
    codebooks: [codebook.yml]
    completion: {rule: yes_value, column: finished}
    columns:
      respondent_id: resp_id
      consent: consent
    """
)

#: A valid export of the tiny wave; data rows are on lines 2, 3 and 4.
TINY_CSV = (
    "resp_id,consent,finished,employer_type,ps_general,years_experience,causes_1,causes_2,remark\n"
    "r1,1,1,1,4,3,1,0,Prima\n"
    "r2,1,1,2,2,12.5,0,1,\n"
    "r3,1,1,3,8,0,0,0,Te druk\n"
)


@dataclass
class TinyWave:
    """Paths of the tiny wave made by the ``tiny_wave`` fixture."""

    root: Path
    dir: Path
    export: Path
    codebook: Path
    config: Path

    def write(self, content: str | bytes, name: str = "export.csv") -> Path:
        """Write an export into the wave folder (text as UTF-8) and return its path."""
        p = self.dir / name
        p.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return p


@pytest.fixture
def tiny_wave(tmp_path, monkeypatch) -> TinyWave:
    """A repository root in ``tmp_path`` (``PEO_ROOT``) with wave 9999 and a valid export."""
    monkeypatch.setenv("PEO_ROOT", str(tmp_path))
    wave_dir = tmp_path / "data" / "raw" / "9999"
    wave_dir.mkdir(parents=True)
    (tmp_path / "codebooks").mkdir()
    (wave_dir / "codebook.yml").write_text(TINY_CODEBOOK, encoding="utf-8")
    (wave_dir / "wave.yml").write_text(TINY_WAVE_YML, encoding="utf-8")
    (wave_dir / "export.csv").write_text(TINY_CSV, encoding="utf-8")
    return TinyWave(tmp_path, wave_dir, wave_dir / "export.csv", wave_dir / "codebook.yml", wave_dir / "wave.yml")


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under ``folder`` with its size and modification time."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))}


@pytest.fixture
def run_cli(capsys):
    """Run ``peo.cli.main(argv)``; return (exit code, stdout, stderr)."""
    from peo import cli

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = cli.main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def validate_cli(tiny_wave, run_cli):
    """Run ``python -m peo validate ARGS`` in the tiny wave's root.

    Asserts what every run must satisfy whatever the input: no traceback is printed and
    nothing under the root was written, created or touched. Returns (exit code, stdout +
    stderr).
    """

    def run(*args: str) -> tuple[int, str]:
        before = snapshot(tiny_wave.root)
        code, out, err = run_cli("validate", *args)
        assert snapshot(tiny_wave.root) == before, "validate wrote to the repository"
        assert "Traceback" not in out + err
        return code, out + err

    return run


# --------------------------------------------------------------------------------------
# The order of the files: the longest first
# --------------------------------------------------------------------------------------

#: Test files that take a minute or more (they build, or run notebooks, a browser or the
#: results step), longest first; every other file follows in its usual order. ``make test``
#: runs the files on two workers, each file whole on one (``--dist loadfile``), in this
#: order (``--no-loadscope-reorder``: pytest-xdist would otherwise start with the files that
#: hold the most tests, however short). The first file builds the session's demo book
#: (``built_demo``) while the second makes its own build from clean beside it; the long
#: files then keep both workers busy, and the many short files at the end let the two finish
#: together. The order changes how long a run takes, never what a test checks.
HEAVY_FIRST = (
    "test_build_e2e.py",  # the session's demo build, then a rebuild of one wave and the book
    "test_build_identical.py",  # a second full build from clean
    "test_recipes.py",  # the results step of seven survey tools' exports
    "test_notebooks_analysis.py",  # nine papermill runs
    "test_accessibility.py",  # every page of the demo book in Chromium
    "test_disclosure_bad_wave.py",  # a build of one changed wave
    "test_text.py",  # de-identification of every demo open answer
    "test_publication.py",  # the privacy scan of the demo build
    "test_deid_recall.py",
    "test_notebook_clean.py",
    "test_claims_wave.py",
    "test_factsheet.py",
    "test_a11y_phone.py",
    "test_report_pdf.py",
    "test_pipeline.py",
    "test_book.py",
)


def pytest_collection_modifyitems(config, items):
    """Put the files of :data:`HEAVY_FIRST` first, in that order (a stable sort: the tests of
    a file stay together and in their order)."""
    rank = {name: k for k, name in enumerate(HEAVY_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


# --------------------------------------------------------------------------------------
# The demo book, built once per test session in a temporary copy of the repository
# --------------------------------------------------------------------------------------


REPO = Path(__file__).resolve().parent.parent
#: What a build reads from the repository (the package itself comes from the venv).
COPIED = ("data/raw", "codebooks", "notebooks", "book", "requirements.lock")
#: A fixed build date, so that two builds from the same inputs can be compared byte for byte.
SOURCE_DATE_EPOCH = "1700000000"


def copy_repository(dst: Path) -> Path:
    """Copy the inputs of a build (raw data, codebooks, notebooks, book sources) to ``dst``."""
    dst.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("_build", "waves", "generated", "_toc.yml", "index.md", ".ipynb_checkpoints")
    for rel in COPIED:
        src = REPO / rel
        if src.is_dir():
            shutil.copytree(src, dst / rel, ignore=ignore)
        else:
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst / rel)
    (dst / "data" / "processed").mkdir(parents=True, exist_ok=True)
    return dst


def build_env(root: Path) -> dict:
    """Environment of a build subprocess in ``root``."""
    env = dict(os.environ)
    env.update(PEO_ROOT=str(root), CI="1", SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, PYTHONHASHSEED="0")
    return env


def run_build(root: Path, *args: str, timeout: int = 1200) -> subprocess.CompletedProcess:
    """Run ``python -m peo build`` in ``root`` and return the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "peo", "build", *args],
        cwd=root,
        env=build_env(root),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory, worker_id) -> Path:
    """A temporary copy of the repository in which the whole demo book has been built.

    Built once per test run, also when the run is spread over workers (``make test``: pytest-xdist,
    ``--dist loadfile``): the workers share the run's temporary folder, the first to ask builds
    under a file lock, and the others wait and read the same build (tests that change a build
    work in a copy of it). A failed build is recorded, so the other worker fails at once with
    the same output instead of building again.

    To measure or debug one test file without building, ``PEO_TEST_BUILT_DEMO=<root>`` names a
    finished demo build (a repository root with ``book/_build/html``) to use instead; it is
    read only, as the session's own build is. ``make test`` does not set it.
    """
    if os.environ.get("PEO_TEST_BUILT_DEMO"):  # a finished build made elsewhere (see the docstring)
        return Path(os.environ["PEO_TEST_BUILT_DEMO"])
    base = tmp_path_factory.getbasetemp()
    if worker_id != "master":  # popen-gwN/ of one run share their parent
        base = base.parent
    root = base / "demo-build" / "repo"
    failed = base / "demo-build" / "failed.txt"
    with FileLock(str(base / "demo-build.lock")):
        if failed.is_file():
            pytest.fail(failed.read_text(encoding="utf-8"), pytrace=False)
        if not (root / "book" / "_build" / "html" / "index.html").is_file():
            if root.exists():
                shutil.rmtree(root)
            copy_repository(root)
            res = run_build(root)
            if res.returncode != 0:
                failed.write_text(f"the demo build failed:\n{res.stdout}\n{res.stderr}", encoding="utf-8")
                pytest.fail(failed.read_text(encoding="utf-8"), pytrace=False)
    assert (root / "book" / "_build" / "html" / "index.html").is_file()
    return root


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    """The pytest-xdist worker (``gw0``, ``gw1``, ...), or ``master`` in a run without workers.

    pytest-xdist defines the same fixture; this one serves when the plugin is not loaded."""
    return getattr(request.config, "workerinput", {}).get("workerid", "master")


def copy_processed(built: Path, dst: Path, waves, *, tables: bool = True) -> Path:
    """A new repository root ``dst`` with what the demo build cleaned (and published) for ``waves``.

    Copies ``data/raw``, ``codebooks`` and, per wave, the files cleaning wrote into
    ``data/processed/<wave>/`` (:data:`peo.pipeline.cleaning.CLEAN_FILES`) and, with
    ``tables``, the wave's data package. Tests that need a cleaned or published demo wave
    start from the session's one build (``built_demo``) instead of cleaning and computing the
    results again; they work in the copy, so the shared build stays as it was built.
    """
    from peo.pipeline.cleaning import CLEAN_FILES

    dst.mkdir(parents=True, exist_ok=True)
    for rel in ("data/raw", "codebooks"):
        shutil.copytree(built / rel, dst / rel)
    for wave in waves:
        src, out = built / "data" / "processed" / wave, dst / "data" / "processed" / wave
        out.mkdir(parents=True)
        for name in CLEAN_FILES:
            shutil.copy2(src / name, out / name)
        if tables:
            shutil.copytree(src / "tables", out / "tables")
    return dst
