"""Tests of peo.tables.package: a wave's data package read back as sealed protected tables.

A small package is written here the way the results step writes one (``disclosure.publish``,
``datapackage.datapackage``), then read back, then damaged in each way the loader must refuse.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from peo.errors import PackageError
from peo.tables import disclosure
from peo.tables.datapackage import datapackage
from peo.tables.package import load_package, load_table, package_dir

REPO = Path(__file__).resolve().parent.parent
WAVE = SimpleNamespace(id="7777", title="PEO testmeting", threshold=10, synthetic=True)


def _by_group() -> disclosure.ProtectedTable:
    """A headline table as peo.tables.likert makes it; JZ is too small and gets hidden."""
    rows = []
    for group, n, count in (("totaal", 60, 25), ("GI", 30, 12), ("JZ", 8, 3), ("LT", 22, 10)):
        for box, label, c in (("disagree", "(helemaal) oneens", count), ("rest", "overige antwoorden", n - count)):
            rows.append(
                {
                    "item": "ps_relation",
                    "item_label": "Relatie",
                    "box": box,
                    "box_label": label,
                    "group": group,
                    "n": n,
                    "count": c,
                    "share": c / n,
                    "ci_low": 0.1,
                    "ci_high": 0.9,
                    "note": "",
                }
            )
    return disclosure.protect(pd.DataFrame(rows), threshold=10, cells=("item", "box"), keep=("box_label",))


def _tests() -> disclosure.ProtectedTable:
    table = pd.DataFrame(
        {
            "family": ["f", "f"],
            "item": ["ps_relation", "ps_needed"],
            "item_label": ["a", "b"],
            "test": ["chi2", "chi2"],
            "statistic": [3.5, 1.0],
            "df": [2.0, 2.0],
            "p_value": [0.17, 0.6],
            "p_holm": [0.34, 0.6],
            "n": [60, 9],
            "note": ["", "x"],
        }
    )
    return disclosure.protect_rows(table, threshold=10, count_cols=("n",), group=None, by_employer_type=True)


@pytest.fixture
def package(tmp_path) -> Path:
    """A package with two tables, one quote file, the core codebook and key figures."""
    folder = tmp_path / "tables"
    folder.mkdir()
    tables = {"space_by_group": _by_group(), "space_tests": _tests()}
    for name, table in tables.items():
        disclosure.publish(table, folder / f"{name}.csv")
    quotes = {"t1": pd.DataFrame({"theme": ["tijd"], "theme_label": ["Tijd"], "quote": ["Te weinig tijd."]})}
    quotes["t1"].to_csv(folder / "quotes_t1.csv", index=False, lineterminator="\n")
    (folder / "codebook").mkdir()
    shutil.copyfile(REPO / "codebooks" / "core.yml", folder / "codebook" / "1_core.yml")
    kf = {
        "wave": "7777",
        "title": "PEO testmeting",
        "theme_nl": "Werkdruk",
        "synthetic": True,
        "threshold": 10,
        "fieldwork": {"start": "2022-02-14", "end": None},
        "response": {"received": 70, "analysed": 60, "by_group": {"GI": 30, "JZ": None, "LT": 22}},
    }
    (folder / "key_figures.json").write_text(json.dumps(kf), encoding="utf-8")
    desc = datapackage(WAVE, tables, folder, quotes=quotes, codebooks=["codebook/1_core.yml"])
    (folder / "datapackage.json").write_text(json.dumps(desc, indent=2), encoding="utf-8")
    return folder


def _descriptor(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def _save(folder: Path, desc: dict) -> None:
    (folder / "datapackage.json").write_text(json.dumps(desc, indent=2), encoding="utf-8")


def test_tables_come_back_sealed_with_the_published_values(package):
    pkg = load_package(package)
    assert pkg.wave_id == "7777" and pkg.threshold == 10
    assert sorted(pkg.tables) == ["space_by_group", "space_tests"]
    table = pkg.tables["space_by_group"]
    assert isinstance(table, disclosure.ProtectedTable) and table.is_sealed() and table.threshold == 10
    original = _by_group()
    pd.testing.assert_frame_equal(pd.DataFrame(table), pd.DataFrame(original), check_dtype=False)
    # JZ (n = 8) stays hidden, and a restored table can be published again unchanged
    jz = table[table["group"] == "JZ"]
    assert jz["suppressed"].all() and jz["n"].isna().all() and jz["share"].isna().all()
    again = disclosure.publish(table, package.parent / "again.csv")
    assert again.read_bytes() == (package / "space_by_group.csv").read_bytes()
    # a change after loading breaks the seal, as for a freshly protected table
    changed = table.copy()
    changed.loc[0, "count"] = 3
    with pytest.raises(disclosure.DisclosureError):
        disclosure.publish(changed, package.parent / "changed.csv")


def test_package_metadata_codebook_and_quotes(package):
    pkg = load_package(package)
    assert pkg.wave.title == "PEO testmeting" and pkg.wave.fieldwork_start.isoformat() == "2022-02-14"
    assert pkg.group_counts == {"GI": 30, "JZ": None, "LT": 22} and pkg.n_analysed == 60
    assert "ps_relation" in pkg.codebook
    assert list(pkg.quotes) == ["t1"] and pkg.quotes["t1"]["quote"].tolist() == ["Te weinig tijd."]
    section = pkg.section()
    assert section.tables["space_tests"]["n"].isna().tolist() == [False, True]  # n = 9 hidden
    resource = next(r for r in _descriptor(package)["resources"] if r["path"] == "space_tests.csv")
    assert resource["peo:protection"] == {
        "threshold": 10,
        "table_keys": ["item"],
        "group": None,
        "count_columns": [],
        "respondent_columns": ["n"],
    }
    assert resource["hash"].startswith("sha256:") and resource["bytes"] > 0


def test_load_table_by_wave_uses_the_default_folder(package, monkeypatch, tmp_path):
    monkeypatch.setenv("PEO_ROOT", str(tmp_path / "root"))
    assert package_dir("7777") == tmp_path / "root" / "data" / "processed" / "7777" / "tables"
    assert package_dir("7777", package) == package
    assert load_table("7777", "space_tests", package).is_sealed()
    with pytest.raises(PackageError, match="no datapackage.json"):
        load_table("7777", "space_tests")


def test_a_missing_table_is_named_never_recomputed(package):
    pkg = load_package(package)
    assert "outcome_by_group" not in pkg.tables
    with pytest.raises(PackageError, match=r"peo-7777 .*has no table 'outcome_by_group'.*space_by_group"):
        pkg.tables["outcome_by_group"]
    (package / "space_tests.csv").unlink()
    with pytest.raises(PackageError, match=r"table 'space_tests': space_tests.csv is missing"):
        load_package(package).tables["space_tests"]


def test_a_changed_csv_is_refused(package):
    path = package / "space_by_group.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",25,", ",26,"), encoding="utf-8")
    with pytest.raises(PackageError, match=r"table 'space_by_group'.*checksum"):
        load_package(package).tables["space_by_group"]


def test_missing_or_wrong_protection_metadata_is_refused(package):
    desc = _descriptor(package)
    for r in desc["resources"]:
        if r["path"] == "space_by_group.csv":
            del r["peo:protection"]
    _save(package, desc)
    with pytest.raises(PackageError, match=r"table 'space_by_group'.*no protection metadata"):
        load_package(package).tables["space_by_group"]

    # metadata that does not fit the CSV: a higher threshold than the one it was protected with
    desc = _descriptor(package)
    for r in desc["resources"]:
        if r["path"] == "space_tests.csv":
            r["peo:protection"]["threshold"] = 100
    _save(package, desc)
    with pytest.raises(PackageError, match=r"table 'space_tests'.*below the threshold 100"):
        load_package(package).tables["space_tests"]


def test_columns_that_do_not_match_the_schema_are_refused(package):
    desc = _descriptor(package)
    for r in desc["resources"]:
        if r["path"] == "space_tests.csv":
            r["schema"]["fields"] = r["schema"]["fields"][:-1]
        if r["path"] == "space_by_group.csv":
            n = next(f for f in r["schema"]["fields"] if f["name"] == "share")
            n["type"] = "integer"
    _save(package, desc)
    with pytest.raises(PackageError, match=r"table 'space_tests'.*columns .* are not those of its schema"):
        load_package(package).tables["space_tests"]
    with pytest.raises((PackageError, ValueError, TypeError)):
        load_package(package).tables["space_by_group"]


def test_a_folder_without_protection_metadata_is_not_a_package(package):
    desc = _descriptor(package)
    del desc["peo"]
    _save(package, desc)
    with pytest.raises(PackageError, match="lacks the protection metadata"):
        load_package(package)
    (package / "datapackage.json").unlink()
    with pytest.raises(PackageError, match="is not a data package"):
        load_package(package)
