"""Figures a reader can read (issue 12, item 6): no legend over a title, no colliding tick
labels (bounding boxes, peo.report.plots.check), the favourable end of every answer scale in the
same colour (the codebook's ``good``), group colours that are never answer colours, and every
figure readable on a phone (390 CSS px wide: the book's CSS keeps figures at a readable size).
"""

from __future__ import annotations

import re
import sys
from itertools import product
from pathlib import Path

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from peo.errors import ConfigurationInvalid
from peo.report import plots
from peo.report.colours import (
    CVD_KINDS,
    GROUP_PALETTE,
    INTERVAL_HALO,
    LIKERT_PALETTES,
    LIKERT_SCHEME,
    MIN_DELTA_E,
    MIN_GRAPHIC_CONTRAST,
    contrast_ratio,
    delta_e2000,
    likert_colours,
    srgb_to_lab,
)
from peo.report.plots.check import layout_problems
from peo.survey.codebook import load_codebook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_plots import CORE_ITEMS, dist_table  # noqa: E402  (the same demo tables as the plot tests)

WAVES = ("2021", "2022", "2023")


@pytest.fixture(scope="module")
def cb():
    return load_codebook([ROOT / "codebooks" / "core.yml"])


def trend_table(items=("ps_general", "ps_relation", "ps_needed", "ps_reflection"), hidden=()) -> pd.DataFrame:
    rng = np.random.default_rng(12)
    rows = []
    for wave, item, group in product(WAVES, items, ("totaal", "GI", "JZ", "LT")):
        share = float(rng.uniform(0.2, 0.95))
        rows.append(
            {"wave": wave, "item": item, "item_label": f"Label van {item}", "box": "disagree"}
            | {"box_label": "(helemaal) oneens", "group": group, "n": 50, "share": share}
            | {"ci_low": share - 0.1, "ci_high": min(share + 0.1, 1.0), "suppressed": (wave, group) in hidden}
        )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------ bounding boxes


@pytest.mark.parametrize("hidden", [(), (("2022", "LT"),)])
def test_trend_figures_have_no_legend_over_the_title_and_no_colliding_labels(hidden):
    fig = plots.trend_lines(trend_table(hidden=hidden), title="Professionele ruimte over de metingen")
    assert layout_problems(fig) == []
    three = plots.trend_lines(trend_table(items=("work_pleasure", "workload", "stay")), title="Uitkomsten")
    assert layout_problems(three) == []


@pytest.mark.parametrize("by", [None, "group"])
def test_likert_figures_have_no_colliding_labels(cb, by):
    groups = ("totaal", "GI", "JZ", "LT")
    fig = plots.likert_diverging(dist_table(cb, groups=groups), cb, by=by, title="Professionele ruimte")
    assert layout_problems(fig) == []
    outcome = plots.likert_diverging(dist_table(cb, groups=groups, items=["workload"]), cb, by=by)
    assert layout_problems(outcome) == []


def test_the_layout_check_finds_a_legend_over_the_title_and_colliding_ticks():
    fig = Figure(figsize=(3, 2))
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], label="een lange legenda")
    ax.set_xticks([0.97, 1.0], labels=["75%", "100%"])
    fig.suptitle("Titel")
    fig.legend(loc="upper center")
    problems = layout_problems(fig)
    assert any("tick labels '75%' and '100%' collide" in p for p in problems), problems
    assert any("legend lies over the figure title" in p for p in problems), problems


# ---------------------------------------------------------------------------------- colours


def _all_scales():
    books = [load_codebook([ROOT / "codebooks" / "core.yml", ROOT / "data/raw" / w / "theme.yml"]) for w in WAVES]
    return {s.name: s for book in books for s in book.scales.values() if s.type == "likert"}


def test_the_favourable_end_of_every_scale_has_the_same_colour():
    puor = LIKERT_PALETTES[LIKERT_SCHEME]
    scales = _all_scales()
    assert scales["workload5"].good == "low" and scales["agree5"].good == "high"
    for scale in scales.values():
        k = len(scale.codes)
        colours = likert_colours(k, good=scale.good)
        favourable = colours[-1] if scale.good == "high" else colours[0]
        unfavourable = colours[0] if scale.good == "high" else colours[-1]
        assert favourable == puor[k][-1], scale.name  # the purple end
        assert unfavourable == puor[k][0], scale.name  # the orange end


def test_werkdruk_te_hoog_is_drawn_in_the_unfavourable_colour(cb):
    fig = plots.likert_diverging(dist_table(cb, items=["workload"]), cb)
    legend = (
        {t.get_text(): h for t, h in zip(fig.legends[0].get_texts(), fig.legends[0].legend_handles)}
        if fig.legends
        else {}
    )
    if not legend:
        lg = next(ax.get_legend() for ax in fig.axes if ax.get_legend() is not None)
        legend = {t.get_text(): h for t, h in zip(lg.get_texts(), lg.legend_handles)}
    colour = mcolors.to_hex(legend["Veel te hoog"].get_facecolor())
    assert colour == LIKERT_PALETTES[LIKERT_SCHEME][5][0]  # orange, as "helemaal oneens"
    assert mcolors.to_hex(legend["Veel te laag"].get_facecolor()) != colour


