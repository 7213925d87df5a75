"""Every percentage a reader sees equals the formatted share of the cell it describes.

One rounding rule (half up, :mod:`peo.report.format`) for sentences, tables, figures and the
factsheet: issue 8 found a share of 0.125 reading 12% in a sentence and 13% in the table beside
it. The fast test puts exactly such a share through every path; the slow test reads the
published tables of demo wave 2021 (which has shares on a half) from the session's demo build
and parses every sentence and alt text against them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from peo.report import factsheet as fs
from peo.report import format as fmt
from peo.report import plots, present, summary
from peo.survey.codebook import groups, load_codebook

REPO = Path(__file__).resolve().parent.parent
CORE = REPO / "codebooks" / "core.yml"

#: "95%" in "95%-interval" / "95%-BI" names the interval, it is not a share.
_NOT_A_SHARE = re.compile(r"95%[-‑]?(?:interval|BI|betrouwbaarheidsinterval)|95%-")
_RANGE = re.compile(r"(\d+)%?–(\d+)%")
_PCT = re.compile(r"(?<![\d–])(\d+)%")


def shares_in(text: str) -> list[str]:
    """The whole percentages in a text ("45%"), without the interval ranges and the "95%" of
    "95%-interval"."""
    text = _NOT_A_SHARE.sub("", str(text))
    return [f"{m}%" for m in _PCT.findall(_RANGE.sub("", text))]


def ranges_in(text: str) -> list[str]:
    return [f"{a}–{b}%" for a, b in _RANGE.findall(str(text))]


# ---------------------------------------------------------------------- the 0.125 case


def _by_group_with(share: float) -> pd.DataFrame:
    total = groups().total
    rows = []
    for g, s in ((total, share), ("GI", share), ("JZ", 0.5), ("LT", 0.875)):
        rows.append(
            {
                "item": "ps_relation",
                "item_label": "Ruimte voor de relatie",
                "box": "disagree",
                "box_label": "(helemaal) oneens",
                "group": g,
                "n": 40,
                "count": round(s * 40),
                "share": s,
                "ci_low": 0.045 if s == share else s - 0.1,
                "ci_high": 0.265 if s == share else s + 0.1,
                "suppressed": False,
            }
        )
    return pd.DataFrame(rows)


def test_a_share_on_a_half_reads_the_same_everywhere():
    table = _by_group_with(0.125)
    cb = load_codebook(CORE)
    sentence = present.headline_statements(table)[0]
    assert shares_in(sentence) == ["13%"] and ranges_in(sentence) == ["5–27%"]  # 0.045 -> 5 (half up)
    cells = present.reader_table(table).frame
    assert "13%" in " ".join(cells.astype(str).to_numpy().ravel())
    fig = plots.shares_by_group(table, codebook=cb)
    assert "GI 13%" in plots.alt_text(fig)
    labels = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert labels.count("13%") == 2  # the total and GI
    kf = {
        "wave": "2021",
        "figures": [
            {
                "item": "ps_relation",
                "item_label": "Ruimte voor de relatie",
                "box": "disagree",
                "box_label": "(helemaal) oneens",
                "group": groups().total,
                "n": 40,
                "count": 5,
                "share": 0.125,
                "ci_low": 0.045,
                "ci_high": 0.265,
                "suppressed": False,
                "statement_nl": "Een klein deel (13%) ervaart onvoldoende ruimte.",
            }
        ],
    }
    assert "13%" in summary.factsheet_alt_text(kf)
    texts = [t.get_text() for t in fs.factsheet(kf).texts]
    assert "13%" in texts


def test_key_figure_statements_round_half_up():
    from peo.tables.keyfigures import _fraction_words

    assert _fraction_words(0.125) == "een klein deel (13%)"
    assert _fraction_words(0.845) == "8 op de 10 (85%)"  # tenths of 0.845: 8 (not 8.45 -> 9)
    assert _fraction_words(0.85) == "9 op de 10 (85%)"


def test_a_change_never_reads_minus_zero():
    from peo.tables.trends import changes_frame

    change = pd.DataFrame(
        {
            "item_label": ["Werkdruk"],
            "box_label": ["te hoog"],
            "group": [groups().total],
            "wave_from": ["2021"],
            "wave_to": ["2022"],
            "share_from": [0.6],
            "share_to": [0.597],
            "diff": [-0.003],
            "ci_low": [-0.004],
            "ci_high": [0.12],
            "note": [""],
        }
    )
    row = changes_frame(change).iloc[0]
    assert row["Verschil (procentpunten)"] == "0"
    assert row["95%-interval (Newcombe)"] == "0 tot +12"
    assert "−0" not in " ".join(map(str, row.to_numpy()))


# ---------------------------------------------------------------------- a demo wave


@pytest.fixture(scope="module")
def demo_2021(built_demo):
    """The published tables of the demo wave 2021, from the session's demo build (``built_demo``)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("PEO_ROOT", str(built_demo))
    try:
        from peo.survey.config import load_wave

        codebook = load_wave("2021").codebook()
    finally:
        mp.undo()
    folder = built_demo / "data" / "processed" / "2021" / "tables"
    tables = {p.stem: pd.read_csv(p) for p in folder.glob("*.csv")}
    for t in tables.values():
        if "suppressed" in t.columns:
            t["suppressed"] = t["suppressed"].fillna(False).astype(bool)
    kf = json.loads((folder / "key_figures.json").read_text(encoding="utf-8"))
    return kf, tables, codebook


