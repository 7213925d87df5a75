"""Tests of peo.report.plots: figures from tidy tables, palettes, contrast and deterministic output.

The input tables are built here with exactly the columns of the published tables
(docs/processed-data.md, "tables/"), labelled from the real core codebook, so these
tests do not depend on peo.stats.shares or peo.tables.disclosure.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from peo.report import plots
from peo.report.colours import INTERVAL_HALO
from peo.survey.codebook import load_codebook
from peo.errors import CodebookError, ValidationError

ROOT = Path(__file__).resolve().parent.parent
CORE_ITEMS = ["ps_general", "ps_relation", "ps_needed", "ps_reflection"]
GROUP_N = {"totaal": 148, "GI": 50, "JZ": 49, "LT": 49}


@pytest.fixture(scope="module")
def cb():
    return load_codebook([ROOT / "codebooks" / "core.yml"])


# ----------------------------------------------------------------------------- tables


def _counts(n: int, seed: int, k: int = 5) -> list[int]:
    """Deterministic counts over k answers that sum to n."""
    w = np.arange(1, k + 1, dtype=float) + (seed % 3)
    w = w / w.sum()
    c = np.floor(w * n).astype(int)
    c[-1] += n - c.sum()
    return [int(x) for x in c]


def dist_rows(cb, item: str, group: str, counts, suppressed: bool = False) -> list[dict]:
    it = cb.item(item)
    sc = it.response_scale
    n = int(sum(counts)) if counts is not None else 0
    rows = []
    for code, c in zip(sc.valid_codes, counts if counts is not None else [0] * len(sc.valid_codes)):
        rows.append(
            {
                "item": item,
                "item_label": it.short_nl,
                "group": group,
                "answer_code": code,
                "answer_label": sc.label_of(code),
                "n": np.nan if suppressed else n,
                "count": np.nan if suppressed else c,
                "share": np.nan if suppressed or n == 0 else c / n,
                "suppressed": suppressed,
            }
        )
    return rows


def dist_table(cb, groups=("totaal",), items=CORE_ITEMS, suppressed=(), empty=(), special=None) -> pd.DataFrame:
    """A distribution table; ``suppressed``/``empty`` hold (group, item) pairs."""
    special = special or {}
    rows = []
    for gi, g in enumerate(groups):
        for ii, item in enumerate(items):
            if (g, item) in special:
                counts = special[g, item]
            elif (g, item) in empty:
                counts = None
            else:
                counts = _counts(GROUP_N[g], gi + ii)
            rows += dist_rows(cb, item, g, counts, suppressed=(g, item) in suppressed)
    return pd.DataFrame(rows)


def wilson(count: int, n: int) -> tuple[float, float]:
    from statsmodels.stats.proportion import proportion_confint

    return proportion_confint(count, n, alpha=0.05, method="wilson")


def box_table(cb, shares: dict[str, dict[str, float]], suppressed=()) -> pd.DataFrame:
    rows = []
    for item, by_group in shares.items():
        it = cb.item(item)
        box = it.headline
        for g, p in by_group.items():
            n = GROUP_N[g]
            c = round(p * n)
            lo, hi = wilson(c, n)
            sup = (g, item) in suppressed
            rows.append(
                {
                    "item": item,
                    "item_label": it.short_nl,
                    "box": box,
                    "box_label": it.response_scale.boxes[box].nl,
                    "group": g,
                    "n": n,
                    "count": np.nan if sup else c,
                    "share": np.nan if sup else c / n,
                    "ci_low": np.nan if sup else lo,
                    "ci_high": np.nan if sup else hi,
                    "suppressed": sup,
                }
            )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- helpers


def all_texts(fig: Figure) -> list[str]:
    fig.draw_without_rendering()
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def title(ax) -> str:
    """Panel title (the figure style puts titles on the left)."""
    return ax.get_title(loc="left").replace("\n", " ")


def png_bytes(fig: Figure) -> bytes:
    buf = io.BytesIO()
    with plots.figure_style():
        fig.savefig(buf, **plots.SAVEFIG_KWARGS["png"])
    return buf.getvalue()


@pytest.fixture(autouse=True)
def _no_leaks():
    """Every figure function leaves pyplot's figure list and the rcParams alone."""
    before = plt.get_fignums()
    rc_before = dict(mpl.rcParams)
    yield
    assert plt.get_fignums() == before
    assert mpl.rcParams["svg.hashsalt"] == rc_before["svg.hashsalt"]
    assert mpl.rcParams["font.size"] == rc_before["font.size"]