def test_a_scale_with_an_unknown_favourable_end_is_refused(tmp_path):
    text = (ROOT / "codebooks" / "core.yml").read_text(encoding="utf-8")
    bad = tmp_path / "core.yml"
    bad.write_text(text.replace("    good: low", "    good: middle"), encoding="utf-8")
    with pytest.raises(ConfigurationInvalid, match="good"):
        load_codebook([bad])


def _min_de(a: str, b: str) -> float:
    return min(delta_e2000(srgb_to_lab(a, k), srgb_to_lab(b, k)) for k in CVD_KINDS)


def test_groups_never_take_an_answer_colour():
    answers = {c for sizes in LIKERT_PALETTES.values() for cols in sizes.values() for c in cols}
    groups = [GROUP_PALETTE["total"], *GROUP_PALETTE["sequence"], GROUP_PALETTE["single"]]
    for g, a in product(groups, answers):
        assert _min_de(g, a) > MIN_DELTA_E, (g, a)
    for g in groups:
        assert contrast_ratio(g, "#ffffff") >= MIN_GRAPHIC_CONTRAST, g  # a line or bar on the page
        # the interval over a bar: its black line or its white edge contrasts with the bar
        assert max(contrast_ratio(c, g) for c in (GROUP_PALETTE["interval"], INTERVAL_HALO)) >= MIN_GRAPHIC_CONTRAST


def test_intervals_over_bars_carry_the_white_edge(cb):
    from test_plots import box_table

    shares = {"ps_needed": {"totaal": 0.44, "GI": 0.6, "JZ": 0.3, "LT": 0.32}}
    fig = plots.shares_by_group(box_table(cb, shares), codebook=cb)
    edged = [c for ax in fig.axes for c in ax.collections if c.get_path_effects()]
    assert edged, "the error bars have no white edge"


# ------------------------------------------------------------------------------- at 390 px

#: Smallest text on a phone, in CSS pixels (WCAG has no number; 9 px is where print on a
#: phone stops being readable without zooming).
MIN_PHONE_TEXT_PX = 9.0


def _phone_figure_width() -> float:
    """The width (CSS px) the book's CSS gives a notebook figure at a 390 px wide screen."""
    css = (ROOT / "book" / "_static" / "figures.css").read_text(encoding="utf-8")
    m = re.search(r"@media \(max-width: (\d+)px\)\s*\{(.*?)\n\}", css, re.S)
    assert m and int(m.group(1)) >= 390, "figures.css has no rule for phone-sized screens"
    width = re.search(r"\.cell_output img\s*\{[^}]*min-width:\s*(\d+)px", m.group(2))
    assert width, "figures.css does not keep figures at a readable width on a phone"
    return float(width.group(1))


def test_every_figure_is_readable_at_390_px(cb):
    """The smallest text of each figure, as shown at a 390 px screen, is at least 9 CSS px.

    A notebook figure is shown at half its PNG width (saved at 200 dpi: 100 CSS px per inch),
    scaled down to the column; on a phone figures.css keeps it at ``min-width`` and lets it
    scroll sideways inside its own box (a graph is exempt from reflow, WCAG 1.4.10).
    """
    shown = _phone_figure_width()
    figures = [
        plots.likert_diverging(dist_table(cb, groups=("totaal", "GI", "JZ", "LT")), cb, by="group"),
        plots.likert_diverging(dist_table(cb, items=CORE_ITEMS), cb),
        plots.trend_lines(trend_table(), title="Kern"),
    ]
    for fig in figures:
        natural = fig.get_figwidth() * 100  # CSS px (PNG at 200 dpi shown at half size)
        scale = min(1.0, shown / natural)
        sizes = [t.get_fontsize() for t in fig.findobj(lambda a: hasattr(a, "get_fontsize") and a.get_text())]
        smallest_px = min(sizes) / 72 * 96 * (natural / (fig.get_figwidth() * 96)) * scale
        assert smallest_px >= MIN_PHONE_TEXT_PX, (fig.peo_alt_text[:40], smallest_px)


def test_the_site_title_is_not_clipped():
    css = (ROOT / "book" / "_static" / "figures.css").read_text(encoding="utf-8")
    rule = re.search(r"\.navbar-brand[^{]*\{([^}]*)\}", css)
    assert rule and "white-space: normal" in rule.group(1) and "overflow: visible" in rule.group(1)


def test_multiple_choice_panels_side_by_side_have_no_colliding_labels(cb):
    """Four employer-type panels of a multiple-choice question (the "75%100%" of issue 12)."""
    answers = ["Regels en administratie", "Te weinig tijd per cliënt", "Te hoge caseload", "Wachtlijsten"]
    rows = []
    for group, (code, answer) in product(("totaal", "GI", "JZ", "LT"), enumerate(answers, start=1)):
        share = 0.9 - 0.15 * code
        rows.append(
            {"item": "t22_barriers", "item_label": "Oorzaken", "group": group, "answer_code": code}
            | {"answer_label": answer, "n": 49, "count": round(share * 49), "share": share}
            | {"ci_low": share - 0.12, "ci_high": min(share + 0.12, 1.0), "suppressed": False}
        )
    fig = plots.multi_choice(pd.DataFrame(rows), codebook=cb)
    assert layout_problems(fig) == []