def _row(table: pd.DataFrame, **where) -> pd.Series:
    mask = pd.Series(True, index=table.index)
    for k, v in where.items():
        mask &= table[k].astype(str) == str(v)
    assert mask.sum() == 1, where
    return table[mask].iloc[0]


@pytest.mark.slow
def test_key_figure_sentences_state_the_published_cells(demo_2021):
    kf, tables, _cb = demo_2021
    by_group = pd.concat([tables["space_by_group"], tables["outcome_by_group"]])
    assert kf["figures"]
    for f in kf["figures"]:
        cell = _row(by_group, item=f["item"], box=f["box"], group=f["group"])
        assert shares_in(f["statement_nl"]) == [fmt.pct(cell["share"])], f["statement_nl"]
    for d in kf["differences"]:
        cell = _row(by_group, item=d["item"], box=d["box"], group=d["highest_group"])
        assert shares_in(d["statement_nl"]) == [fmt.pct(cell["share"])], d["statement_nl"]
    alt = summary.factsheet_alt_text(kf)
    stated = {fmt.pct(f["share"]) for f in kf["figures"]} | {fmt.pct(d["highest_share"]) for d in kf["differences"]}
    assert shares_in(alt) and set(shares_in(alt)) <= stated


@pytest.mark.slow
def test_notebook_sentences_state_the_published_cells(demo_2021):
    _kf, tables, _cb = demo_2021
    for name in ("space_by_group", "outcome_by_group"):
        table = tables[name]
        total = table[(table["group"] == groups().total) & (table["box"] != "rest")]
        sentences = present.headline_statements(table)
        assert len(sentences) == len(total)
        for sentence, (_, cell) in zip(sentences, total.iterrows()):
            if cell["suppressed"]:
                assert not shares_in(sentence)
                continue
            assert shares_in(sentence) == [fmt.pct(cell["share"])], sentence
            assert ranges_in(sentence) == [fmt.ci(cell["ci_low"], cell["ci_high"])], sentence
    by_space = tables["outcome_by_space"]
    text = present.by_space_statements(by_space).data
    for line, (outcome, part) in zip(text.strip().splitlines(), by_space.groupby("outcome", sort=False)):
        shown = part[~part["suppressed"] & part["share"].notna()]
        assert shares_in(line) == [fmt.pct(s) for s in shown["share"]], line


@pytest.mark.slow
def test_alt_texts_state_the_published_cells(demo_2021):
    _kf, tables, cb = demo_2021
    table = tables["space_by_group"]
    heads = table[table["box"] != "rest"]
    alt = plots.alt_text(plots.shares_by_group(heads, codebook=cb))
    g = groups(cb)
    for _, cell in heads[~heads["suppressed"]].iterrows():
        assert f"{g.label(cell['group'], short=True)} {fmt.pct(cell['share'])}" in alt
    stated = shares_in(alt)
    assert stated and set(stated) <= {fmt.pct(s) for s in heads["share"].dropna()}
