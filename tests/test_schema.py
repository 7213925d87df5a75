"""Tests of peo.survey.schema: every configuration mistake is a clear error, all at once.

The mistakes are made one (or several) at a time in a copy of the demo wave 2022, as a new
user would, and run through the command line: ``clean`` and ``build`` must refuse with the
file, the line, the key path, the value found and what is allowed, exit non-zero, print no
traceback and leave the previous output untouched; ``validate`` checks the configuration
before it reads the export.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import snapshot
from peo.errors import CodebookError, ConfigError, ConfigurationInvalid
from peo.survey import schema
from peo.survey.codebook import load_codebook
from peo.survey.schema import docs
from peo.survey.schema.types import Refs

REPO = Path(__file__).resolve().parent.parent


# ----------------------------------------------------------------------------- a copy of wave 2022


class Copy:
    """A repository root with the demo wave 2022, cleaned once (the previous output)."""

    def __init__(self, root: Path):
        self.root = root
        self.wave = root / "data" / "raw" / "2022" / "wave.yml"
        self.theme = root / "data" / "raw" / "2022" / "theme.yml"
        self.core = root / "codebooks" / "core.yml"
        self.processed = root / "data" / "processed"

    def edit(self, path: Path, old: str, new: str) -> int:
        """Replace ``old`` (once, must exist) by ``new``; return the 1-based line of the change."""
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} is not once in {path}"
        path.write_text(text.replace(old, new), encoding="utf-8")
        return text[: text.index(old)].count("\n") + 1 + old[: len(old) - len(old.lstrip("\n"))].count("\n")


@pytest.fixture(scope="module")
def cleaned_root(tmp_path_factory) -> Path:
    """Wave 2022 copied and cleaned once; each test gets a fresh copy of this."""
    root = tmp_path_factory.mktemp("cleaned")
    shutil.copytree(REPO / "data" / "raw" / "2022", root / "data" / "raw" / "2022")
    shutil.copytree(REPO / "codebooks", root / "codebooks")
    import os
    import subprocess
    import sys

    env = dict(os.environ, PEO_ROOT=str(root))
    res = subprocess.run(
        [sys.executable, "-m", "peo", "clean", "--wave", "2022"], env=env, capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    assert (root / "data" / "processed" / "2022" / "respondents.parquet").is_file()
    return root


@pytest.fixture
def copy(cleaned_root, tmp_path, monkeypatch) -> Copy:
    root = tmp_path / "root"
    shutil.copytree(cleaned_root, root)
    monkeypatch.setenv("PEO_ROOT", str(root))
    return Copy(root)


@pytest.fixture
def refuses(copy, run_cli):
    """Run a command that must refuse: exit non-zero, no traceback, nothing written. Returns stderr."""

    def run(*argv: str) -> str:
        before = snapshot(copy.root)
        code, out, err = run_cli(*argv)
        assert code != 0, out + err
        assert "Traceback" not in out + err
        assert snapshot(copy.root) == before, "the command wrote or changed files"
        return err

    return run


def _line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {path}")


# ----------------------------------------------------------------------------- the three found today


def test_threshold_as_text(copy, refuses):
    copy.edit(copy.wave, "threshold: 10", "threshold: tien")
    err = refuses("clean", "--wave", "2022")
    line = _line_of(copy.wave, "threshold: tien")
    assert (
        f"{copy.wave}:{line}: disclosure.threshold: not a whole number. Found: 'tien'. "
        "Allowed: a whole number of at least 1." in err
    )
    assert "invalid literal" not in err


def test_fieldwork_end_before_start(copy, refuses):
    copy.edit(copy.wave, "end: 2022-04-01", "end: 2022-01-31")
    err = refuses("clean", "--wave", "2022")
    assert f"{copy.wave}:{_line_of(copy.wave, 'end: 2022-01-31')}: fieldwork.end:" in err
    assert "ends before it starts" in err and "Found: '2022-01-31'" in err
    assert "Allowed: a date on or after fieldwork.start (2022-02-14)" in err


def test_negative_population(copy, refuses):
    copy.edit(copy.wave, "JZ: 1400", "JZ: -1400")
    err = refuses("clean", "--wave", "2022")
    assert (
        f"{copy.wave}:{_line_of(copy.wave, 'JZ: -1400')}: population.JZ: too small. Found: -1400. "
        "Allowed: a whole number of at least 1." in err
    )


# ----------------------------------------------------------------------------- one test per kind of mistake


def test_zero_count(copy, refuses):
    copy.edit(copy.wave, "LT: 800", "LT: 0")
    copy.edit(copy.wave, "header_rows: 3", "header_rows: 0")
    err = refuses("clean", "--wave", "2022")
    assert "population.LT: too small. Found: 0." in err
    assert "raw.header_rows: too small. Found: 0. Allowed: a whole number of at least 1." in err


def test_threshold_below_one(copy, refuses):
    copy.edit(copy.wave, "threshold: 10", "threshold: 0")
    err = refuses("clean", "--wave", "2022")
    assert "disclosure.threshold: too small. Found: 0. Allowed: a whole number of at least 1." in err


def test_implausible_fieldwork_dates(copy, refuses):
    copy.edit(copy.wave, "start: 2022-02-14", "start: 2012-02-14")
    copy.edit(copy.wave, "end: 2022-04-01", "end: 2202-04-01")
    err = refuses("clean", "--wave", "2022")
    assert "fieldwork.start: the PEO asks about youth care under the Youth Act of 2015" in err
    assert "Allowed: a date from 2015-01-01 on." in err
    assert "fieldwork.end: the date is outside the plausible range; check the year. Found: '2202-04-01'." in err
    copy.edit(copy.wave, "start: 2012-02-14", "start: 2022-02-14")
    copy.edit(copy.wave, "end: 2202-04-01", "end: 2023-04-01")
    err = refuses("clean", "--wave", "2022")
    assert "fieldwork.end: a fieldwork of 411 days is implausible; check the year." in err


def test_a_date_that_is_no_date(copy, refuses):
    copy.edit(copy.wave, "start: 2022-02-14", "start: 14-02-2022")
    err = refuses("clean", "--wave", "2022")
    assert "fieldwork.start: not a date. Found: '14-02-2022'. Allowed: a date written as YYYY-MM-DD" in err


def test_unknown_key_with_the_nearest_key(copy, refuses):
    line = copy.edit(copy.wave, "disclosure:\n", "disclosur:\n")
    copy.edit(copy.wave, "  min_duration_seconds: 120", "  min_duration_secs: 120")
    err = refuses("clean", "--wave", "2022")
    assert f"{copy.wave}:{line}: disclosur: unknown key; did you mean 'disclosure'?" in err
    assert "cleaning.min_duration_secs: unknown key; did you mean 'min_duration_seconds'?" in err
    assert "Allowed: the keys id, title, title_en" in err


def test_population_key_that_is_no_employer_type(copy, refuses):
    copy.edit(copy.wave, "GI: 430", "GII: 430")
    err = refuses("clean", "--wave", "2022")
    assert "population.GII: employer type 'GII' does not exist; did you mean 'GI'?" in err
    assert "Allowed: one of GI, JZ, LT." in err


def test_rename_to_an_item_that_does_not_exist(copy, refuses):
    copy.edit(copy.wave, "Q3: years_experience", "Q3: years_experiance")
    err = refuses("clean", "--wave", "2022")
    assert "rename.Q3: item 'years_experiance' does not exist; did you mean 'years_experience'?" in err


def test_unknown_answer_scale(copy, refuses):
    line = copy.edit(copy.theme, "response_scale: barriers", "response_scale: barrier")
    err = refuses("clean", "--wave", "2022")
    assert (
        f"{copy.theme}:{line}: items[3].response_scale (item 't22_barriers'): answer scale 'barrier' "
        "does not exist; did you mean 'barriers'?" in err
    )


def test_unknown_item_construct_box_and_coding(copy, refuses):
    copy.edit(copy.core, "construct: space\n    headline: agree", "construct: spaces\n    headline: agreed")
    copy.edit(copy.theme, "coding: solutions", "coding: solution")
    err = refuses("clean", "--wave", "2022")
    assert "items[3].construct (item 'ps_general'): construct 'spaces' does not exist; did you mean 'space'?" in err
    assert (
        "items[3].headline (item 'ps_general'): box of answer scale 'agree5': headline box 'agreed' does not exist"
        in err
    )
    assert "items[5].coding (item 't22_open_solution'): coding 'solution' does not exist" in err


def test_unknown_codes(copy, refuses):
    # agree5 (the first scale; agree5_negative repeats its answers)
    copy.edit(copy.core, "  agree5:\n", "  agree5:  # edited\n")
    text = copy.core.read_text(encoding="utf-8")
    block = text[text.index("  agree5:  # edited") : text.index("  agree5_negative:")]
    edited = block.replace("agree: {codes: [4, 5]", "agree: {codes: [4, 6]").replace("neutral: 3", "neutral: 7")
    copy.edit(copy.core, block, edited)
    err = refuses("clean", "--wave", "2022")
    assert "response_scales.agree5.boxes (answer scale 'agree5'): box 'agree' has code(s) [6]" in err
    assert "Allowed: codes of the scale (1, 2, 3, 4, 5)" in err
    assert "response_scales.agree5.neutral (answer scale 'agree5'): the neutral code 7 does not exist" in err


def test_wrong_types_in_a_codebook(copy, refuses):
    copy.edit(copy.theme, "  - id: t22_overtime\n    role: theme", "  - id: t22_overtime\n    role: thema")
    copy.edit(copy.theme, "    min: 0\n    max: 60", "    min: 0\n    max: zestig")
    err = refuses("clean", "--wave", "2022")
    assert (
        "items[1].role (item 't22_overtime'): not an allowed value. Found: 'thema'. "
        "Allowed: one of group, background, core, outcome, theme." in err
    )
    assert "items[2].max (item 't22_caseload'): not a number. Found: 'zestig'." in err


def test_answer_mappings_and_completion_refer_to_what_exists(copy, refuses):
    with copy.wave.open("a", encoding="utf-8") as fh:
        fh.write(
            "answers:\n"
            "  labels: off\n"  # YAML reads a bare off as false: accepted as the word
            "  scales:\n    agree5: {6: 8, -99: 9}\n    agree6: {6: 8}\n"
            "  items:\n    ps_general: {6: 7}\n"
            "  multi:\n    t22_barriers: {shape: joined, values: labels, separator: ';'}\n"
            "    ps_needed: {shape: split}\n    t22_solutions: {columns: {9: sol_9}}\n"
            "completion: {rule: filled}\n"
        )
    err = refuses("clean", "--wave", "2022")
    assert "answers.scales.agree6: answer scale 'agree6' does not exist; did you mean 'agree5'?" in err
    assert (
        "answers.items: answers.items.ps_general: 6 mapped to 7, which its scale does not have. Found: 6 mapped to 7."
        in err
    )
    assert "Allowed: codes of the answer scale of 'ps_general' (1, 2, 3, 4, 5, 8, 9) or null." in err
    assert "answers.multi: 'ps_needed' is a likert item" in err
    assert "completion.column: rule filled needs 'column'" in err
    assert "completion: not an allowed value" not in err  # the other branch of "rule or mapping"
    assert "answers.labels" not in err


def test_every_problem_at_once(copy, refuses):
    copy.edit(copy.wave, "threshold: 10", "threshold: tien")
    copy.edit(copy.wave, "end: 2022-04-01", "end: 2022-01-31")
    copy.edit(copy.wave, "GI: 430", "GI: -430")
    copy.edit(copy.theme, "response_scale: barriers", "response_scale: barrier")
    err = refuses("clean", "--wave", "2022")
    assert "4 problems in 2 files" in err
    for key in ("disclosure.threshold", "fieldwork.end", "population.GI", "items[3].response_scale"):
        assert key in err


def test_build_refuses_before_writing_anything(copy, refuses):
    copy.edit(copy.wave, "threshold: 10", "threshold: tien")
    err = refuses("build", "--wave", "2022", "--no-book", "--jobs", "1")
    assert "disclosure.threshold: not a whole number" in err
    assert not (copy.root / "build").exists()


def test_validate_checks_the_configuration_first(copy, run_cli):
    code, out, err = run_cli("validate", "--wave", "2022")
    assert code == 0, err
    head = out.split("Validating")[0]
    assert head.startswith("configuration valid (")
    for path in (copy.wave, copy.core, copy.theme, copy.root / "codebooks" / "open_themes.yml"):
        assert f"  {path}\n" in head
    copy.edit(copy.wave, "threshold: 10", "threshold: tien")
    code, out, err = run_cli("validate", "--wave", "2022")
    assert code == 2 and "configuration valid" not in out and "Validating" not in out
    assert "disclosure.threshold" in err


def test_errors_are_typed_and_list_the_problems(copy):
    copy.edit(copy.theme, "response_scale: barriers", "response_scale: barrier")
    with pytest.raises(ConfigurationInvalid) as info:
        load_codebook([copy.core, copy.theme])
    assert isinstance(info.value, CodebookError) and isinstance(info.value, ConfigError)
    (p,) = info.value.problems
    assert (p.file, p.path, p.found) == (str(copy.theme), "items[3].response_scale", "'barrier'")
    assert p.line == _line_of(copy.theme, "response_scale: barrier")


# ----------------------------------------------------------------------------- handled well before, still


@pytest.mark.parametrize(
    "content, expected",
    [
        ("id: '2022'\ntitle: [unclosed\n", "not valid UTF-8 YAML"),
        ("", "must be a mapping"),
        ("- id: '2022'\n- title: x\n", "must be a mapping"),
    ],
    ids=["yaml-syntax", "empty", "list"],
)
def test_broken_wave_yml(copy, refuses, content, expected):
    copy.wave.write_text(content, encoding="utf-8")
    assert expected in refuses("clean", "--wave", "2022")


def test_binary_codebook(copy, refuses):
    copy.theme.write_bytes(b"\x00\xff\xfe binary \x00")
    err = refuses("clean", "--wave", "2022")
    assert str(copy.theme) in err and "not a text file" in err


def test_codebook_with_yaml_syntax_error_names_the_line(copy, refuses):
    line = copy.edit(copy.theme, "  - id: t22_overtime", "  - id: [t22_overtime")
    err = refuses("clean", "--wave", "2022")
    assert f"{copy.theme}:" in err and "not valid YAML" in err
    assert re.search(rf"{re.escape(str(copy.theme))}:{line + 1}|{re.escape(str(copy.theme))}:{line}", err)


def test_unknown_raw_format(copy, refuses):
    copy.edit(copy.wave, "format: csv", "format: xls")
    err = refuses("clean", "--wave", "2022")
    assert "raw.format: not an allowed value. Found: 'xls'. Allowed: one of csv, xlsx, sav" in err


def test_duplicate_item_id(copy, refuses):
    copy.edit(copy.theme, "- id: t22_overtime", "- id: t22_workload_clients")
    err = refuses("clean", "--wave", "2022")
    assert "item id 't22_workload_clients' is used twice" in err


def test_missing_consent_column(copy, refuses):
    copy.edit(copy.wave, "consent: Q_consent", "consent: Q_toestemming")
    err = refuses("clean", "--wave", "2022")
    assert "Q_toestemming" in err and "Nothing was written" in err


# ----------------------------------------------------------------------------- the shared settings


def test_demo_configuration_is_valid():
    files = schema.check_configuration()
    assert REPO / "peo" / "data" / "analysis.yml" in files and REPO / "codebooks" / "core.yml" in files
    assert len(files) == len(set(files))


def _settings_refs() -> Refs:
    from peo.survey.schema.check import _collect_codebook

    refs = Refs(scales={}, constructs=set(), items={})
    _collect_codebook(yaml.safe_load((REPO / "codebooks" / "core.yml").read_text(encoding="utf-8")), refs)
    return refs


def test_analysis_settings_refer_to_core_items_and_boxes(tmp_path):
    text = (REPO / "peo" / "data" / "analysis.yml").read_text(encoding="utf-8")
    text = text.replace("stay_item: stay", "stay_item: stays").replace(
        "ps_relation.disagree:", "ps_relation.disagreed:"
    )
    text = text.replace("cuts: [3.0, 4.0]", "cuts: [4.0, 3.0]").replace("quotes_per_theme: 3", "quotes_per_theme: 0")
    path = tmp_path / "analysis.yml"
    path.write_text(text, encoding="utf-8")
    found = {p.path: p for p in schema.check_file(path, "analysis", _settings_refs())}
    assert set(found) == {"stay_item", "statements.ps_relation.disagreed", "space_levels.cuts", "quotes_per_theme"}
    assert "did you mean 'stay'" in found["stay_item"].reason
    assert "box of 'ps_relation'" in found["statements.ps_relation.disagreed"].reason
    assert found["quotes_per_theme"].line == _line_of(path, "quotes_per_theme")


def test_wording_phrases_use_the_same_placeholders(tmp_path):
    path = tmp_path / "wording.yml"
    path.write_text(
        "suppression:\n  primary:\n    nl: te weinig (minder dan {threshold})\n    en: too few (fewer than {limit})\n"
        "  secondary: {nl: 'kapot {', en: broken}\n  months: [jan, feb]\n",
        encoding="utf-8",
    )
    found = {p.path: p for p in schema.check_file(path, "wording")}
    assert "threshold" in found["suppression.primary"].reason and "limit" in found["suppression.primary"].reason
    assert found["suppression.primary"].line == 3
    assert "braces do not match" in found["suppression.secondary.nl"].reason


def test_open_themes_bad_pattern_and_duplicate_theme(tmp_path):
    text = (REPO / "codebooks" / "open_themes.yml").read_text(encoding="utf-8")
    text = text.replace("- id: tijdgebrek", "- id: regels_administratie", 1).replace("'meteen'", "'meteen('", 1)
    path = tmp_path / "open_themes.yml"
    path.write_text(text, encoding="utf-8")
    found = {p.path: p for p in schema.check_file(path, "open_themes")}
    assert "codings.barriers.themes" in found and "used twice" in found["codings.barriers.themes"].reason
    bad = [p for p in found.values() if "regular expression" in p.reason]
    assert bad and bad[0].found == "'meteen('" and bad[0].line == _line_of(path, "'meteen('")


# ----------------------------------------------------------------------------- the published schema


def test_committed_documentation_is_generated_from_the_schema():
    for rel, text in docs.generated().items():
        assert (REPO / rel).read_text(encoding="utf-8") == text, f"{rel} is out of date: run python -m peo schema-docs"


def test_schema_docs_check_command(run_cli, monkeypatch):
    monkeypatch.setenv("PEO_ROOT", str(REPO))
    code, out, _ = run_cli("schema-docs", "--check")
    assert code == 0, out


def test_json_schema_files_check_the_demo_files_like_an_editor():
    """The published JSON Schema (read by editors) accepts the demo files and rejects 'tien'."""
    wave = json.loads((REPO / "docs" / "schema" / "wave.schema.json").read_text(encoding="utf-8"))
    codebook = json.loads((REPO / "docs" / "schema" / "codebook.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(wave)
    for cfg in sorted((REPO / "data" / "raw").glob("*/wave.yml")):
        data = yaml.safe_load(cfg.read_text(encoding="utf-8"))
        data = json.loads(json.dumps(data, default=str))  # dates as YYYY-MM-DD text, as an editor sees them
        jsonschema.validate(data, wave)
        bad = dict(data, disclosure={"threshold": "tien"})
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, wave)
    for cb in [REPO / "codebooks" / "core.yml", *sorted((REPO / "data" / "raw").glob("*/theme.yml"))]:
        jsonschema.validate(yaml.safe_load(cb.read_text(encoding="utf-8")), codebook)