# ================================================================ likert_diverging


def test_likert_one_bar_per_item_in_codebook_order_with_all_segments(cb):
    dist = dist_table(cb)
    # pass the items in another order: the figure keeps codebook order
    fig = plots.likert_diverging(dist, cb, items=list(reversed(CORE_ITEMS)))
    try:
        assert isinstance(fig, Figure)
        (ax,) = fig.axes
        assert len(ax.patches) == len(CORE_ITEMS) * 5
        labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
        assert labels == [cb.item(i).short_nl for i in CORE_ITEMS]
        legend = [t.get_text() for t in fig.legends[0].get_texts()]
        assert legend == cb.item("ps_general").response_scale.labels("nl")
        n_texts = [t.get_text() for t in ax.texts if t.get_text().startswith("n = ")]
        assert n_texts == ["n = 148"] * len(CORE_ITEMS)
    finally:
        plt.close(fig)


def test_likert_centred_on_neutral_and_between_halves_without_one(cb):
    dist = dist_table(cb, items=["ps_general"], special={("totaal", "ps_general"): [10, 20, 30, 25, 15]})
    fig = plots.likert_diverging(dist, cb)
    try:
        rects = fig.axes[0].patches
        assert rects[0].get_x() == pytest.approx(-45.0)  # 10 + 20 + half of 30
        assert rects[2].get_x() == pytest.approx(-15.0) and rects[2].get_width() == pytest.approx(30.0)
        assert rects[4].get_x() + rects[4].get_width() == pytest.approx(55.0)
        assert fig.axes[0].get_xlim() == (-100.0, 100.0)
        ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
        assert ticks[0] == "100%" and ticks[-1] == "100%" and "0%" in ticks
    finally:
        plt.close(fig)
    # 'stay' has four answers and no neutral: the centre lies between codes 2 and 3
    dist = dist_table(cb, items=["stay"], special={("totaal", "stay"): [10, 20, 40, 30]})
    fig = plots.likert_diverging(dist, cb)
    try:
        rects = fig.axes[0].patches
        assert len(rects) == 4
        assert rects[0].get_x() == pytest.approx(-30.0)
        assert rects[2].get_x() == pytest.approx(0.0)
        assert [r.get_facecolor() for r in rects] == [mpl.colors.to_rgba(c) for c in plots.likert_colours(4)]
    finally:
        plt.close(fig)


def test_likert_segment_labels_contrast_with_their_segment(cb):
    dist = dist_table(cb, items=["ps_general"], special={("totaal", "ps_general"): [20, 20, 20, 20, 20]})
    fig = plots.likert_diverging(dist, cb)
    try:
        ax = fig.axes[0]
        labelled = 0
        for t in ax.texts:
            if not t.get_text().endswith("%"):
                continue
            x, y = t.get_position()
            (rect,) = [r for r in ax.patches if r.get_x() <= x <= r.get_x() + r.get_width()]
            bg = mpl.colors.to_hex(rect.get_facecolor())
            assert plots.contrast_ratio(mpl.colors.to_hex(t.get_color()), bg) >= plots.MIN_TEXT_CONTRAST
            assert t.get_text() == "20%"
            labelled += 1
        assert labelled == 5
    finally:
        plt.close(fig)


