"""Merging goes before hiding (issue 11, part 4): a Likert item whose answers, collapsed to the
boxes of the scale, have a hidden cell is published as its headline box against the other
answers together when both reach the threshold; the figure draws the merged segments; an
item is never published both by box and merged (the publication check's merge rule).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from peo.checks.attacks import attack_wave, merge_findings, read_cells
from peo.report import plots
from peo.report.plots.likert import MERGED_COLOUR, MERGED_HATCH
from peo.survey.codebook import categories, load_codebook
from peo.tables.likert import REST, collapsed_codebook, likert_tables
from peo.tables.wavedata import GROUP, TOTAL, WaveData

REPO = Path(__file__).resolve().parent.parent
THRESHOLD = 10


def _answers(labels: list[str], counts: list[int], seed: int) -> list[str]:
    values = [lab for lab, c in zip(labels, counts) for _ in range(c)]
    return list(np.random.default_rng(seed).permutation(values))


@pytest.fixture(scope="module")
def data() -> WaveData:
    """150 respondents, 50 per employer type.

    ps_general: 5 "helemaal oneens", 10 neutral, 135 agree: the disagree box (5) is below the
    threshold, neutral (10) is hidden to protect it; merged, 15 against 135, both reach it.
    ps_needed: 3 disagree, 4 neutral, 143 agree: even merged (7) the rest is too small.
    ps_relation: every box well above the threshold.
    """
    cb = load_codebook(REPO / "codebooks" / "core.yml")
    groups = categories(cb.group_item)
    frame = {GROUP: pd.Categorical(np.repeat(groups, 50), categories=groups)}
    counts = {"ps_general": [5, 0, 10, 60, 75], "ps_needed": [3, 0, 4, 70, 73], "ps_relation": [20, 30, 30, 40, 30]}
    for k, (item_id, c) in enumerate(counts.items()):
        labels = categories(cb.item(item_id))
        frame[item_id] = pd.Categorical(_answers(labels, c, k), categories=labels, ordered=True)
    return WaveData(SimpleNamespace(id="7777", threshold=THRESHOLD), cb, pd.DataFrame(frame), threshold=THRESHOLD)


@pytest.fixture(scope="module")
def tables(data):
    return likert_tables(data, ["ps_general", "ps_needed", "ps_relation"])


def test_an_item_with_a_hidden_box_is_published_merged(tables):
    dist, by_group = tables
    general = pd.DataFrame(dist[dist["item"] == "ps_general"])
    assert general["merged"].all() and not general["suppressed"].any()
    assert list(general["box"]) == [REST, "agree"]  # scale order: the rest covers codes 1 and 2
    assert list(general["count"]) == [15, 135] and set(general["n"]) == {150}
    assert general["answer_label"].iloc[0] == "(helemaal) oneens en neutraal (samengevoegd)"
    # The merged row is the by_group table's total, shown there too.
    total = by_group[(by_group["item"] == "ps_general") & (by_group["group"] == TOTAL)]
    assert sorted(total["count"].astype(int)) == [15, 135] and not total["suppressed"].any()


def test_an_item_is_never_published_by_box_and_merged(tables):
    dist, _ = tables
    for item_id, part in pd.DataFrame(dist).groupby("item"):
        assert part["merged"].nunique() == 1, item_id
        assert part["count"].sum() == part["n"].iloc[0] or part["suppressed"].any(), item_id


def test_when_even_the_merged_boxes_fail_the_item_stays_hidden(tables):
    dist, _ = tables
    needed = pd.DataFrame(dist[dist["item"] == "ps_needed"])
    assert not needed["merged"].any()
    assert len(needed) == 3 and needed["suppressed"].sum() >= 2  # rest 7 < 10: hidden, as before
    relation = pd.DataFrame(dist[dist["item"] == "ps_relation"])
    assert not relation["merged"].any() and not relation["suppressed"].any() and len(relation) == 3


def test_the_figure_draws_the_merged_segments_and_says_why(tables, data):
    from matplotlib.colors import to_hex

    dist, _ = tables
    cb = collapsed_codebook(data.codebook)
    fig = plots.likert_diverging(dist, cb)
    ax = fig.axes[0]
    hatched = [p for p in ax.patches if p.get_hatch() == MERGED_HATCH]
    assert len(hatched) == 1 and to_hex(hatched[0].get_facecolor()) == MERGED_COLOUR
    assert hatched[0].get_width() == pytest.approx(10.0)  # 15 of 150, left of the centre line
    assert hatched[0].get_x() == pytest.approx(-10.0)
    agree = [p for p in ax.patches if p.get_y() < 0.5 and p.get_hatch() != MERGED_HATCH and p.get_width() > 0]
    assert len(agree) == 1 and agree[0].get_x() == pytest.approx(0.0) and agree[0].get_width() == pytest.approx(90.0)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "(helemaal) oneens en neutraal (samengevoegd)" in legend
    texts = " ".join(t.get_text() for t in fig.texts)
    assert "Samengevoegd bij" in texts and "(helemaal) oneens en neutraal" in texts
    alt = plots.alt_text(fig)
    assert "(helemaal) eens 90%, (helemaal) oneens en neutraal (samengevoegd) 10% (n = 150)" in alt
    assert "begint met de kopbox op de middenlijn" in alt
    # The item that could not be merged is still hidden, with its reason.
    assert "Ruimte om te doen wat nodig is" in texts and "te weinig respondenten" in texts


# ------------------------------------------------------------------------------ the merge rule attacked

BY_GROUP = (
    "item,item_label,box,box_label,group,n,count,share,suppressed,suppression\n"
    "workload,w,high,hoog,totaal,150,90,0.6,false,\n"
    "workload,w,rest,overig,totaal,150,60,0.4,false,\n"
)
HEAD = "item,item_label,group,answer_code,answer_label,box,n,count,share,merged,suppressed,suppression\n"
MERGED = "workload,w,totaal,1,laag en goed (samengevoegd),rest,150,60,0.4,true,false,\nworkload,w,totaal,3,hoog,high,150,90,0.6,true,false,\n"


def _wave(tmp_path: Path, distribution: str) -> list:
    (tmp_path / "outcome_by_group.csv").write_text(BY_GROUP, encoding="utf-8")
    (tmp_path / "outcome_distribution.csv").write_text(HEAD + distribution, encoding="utf-8")
    findings, _ = attack_wave(tmp_path)
    return findings


def test_merged_rows_as_published_are_no_finding(tmp_path):
    assert _wave(tmp_path, MERGED) == []


def test_detail_plus_merged_totals_is_caught(tmp_path):
    """Planted: the boxes with 'te laag' (5) and 'te hoog' hidden, and the merged totals: the
    difference gives 5 back, and the merge rule names the pair."""
    detail = (
        "workload,w,totaal,1,laag,low,150,,,false,true,primary\n"
        "workload,w,totaal,2,goed,neutral,150,55,0.37,false,false,\n"
        "workload,w,totaal,3,hoog,high,150,,,false,true,secondary\n"
    )
    findings = _wave(tmp_path, detail + MERGED)
    text = [f.finding for f in findings]
    assert any("answer low" in t and "must be 5" in t for t in text), text
    # The same cell is also against the merge rule (the check reports one finding per cell).
    rule = merge_findings(read_cells(tmp_path))
    assert any("answer low" in f.finding and "also published merged" in f.finding for f in rule), rule


def test_detail_with_hidden_cells_beside_a_merged_total_breaks_the_rule_even_unpinned(tmp_path):
    """Two hidden boxes on the same side of the merge: not pinned, still against the rule."""
    detail = (
        "workload,w,totaal,1,laag,low,150,,,false,true,primary\n"
        "workload,w,totaal,2,goed,neutral,150,,,false,true,secondary\n"
        "workload,w,totaal,3,hoog,high,150,90,0.6,false,false,\n"
    )
    findings = _wave(tmp_path, detail)
    assert {f.location for f in findings} == {"row 1, column count", "row 2, column count"}
    assert all("also published merged" in f.finding and "outcome_by_group.csv" in f.finding for f in findings)
    assert not any("must be" in f.finding for f in findings)  # the linear attack cannot pin them
