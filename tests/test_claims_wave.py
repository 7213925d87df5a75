"""Claims on a whole wave (issue 10): no page claims a difference its test does not support.

Two made-up waves with the 2022 configuration and codebook: in one, GI answers "(helemaal)
oneens" to "ruimte om te doen wat nodig is" visibly more often than JZ and LT, but not
significantly after Holm's correction; in the other the difference is large. The key
figures, the landing page, the chapter introduction and the factsheet text must agree.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from peo.report.book import landing_page, wave_index_page
from peo.report.factsheet import factsheet_alt_text as factsheet_text
from peo.survey.codebook import categories
from peo.survey.config import load_wave
from peo.tables.keyfigures import key_figures
from peo.tables.sections import outcomes, professional_space
from peo.tables.wavedata import WaveData

WAVE = load_wave("2022")
CB = WAVE.codebook()
N = {"GI": 50, "JZ": 50, "LT": 50}


def _wave(needed_disagree: dict[str, int], seed: int = 3) -> WaveData:
    """150 respondents; ps_needed has the given number in "(helemaal) oneens" per group."""
    rng = np.random.default_rng(seed)
    groups = np.repeat(list(N), list(N.values()))
    frame = {
        "pid": [f"r{i}" for i in range(len(groups))],
        "employer_type": pd.Categorical(groups, categories=categories(CB.item("employer_type"))),
    }
    for item in CB.items:
        if item.type != "likert" or item.role not in ("core", "outcome"):
            continue
        labels = categories(item)
        codes = item.response_scale.valid_codes
        if item.id == "ps_needed":
            values = []
            for g, k in needed_disagree.items():
                # k answers in 1-2, the rest spread over 3-5, the same shape in each group
                values += [labels[codes.index(1 + i % 2)] for i in range(k)]
                values += [labels[codes.index(3 + i % 3)] for i in range(N[g] - k)]
        else:
            values = [labels[i] for i in rng.integers(0, len(labels), len(groups))]
        frame[item.id] = pd.Categorical(values, categories=labels, ordered=True)
    return WaveData(WAVE, CB, pd.DataFrame(frame), WAVE.threshold)


SECTIONS: dict[str, tuple] = {}


def _pages(data: WaveData, name: str = "") -> tuple[dict, str]:
    space, outs = professional_space(data), outcomes(data)
    SECTIONS[name] = (space, outs)
    kf = key_figures(data, space, outs)
    text = "\n".join([landing_page(kf, [WAVE], {WAVE.id: kf}), wave_index_page(WAVE, kf), factsheet_text(kf)])
    return kf, text


@pytest.fixture(scope="module")
def not_significant():
    # GI 24/50 = 48%, JZ 17/50 = 34%, LT 16/50 = 32%: visible, but chi-square p ~ 0.2.
    return _pages(_wave({"GI": 24, "JZ": 17, "LT": 16}))


@pytest.fixture(scope="module")
def significant():
    # GI 35/50 = 70%, JZ 12/50 = 24%, LT 10/50 = 20%.
    return _pages(_wave({"GI": 35, "JZ": 12, "LT": 10}), "significant")


def test_a_visible_but_not_significant_difference_is_claimed_nowhere(not_significant):
    kf, text = not_significant
    claim = next(d for d in kf["differences"] if d["item"] == "ps_needed")
    assert claim["shares"]["GI"] > claim["shares"]["JZ"] + 0.1  # visible
    assert claim["p_holm"] >= 0.05 and not claim["supported"] and claim["highest_group"] is None
    assert "geen verschil tussen de typen werkgevers aangetoond" in claim["statement_nl"]
    assert "vaakst" not in text and "het verschil tussen de typen werkgevers is aangetoond" not in text
    assert "geen verschil tussen de typen werkgevers aangetoond" in text


def test_a_significant_difference_is_named_everywhere(significant):
    kf, text = significant
    claim = next(d for d in kf["differences"] if d["item"] == "ps_needed")
    assert claim["supported"] and claim["p_holm"] < 0.05 and claim["highest_group"] == "GI"
    assert "vaakst '(helemaal) oneens' op 'ruimte om te doen wat nodig is'" in claim["statement_nl"]
    assert text.count(claim["statement_nl"][:60]) >= 2  # landing page and factsheet text


def test_response_rates_and_weighted_shares_are_shown(significant):
    kf, text = significant
    pop = kf["population"]
    assert pop["available"] and pop["by_group"]["GI"]["population"] == 430
    assert pop["by_group"]["GI"]["response_rate"] == pytest.approx(50 / 430)
    fig = next(f for f in kf["figures"] if f["item"] == "ps_needed")
    # GI (70% in the box) is a third of the respondents but a sixth of the population.
    assert fig["weighted"]["share"] < fig["share"]
    assert fig["statement_weighted_nl"].startswith("Gewogen naar het aantal professionals per type werkgever")
    assert "Respons" in text and "430" in text


def test_a_wave_without_population_says_so():
    data = _wave({"GI": 24, "JZ": 17, "LT": 16})
    data = dataclasses.replace(data, wave=dataclasses.replace(WAVE, population={}))
    kf, text = _pages(data)
    assert not kf["population"]["available"]
    assert all(f["weighted"] is None for f in kf["figures"])
    assert "geen populatiecijfers" in text


def test_one_primary_test_per_item_and_family_with_holm_beside_every_p(significant):
    space, outs = SECTIONS["significant"]
    tests = space.tables["space_tests"]
    assert tests["item"].is_unique and (tests["test"] == "chi2").all() and tests["primary"].all()
    assert set(tests["family"]) == {"professionele ruimte naar type werkgever"}
    scores = space.tables["score_tests"]
    assert set(scores["test"]) == {"kruskal"} and set(scores["item"]) == {"space", "aspects"}
    ordinal = space.tables["space_ordinal"]
    for p, adjusted in (("p_value", "p_holm"), ("lr_p_value", "lr_p_holm"), ("po_p_value", "po_p_holm")):
        assert adjusted in ordinal and (ordinal[adjusted].dropna() >= ordinal[p].dropna() - 1e-12).all()
    assert ordinal["po_holds"].notna().all()
    stay = outs.tables["stay_logistic"]
    assert {"family", "p_holm"} <= set(stay.columns) and stay["p_holm"].iloc[0] == stay["p_value"].iloc[0]


def test_a_failing_proportional_odds_assumption_is_said():
    # GI answers at both ends of ps_needed, JZ and LT in the middle.
    data = _wave({"GI": 24, "JZ": 17, "LT": 16})
    frame = data.respondents.copy()
    labels = categories(CB.item("ps_needed"))
    values = [labels[0]] * 20 + [labels[4]] * 20 + [labels[2]] * 10
    values += [labels[1], labels[2], labels[2], labels[3]] * 25
    frame["ps_needed"] = pd.Categorical(values, categories=labels, ordered=True)
    from peo.tables.grouptests import ordinal_models

    table = ordinal_models(dataclasses.replace(data, respondents=frame), ["ps_needed"], family="f")
    assert not table["po_holds"].any() and table["po_p_value"].iloc[0] < 0.001
    assert "De aanname van proportionele odds geldt niet" in table["note"].iloc[0]


def test_response_table_writes_whole_numbers(significant):
    # The data package types population as integer: "430.0" would not read back (PackageError).
    space, _ = SECTIONS["significant"]
    table = space.tables["response"]
    assert str(table["population"].dtype) == "Int64"
    assert ",430," in table.to_csv(index=False) and "430.0" not in table.to_csv(index=False)


def test_a_weighted_share_that_would_give_back_a_hidden_group_cell_is_hidden_but_keeps_its_n():
    # The weighted total is sum(W_h p_h): with one group's headline cell hidden in space_by_group,
    # the weighted share is hidden (secondary suppression). Its n is the total's n, published in
    # space_by_group, so hiding it there would only contradict that table (check-publication).
    from peo.tables.weighted import weighted_table

    data = _wave({"GI": 35, "JZ": 12, "LT": 10})
    space, _ = SECTIONS["significant"]
    by_group = pd.DataFrame(space.tables["space_by_group"]).copy()
    gi_head = (by_group["item"] == "ps_needed") & (by_group["group"] == "GI") & (by_group["box"] != "rest")
    by_group.loc[gi_head, "suppressed"] = True
    table = weighted_table(data, ["ps_general", "ps_needed"], by_group)
    row = table[table["item"] == "ps_needed"].iloc[0]
    assert bool(row["suppressed"]) and pd.isna(row["share"]) and pd.isna(row["ci_low"])
    assert int(row["n"]) == 150 and row["note"] == "verborgen om een andere cel te beschermen"
    other = table[table["item"] == "ps_general"].iloc[0]
    assert not bool(other["suppressed"]) and not pd.isna(other["share"])