def test_likert_by_group_facets_leave_out_suppressed_group_with_note(cb):
    groups = ("totaal", "GI", "JZ", "LT")
    suppressed = {("LT", i) for i in CORE_ITEMS} | {("JZ", "ps_needed")}
    dist = dist_table(cb, groups=groups, suppressed=suppressed)
    fig = plots.likert_diverging(dist, cb, by="group", title="Professionele ruimte")
    try:
        assert len(fig.axes) == 3  # totaal, GI, JZ: LT left out
        titles = [title(ax) for ax in fig.axes]
        assert titles == ["Totaal", "Gecertificeerde instelling (GI)", "Specialistische jeugdhulp (JZ)"]
        assert [len(ax.patches) for ax in fig.axes] == [20, 20, 15]
        # shared x axis
        assert fig.axes[0].get_shared_x_axes().joined(fig.axes[0], fig.axes[2])
        jz_texts = [t.get_text() for t in fig.axes[2].texts]
        assert plots.TEXT_NL["suppressed_bar"] in jz_texts
        notes = [t.get_text().replace("\n", " ") for t in fig.texts]
        assert "Niet getoond: JZ bij Ruimte om te doen wat nodig is; LT (te weinig respondenten)" in notes
        assert "LT" not in " ".join(titles)
        assert [t.get_text() for t in fig.axes[1].texts if t.get_text().startswith("n =")] == ["n = 50"] * 4
        assert "Niet getoond: JZ bij Ruimte om te doen wat nodig is; LT" in plots.alt_text(fig)
    finally:
        plt.close(fig)


def test_likert_item_without_valid_answers_says_so(cb):
    # ps_needed: every answer with n = 0 (as peo.stats.shares.distribution gives it);
    # ps_reflection: no rows at all (left out upstream): not shown, without a claim why
    dist = dist_table(cb, items=["ps_general", "ps_needed"], empty={("totaal", "ps_needed")})
    fig = plots.likert_diverging(dist, cb, items=["ps_general", "ps_needed", "ps_reflection"])
    try:
        ax = fig.axes[0]
        assert len(ax.patches) == 5
        texts = [t.get_text() for t in ax.texts]
        assert texts.count("geen geldige antwoorden") == 1
        assert texts.count("niet getoond") == 1
        assert not any("nan" in t.lower() for t in all_texts(fig))
        assert "Ruimte om te doen wat nodig is: geen geldige antwoorden" in plots.alt_text(fig)
    finally:
        plt.close(fig)


def test_likert_draws_a_table_protected_by_peo_disclosure(cb):
    from peo.tables import disclosure

    # LT has empty cells (zeros are disclosive) on ps_general only
    dist = dist_table(
        cb,
        groups=("totaal", "GI", "LT"),
        items=["ps_general", "ps_relation"],
        special={("LT", "ps_general"): [0, 0, 3, 20, 26]},
    )
    protected = disclosure.protect(dist.drop(columns="suppressed"))
    hidden = protected.groupby(["group", "item"])["suppressed"].any()
    assert hidden["LT", "ps_general"]
    fig = plots.likert_diverging(protected, cb, by="group")
    try:
        shown = [g for g in ("totaal", "GI", "LT") if not hidden[g].all()]
        assert len(fig.axes) == len(shown)
        for ax, g in zip(fig.axes, shown):
            assert len(ax.patches) == 5 * int((~hidden[g]).sum())
        assert any(t.get_text().startswith("Niet getoond:") for t in fig.texts)
    finally:
        plt.close(fig)
    # the other route: the frame of disclosure.for_figure with its notes
    frame, notes = disclosure.for_figure(protected)
    fig = plots.likert_diverging(frame, cb, by="group", notes=notes)
    try:
        note_text = " ".join(t.get_text() for t in fig.texts).replace("\n", " ")
        assert all(n in note_text for n in notes) and notes
        assert all(n.rstrip(".") in plots.alt_text(fig) for n in notes)
    finally:
        plt.close(fig)


