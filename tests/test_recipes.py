"""The recipes of docs/recipes/: every survey tool's export of the demo wave 2022, configured
by the recipe's own YAML block, cleans to the demo wave's respondents and publishes the same
tables.

Each fixture of ``tests/exports/`` writes the demo wave as one tool exports it; the test puts
it with the YAML block of its recipe page (read from the page, so page and test cannot
disagree) into a throw-away repository root and cleans it with ``peo``. The reference is the
committed demo wave 2022 itself, cleaned once per session. What may differ, and why, is
stated per tool at the bottom of each recipe page and checked here exactly:

* the rows a tool never exports (``Fixture.left_out``): the respondent flow starts lower;
* the response ids a tool assigns itself: a repeated response is then found by its answers
  (``duplicate_pattern``) instead of its id (``duplicate_id``);
* the four demo cells that hold a code no tool can write (``exports.common.out_of_range``):
  written as "not answered", so they are missing in both but not listed in ``recodes.csv``;
* LimeSurvey's SPSS export flattens open answers (``Fixture.open_text``).

The tables test runs the results step for every recipe (about half a minute each) and is
marked slow; the fast tests share one cleaning of each recipe per session.
"""

from __future__ import annotations

import contextlib
import filecmp
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import yaml

from exports import FIXTURES
from exports.common import DEMO_DIR, REPO, Fixture, demo_responses, out_of_range
from peo.ingest.clean import CleanResult
from peo.survey.config import load_wave_dir

RECIPES = REPO / "docs" / "recipes"
WAVE = "2022"
#: A recipe's YAML block: the marker comment, then a fenced ``yaml`` block.
BLOCK = re.compile(r"<!-- recipe: (?P<name>[\w-]+) -->\s*```yaml\n(?P<yaml>.*?)\n```", re.S)
#: Keys of wave.yml whose values reach the published outputs (title, notice, response rates).
PUBLISHED_KEYS = ("id", "title", "title_en", "synthetic", "fieldwork", "theme", "disclosure", "population")


def recipe_blocks() -> dict[str, tuple[Path, str]]:
    """Every recipe YAML block of ``docs/recipes/*.md`` by fixture name: (page, YAML text)."""
    out: dict[str, tuple[Path, str]] = {}
    for page in sorted(RECIPES.glob("*.md")):
        for m in BLOCK.finditer(page.read_text(encoding="utf-8")):
            if m["name"] in out:
                raise AssertionError(f"two recipe blocks named {m['name']!r}: {out[m['name']][0]} and {page}")
            out[m["name"]] = (page, m["yaml"] + "\n")
    return out


@contextlib.contextmanager
def peo_root(root: Path):
    """Run ``peo`` in ``root`` (``PEO_ROOT``), with a fixed build date; restore afterwards."""
    saved = {k: os.environ.get(k) for k in ("PEO_ROOT", "SOURCE_DATE_EPOCH")}
    os.environ.update(PEO_ROOT=str(root), SOURCE_DATE_EPOCH="1700000000")
    try:
        yield root
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def new_root(root: Path) -> Path:
    """A repository root with the shared codebooks and an empty wave folder ``data/raw/2022``."""
    shutil.copytree(REPO / "codebooks", root / "codebooks")
    wave_dir = root / "data" / "raw" / WAVE
    wave_dir.mkdir(parents=True)
    shutil.copy2(DEMO_DIR / "theme.yml", wave_dir / "theme.yml")
    return wave_dir


def clean(root: Path) -> CleanResult:
    from peo.pipeline.cleaning import clean_wave

    with peo_root(root):
        return clean_wave(WAVE)


def write_tables(root: Path) -> Path:
    from peo.tables.results import write_results

    with peo_root(root):
        return write_results(WAVE)


@dataclass
class Cleaned:
    fixture: Fixture | None
    root: Path
    result: CleanResult


@pytest.fixture(scope="session")
def reference(tmp_path_factory) -> Cleaned:
    """The committed demo wave 2022, cleaned once per session."""
    root = tmp_path_factory.mktemp("reference")
    wave_dir = new_root(root)
    for name in ("wave.yml", "peo2022_export.csv"):
        shutil.copy2(DEMO_DIR / name, wave_dir / name)
    return Cleaned(None, root, clean(root))


#: Each recipe's cleaned wave, by name. pytest tears a parametrised session fixture down when
#: the next test takes another parameter, and test ordering (xdist, -k, -m) can interleave
#: them, so the cleaned waves are kept here: each recipe is cleaned once per process.
_CLEANED: dict[str, Cleaned] = {}


