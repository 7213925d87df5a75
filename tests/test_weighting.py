"""Tests of peo.stats.weighting: post-stratified shares against R's survey package.

Reference values: ``Rscript tests/r/reference_stats.R`` (R survey 4.x), data set W, written
out there as counts per employer type and answer, the same counts as ``W`` below.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from peo.errors import ConfigError
from peo.stats.weighting import check_population, poststratified_shares, response_rates
from peo.survey.codebook import categories, load_codebook

ROOT = Path(__file__).resolve().parents[1]
CB = load_codebook([ROOT / "codebooks" / "core.yml"])
POP = {"GI": 430, "JZ": 1400, "LT": 800}
# Counts of answers 1..5 and of a missing answer, per employer type (tests/r/reference_stats.R, W).
W = {"GI": [9, 15, 10, 11, 5, 2], "JZ": [4, 10, 12, 16, 8, 1], "LT": [3, 7, 9, 15, 11, 0]}


def respondents(counts: dict[str, list[int]], item: str = "ps_needed") -> pd.DataFrame:
    it = CB.item(item)
    label = dict(zip(it.response_scale.valid_codes, categories(it)))
    groups, answers = [], []
    for g, k in counts.items():
        for code, times in zip([1, 2, 3, 4, 5, None], k):
            groups += [g] * times
            answers += [label[code] if code else None] * times
    emp = CB.item("employer_type")
    return pd.DataFrame(
        {
            "employer_type": pd.Categorical(groups, categories=categories(emp)),
            item: pd.Categorical(answers, categories=categories(it), ordered=True),
        }
    )


def test_poststratified_share_matches_r_svyciprop_logit():
    # R: svyciprop(~box, postStratify(svydesign(ids = ~1, weights = ~w, data = d), ~employer_type, pop),
    #    method = "logit") -> 0.2951246303, SE 0.0405300064, 0.2217111898 to 0.3809484608; degf 144.
    row = poststratified_shares(respondents(W), CB, "ps_needed", POP).iloc[0]
    assert row["box"] == "disagree" and row["n"] == 145 and row["group"] == "totaal"
    assert row["share"] == pytest.approx(0.2951246303, abs=1e-9)
    assert row["se"] == pytest.approx(0.0405300064, abs=1e-8)
    assert row["ci_low"] == pytest.approx(0.2217111898, abs=1e-8)
    assert row["ci_high"] == pytest.approx(0.3809484608, abs=1e-8)
    assert row["df"] == 144 and row["ci_method"] == "logit" and row["note"] == ""


def test_poststratified_share_of_another_box_matches_r():
    # R: svyciprop(~agree, <same design>, method = "logit") -> 0.4835825940, SE 0.0452394046,
    #    0.3956184202 to 0.5725760319.
    row = poststratified_shares(respondents(W), CB, "ps_needed", POP, box="agree").iloc[0]
    assert row["share"] == pytest.approx(0.4835825940, abs=1e-9)
    assert row["se"] == pytest.approx(0.0452394046, abs=1e-8)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((0.3956184202, 0.5725760319), abs=1e-8)


def test_weighting_moves_the_share_towards_the_larger_groups():
    # Unweighted 48/145 = 0.331 (R: mean(d$box)); GI (48% in the box) is a third of the
    # respondents but a sixth of the population, so the weighted share is lower.
    row = poststratified_shares(respondents(W), CB, "ps_needed", POP).iloc[0]
    assert 48 / 145 == pytest.approx(0.3310344828)
    assert row["share"] < 48 / 145


def test_population_equal_to_the_sample_gives_the_unweighted_share():
    pop = {"GI": 50, "JZ": 50, "LT": 45}
    row = poststratified_shares(respondents(W), CB, "ps_needed", pop).iloc[0]
    assert row["share"] == pytest.approx(48 / 145, abs=1e-12)


def test_a_group_without_answers_is_not_weighted():
    counts = {"GI": [9, 15, 10, 11, 5, 0], "JZ": [0, 0, 0, 0, 0, 3], "LT": [3, 7, 9, 15, 11, 0]}
    row = poststratified_shares(respondents(counts), CB, "ps_needed", POP).iloc[0]
    assert np.isnan(row["share"]) and "JZ" in row["note"]


def test_response_rates():
    t = response_rates({"GI": 52, "JZ": 49, "LT": 45}, POP).set_index("group")
    assert t.loc["GI", "response_rate"] == pytest.approx(52 / 430)
    assert t.loc["totaal", "population"] == 2630 and t.loc["totaal", "n"] == 146
    assert t.loc["GI", "weight"] == pytest.approx((430 / 2630) / (52 / 146))
    none = response_rates({"GI": 52, "JZ": 49, "LT": 45}, None)
    assert none["population"].isna().all() and none["response_rate"].isna().all()


@pytest.mark.parametrize(
    ("population", "key", "what"),
    [
        ({"GI": 430, "JZ": 1400}, "population.LT", "missing"),
        ({"GI": 0, "JZ": 1400, "LT": 800}, "population.GI", "positive"),
        ({"GI": 430, "JZ": -5, "LT": 800}, "population.JZ", "positive"),
        ({"GI": 40, "JZ": 1400, "LT": 800}, "population.GI", "smaller than the 52"),
        ({"GI": 430, "JZ": 1400, "LT": 800, "XX": 10}, "population.XX", "does not know"),
        ({"GI": 430, "JZ": "veel", "LT": 800}, "population.JZ", "whole number"),
    ],
)
def test_bad_population_names_the_file_and_the_key(population, key, what):
    with pytest.raises(ConfigError) as err:
        check_population(population, {"GI": 52, "JZ": 49, "LT": 45}, ["GI", "JZ", "LT"], "data/raw/2022/wave.yml")
    assert "data/raw/2022/wave.yml" in str(err.value) and key in str(err.value) and what in str(err.value)


def test_no_population_means_no_weighting():
    assert check_population(None, {"GI": 52}, ["GI", "JZ", "LT"]) is None
    assert check_population({}, {"GI": 52}, ["GI", "JZ", "LT"]) is None
