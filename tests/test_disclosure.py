"""Tests of peo.tables.disclosure: one test per rule, then property-based tests (hypothesis).

The rules follow ACRO (AI-SDC/ACRO): ``acro/default.yaml`` sets ``safe_threshold: 10`` and
``zeros_are_disclosive: True``; ``acro_tables.create_crosstab_masks`` flags a frequency
cell when ``count < THRESHOLD`` (zeros included) after ``delete_empty_rows_columns`` has
removed rows that are zero everywhere. The expected patterns below are worked out by hand
from those rules and from the margins (a hidden value alone in its row or column is the
margin minus the published values).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from peo.survey import config
from peo.tables.disclosure import (
    NOTES_NL,
    ProtectedTable,
    check_published,
    for_figure,
    group_sizes,
    protect,
    protect_rows,
    publish,
)
from peo.errors import DisclosureError, PeoError

GROUPS = ("GI", "JZ", "LT", "OV")


# ------------------------------------------------------------------------------ helpers
def distribution(counts: dict[str, list[int]], item: str = "ps_general") -> pd.DataFrame:
    """A distribution table (shared column names) with the totaal group = sum of groups."""
    k = len(next(iter(counts.values())))
    allc = dict(counts)
    allc["totaal"] = [sum(c[i] for c in counts.values()) for i in range(k)]
    rows = []
    for g, cs in allc.items():
        n = sum(cs)
        for code, c in enumerate(cs, start=1):
            rows.append(
                {
                    "item": item,
                    "item_label": "In het algemeen genoeg ruimte",
                    "group": g,
                    "answer_code": code,
                    "answer_label": f"antwoord {code}",
                    "n": n,
                    "count": c,
                    "share": c / n if n else np.nan,
                }
            )
    return pd.DataFrame(rows)


def grid(frame: pd.DataFrame, value: str = "count", row: str = "answer_code") -> pd.DataFrame:
    """The 2-D view cells × groups of one item, with the n row appended."""
    plain = pd.DataFrame(frame)
    g = plain.pivot(index=row, columns="group", values=value)
    n = plain.groupby("group", sort=False)["n"].first()
    g.loc["n"] = n
    return g


def hidden_grid(frame: pd.DataFrame, row: str = "answer_code") -> pd.DataFrame:
    """True where count (cell rows) or n (n row) is hidden."""
    plain = pd.DataFrame(frame)
    g = plain.pivot(index=row, columns="group", values="count").isna()
    g.loc["n"] = plain.groupby("group", sort=False)["n"].first().isna()
    return g.astype(bool)


# -------------------------------------------------------------------- rule 1 and 2: cells
def test_counts_below_threshold_are_hidden_and_the_threshold_itself_is_shown():
    # four small cells in a rectangle protect each other: nothing else is needed
    t = distribution({"GI": [9, 5, 40], "JZ": [8, 7, 40], "LT": [10, 30, 40]})
    p = protect(t, threshold=10)
    h = hidden_grid(p)
    assert h.loc[[1, 2], ["GI", "JZ"]].all(axis=None)
    assert h.sum().sum() == 4
    assert not h.loc[1, "LT"]  # exactly 10 is shown (ACRO: count < threshold)
    assert p.loc[(p.group == "GI") & (p.answer_code == 1), ["count", "share"]].isna().all(axis=None)
    assert p.loc[(p.group == "LT") & (p.answer_code == 1), "count"].item() == 10


def test_zeros_are_disclosive_by_default_as_in_acro():
    t = distribution({"GI": [0, 20, 30], "JZ": [10, 20, 30], "LT": [12, 13, 35]})
    assert hidden_grid(protect(t)).loc[1, "GI"]
    shown = protect(t, zeros_are_disclosive=False)
    assert shown.loc[(shown.group == "GI") & (shown.answer_code == 1), "count"].item() == 0


def test_an_answer_nobody_chose_is_published_as_zero():
    # ACRO deletes rows that are zero everywhere; publishing 0 says the same.
    t = distribution({"GI": [0, 20, 30], "JZ": [0, 20, 30], "LT": [0, 13, 35]})
    p = protect(t)
    assert (p.loc[p.answer_code == 1, "count"] == 0).all()
    assert not p["suppressed"].any()


# ----------------------------------------------------------------------- rule 3: groups
def test_a_small_group_is_hidden_whole_and_its_n_cannot_be_recovered_from_the_total():
    t = distribution({"GI": [12, 20, 30], "JZ": [11, 20, 30], "LT": [2, 3, 3]})
    p = protect(t)
    lt = p[p.group == "LT"]
    assert lt[["n", "count", "share"]].isna().all(axis=None) and lt["suppressed"].all()
    # n(LT) = n(totaal) - n(GI) - n(JZ) unless a second n is hidden too
    n_hidden = p.groupby("group")["n"].first().isna()
    assert n_hidden["LT"] and n_hidden.sum() >= 2
    # a group whose n is hidden shows no share: share = count / n would give n back
    assert p.loc[p["n"].isna(), "share"].isna().all()
    assert check_published(p, 10) == []


def test_a_group_of_zero_respondents_is_hidden():
    t = distribution({"GI": [12, 20, 30], "JZ": [0, 0, 0], "LT": [15, 20, 30]})
    p = protect(t)
    assert p.loc[p.group == "JZ", "n"].isna().all()


# ----------------------------------------------------------------- rule 4: secondary
def test_a_hidden_cell_alone_in_its_row_and_column_gets_partners():
    # GI=5 is the only small cell: the totaal row and the GI column would give it back.
    t = distribution({"GI": [5, 20, 30], "JZ": [11, 20, 30], "LT": [12, 25, 35]})
    h = hidden_grid(protect(t))
    assert h.loc[1, "GI"]
    # next-smallest in row 1 is JZ=11; then column JZ has one hidden: its next-smallest, 20
    # (row 2); then row 2 has one hidden: GI=20 (smaller than LT=25); column GI then has
    # two hidden and every line is closed.
    expected = pd.DataFrame(False, index=h.index, columns=h.columns)
    for cell in [(1, "GI"), (1, "JZ"), (2, "JZ"), (2, "GI")]:
        expected.loc[cell] = True
    pd.testing.assert_frame_equal(h, expected, check_names=False)


def test_a_chain_through_the_margins_is_caught_by_the_linear_programme():
    # Rows 1 and 2: (GI, JZ) small, hidden in pairs; every line has 0 or 2 hidden cells,
    # but the hidden zeros can only move if something else can give way. The LP audit
    # guarantees that every hidden value has a feasible interval of positive width.
    t = distribution({"GI": [0, 0, 40], "JZ": [0, 3, 40], "LT": [20, 30, 40]})
    p = protect(t)
    for cell, (lo, hi) in _attacker_intervals(p, t).items():
        assert hi - lo > 0.5, (cell, lo, hi)


def test_non_exhaustive_boxes_keep_the_headline_share():
    # A box table has "agree" and "disagree" only; the neutral answers are not in it, so
    # n - agree - disagree is not published and one hidden box is not given back.
    rows = []
    data = {"GI": (40, 3, 50), "JZ": (38, 4, 50), "LT": (30, 12, 50)}
    tot = tuple(sum(v[i] for v in data.values()) for i in range(3))
    for g, (agree, disagree, n) in {**data, "totaal": tot}.items():
        rows += [
            {"item": "ps_relation", "box": "agree", "group": g, "n": n, "count": agree, "share": agree / n},
            {"item": "ps_relation", "box": "disagree", "group": g, "n": n, "count": disagree, "share": disagree / n},
        ]
    p = protect(pd.DataFrame(rows), cells=("item", "box"))
    h = hidden_grid(p, row="box")
    assert h.loc["disagree", "GI"] and h.loc["disagree", "JZ"]
    assert not h.loc["agree"].any() and not h.loc["n"].any()


def test_multiple_choice_counts_overlap_so_columns_have_no_margin():
    rows = []
    data = {"GI": (25, 20, 5), "JZ": (24, 22, 12), "LT": (26, 21, 15)}
    for g, cs in {**data, "totaal": tuple(map(sum, zip(*data.values())))}.items():
        n = 30 if g != "totaal" else 90
        rows += [{"item": "barriers", "option": o, "group": g, "n": n, "count": c} for o, c in zip("ABC", cs)]
    h = hidden_grid(protect(pd.DataFrame(rows), cells=("item", "option")), row="option")
    assert h.loc["C", "GI"] and h.loc["C", "JZ"]  # row partner: the next-smallest, 12
    assert not h.loc[["A", "B"]].any(axis=None)  # no column margin: A and B stay


def test_tables_are_protected_per_item():
    t = pd.concat(
        [
            distribution({"GI": [5, 20, 30], "JZ": [11, 20, 30], "LT": [12, 25, 35]}, item="a"),
            distribution({"GI": [15, 20, 30], "JZ": [11, 20, 30], "LT": [12, 25, 35]}, item="b"),
        ],
        ignore_index=True,
    )
    p = protect(t)
    assert p.loc[p.item == "a", "suppressed"].sum() == 4
    assert not p.loc[p.item == "b", "suppressed"].any()


# -------------------------------------------------------------------- threshold per wave
def test_the_threshold_comes_from_the_wave_and_changes_the_result():
    assert config.load_wave("2022").threshold == 10
    t = distribution({"GI": [7, 20, 30], "JZ": [7, 20, 30], "LT": [12, 25, 35]})
    assert protect(t, threshold=10)["suppressed"].any()
    assert not protect(t, threshold=5)["suppressed"].any()


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "10", None])
def test_a_bad_threshold_is_refused(bad):
    with pytest.raises(DisclosureError, match="threshold"):
        protect(distribution({"GI": [12, 20]}), threshold=bad)


# ---------------------------------------------------------------- rule 7: crossings
@pytest.mark.parametrize("item", ["function", "years_experience", "years_experience_class"])
def test_employer_type_by_function_or_experience_is_refused(item):
    t = distribution({"GI": [12, 20], "JZ": [12, 20]}, item=item)
    with pytest.raises(DisclosureError, match="No table crosses employer type with function or years of experience"):
        protect(t)


def test_crossing_columns_are_refused_also_for_rows_and_tests():
    t = pd.DataFrame({"employer_type": ["GI", "JZ"], "function": [1, 2], "n": [20, 30], "count": [20, 30]})
    with pytest.raises(DisclosureError, match="small region"):
        protect(t, cells=("function",), group="employer_type", table_keys=())
    tests = pd.DataFrame({"item": ["years_experience"], "n": [150], "statistic": [3.2], "p_value": [0.2]})
    with pytest.raises(DisclosureError, match="small region"):
        protect_rows(tests, 10, by_employer_type=True)
    # the same items for all respondents together are fine
    alone = distribution({"totaal": [30, 40]}, item="function")
    alone = alone[alone.group == "totaal"]
    assert not protect(alone)["suppressed"].any()
    assert not protect_rows(tests, 10)["suppressed"].any()
    # answers by function (not by employer type) are fine as well
    by_function = pd.DataFrame(
        {"item": "ps_general", "function": [1, 2], "answer_code": 4, "n": [20, 30], "count": [15, 20]}
    )
    assert not protect(by_function, group="function")["suppressed"].any()


# ------------------------------------------------------------------------ protect_rows
def test_protect_rows_blanks_rows_below_the_threshold_and_a_pool_partner():
    summary = pd.DataFrame(
        {
            "item": ["years_total"] * 0 + ["space"] * 4,
            "group": ["GI", "JZ", "LT", "totaal"],
            "n": [40, 30, 6, 76],
            "mean": [3.1, 3.4, 2.0, 3.2],
            "sd": [0.8, 0.7, 0.9, 0.8],
        }
    )
    p = protect_rows(summary, 10)
    assert p["suppressed"].tolist() == [False, True, True, False]  # LT small, JZ next-smallest
    assert p.loc[p.suppressed, ["n", "mean", "sd"]].isna().all(axis=None)
    tests = pd.DataFrame(
        {"item": ["a", "b"], "n_GI": [30, 30], "n_JZ": [30, 8], "n_LT": [30, 30], "statistic": [1.0, 2.0]}
    )
    p = protect_rows(tests, 10, count_cols=("n_GI", "n_JZ", "n_LT"))
    assert p["suppressed"].tolist() == [False, True]
    assert pd.isna(p.loc[1, "statistic"]) and p.loc[0, "statistic"] == 1.0


# ------------------------------------------------------- rule 8: group sizes of a wave
def test_a_small_group_gets_a_complement_so_the_total_does_not_give_it_back():
    # Issue 11: "Geanalyseerd: 106 respondenten (GI -, JZ 50, LT 50)" gave GI = 6 back.
    sizes = group_sizes({"GI": 6, "JZ": 50, "LT": 50}, 10)
    assert sizes.published() == {"GI": None, "JZ": None, "LT": 50}
    assert sizes.hidden == {"GI": "primary", "JZ": "secondary"}  # tie 50/50: by name
    assert sizes.published_total() == 106
    # what an attacker knows: GI + JZ = 106 - 50 = 56, each between 0 and 56
    assert 106 - 50 > 10


def test_hidden_groups_that_together_are_below_the_threshold_take_a_third():
    sizes = group_sizes({"GI": 3, "JZ": 5, "LT": 98}, 10)
    assert sizes.hidden == {"GI": "primary", "JZ": "primary", "LT": "secondary"}
    assert sizes.published_total() == 106


def test_no_group_hidden_when_every_group_reaches_the_threshold():
    sizes = group_sizes({"GI": 10, "JZ": 50, "LT": 0}, 10)
    assert sizes.hidden == {"LT": "primary", "GI": "secondary"}  # an empty group is hidden too
    assert group_sizes({"GI": 10, "JZ": 11, "LT": 12}, 10).hidden == {}
    assert group_sizes({"GI": 4}, 10).hidden == {"GI": "primary", "totaal": "primary"}


def test_hidden_groups_are_hidden_whole_in_a_table_with_their_reason():
    t = distribution({"GI": [12, 20, 30], "JZ": [11, 20, 30], "LT": [20, 30, 40]})
    p = protect(t, hidden_groups={"GI": "primary", "JZ": "secondary"})
    for g, reason in (("GI", "primary"), ("JZ", "secondary")):
        rows = p[p.group == g]
        assert rows[["n", "count", "share"]].isna().all(axis=None)
        assert (rows["suppression"] == reason).all()
    assert (p.loc[p.group.isin(["LT", "totaal"]), "suppression"] == "").all()
    rows = protect_rows(
        pd.DataFrame({"item": ["x"] * 4, "group": ["GI", "JZ", "LT", "totaal"], "n": [12, 11, 20, 43], "mean": 1.0}),
        10,
        hidden_groups={"GI": "primary", "JZ": "secondary"},
    )
    assert rows["suppression"].tolist() == ["primary", "secondary", "", ""]
    assert rows.loc[:1, ["n", "mean"]].isna().all(axis=None)


def test_primary_and_secondary_suppression_are_told_apart():
    # GI=5 is small (primary); its partners (JZ=11 and the cells that close the lines) are secondary.
    p = protect(distribution({"GI": [5, 20, 30], "JZ": [11, 20, 30], "LT": [12, 25, 35]}))
    why = p.set_index(["answer_code", "group"])["suppression"]
    assert why[(1, "GI")] == "primary"
    assert why[(1, "JZ")] == why[(2, "JZ")] == why[(2, "GI")] == "secondary"
    assert set(p.loc[~p.suppressed, "suppression"]) == {""}
    # a small group is primary on every row
    q = protect(distribution({"GI": [12, 20, 30], "JZ": [11, 20, 30], "LT": [2, 3, 3]}))
    assert (q.loc[q.group == "LT", "suppression"] == "primary").all()


def test_a_row_nobody_chose_is_zero_also_for_a_hidden_group():
    # The zero rule's exception: 0 in every group is published; a hidden group's 0 follows
    # from the total's 0, so hiding it would only pretend.
    t = distribution({"GI": [0, 3, 3], "JZ": [0, 20, 30], "LT": [0, 25, 35]})
    p = protect(t)
    assert (p.loc[p.answer_code == 1, "count"] == 0).all()
    assert p.loc[p.group == "GI", "n"].isna().all()


# ---------------------------------------------------------------------------- publish
def test_publish_writes_a_deterministic_csv(tmp_path):
    t = distribution({"GI": [5, 20, 30], "JZ": [11, 20, 30], "LT": [12, 25, 35]})[
        ["item", "group", "answer_code", "n", "count"]
    ]
    p = protect(t)
    a = publish(p, tmp_path / "a" / "dist.csv")
    b = publish(protect(t), tmp_path / "b.csv")
    raw = a.read_bytes()
    assert raw == b.read_bytes() and b"\r" not in raw
    lines = raw.decode("utf-8").split("\n")
    assert lines[0] == "item,group,answer_code,n,count,suppressed,suppression"
    assert lines[1] == "ps_general,GI,1,55,,True,primary"  # hidden count: an empty field
    assert lines[3] == "ps_general,GI,3,55,30,False,"
    assert check_published(a, 10) == []


def test_publish_refuses_a_plain_frame_and_an_edited_or_combined_protected_one(tmp_path):
    t = distribution({"GI": [5, 20, 30], "JZ": [11, 20, 30], "LT": [12, 25, 35]})
    with pytest.raises(DisclosureError, match="did not pass disclosure control"):
        publish(t, tmp_path / "x.csv")
    p = protect(t)
    with pytest.raises(DisclosureError, match="did not pass"):
        publish(pd.DataFrame(p), tmp_path / "x.csv")  # same values, but not sealed
    edited = p.copy()
    edited.loc[0, "count"] = 5
    with pytest.raises(DisclosureError, match="changed after"):
        publish(edited, tmp_path / "x.csv")
    with pytest.raises(DisclosureError, match="changed after"):
        publish(p[p.group != "LT"], tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()
    assert isinstance(DisclosureError("x"), PeoError)
    # protect again after the change: fine
    publish(protect(pd.concat([p, p.assign(item="b")], ignore_index=True)), tmp_path / "ok.csv")


def test_a_fake_seal_does_not_pass(tmp_path):
    fake = ProtectedTable(distribution({"GI": [1, 2]}))
    fake._peo_threshold = 10
    fake._peo_seal = "0" * 64
    with pytest.raises(DisclosureError):
        publish(fake, tmp_path / "x.csv")


# --------------------------------------------------------------------- check_published
def test_check_published_finds_small_numbers_and_shares_that_give_counts_back(tmp_path):
    bad = tmp_path / "bad.csv"
    pd.DataFrame(
        {
            "item": ["a", "a", "a", "a"],
            "group": ["GI", "JZ", "LT", "totaal"],
            "n": [40, 40, 7, 87],
            "count": [3, None, 0, 30],
            "share": [0.075, 0.4, 0.0, 0.34],
        }
    ).to_csv(bad, index=False)
    found = check_published(bad, 10)
    assert [(f.row, f.column) for f in found] == [(0, "count"), (1, "share"), (2, "n")]
    assert "below the threshold 10" in str(found[0])


# ---------------------------------------------------------------------------- figures
def test_for_figure_drops_suppressed_groups_with_a_dutch_note():
    rows = []
    for g, (agree, n) in {"GI": (40, 50), "JZ": (30, 45), "LT": (5, 8)}.items():
        rows.append(
            {"item": "ps_general", "item_label": "Algemeen", "box": "agree", "group": g, "n": n, "count": agree}
        )
    p = protect(pd.DataFrame(rows), cells=("item", "box"))
    frame, notes = for_figure(p)
    assert frame["group"].tolist() == ["GI", "JZ"]
    assert notes == ["LT: te weinig respondenten om te tonen (minder dan 10)"]
    assert notes[0] == NOTES_NL["group"].format(group="LT", threshold=10)
    assert "suppressed" not in frame.columns and not isinstance(frame, ProtectedTable)
    with pytest.raises(DisclosureError):
        for_figure(pd.DataFrame(rows))
    # with the totaal published, LT's n = n(totaal) - n(GI) - n(JZ): a second group goes
    rows.append(
        {"item": "ps_general", "item_label": "Algemeen", "box": "agree", "group": "totaal", "n": 103, "count": 75}
    )
    frame, notes = for_figure(protect(pd.DataFrame(rows), cells=("item", "box")))
    assert set(frame["group"]) == {"GI", "totaal"}  # JZ has the smaller n: it goes
    assert [x.split(":")[0] for x in notes] == ["JZ", "LT"]


def test_for_figure_names_the_items_when_a_group_is_left_out_of_some_bars_only():
    rows = []
    for item, lt in (("a", (30, 40)), ("b", (5, 8))):
        for g, (agree, n) in {"GI": (40, 50), "JZ": (30, 50), "LT": lt}.items():
            rows.append(
                {"item": item, "item_label": f"Vraag {item}", "box": "agree", "group": g, "n": n, "count": agree}
            )
    _, notes = for_figure(protect(pd.DataFrame(rows), cells=("item", "box")))
    assert notes == ["LT bij 'Vraag b': te weinig respondenten om te tonen (minder dan 10)"]


# ------------------------------------------------------------------------- bad tables
def test_bad_tables_get_clear_errors():
    t = distribution({"GI": [12, 20], "JZ": [12, 20]})
    with pytest.raises(DisclosureError, match="no column 'count'"):
        protect(t.drop(columns="count"))
    with pytest.raises(DisclosureError, match="appears twice"):
        protect(pd.concat([t, t.iloc[[0]]]))
    with pytest.raises(DisclosureError, match="incomplete"):
        protect(t.drop(index=1))
    with pytest.raises(DisclosureError, match="missing in row"):
        protect(t.assign(count=t["count"].astype("Float64").mask(t.index == 0)))
    with pytest.raises(DisclosureError, match="n is not the same"):
        protect(t.assign(n=t["n"].mask(t.index == 0, 99)))


# ------------------------------------------------------------------ property-based tests
@st.composite
def random_tables(draw):
    """2-6 answer cells × 1-4 groups + totaal, counts with many zeros and small numbers."""
    n_cells = draw(st.integers(2, 6))
    n_groups = draw(st.integers(1, 4))
    value = st.one_of(st.integers(0, 3), st.integers(0, 14), st.integers(0, 60))
    counts = {g: draw(st.lists(value, min_size=n_cells, max_size=n_cells)) for g in GROUPS[:n_groups]}
    threshold = draw(st.sampled_from([3, 5, 10]))
    return distribution(counts), threshold


def _attacker_intervals(published: pd.DataFrame, truth: pd.DataFrame) -> dict:
    """Min and max of every hidden value given only what is published (scipy linprog).

    The attacker knows that totaal = sum of the groups (each row, and the n row) and that
    n = sum of the cells (each column). Rows that are zero everywhere are left out of the
    result: ACRO deletes them, the published totaal 0 gives them away on purpose.
    """
    shown = grid(published).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    g = grid(published)
    cols = list(g.columns)
    T = cols.index("totaal")
    R = shown.shape[0] - 1
    empty = grid(truth).to_numpy()[:R, T] == 0
    hidden = list(zip(*np.nonzero(np.isnan(shown))))
    index = {e: k for k, e in enumerate(hidden)}
    lines = [[((r, c), 1.0) for c in range(len(cols)) if c != T] + [((r, T), -1.0)] for r in range(R + 1)]
    lines += [[((r, c), 1.0) for r in range(R)] + [((R, c), -1.0)] for c in range(len(cols))]
    a = np.zeros((len(lines), len(hidden)))
    b = np.zeros(len(lines))
    for k, line in enumerate(lines):
        for e, coef in line:
            if e in index:
                a[k, index[e]] = coef
            else:
                b[k] -= coef * shown[e]
    out = {}
    for e, k in index.items():
        if e[0] < R and empty[e[0]]:
            continue
        cost = np.zeros(len(hidden))
        cost[k] = 1.0
        lo = linprog(cost, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        hi = linprog(-cost, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        assert lo.status == 0, lo.message
        out[(g.index[e[0]], cols[e[1]])] = (lo.fun, np.inf if hi.status == 3 else -hi.fun)
    return out


PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(random_tables())
def test_property_nothing_below_the_threshold_is_published(case):
    table, threshold = case
    p = protect(table, threshold=threshold)
    count = p["count"].astype("Float64")
    n = p["n"].astype("Float64")
    assert not ((count > 0) & (count < threshold)).fillna(False).any()
    assert not (n < threshold).fillna(False).any()
    assert p.loc[count.isna() | n.isna(), "share"].isna().all()
    assert check_published(p, threshold) == []


@PROPERTY
@given(random_tables())
def test_property_no_hidden_value_can_be_recovered_from_the_margins(case):
    table, threshold = case
    p = protect(table, threshold=threshold)
    h = hidden_grid(p).to_numpy()
    truth = grid(table)
    empty = (truth["totaal"] == 0).to_numpy().copy()
    if truth.loc["n", "totaal"] == 0:  # nobody answered at all: the published total 0 says so
        assert (pd.to_numeric(p["count"]).fillna(0) == 0).all()
        return
    empty[-1] = False  # the n row
    for r in range(h.shape[0]):  # rows (and the n row), but not the answers nobody gave
        if not empty[r]:
            assert h[r].sum() in (0,) or h[r].sum() >= 2, (truth.index[r], h[r])
    for c in range(h.shape[1]):
        assert h[:, c].sum() == 0 or h[:, c].sum() >= 2, (truth.columns[c], h[:, c])
    for cell, (lo, hi) in _attacker_intervals(p, table).items():
        assert hi - lo > 0.5, (cell, lo, hi)  # LP vertices are whole numbers: width >= 1


@PROPERTY
@given(random_tables())
def test_property_protect_is_deterministic_and_idempotent(case):
    table, threshold = case
    once = protect(table, threshold=threshold)
    pd.testing.assert_frame_equal(pd.DataFrame(once), pd.DataFrame(protect(table.copy(), threshold=threshold)))
    pd.testing.assert_frame_equal(pd.DataFrame(once), pd.DataFrame(protect(once, threshold=threshold)))
    # a published table read back as a plain frame: nothing more to hide
    again = protect(pd.DataFrame(once), threshold=threshold)
    pd.testing.assert_frame_equal(pd.DataFrame(once), pd.DataFrame(again))


@PROPERTY
@given(random_tables(), st.integers(0, 10_000))
def test_property_publish_refuses_unprotected_and_edited_tables(case, where):
    table, threshold = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        with pytest.raises(DisclosureError):
            publish(table, path)
        p = protect(table, threshold=threshold)
        edited = p.copy()
        row = where % len(edited)
        edited.loc[row, "answer_label"] = edited.loc[row, "answer_label"] + " (bewerkt)"
        with pytest.raises(DisclosureError):
            publish(edited, path)
        assert not path.exists()
        publish(p, path)
        assert check_published(path, threshold) == []


def test_the_response_sentence_says_which_group_sizes_are_withheld_and_why():
    from peo.report.summary import response_text

    sizes = group_sizes({"GI": 6, "JZ": 74, "LT": 70}, 10)
    kf = {
        "threshold": 10,
        "response": {"analysed": sizes.published_total(), "by_group": sizes.published(), "withheld": sizes.hidden},
    }
    text = response_text(kf)
    assert text.startswith("150 professionals in de analyse (GI –, JZ 74, LT –;")
    assert "GI: te weinig respondenten (minder dan 10)" in text
    assert "LT: verborgen om een andere cel te beschermen" in text
    assert "niet" not in response_text({"response": {"analysed": 150, "by_group": {"GI": 50}}})


def test_a_model_with_a_small_or_hidden_group_is_withheld_with_the_reason():
    from peo.tables.derived import withhold_small_group_models

    df = pd.DataFrame(
        {"employer_type": ["GI"] * 6 + ["JZ"] * 40 + ["LT"] * 40, "ps_needed": [1] * 86, "stay": [1] * 86}
    )
    df.loc[:2, "stay"] = np.nan  # only 3 GI answered "stay"
    models = pd.DataFrame(
        {
            "item": ["ps_needed", "ps_needed"],
            "group": ["JZ", "LT"],
            "reference": "GI",
            "odds_ratio": [1.4, 0.8],
            "p_value": [0.2, 0.5],
            "n": [86, 86],
            "note": ["", ""],
        }
    )
    out = withhold_small_group_models(models, df, "employer_type", 10)
    assert out["odds_ratio"].isna().all() and out["p_value"].isna().all() and (out["n"] == 86).all()
    assert (out["suppression"] == "primary").all() and out["note"].str.contains("referentiegroep").all()
    # big enough everywhere, but a group the wave hides (rule 8): withheld as secondary
    df2 = df.assign(employer_type=["GI"] * 12 + ["JZ"] * 34 + ["LT"] * 40)
    out = withhold_small_group_models(models, df2, "employer_type", 10, {"GI": "secondary"})
    assert out["odds_ratio"].isna().all() and (out["suppression"] == "secondary").all()
    kept = withhold_small_group_models(models, df2, "employer_type", 10)
    assert kept["odds_ratio"].tolist() == [1.4, 0.8] and not kept["suppressed"].any()
    # one model over several columns: the group sizes among those with every value
    logit = pd.DataFrame({"term": ["space"], "odds_ratio": [1.9], "n": [83]})
    out = withhold_small_group_models(logit, df, "employer_type", 10, variables={"stay": ["stay"]})
    assert out["odds_ratio"].isna().all() and out["suppressed"].all()
    # published through protect_rows, the withheld rows stay hidden with their reason
    sealed = protect_rows(out, 10, table_keys=("term",), group=None)
    assert sealed["suppressed"].all() and sealed["suppression"].tolist() == ["primary"]
    assert sealed["odds_ratio"].isna().all() and sealed["n"].tolist() == [83]  # n of the model: not small


# ------------------------------------------------------------- rule 9: process counts
def test_process_counts_below_the_threshold_read_less_than_and_a_lone_one_gets_a_partner():
    from peo.tables.disclosure import protect_counts

    t = protect_counts(pd.DataFrame({"Reden": ["a", "b", "c", "d"], "Aantal": [4, 12, 30, 0]}), 10)
    # 4 alone would follow from the total (the flow gives it): 12 is hidden with it
    assert t["Aantal"].tolist() == ["minder dan 10", "x", "30", "0"]
    t = protect_counts(pd.DataFrame({"Aantal": [3, 5, 30]}), 10)
    assert t["Aantal"].tolist() == ["minder dan 10", "minder dan 10", "30"]


def test_the_flow_merges_steps_so_no_difference_is_below_the_threshold():
    from peo.tables.disclosure import protect_flow

    flow = pd.DataFrame(
        {
            "step": ["received", "consented", "completed", "valid", "analysed"],
            "label_nl": ["ontvangen", "toestemming", "afgerond", "geldig", "geanalyseerd"],
            "n": [180, 166, 163, 150, 150],
            "excluded": [0, 14, 3, 13, 0],
            "reasons": ["", "no_consent: 14", "incomplete: 3", "speeder: 3; duplicate_id: 10", ""],
        }
    )
    out = protect_flow(flow, 10).set_index("Stap")
    assert out.loc["toestemming", "Aantal"] == "166" and out.loc["toestemming", "Uitgevallen"] == "14"
    assert out.loc["afgerond", "Aantal"].startswith("samengevoegd")  # 3 left: merged with the next step
    assert out.loc["geldig", "Aantal"] == "150" and out.loc["geldig", "Uitgevallen"] == "16"
    assert out.loc["geldig", "Redenen"] == "incomplete: minder dan 10; speeder: minder dan 10; duplicate_id: 10"
    shown = [int(v) for v in out["Aantal"] if str(v).isdigit()]
    assert all(abs(a - b) == 0 or abs(a - b) >= 10 for a in shown for b in shown)
    # everything together fewer than 10: the number received is not given exactly
    few = flow.assign(n=[156, 150, 150, 150, 150], excluded=[0, 6, 0, 0, 0], reasons=["", "no_consent: 6", "", "", ""])
    out = protect_flow(few, 10).set_index("Stap")
    assert out.loc["ontvangen", "Aantal"] == "minder dan 160" and out.loc["geanalyseerd", "Aantal"] == "150"