@pytest.fixture(scope="session", params=list(FIXTURES))
def recipe(request, tmp_path_factory) -> Cleaned:
    """One tool's export of the demo wave with its recipe's wave.yml, cleaned once per session."""
    if request.param not in _CLEANED:
        _CLEANED[request.param] = _clean_recipe(request.param, tmp_path_factory)
    return _CLEANED[request.param]


def _clean_recipe(name: str, tmp_path_factory) -> Cleaned:
    fx = FIXTURES[name]
    blocks = recipe_blocks()
    assert fx.name in blocks, f"docs/recipes/{fx.recipe} has no block '<!-- recipe: {fx.name} -->'"
    page, text = blocks[fx.name]
    assert page.name == fx.recipe
    root = tmp_path_factory.mktemp(fx.name)
    wave_dir = new_root(root)
    (wave_dir / "wave.yml").write_text(text, encoding="utf-8")
    fx.write(wave_dir)
    return Cleaned(fx, root, clean(root))


def demo_pid(row: int) -> str:
    return f"{WAVE}-{row:04d}"


def to_demo_pids(fx: Fixture) -> dict[str, str]:
    """Respondent id in the fixture's cleaning -> id of the same demo row in the reference."""
    return {demo_pid(k): demo_pid(r.row) for k, r in enumerate(fx.responses(), start=1)}


# ------------------------------------------------------------------------------ the recipes


def test_every_fixture_has_one_recipe_block_and_every_block_a_fixture():
    blocks = recipe_blocks()
    assert set(blocks) == set(FIXTURES)
    index = (RECIPES / "README.md").read_text(encoding="utf-8")
    for name, fx in FIXTURES.items():
        assert f"`{name}`" in index and f"({fx.recipe})" in index, f"docs/recipes/README.md does not list {name}"


@pytest.mark.parametrize("name", list(FIXTURES))
def test_recipe_names_its_export_and_keeps_the_published_settings(name):
    fx = FIXTURES[name]
    cfg = yaml.safe_load(recipe_blocks()[name][1])
    assert cfg["raw"]["file"] == fx.file
    demo = yaml.safe_load((DEMO_DIR / "wave.yml").read_text(encoding="utf-8"))
    # What the results step publishes from wave.yml must be the demo's, or the tables cannot match.
    assert {k: cfg.get(k) for k in PUBLISHED_KEYS} == {k: demo.get(k) for k in PUBLISHED_KEYS}
    assert cfg["codebooks"] == demo["codebooks"]


def test_recipe_loads_as_a_wave(recipe):
    wave = load_wave_dir(recipe.root / "data" / "raw" / WAVE)
    assert wave.raw.file.name == recipe.fixture.file
    assert wave.completion is not None


def test_recipe_cleans_to_the_demo_respondents(recipe, reference):
    fx, got, ref = recipe.fixture, recipe.result.respondents, reference.result.respondents
    assert len(got) == len(ref) == 150
    # Same respondents (the same rows of the demo) in the same order ...
    assert got["pid"].map(to_demo_pids(fx)).tolist() == ref["pid"].tolist()
    # ... with the same answers to every item after mapping (open answers as the tool writes them).
    expected = ref.drop(columns="pid").copy()
    for item in ("t22_open_solution",):
        expected[item] = expected[item].map(fx.open_text, na_action="ignore").astype("string")
    pd.testing.assert_frame_equal(
        got.drop(columns="pid").reset_index(drop=True), expected.reset_index(drop=True), check_exact=True
    )
    if len(fx.responses()) == len(demo_responses()) and fx.open_text("a\nb") == "a\nb":
        # Every row kept, open answers untouched: the file the results step reads is the demo's, byte for byte.
        name = Path("data/processed") / WAVE / "respondents.parquet"
        assert filecmp.cmp(recipe.root / name, reference.root / name, shallow=False)