def test_likert_alt_text_names_items_and_numbers(cb):
    dist = dist_table(
        cb,
        groups=("totaal", "GI"),
        items=["ps_general", "ps_relation"],
        special={("totaal", "ps_general"): [2, 3, 10, 60, 73], ("GI", "ps_general"): [1, 2, 4, 20, 23]},
    )
    fig = plots.likert_diverging(dist, cb, by="group")
    try:
        text = plots.alt_text(fig)
        assert text.startswith("Divergerend gestapeld staafdiagram van 2 vragen")
        assert "In het algemeen genoeg ruimte" in text and "Ruimte voor de relatie met cliënten" in text
        # 133/148 = 89.9% agree, 5/148 = 3.4% disagree; GI 43/50 = 86%, 3/50 = 6%
        assert "Totaal (helemaal) eens 90%, (helemaal) oneens 3% (n = 148)" in text
        assert "GI (helemaal) eens 86%, (helemaal) oneens 6% (n = 50)" in text
    finally:
        plt.close(fig)


def test_likert_no_english_in_the_figure(cb):
    fig = plots.likert_diverging(dist_table(cb, groups=("totaal", "GI")), cb, by="group")
    try:
        texts = " | ".join(all_texts(fig))
        english = [c.en for c in cb.item("ps_general").response_scale.codes]
        english += [cb.item(i).short_en for i in CORE_ITEMS] + ["Percentage of", "valid answers", "Not shown"]
        for word in english:
            assert word not in texts
        for t in fig.findobj(Text):
            if t.get_text():
                assert Path(mpl.font_manager.findfont(t.get_fontproperties())).name.startswith("DejaVuSans")
    finally:
        plt.close(fig)


def test_likert_bad_input_raises_typed_errors(cb):
    dist = dist_table(cb)
    with pytest.raises(ValidationError, match="share"):
        plots.likert_diverging(dist.drop(columns="share"), cb)
    with pytest.raises(CodebookError, match="different answer scales"):
        plots.likert_diverging(dist_table(cb, items=["ps_general", "work_pleasure"]), cb)
    with pytest.raises(CodebookError, match="not a Likert item"):
        plots.likert_diverging(dist, cb, items=["employer_type"])
    with pytest.raises(CodebookError, match="no item 'nope'"):
        plots.likert_diverging(dist, cb, items=["nope"])
    bad = dist.copy()
    bad.loc[0, "share"] = np.nan
    with pytest.raises(ValidationError, match="not flagged suppressed"):
        plots.likert_diverging(bad, cb)
    with pytest.raises(ValidationError, match="by='group'"):
        plots.likert_diverging(dist_table(cb, groups=("GI", "JZ")), cb)


# ================================================================== shares_by_group

HEADLINE = {
    "ps_general": {"totaal": 0.90, "GI": 0.86, "JZ": 0.92, "LT": 0.90},
    "ps_relation": {"totaal": 0.47, "GI": 0.52, "JZ": 0.41, "LT": 0.38},
}


def test_shares_by_group_bars_intervals_and_n(cb):
    table = box_table(cb, HEADLINE)
    fig = plots.shares_by_group(table, title="Kerncijfers", codebook=cb)
    try:
        assert len(fig.axes) == 2
        ax = fig.axes[1]
        assert len(ax.patches) == 4
        assert [t.get_text() for t in ax.get_yticklabels()] == [
            "Totaal (n = 148)",
            "GI (n = 50)",
            "JZ (n = 49)",
            "LT (n = 49)",
        ]
        assert title(ax) == "Ruimte voor de relatie met cliënten: (helemaal) oneens"
        assert ax.get_xlim() == (0.0, 100.0)
        widths = [r.get_width() for r in ax.patches]
        sub = table[table["item"] == "ps_relation"]
        assert widths == pytest.approx(list(sub["share"] * 100))
        # the error bars span the Wilson interval of the table
        (segments,) = [c for c in ax.collections if len(c.get_segments()) == 4]
        spans = [x for s in segments.get_segments() for x in (s[0][0], s[1][0])]
        assert np.array(spans) / 100 == pytest.approx(
            np.column_stack([sub["ci_low"], sub["ci_high"]]).ravel(), rel=1e-9
        )
        colours = [mpl.colors.to_hex(r.get_facecolor()).lower() for r in ax.patches]
        assert colours == [c.lower() for c in plots.group_colours(["totaal", "GI", "JZ", "LT"]).values()]
        text = plots.alt_text(fig)
        # 26/50 = 52%, 20/49 = 41%, 19/49 = 39%
        assert "Ruimte voor de relatie met cliënten: (helemaal) oneens: Totaal 47%" in text
        assert "GI 52%" in text and "JZ 41%" in text and "LT 39%" in text
    finally:
        plt.close(fig)


