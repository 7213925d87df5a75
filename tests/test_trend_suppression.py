"""Issue 11, item 4: the trend tables keep the waves' suppression and their declared types.

Two tiny wave packages are written under a temporary ``PEO_ROOT``: wave 2021 hides the GI
headline cell (primary) and the JZ one with it (secondary). ``headline_trend.csv`` and
``changes.csv`` must flag exactly those rows (``suppressed = True``, with the reason), blank
their numbers, and write counts as whole numbers (``158``, never ``158.0``), as the integer
schema says.
"""

from __future__ import annotations

import csv
import json

import pandas as pd

from peo.tables import trends

ROWS = {
    # wave: group -> (n, count, suppressed, suppression)
    "2021": {
        "totaal": (158, 79, False, ""),
        "GI": (50, None, True, "primary"),
        "JZ": (58, None, True, "secondary"),
        "LT": (50, 25, False, ""),
    },
    "2022": {
        "totaal": (150, 60, False, ""),
        "GI": (50, 20, False, ""),
        "JZ": (50, 20, False, ""),
        "LT": (50, 20, False, ""),
    },
}


def _write(root, wave: str) -> None:
    folder = root / "data" / "processed" / wave / "tables"
    folder.mkdir(parents=True)
    for table in trends.SOURCE_TABLES:
        rows = []
        for g, (n, count, hidden, why) in ROWS[wave].items():
            for box, k in (("agree", count), ("rest", None if count is None else n - count)):
                rows.append(
                    {
                        "item": "ps_general" if table == trends.SOURCE_TABLES[0] else "work_pleasure",
                        "item_label": "In het algemeen genoeg ruimte",
                        "box": box,
                        "box_label": "(helemaal) eens",
                        "group": g,
                        "n": n,
                        "count": k,
                        "share": None if k is None else k / n,
                        "ci_low": None if k is None else 0.0,
                        "ci_high": None if k is None else 1.0,
                        "note": "",
                        "suppressed": hidden,
                        "suppression": why,
                    }
                )
        pd.DataFrame(rows).to_csv(folder / f"{table}.csv", index=False)


def test_trend_tables_flag_hidden_cells_and_write_whole_counts(tmp_path, monkeypatch):
    monkeypatch.setenv("PEO_ROOT", str(tmp_path))
    for wave in ROWS:
        _write(tmp_path, wave)
    monkeypatch.setattr(trends, "_threshold", lambda waves: 10)
    # the tiny packages carry no codebook; the items per role come from the tables written here
    monkeypatch.setattr(
        trends, "role_items", lambda role, waves: {"core": ["ps_general"], "outcome": ["work_pleasure"]}[role]
    )
    out = trends.write_results(list(ROWS))

    with open(out / "headline_trend.csv", encoding="utf-8") as f:
        trend = list(csv.DictReader(f))
    gi21 = [r for r in trend if r["wave"] == "2021" and r["group"] == "GI"]
    jz21 = [r for r in trend if r["wave"] == "2021" and r["group"] == "JZ"]
    assert gi21 and all(r["suppressed"] == "True" and r["suppression"] == "primary" and r["count"] == "" for r in gi21)
    assert jz21 and all(r["suppressed"] == "True" and r["suppression"] == "secondary" for r in jz21)
    shown = [r for r in trend if r["suppressed"] == "False"]
    assert shown and all(r["count"].isdigit() and r["n"].isdigit() for r in shown)  # 79, not 79.0
    assert {r["count"] for r in shown if r["wave"] == "2021" and r["group"] == "totaal"} == {"79"}

    with open(out / "changes.csv", encoding="utf-8") as f:
        change = {r["group"]: r for r in csv.DictReader(f) if r["item"] == "ps_general"}
    assert change["GI"]["suppressed"] == "True" and change["GI"]["suppression"] == "primary"
    assert change["JZ"]["suppressed"] == "True" and change["JZ"]["suppression"] == "secondary"
    assert change["GI"]["diff"] == "" and change["GI"]["share_from"] == ""
    assert change["LT"]["suppressed"] == "False" and change["LT"]["diff"] != ""
    assert change["LT"]["n_from"] == "50" and change["totaal"]["n_from"] == "158"

    schema = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    types = {r["name"]: {f["name"]: f["type"] for f in r["schema"]["fields"]} for r in schema["resources"]}
    assert types["headline-trend"]["count"] == types["headline-trend"]["n"] == "integer"
    assert types["changes"]["n_from"] == "integer" and types["changes"]["suppressed"] == "boolean"