def test_recipe_accounts_for_the_same_rows(recipe, reference):
    fx, res, ref = recipe.fixture, recipe.result, reference.result
    kept = {demo_pid(r.row) for r in fx.responses()}
    # The flow starts with what the tool exports and ends with the demo's analysed respondents.
    assert int(res.flow["n"].iloc[0]) == len(fx.responses())
    assert int(res.flow["n"].iloc[-1]) == int(ref.flow["n"].iloc[-1])
    # Every demo row the tool exports leaves the flow at the same step, for the same reason.
    renamed = {} if fx.same_ids else {"duplicate_id": "duplicate_pattern"}
    expected = {
        (pid, step, renamed.get(reason, reason))
        for pid, step, reason in ref.exclusions[["pid", "step", "reason"]].itertuples(index=False)
        if pid in kept
    }
    pids = to_demo_pids(fx)
    got = {
        (pids[pid], step, reason)
        for pid, step, reason in res.exclusions[["pid", "step", "reason"]].itertuples(index=False)
    }
    assert got == expected
    # The rows a tool leaves out are rows the demo excludes too: no analysed respondent is lost.
    assert not set(ref.respondents["pid"]) - kept
    # "Weet niet" is counted as in the demo.
    pd.testing.assert_frame_equal(res.missing_codes, ref.missing_codes)


def test_recipe_sets_the_same_answers_to_missing(recipe, reference):
    """Every invalid answer of the demo is invalid in the export too, except the four cells
    that hold a code no tool can write (``out_of_range``); those are not answered there."""
    fx, res, ref = recipe.fixture, recipe.result, reference.result
    cells = out_of_range()
    assert len(cells) == 4
    cannot = {(demo_pid(row), item) for row, _, item, _ in cells}
    assert cannot <= set(zip(ref.recodes["pid"], ref.recodes["item"])), "the demo no longer has those cells"
    pids = to_demo_pids(fx)
    key = ["pid", "item", "value", "reason"]
    got = res.recodes[key].assign(pid=res.recodes["pid"].map(pids)).sort_values(key).reset_index(drop=True)
    want = ref.recodes[key][[(p, i) not in cannot for p, i in zip(ref.recodes["pid"], ref.recodes["item"])]]
    want = want.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(got.astype("string"), want.astype("string"))


def test_google_forms_leaves_out_only_what_it_cannot_know():
    """The Google Forms fixture omits the demo's speeders, because the recipe has no way to see
    them: it names no start time and no duration, and sets no minimum duration."""
    fx = FIXTURES["googleforms"]
    cfg = yaml.safe_load(recipe_blocks()["googleforms"][1])
    assert not {"started", "duration"} & set(cfg["columns"])
    assert "min_duration_seconds" not in (cfg.get("cleaning") or {})
    dropped = [r for r in demo_responses() if fx.left_out(r)]
    unfinished = [r for r in dropped if not r.finished]
    speeders = [r for r in dropped if r.finished]
    assert len(unfinished) == sum(not r.finished for r in demo_responses()) == 7
    assert len(speeders) == 2 and all(r.consent and r.duration < 120 for r in speeders)


# ------------------------------------------------------------------------ published tables


@pytest.fixture(scope="session")
def reference_tables(reference) -> Path:
    return write_tables(reference.root)


def _key_figures(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_recipe_publishes_byte_identical_tables(recipe, reference_tables):
    fx = recipe.fixture
    got = write_tables(recipe.root)
    # Every file of the package, sub-folders included (the package carries copies of the
    # wave's codebooks under codebook/).
    names = sorted(p.relative_to(reference_tables).as_posix() for p in reference_tables.rglob("*") if p.is_file())
    assert sorted(p.relative_to(got).as_posix() for p in got.rglob("*") if p.is_file()) == names
    same_rows = len(fx.responses()) == len(demo_responses())
    differ = []
    for name in names:
        if filecmp.cmp(got / name, reference_tables / name, shallow=False):
            continue
        differ.append(name)
    if same_rows and fx.open_text("a\nb <b>c</b>") != "a\nb <b>c</b>":
        # The tool changes open answers on export (LimeSurvey's SPSS export flattens line
        # breaks): only the published example quotes and the package's checksums may differ.
        assert set(differ) <= {"datapackage.json"} | {n for n in names if n.startswith("quotes_")}
    elif same_rows:
        assert differ == []
    else:
        # Only the number of responses received may differ, in the key figures and on the
        # factsheet that states it; every table is byte-identical.
        assert set(differ) <= {"key_figures.json", "factsheet.pdf", "factsheet.png"}
        kf, ref_kf = _key_figures(got / "key_figures.json"), _key_figures(reference_tables / "key_figures.json")
        assert kf["response"]["received"] == len(fx.responses())
        kf["response"]["received"] = ref_kf["response"]["received"]
        assert kf == ref_kf