def test_shares_by_group_suppressed_group_left_out_with_note(cb):
    suppressed = {("LT", "ps_general"), ("LT", "ps_relation")}
    fig = plots.shares_by_group(box_table(cb, HEADLINE, suppressed=suppressed), codebook=cb)
    try:
        for ax in fig.axes:
            assert len(ax.patches) == 3
            assert not any(t.get_text().startswith("LT") for t in ax.get_yticklabels())
        assert "Niet getoond: LT (te weinig respondenten)" in [t.get_text() for t in fig.texts]
        assert plots.alt_text(fig).endswith("Niet getoond: LT (te weinig respondenten).")
    finally:
        plt.close(fig)


def test_shares_by_group_missing_column(cb):
    with pytest.raises(ValidationError, match="ci_high"):
        plots.shares_by_group(box_table(cb, HEADLINE).drop(columns="ci_high"))


# ================================================================ outcomes_by_space


def space_table(suppress=None) -> pd.DataFrame:
    spec = [
        ("work_pleasure", "Werkplezier", "(heel) veel", [0.44, 0.65, 0.84]),
        ("workload", "Ervaren werkdruk", "(veel) te hoog", [0.80, 0.60, 0.44]),
        ("stay", "Over een jaar nog in de jeugdhulp", "(waarschijnlijk) wel", [0.70, 0.82, 0.90]),
    ]
    levels = ["weinig ruimte", "gemiddeld", "veel ruimte"]
    rows = []
    for oc, label, box, ps in spec:
        # levels in reverse: their order must come from the categories
        for lv, n, p in reversed(list(zip(levels, [45, 52, 50], ps))):
            c = round(n * p)
            lo, hi = wilson(c, n)
            sup = suppress == (oc, lv)
            rows.append(
                {
                    "space_level": lv,
                    "outcome": oc,
                    "outcome_label": label,
                    "box_label": box,
                    "n": n,
                    "count": np.nan if sup else c,
                    "share": np.nan if sup else c / n,
                    "ci_low": np.nan if sup else lo,
                    "ci_high": np.nan if sup else hi,
                    "suppressed": sup,
                }
            )
    df = pd.DataFrame(rows)
    df["space_level"] = pd.Categorical(df["space_level"], categories=levels, ordered=True)
    return df


def test_outcomes_by_space_one_panel_per_outcome():
    fig = plots.outcomes_by_space(space_table(), title="Uitkomsten")
    try:
        assert len(fig.axes) == 3
        assert [title(ax) for ax in fig.axes] == [
            "Werkplezier: (heel) veel",
            "Ervaren werkdruk: (veel) te hoog",
            "Over een jaar nog in de jeugdhulp: (waarschijnlijk) wel",
        ]
        ax = fig.axes[0]
        assert len(ax.patches) == 3
        heights = [r.get_height() for r in sorted(ax.patches, key=lambda r: r.get_x())]
        assert heights == pytest.approx([20 / 45 * 100, 34 / 52 * 100, 42 / 50 * 100])
        ticks = [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()]
        assert ticks == ["weinig ruimte (n = 45)", "gemiddeld (n = 52)", "veel ruimte (n = 50)"]
        assert ax.get_ylim() == (0.0, 100.0)
        text = plots.alt_text(fig)
        assert "Werkplezier: (heel) veel: weinig ruimte 44% (n = 45), gemiddeld 65% (n = 52), veel ruimte 84%" in text
    finally:
        plt.close(fig)


