"""The methods page states the rules the code uses (issue 10).

The statistical rules live in ``peo/data/analysis.yml`` (section ``tests`` and ``weighting``);
the code reads them there. The methods page (``book/appendix/methods.md``) is prose, so this
test checks that it states the same values: change a rule in one place and this fails until
the other says the same.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from peo import paths
from peo.report.book import format_decimal
from peo.stats import groups, weighting

ROOT = Path(__file__).resolve().parents[1]
METHODS = (ROOT / "book" / "appendix" / "methods.md").read_text(encoding="utf-8")
TEXT = re.sub(r"\s+", " ", METHODS)
SETTINGS = yaml.safe_load(paths.package_data("analysis.yml").read_text(encoding="utf-8"))


def _level(x: float) -> str:
    return format_decimal(x, 2)


def test_claim_level_is_stated():
    level = _level(SETTINGS["tests"]["level"])
    assert f"kleiner is dan α = {level}" in TEXT


def test_collapsing_rule_is_stated_and_used():
    m = SETTINGS["tests"]["min_expected"]
    assert f"Is een verwachte celfrequentie onder {m}, dan worden de antwoorden eerst samengevoegd tot de boxen" in TEXT
    assert f"Alleen als een verwachte celfrequentie dan nog steeds onder {m} is, wordt de kopbox getoetst" in TEXT
    assert groups.MIN_EXPECTED == m


def test_every_family_is_named():
    for name in SETTINGS["tests"]["families"].values():
        assert f"'{name}'" in TEXT, name


def test_proportional_odds_level_is_stated():
    assert f"bij α = {_level(SETTINGS['tests']['po_level'])} zonder correctie" in TEXT


def test_weighting_interval_and_headline_estimate_are_stated():
    ci = SETTINGS["weighting"]["ci_method"]
    assert ci == weighting.CI_METHOD
    assert f'`svyciprop(method = "{ci}")`' in TEXT
    word = {"unweighted": "ongewogen", "poststratified": "gewogen"}[SETTINGS["weighting"]["headline_estimate"]]
    assert f"De kernzinnen noemen het **{word}** aandeel" in TEXT


def test_alpha_and_omega_footing_is_stated():
    from peo.stats.reliability import FOOTING

    assert FOOTING == "standardized" and "allebei voor de **gestandaardiseerde** vragen" in TEXT


def test_collapsing_for_disclosure_is_stated_and_used():
    """The chi-square also collapses along the boxes when a cell is below the threshold."""
    assert "minder respondenten telt dan de drempel voor publicatie: de toets rekent dan op de grovere tabel" in TEXT
