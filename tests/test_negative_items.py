"""A negatively worded item ("Regels staan goede hulp in de weg", issue 12 item 6).

Agreeing with it is unfavourable. Two codebook settings say so, each for its own use:
``reverse: true`` turns it round in the scale score (and reliability), once; an answer scale
whose favourable end is low (``agree5_negative``, ``good: low``) makes figures draw "eens" in
the unfavourable colour. The schema refuses a construct whose items disagree on their
favourable end after reverse coding, so neither setting can be forgotten or doubled.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib.colors as mcolors
import pandas as pd
import pytest

from peo.errors import ConfigurationInvalid
from peo.report import plots
from peo.report.colours import LIKERT_PALETTES, LIKERT_SCHEME
from peo.report.present import items_by_scale
from peo.stats.columns import item_scores
from peo.survey.codebook import load_codebook

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "codebooks" / "core.yml"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_plots import dist_table  # noqa: E402

ASPECTS = [
    "asp_autonomy",
    "asp_learning",
    "asp_competence",
    "asp_craft",
    "asp_fit",
    "asp_reflection",
    "asp_change",
    "asp_rules",
]
RULES_SCALE = "    response_scale: agree5_negative   # negatively worded: agreeing is unfavourable\n"


@pytest.fixture(scope="module")
def cb():
    return load_codebook([CORE])


def _legend_colours(fig) -> dict[str, str]:
    lg = fig.legends[0]
    return {t.get_text(): mcolors.to_hex(h.get_facecolor()) for t, h in zip(lg.get_texts(), lg.legend_handles)}


def test_the_rules_item_is_reverse_coded_on_a_scale_whose_good_end_is_low(cb):
    item = cb.item("asp_rules")
    assert item.reverse and item.response_scale.good == "low"
    assert item.response_scale.labels("nl") == cb.scales["agree5"].labels("nl")  # the same answers as asked
    assert item.response_scale.missing_codes == cb.scales["agree5"].missing_codes
    assert all(cb.item(i).response_scale.name == "agree5" and not cb.item(i).reverse for i in ASPECTS[:-1])


def test_the_scale_score_turns_the_item_round_once(cb):
    # 'good: low' is for the figures only: 'Helemaal eens' (5) counts as 1 in the scale score, not 5 again.
    codes = pd.DataFrame({i: pd.array([5, 1, 4], dtype="Int64") for i in ASPECTS})
    scores = item_scores(codes, cb, "aspects")
    assert scores["asp_rules"].tolist() == [1.0, 5.0, 2.0]
    assert scores["asp_autonomy"].tolist() == [5.0, 1.0, 4.0]


def test_agreeing_with_the_rules_item_is_drawn_in_the_unfavourable_colour(cb):
    puor = LIKERT_PALETTES[LIKERT_SCHEME][5]
    rules = _legend_colours(plots.likert_diverging(dist_table(cb, items=["asp_rules"]), cb))
    others = _legend_colours(plots.likert_diverging(dist_table(cb, items=ASPECTS[:-1]), cb))
    assert rules["Helemaal eens"] == puor[0] == others["Helemaal oneens"]  # orange: unfavourable
    assert rules["Helemaal oneens"] == puor[-1] == others["Helemaal eens"]  # purple: favourable
    bars = plots.likert_diverging(dist_table(cb, items=["asp_rules"]), cb).axes[0].patches
    assert mcolors.to_hex(bars[-1].get_facecolor()) == puor[0]  # the bar's last segment: 'helemaal eens'


def test_the_aspects_are_drawn_in_one_figure_per_scale(cb):
    table = dist_table(cb, items=ASPECTS)
    assert items_by_scale(table, cb) == [ASPECTS[:-1], ["asp_rules"]]


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        # reverse coded but drawn as if agreeing were favourable
        (
            RULES_SCALE,
            "    response_scale: agree5\n",
            "'asp_rules' is reverse-coded (reverse: true) in construct 'aspects'",
        ),
        # drawn as negative but not reverse coded: the scale score would count agreeing as more space
        ("    reverse: true\n", "    reverse: false\n", "'asp_rules' is not reverse-coded in construct 'aspects'"),
    ],
)
def test_a_construct_whose_items_disagree_on_their_favourable_end_is_refused(tmp_path, old, new, says):
    text = CORE.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "core.yml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(ConfigurationInvalid) as err:
        load_codebook([path], ROOT / "codebooks")
    assert says in str(err.value) and "good: low" in str(err.value)