def test_outcomes_by_space_suppressed_cell_and_bad_levels():
    fig = plots.outcomes_by_space(space_table(suppress=("stay", "weinig ruimte")))
    try:
        assert [len(ax.patches) for ax in fig.axes] == [3, 3, 2]
        notes = " ".join(t.get_text() for t in fig.texts).replace("\n", " ")
        assert "Niet getoond: weinig ruimte bij Over een jaar nog in de jeugdhulp (te weinig respondenten)" in notes
    finally:
        plt.close(fig)
    with pytest.raises(ValidationError, match="not in 'levels'"):
        plots.outcomes_by_space(space_table(), levels=["weinig ruimte", "veel ruimte"])


# ======================================================== multi_choice and theme_bars


def multi_table(cb_theme) -> pd.DataFrame:
    it = cb_theme.item("t22_barriers")
    chosen = {1: 0.33, 2: 0.53, 3: 0.74, 4: 0.20, 5: 0.61}
    rows = []
    for g in ("totaal", "GI", "LT"):
        n = GROUP_N[g]
        for c in it.response_scale.codes:
            k = round(chosen[c.code] * n * (0.9 if g == "GI" else 1.0))
            lo, hi = wilson(k, n)
            rows.append(
                {
                    "item": it.id,
                    "item_label": it.short_nl,
                    "answer_code": c.code,
                    "answer_label": c.nl,
                    "group": g,
                    "n": n,
                    "count": k,
                    "share": k / n,
                    "ci_low": lo,
                    "ci_high": hi,
                    "suppressed": g == "LT",
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def cb_theme():
    return load_codebook([ROOT / "codebooks" / "core.yml", ROOT / "data" / "raw" / "2022" / "theme.yml"])


def test_multi_choice_sorted_by_share_one_panel_per_group(cb, cb_theme):
    table = multi_table(cb_theme)
    fig = plots.multi_choice(table, title="Oorzaken van werkdruk", codebook=cb)
    try:
        assert len(fig.axes) == 2  # LT suppressed
        ax = fig.axes[0]
        assert len(ax.patches) == 5
        order = [t.get_text() for t in ax.get_yticklabels()]
        assert order == [
            "Te hoge caseload",
            "Personeelstekort in het team",
            "Te weinig tijd per cliënt",
            "Regels en administratie",
            "Wachtlijsten",
        ]
        by_y = sorted(ax.patches, key=lambda r: r.get_y())
        widths = [r.get_width() for r in by_y]
        assert widths == sorted(widths, reverse=True)
        assert title(ax) == "Totaal (n = 148)"
        assert title(fig.axes[1]) == "Gecertificeerde instelling (GI) (n = 50)"
        assert "Niet getoond: LT (te weinig respondenten)" in " ".join(t.get_text() for t in fig.texts)
        assert "Te hoge caseload 74%" in plots.alt_text(fig)
    finally:
        plt.close(fig)
    two = pd.concat([table, table.assign(item="t22_solutions")])
    with pytest.raises(ValidationError, match="pass item="):
        plots.multi_choice(two)


def test_theme_bars_counts_and_shares():
    table = pd.DataFrame(
        {
            "theme": ["admin", "caseload", "reflectie"],
            "theme_label": ["Minder administratie", "Kleinere caseload", "Meer tijd voor reflectie"],
            "group": "totaal",
            "n": 90,
            "count": [30, 41, 12],
            "share": [30 / 90, 41 / 90, 12 / 90],
        }
    )
    fig = plots.theme_bars(table, title="Thema's")
    try:
        (ax,) = fig.axes
        assert len(ax.patches) == 3
        assert [t.get_text() for t in ax.get_yticklabels()][0] == "Kleinere caseload"
        assert {"46% (41)", "33% (30)", "13% (12)"} <= {t.get_text() for t in ax.texts}
        assert "Kleinere caseload 46% (41)" in plots.alt_text(fig)
    finally:
        plt.close(fig)


# ===================================================================== colour science

# Sharma, Wu & Dalal (2005), Color Res. Appl. 30(1), Table 1: L1 a1 b1 L2 a2 b2 dE00.
SHARMA_2005 = [
    (50.0000, 2.6772, -79.7751, 50.0000, 0.0000, -82.7485, 2.0425),
    (50.0000, 3.1571, -77.2803, 50.0000, 0.0000, -82.7485, 2.8615),
    (50.0000, 2.8361, -74.0200, 50.0000, 0.0000, -82.7485, 3.4412),
    (50.0000, -1.3802, -84.2814, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, -1.1848, -84.8006, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, -0.9009, -85.5211, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, 0.0000, 0.0000, 50.0000, -1.0000, 2.0000, 2.3669),
    (50.0000, -1.0000, 2.0000, 50.0000, 0.0000, 0.0000, 2.3669),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0009, 7.1792),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0010, 7.1792),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0011, 7.2195),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0012, 7.2195),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0009, -2.4900, 4.8045),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0010, -2.4900, 4.8045),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0011, -2.4900, 4.7461),
    (50.0000, 2.5000, 0.0000, 50.0000, 0.0000, -2.5000, 4.3065),
    (50.0000, 2.5000, 0.0000, 73.0000, 25.0000, -18.0000, 27.1492),
    (50.0000, 2.5000, 0.0000, 61.0000, -5.0000, 29.0000, 22.8977),
    (50.0000, 2.5000, 0.0000, 56.0000, -27.0000, -3.0000, 31.9030),
    (50.0000, 2.5000, 0.0000, 58.0000, 24.0000, 15.0000, 19.4535),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.1736, 0.5854, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.2972, 0.0000, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 1.8634, 0.5757, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.2592, 0.3350, 1.0000),
    (60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644),
    (63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.2630),
    (61.2901, 3.7196, -5.3901, 61.4292, 2.2480, -4.9620, 1.8731),
    (35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645),
    (22.7233, 20.0904, -46.6940, 23.0331, 14.9730, -42.5619, 2.0373),
    (36.4612, 47.8580, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146),
    (90.8027, -2.0831, 1.4410, 91.1528, -1.6435, 0.0447, 1.4441),
    (90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381),
    (6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377),
    (2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082),
]


def test_delta_e2000_matches_sharma_2005_table_1():
    data = np.array(SHARMA_2005)
    got = plots.delta_e2000(data[:, 0:3], data[:, 3:6])
    assert got == pytest.approx(data[:, 6], abs=1e-4)
    # symmetric
    assert plots.delta_e2000(data[:, 3:6], data[:, 0:3]) == pytest.approx(got, abs=1e-9)


def test_srgb_to_lab_reference_values():
    # sRGB (D65) red and white; values from Bruce Lindbloom's colour calculator
    # (http://www.brucelindbloom.com), sRGB companding, reference white D65.
    assert plots.srgb_to_lab("#ff0000") == pytest.approx([53.2408, 80.0925, 67.2032], abs=1e-3)
    assert plots.srgb_to_lab("#ffffff") == pytest.approx([100.0, 0.0, 0.0], abs=1e-3)
    # the Machado matrices keep greys grey (their rows sum to 1)
    for kind in plots.CVD_KINDS:
        assert plots.srgb_to_lab("#808080", kind)[1:] == pytest.approx([0.0, 0.0], abs=0.05)


def test_palettes_stay_distinguishable_with_colour_vision_deficiencies():
    check = plots.palette_check()
    assert set(check["vision"]) == {"normaal", "protanopia", "deuteranopia", "tritanopia"}
    assert {"PuOr-4", "PuOr-5", "groepen"} <= set(check["palette"])
    bad = check[~check["ok"]]
    assert bad.empty, f"colours too close (CIEDE2000 <= {plots.MIN_DELTA_E}):\n{bad}"


def test_palette_check_catches_a_red_green_palette():
    # ColorBrewer RdYlGn (3 classes) is not marked colour-blind safe: its red and green
    # ends differ clearly in normal vision but hardly with deuteranopia.
    check = plots.palette_check(palettes={"RdYlGn-ends": ["#fc8d59", "#91cf60"]})
    ok = check.set_index("vision")["ok"]
    assert ok["normaal"] and not ok["deuteranopia"]


def test_text_on_segments_meets_wcag_contrast():
    # WCAG reference: #767676 on white is 4.54:1 (WebAIM contrast checker), black on white 21:1
    assert plots.contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert plots.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    for sizes in plots.LIKERT_PALETTES.values():
        for colours in sizes.values():
            for c in colours:
                assert plots.contrast_ratio(plots.text_colour(c), c) >= plots.MIN_TEXT_CONTRAST
    # white on the dark purple, black on the light orange
    assert plots.text_colour("#5e3c99") == "#ffffff"
    assert plots.text_colour("#fdb863") == "#000000"
    # error bars stay visible on every group colour (WCAG 1.4.11 non-text contrast): the black
    # line, or on a dark bar its white edge (peo.report.plots.common._halo)
    for c in plots.group_colours(["totaal", "GI", "JZ", "LT"]).values():
        edges = (plots.GROUP_PALETTE["interval"], INTERVAL_HALO)
        assert max(plots.contrast_ratio(e, c) for e in edges) >= plots.MIN_GRAPHIC_CONTRAST


def test_likert_palette_sizes_outside_range_raise():
    with pytest.raises(CodebookError, match="no diverging palette"):
        plots.likert_colours(9)


# ======================================================================= determinism


def test_same_figure_renders_to_identical_bytes(cb):
    dist = dist_table(cb, groups=("totaal", "GI"), suppressed={("GI", "ps_needed")})
    fig1 = plots.likert_diverging(dist, cb, by="group", title="Professionele ruimte")
    fig2 = plots.likert_diverging(dist, cb, by="group", title="Professionele ruimte")
    try:
        first = png_bytes(fig1)
        assert first[:8] == b"\x89PNG\r\n\x1a\n"
        assert first == png_bytes(fig1)
        assert first == png_bytes(fig2)
        assert b"Software" not in first
        # fig1 has been saved as PNG twice, fig2 once: the SVGs must not depend on that
        svgs = []
        for fig in (fig1, fig2, fig1):
            buf = io.BytesIO()
            with plots.figure_style():
                fig.savefig(buf, **plots.SAVEFIG_KWARGS["svg"])
            svgs.append(buf.getvalue())
        assert svgs[0] == svgs[1] == svgs[2]
        assert png_bytes(fig2) == first
        assert b"<dc:date>" not in svgs[0]
    finally:
        plt.close(fig1)
        plt.close(fig2)


def test_alt_text_requires_a_peo_figure():
    fig = Figure()
    with pytest.raises(ValueError, match="no alt text"):
        plots.alt_text(fig)


def test_a_figure_with_everything_hidden_becomes_a_sentence_that_says_why(cb, monkeypatch):
    # Issue 11, item 4: no empty figure; a sentence says why (primary and secondary told apart).
    from peo.report.present import figures

    dist = dist_table(cb, items=["ps_general"], suppressed=[("totaal", "ps_general")])
    dist["suppression"] = "secondary"
    empty = plots.likert_diverging(dist, cb)
    full = plots.likert_diverging(dist_table(cb, items=["ps_general"]), cb)
    try:
        assert not figures.has_data(empty) and figures.has_data(full)
        sentence = figures.empty_figure_sentence(empty)
        assert sentence.startswith("Hier staat geen figuur")
        assert "verborgen om een andere cel te beschermen" in sentence and "te weinig" not in sentence
    finally:
        plt.close(full)
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    figures.show_figure(empty)  # closes the figure
    assert len(shown) == 1 and "Hier staat geen figuur" in shown[0].data
