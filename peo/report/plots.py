"""Figures of the PEO report: every function takes a tidy table and returns a Figure.

The figures draw the published tables (``data/processed/<wave>/tables/``, column names
in ``docs/processed-data.md``), so a figure never shows a number that is not in a
table, and a cell hidden by disclosure control is never drawn:

:func:`likert_diverging`
    Diverging stacked bars for Likert items (Heiberger & Robbins 2014), from a
    distribution table (:func:`peo.stats.shares.distribution`).
:func:`shares_by_group`
    Headline shares per employer type with 95% Wilson intervals, from a box table
    (:func:`peo.stats.shares.box_shares`).
:func:`outcomes_by_space`
    Work pleasure, workload and intention to stay against experienced professional space.
:func:`multi_choice`, :func:`theme_bars`
    Ranked horizontal bars for a multiple-choice question and for the themes of the
    open answers.

Conventions shared by every function:

* the return value is a :class:`matplotlib.figure.Figure` made with
  ``matplotlib.figure.Figure`` directly: no pyplot figure manager, nothing is saved,
  shown or closed, so a notebook decides what to display and the pipeline what to write;
* every label comes from the codebook or from the table (Dutch); the few fixed Dutch
  phrases of the figures ("geen geldige antwoorden", "te weinig respondenten", axis
  titles) are data in :data:`TEXT_NL`;
* a group (or a group for one item) whose cells are flagged ``suppressed`` is left out,
  and a note under the plot says so: "Niet getoond: LT (te weinig respondenten)";
* ``fig.peo_alt_text`` holds a Dutch sentence with what the figure shows and its key
  numbers, for the ``:alt:`` of the book's figure directive; read it with
  :func:`alt_text`;
* colours are colour-blind safe and checked by :func:`palette_check` (simulated
  protanopia, deuteranopia and tritanopia); text printed on a coloured segment is black
  or white, whichever contrasts most (WCAG 2.x contrast ratio, :func:`text_colour`);
* the layout (matplotlib's constrained layout) is computed once before the function
  returns and then fixed, so every later save gives the same result.

Disclosure control. Pass the table as :func:`peo.tables.disclosure.protect` returns it (with its
``suppressed`` column): the figure leaves out every bar with a suppressed cell and writes
the note itself. Drawing the frame of :func:`peo.tables.disclosure.for_figure` works too; pass its
notes as ``notes=`` (the suppressed rows are gone from that frame, so the figure cannot
tell why a bar is missing: it prints "niet getoond" in its place).

In a notebook, run ``%matplotlib inline`` once; a cell that ends with ``fig`` then shows
the figure (the figures do not go through pyplot, so nothing is shown twice).

Deterministic files
-------------------
Only the pipeline writes figures. To get byte-identical PNG and SVG files on every run
it must save inside :func:`figure_style` and with :data:`SAVEFIG_KWARGS`::

    with figure_style():
        fig.savefig(path_png, **SAVEFIG_KWARGS["png"])
        fig.savefig(path_svg, **SAVEFIG_KWARGS["svg"])

What makes the bytes repeatable: PNG without the ``Software`` text chunk
(``metadata={"Software": None}``; Agg itself is deterministic); SVG without a date or
creator (``metadata={"Date": None, "Creator": None}``) and with a fixed
``svg.hashsalt`` (set by :func:`figure_style`; otherwise the element ids are random);
text as paths (``svg.fonttype = "path"``) so no font lookup happens on the reader's
machine; the font is DejaVu Sans, which ships with matplotlib, so no system font is ever
picked up. Identical bytes are guaranteed for the same matplotlib and FreeType version
(the lock pins matplotlib).

Colour science
--------------
The CVD simulation uses the matrices of Machado, Oliveira & Fernandes (2009), "A
physiologically-based model for simulation of color vision deficiency", IEEE TVCG 15(6),
severity 1.0, applied to linear sRGB. Colour differences are CIEDE2000 (Sharma, Wu &
Dalal 2005, Color Res. Appl. 30(1)) on CIELAB (D65). The small conversions are written
here with numpy because neither ``colorspacious`` nor ``scikit-image`` is in the lock;
the test suite checks :func:`delta_e2000` against the 34 published test pairs of Sharma
et al. (2005), Table 1.
"""

from __future__ import annotations

import contextlib
import math
import textwrap
from collections.abc import Iterator, Sequence
from itertools import combinations

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator

from peo.report import format as fmt
from peo.survey.codebook import Codebook, ResponseScale, categories
from peo.errors import CodebookError, ValidationError

__all__ = [
    "CVD_KINDS",
    "GROUP_PALETTE",
    "LABEL_MIN_SHARE",
    "LIKERT_PALETTES",
    "LIKERT_SCHEME",
    "MIN_DELTA_E",
    "MIN_GRAPHIC_CONTRAST",
    "MIN_TEXT_CONTRAST",
    "SAVEFIG_KWARGS",
    "STYLE_RC",
    "TEXT_NL",
    "alt_text",
    "contrast_ratio",
    "delta_e2000",
    "figure_style",
    "group_colours",
    "likert_colours",
    "likert_diverging",
    "multi_choice",
    "outcomes_by_space",
    "palette_check",
    "shares_by_group",
    "simulate_cvd",
    "srgb_to_lab",
    "text_colour",
    "theme_bars",
]

# ============================================================================ data

#: Fixed Dutch phrases of the figures. Everything else comes from the codebook or table.
TEXT_NL: dict[str, str] = {
    "total": "Totaal",
    "no_valid": "geen geldige antwoorden",
    "suppressed_bar": "niet getoond (te weinig respondenten)",
    "absent_bar": "niet getoond",
    "not_shown": "Niet getoond: {what} (te weinig respondenten)",
    "not_shown_in": "{group} bij {items}",
    "n": "n = {n}",
    "axis_likert": "Percentage van de geldige antwoorden",
    "axis_share": "Percentage (lijn: 95%-betrouwbaarheidsinterval, Wilson)",
    "axis_share_plain": "Percentage",
    "axis_space": "Ervaren professionele ruimte",
    "interval_note": "Lijnen: 95%-betrouwbaarheidsinterval (Wilson).",
    "and": "en",
    # alt-text templates
    "alt_likert": "Divergerend gestapeld staafdiagram van {k} {vragen} ({scale}){by}, "
    "gecentreerd op het midden van de schaal. Per vraag het aandeel {boxes}: {body}.",
    "alt_by_group": ", per groep ({groups})",
    "alt_shares": "Staafdiagram van het aandeel per type werkgever, met 95%-betrouwbaarheidsintervallen. {body}.",
    "alt_space": "Staafdiagram van {outcomes} naar ervaren professionele ruimte ({levels}), "
    "met 95%-betrouwbaarheidsintervallen. {body}.",
    "alt_multi": "Staafdiagram van '{item}': per antwoord het percentage respondenten dat het koos, "
    "van vaak naar minder vaak gekozen. {body}.",
    "alt_themes": "Staafdiagram van de thema's in de open antwoorden: per thema het percentage "
    "respondenten wier antwoord het thema noemt. {body}.",
    "alt_no_valid": "{what}: geen geldige antwoorden",
    "axis_wave": "Meting",
    "alt_trend": "Lijndiagram van het aandeel per meting, per type werkgever en in totaal, "
    "met 95%-betrouwbaarheidsintervallen. {body}.",
}

#: ColorBrewer "PuOr" (Brewer, colorbrewer2.org; listed there as colour-blind safe), per
#: number of answer categories, disagree (orange) to agree (purple). The white centre of
#: the odd-sized schemes is replaced by a grey, so the neutral segment stays visible on a
#: white page; the grey is chosen per size so that it differs from both neighbours by more
#: than :data:`MIN_DELTA_E` under every simulated colour-vision deficiency (light grey
#: for 3 and 5 categories, where the neighbours are saturated; a darker grey for 7, where
#: the neighbours are pale). Odd sizes assume the middle answer is the neutral one.
LIKERT_PALETTES: dict[str, dict[int, tuple[str, ...]]] = {
    "PuOr": {
        2: ("#e66101", "#5e3c99"),
        3: ("#f1a340", "#e0e0e0", "#998ec3"),
        4: ("#e66101", "#fdb863", "#b2abd2", "#5e3c99"),
        5: ("#e66101", "#fdb863", "#e0e0e0", "#b2abd2", "#5e3c99"),
        6: ("#b35806", "#f1a340", "#fee0b6", "#d8daeb", "#998ec3", "#542788"),
        7: ("#b35806", "#f1a340", "#fee0b6", "#a0a0a0", "#d8daeb", "#998ec3", "#542788"),
    },
}

#: The Likert scheme in use (a key of :data:`LIKERT_PALETTES`).
LIKERT_SCHEME = "PuOr"

#: Groups: Okabe & Ito (2008) "Color Universal Design" colours. ``total`` is the colour of
#: all respondents ("totaal"), ``sequence`` is given to the employer types in codebook
#: order. The first three of the sequence with the grey were picked from the Okabe-Ito set
#: for the largest smallest CIEDE2000 difference under simulated CVD (about 20).
GROUP_PALETTE: dict[str, object] = {
    "total": "#999999",
    "sequence": ("#E69F00", "#56B4E9", "#0072B2", "#009E73", "#D55E00", "#CC79A7", "#F0E442"),
    "single": "#0072B2",  # one series (outcomes by space)
    "interval": "#000000",  # error bars drawn over the group colours
}

#: Smallest CIEDE2000 difference between neighbouring colours of a palette, under normal
#: vision and each simulated deficiency. A difference of about 2.3 is just noticeable;
#: 10 is a clear difference between adjacent bar segments at a glance (segments are also
#: separated by a thin white line, and every segment is named in the legend).
MIN_DELTA_E = 10.0

#: Smallest WCAG 2.x contrast ratio for text on a coloured segment (level AA, normal text).
MIN_TEXT_CONTRAST = 4.5

#: Smallest WCAG contrast of an error bar against the bar it crosses (WCAG 1.4.11,
#: non-text contrast).
MIN_GRAPHIC_CONTRAST = 3.0

#: Segments narrower than this share get no percentage label (the legend still names them).
LABEL_MIN_SHARE = 0.07

#: rcParams of every PEO figure; :func:`figure_style` applies them.
STYLE_RC: dict[str, object] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9.0,
    "axes.titlesize": 9.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.labelsize": 8.0,
    "ytick.labelsize": 8.5,
    "legend.fontsize": 8.0,
    "figure.titlesize": 11.0,
    "figure.titleweight": "bold",
    "figure.dpi": 100.0,
    "svg.hashsalt": "peo",
    "svg.fonttype": "path",
    "path.simplify": True,
    "hatch.color": "#555555",
}

#: savefig arguments per format, for byte-identical files (use inside :func:`figure_style`).
SAVEFIG_KWARGS: dict[str, dict[str, object]] = {
    "png": {"format": "png", "dpi": 200, "bbox_inches": "tight", "facecolor": "white", "metadata": {"Software": None}},
    "svg": {"format": "svg", "bbox_inches": "tight", "facecolor": "white", "metadata": {"Date": None, "Creator": None}},
}

_WIDTH = 7.5  # inches: the text width of the book and of an A4 factsheet column pair
_MUTED = "#444444"
_MACHADO_2009: dict[str, np.ndarray] = {
    # Machado, Oliveira & Fernandes (2009), Table 1, severity 1.0, on linear RGB.
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
    "tritanopia": np.array(
        [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]
    ),
}
CVD_KINDS = ("normaal", *_MACHADO_2009)


# ================================================================= style and alt text


@contextlib.contextmanager
def figure_style() -> Iterator[None]:
    """Apply the PEO figure style (:data:`STYLE_RC`) for the duration of a ``with`` block.

    Every plot function draws inside it; the pipeline must also *save* inside it, because
    ``svg.hashsalt`` and ``svg.fonttype`` are read when the file is written.

    Yields
    ------
    None
    """
    with mpl.rc_context(STYLE_RC):
        yield


def alt_text(fig: Figure) -> str:
    """Return the Dutch alt text of a figure made by this module.

    Parameters
    ----------
    fig : matplotlib.figure.Figure

    Returns
    -------
    str
        What the figure shows, with its key numbers.

    Raises
    ------
    ValueError
        If the figure was not made by :mod:`peo.report.plots` (it has no ``peo_alt_text``).
    """
    text = getattr(fig, "peo_alt_text", None)
    if not text:
        raise ValueError("This figure has no alt text: it was not made by a peo.report.plots function.")
    return str(text)


def _with_notes(text: str, note: str | None, notes: Sequence[str] | None) -> str:
    for extra in [note, *(notes or ())]:
        if extra:
            text += f" {extra.rstrip('.')}."
    return text


def _finish(fig: Figure, text: str) -> None:
    """Set the alt text and fix the layout.

    The constrained layout is computed once, here, and then switched off. Left on, it is
    recomputed at every save with that save's dpi, and the positions come out different
    in the last digits after a PNG (dpi 200) than after an SVG (dpi 72): the same figure
    would then give different SVG bytes depending on what was saved before. A caller who
    adds artists afterwards can call ``fig.set_layout_engine("constrained")`` again.
    """
    fig.peo_alt_text = " ".join(text.split())
    with figure_style():
        fig.draw_without_rendering()
    fig.set_layout_engine("none")


# ======================================================================== colour science


def _hex_to_rgb(colour: str) -> np.ndarray:
    return np.asarray(mpl.colors.to_rgb(colour), dtype=float)


def _to_linear(rgb: np.ndarray) -> np.ndarray:
    rgb = np.asarray(rgb, dtype=float)
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


_SRGB_TO_XYZ = np.array(
    [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]]
)
_D65 = np.array([0.95047, 1.0, 1.08883])


def _linear_to_lab(lin: np.ndarray) -> np.ndarray:
    xyz = _SRGB_TO_XYZ @ np.asarray(lin, dtype=float)
    t = xyz / _D65
    d = 6 / 29
    f = np.where(t > d**3, np.cbrt(t), t / (3 * d**2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def simulate_cvd(colour: str, kind: str) -> np.ndarray:
    """Simulate how a colour looks with a colour-vision deficiency.

    Parameters
    ----------
    colour : str
        A matplotlib colour, e.g. ``"#e66101"``.
    kind : {"normaal", "protanopia", "deuteranopia", "tritanopia"}
        ``"normaal"`` returns the colour unchanged.

    Returns
    -------
    numpy.ndarray
        Linear sRGB (3 values in 0..1) as seen with the deficiency (Machado et al. 2009,
        severity 1.0, clipped to the gamut).

    Raises
    ------
    ValueError
        If ``kind`` is unknown.
    """
    lin = _to_linear(_hex_to_rgb(colour))
    if kind == "normaal":
        return lin
    if kind not in _MACHADO_2009:
        raise ValueError(f"Unknown colour-vision deficiency {kind!r}; use one of {', '.join(CVD_KINDS)}.")
    return np.clip(_MACHADO_2009[kind] @ lin, 0.0, 1.0)


def srgb_to_lab(colour: str, kind: str = "normaal") -> np.ndarray:
    """CIELAB (D65) of a colour, optionally as seen with a colour-vision deficiency.

    Parameters
    ----------
    colour : str
        A matplotlib colour.
    kind : str, default "normaal"
        See :func:`simulate_cvd`.

    Returns
    -------
    numpy.ndarray
        ``[L*, a*, b*]``.

    Raises
    ------
    ValueError
        If ``kind`` is unknown.
    """
    return _linear_to_lab(simulate_cvd(colour, kind))


def delta_e2000(lab1, lab2) -> np.ndarray | float:
    """CIEDE2000 colour difference (kL = kC = kH = 1).

    Implemented after Sharma, Wu & Dalal (2005), "The CIEDE2000 color-difference formula:
    implementation notes, supplementary test data, and mathematical observations", Color
    Research & Application 30(1), 21-30; checked against their Table 1.

    Parameters
    ----------
    lab1, lab2 : array_like
        CIELAB colours, shape ``(3,)`` or ``(n, 3)``.

    Returns
    -------
    float or numpy.ndarray
    """
    a = np.atleast_2d(np.asarray(lab1, dtype=float))
    b = np.atleast_2d(np.asarray(lab2, dtype=float))
    L1, a1, b1 = a[:, 0], a[:, 1], a[:, 2]
    L2, a2, b2 = b[:, 0], b[:, 1], b[:, 2]
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar**7 / (c_bar**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.where(c1p == 0, 0.0, np.degrees(np.arctan2(b1, a1p)) % 360)
    h2p = np.where(c2p == 0, 0.0, np.degrees(np.arctan2(b2, a2p)) % 360)
    dl = L2 - L1
    dc = c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(c1p * c2p == 0, 0.0, dh)
    dH = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh) / 2)
    l_bar = (L1 + L2) / 2
    cp_bar = (c1p + c2p) / 2
    hsum = h1p + h2p
    h_bar = np.where(
        c1p * c2p == 0,
        hsum,
        np.where(np.abs(h1p - h2p) <= 180, hsum / 2, np.where(hsum < 360, (hsum + 360) / 2, (hsum - 360) / 2)),
    )
    t = (
        1
        - 0.17 * np.cos(np.radians(h_bar - 30))
        + 0.24 * np.cos(np.radians(2 * h_bar))
        + 0.32 * np.cos(np.radians(3 * h_bar + 6))
        - 0.20 * np.cos(np.radians(4 * h_bar - 63))
    )
    d_theta = 30 * np.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cp_bar**7 / (cp_bar**7 + 25.0**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    de = np.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (dH / s_h) ** 2 + r_t * (dc / s_c) * (dH / s_h))
    return float(de[0]) if de.size == 1 else de


def _relative_luminance(colour: str) -> float:
    # WCAG 2.x definition (sRGB, threshold 0.04045 as in IEC 61966-2-1).
    r, g, b = _to_linear(_hex_to_rgb(colour))
    return float(0.2126 * r + 0.7152 * g + 0.0722 * b)


def contrast_ratio(colour1: str, colour2: str) -> float:
    """WCAG 2.x contrast ratio of two colours, from 1 (same) to 21 (black on white).

    Parameters
    ----------
    colour1, colour2 : str
        Matplotlib colours.

    Returns
    -------
    float
    """
    l1, l2 = sorted((_relative_luminance(colour1), _relative_luminance(colour2)), reverse=True)
    return (l1 + 0.05) / (l2 + 0.05)


def text_colour(background: str) -> str:
    """Black or white, whichever contrasts most with ``background`` (WCAG 2.x).

    The better of the two always reaches a ratio of at least 4.58, above the 4.5 of
    WCAG level AA.

    Parameters
    ----------
    background : str
        A matplotlib colour.

    Returns
    -------
    str
        ``"#000000"`` or ``"#ffffff"``.
    """
    black, white = "#000000", "#ffffff"
    return black if contrast_ratio(background, black) >= contrast_ratio(background, white) else white


def likert_colours(n_categories: int, scheme: str = LIKERT_SCHEME) -> list[str]:
    """Colours of the answer categories of a Likert scale, in scale order.

    Parameters
    ----------
    n_categories : int
        Number of substantive answers (2 to 7).
    scheme : str, default :data:`LIKERT_SCHEME`

    Returns
    -------
    list of str

    Raises
    ------
    CodebookError
        If no palette of that size exists (a scale with more than 7 answers).
    """
    sizes = LIKERT_PALETTES[scheme]
    if n_categories not in sizes:
        raise CodebookError(
            f"There is no diverging palette for an answer scale with {n_categories} answers; "
            f"the figures support {min(sizes)} to {max(sizes)}. Add one to peo.report.plots.LIKERT_PALETTES "
            "(and run the palette test) or shorten the scale in the codebook."
        )
    return list(sizes[n_categories])


def group_colours(groups: Sequence[str], total: str = "totaal") -> dict[str, str]:
    """Colour of each group: grey for ``total``, then the Okabe-Ito sequence in order.

    Parameters
    ----------
    groups : sequence of str
        Group values in display order (``totaal``, ``GI``, ``JZ``, ``LT``).
    total : str, default "totaal"

    Returns
    -------
    dict
        Group value to colour. Colours cycle when there are more than seven groups.
    """
    seq = GROUP_PALETTE["sequence"]
    out, i = {}, 0
    for g in groups:
        if g == total:
            out[g] = GROUP_PALETTE["total"]
        else:
            out[g] = seq[i % len(seq)]
            i += 1
    return out


def palette_check(
    threshold: float = MIN_DELTA_E, palettes: dict[str, Sequence[str]] | None = None
) -> pd.DataFrame:
    """Check that the palettes stay distinguishable with colour-vision deficiencies.

    For every Likert palette the *neighbouring* colours are compared (adjacent segments
    of a bar); for the group palette every pair of the colours used together (total plus
    the first three groups) and every neighbouring pair of the sequence. Each pair is
    compared with normal vision and simulated protanopia, deuteranopia and tritanopia
    (Machado et al. 2009, severity 1.0), with CIEDE2000.

    Parameters
    ----------
    threshold : float, default :data:`MIN_DELTA_E`
    palettes : dict of str to sequence of str, optional
        Check these palettes (neighbouring colours) instead of the module's own, e.g. to
        try a new scheme before adding it to :data:`LIKERT_PALETTES`.

    Returns
    -------
    pandas.DataFrame
        One row per palette × pair × vision, with columns ``palette`` (``PuOr-5``,
        ``groepen``), ``colour_1``, ``colour_2``, ``vision`` (``normaal``,
        ``protanopia``, ``deuteranopia``, ``tritanopia``), ``delta_e`` (CIEDE2000) and
        ``ok`` (``delta_e > threshold``).
    """
    pairs: list[tuple[str, str, str]] = []
    if palettes is not None:
        for name, cols in palettes.items():
            pairs += [(name, a, b) for a, b in zip(cols, cols[1:])]
    else:
        for scheme, sizes in LIKERT_PALETTES.items():
            for k, cols in sizes.items():
                pairs += [(f"{scheme}-{k}", a, b) for a, b in zip(cols, cols[1:])]
        seq = list(GROUP_PALETTE["sequence"])
        used = [GROUP_PALETTE["total"], *seq[:3]]
        pairs += [("groepen", a, b) for a, b in combinations(used, 2)]
        pairs += [("groepen-reeks", a, b) for a, b in zip(seq, seq[1:]) if (a, b) not in combinations(used, 2)]
    rows = []
    for name, a, b in pairs:
        for kind in CVD_KINDS:
            de = delta_e2000(srgb_to_lab(a, kind), srgb_to_lab(b, kind))
            rows.append({"palette": name, "colour_1": a, "colour_2": b, "vision": kind, "delta_e": de})
    out = pd.DataFrame(rows)
    out["ok"] = out["delta_e"] > threshold
    return out


# ============================================================================ helpers


_pct = fmt.pct


def _box_share(rec: dict, idx: Sequence[int]) -> float:
    """The share of a box (several answers together), as the box tables compute it: the
    summed counts over n (summing rounded-off float shares could tip a half over or under)."""
    if rec.get("counts") is not None and rec["n"] > 0:
        return sum(rec["counts"][i] for i in idx) / rec["n"]
    return sum(rec["shares"][i] for i in idx)


def _n(n) -> str:
    return TEXT_NL["n"].format(n=int(n))


def _n_range(values) -> str:
    vals = sorted({int(v) for v in values if pd.notna(v)})
    if not vals:
        return ""
    return _n(vals[0]) if len(vals) == 1 else TEXT_NL["n"].format(n=f"{vals[0]}–{vals[-1]}")


def _join_nl(parts: Sequence[str]) -> str:
    parts = list(parts)
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {TEXT_NL['and']} {parts[-1]}"


def _wrap(text: str, width: int = 34) -> str:
    return textwrap.fill(str(text), width=width, break_long_words=False)


def _require(table: pd.DataFrame, columns: Sequence[str], what: str) -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame):
        raise ValidationError(f"{what} needs a pandas DataFrame, not {type(table).__name__}.")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValidationError(
            f"The table given to {what} lacks the column(s) {', '.join(map(repr, missing))}. It needs "
            f"{', '.join(columns)} (see docs/processed-data.md, section tables/)."
        )
    out = pd.DataFrame(table).copy()  # a plain frame, also for a peo.tables.disclosure ProtectedTable
    if "suppressed" in out.columns:
        out["suppressed"] = out["suppressed"].astype("object").where(out["suppressed"].notna(), False).astype(bool)
    else:
        out["suppressed"] = False
    for col in ("n", "count", "share", "ci_low", "ci_high", "answer_code"):
        if col in out.columns:
            out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    return out


def _group_order(groups: Sequence[str], codebook: Codebook | None, total: str = "totaal") -> list[str]:
    present = list(dict.fromkeys(str(g) for g in groups))
    order = [total] if total in present else []
    if codebook is not None:
        try:
            order += [g for g in categories(codebook.group_item) if g in present and g not in order]
        except CodebookError:
            pass
    return order + [g for g in present if g not in order]


def _group_label(group: str, codebook: Codebook | None, short: bool = False) -> str:
    if group == "totaal":
        return TEXT_NL["total"]
    if codebook is not None and not short:
        try:
            sc = codebook.group_item.response_scale
            for c in sc.codes:
                if c.value == group:
                    return c.nl
        except CodebookError:
            pass
    return str(group)


def _not_shown_note(hidden: dict[str, list[str]], all_members: dict[str, list[str]]) -> str | None:
    """Note for hidden cells: ``hidden`` maps a group to the members hidden for it."""
    parts = []
    for group, members in hidden.items():
        if not members:
            continue
        if not group:  # one series: list the members themselves
            parts.append(_join_nl(members))
        elif len(members) == len(all_members.get(group, members)):
            parts.append(group)
        else:
            parts.append(TEXT_NL["not_shown_in"].format(group=group, items=_join_nl(members)))
    if not parts:
        return None
    return TEXT_NL["not_shown"].format(what="; ".join(parts))


_NOTE_SIZE = 8.0  # points


def _note_text(notes: Sequence[str | None]) -> str:
    return "\n".join(_wrap(n, 110) for n in notes if n)


def _note_height(notes: Sequence[str | None]) -> float:
    """Height in inches of the note strip under a plot."""
    text = _note_text(notes)
    if not text:
        return 0.0
    return ((text.count("\n") + 1) * _NOTE_SIZE * 1.35 + 8) / 72


def _new_figure(plot_height: float, *notes: str | None) -> Figure:
    """A figure of the book's width: the plot area plus a strip for the notes under it."""
    return Figure(figsize=(_WIDTH, max(plot_height, 1.8) + _note_height(notes)), layout="constrained")


def _add_note(fig: Figure, *notes: str | None) -> None:
    """Put notes (one per line) in a strip under the plot that the constrained layout leaves free."""
    text = _note_text(notes)
    if not text:
        return
    strip = _note_height(notes) / fig.get_figheight()
    fig.get_layout_engine().set(rect=(0, strip, 1, 1 - strip))
    fig.text(0.01, 3 / 72 / fig.get_figheight(), text, ha="left", va="bottom", fontsize=_NOTE_SIZE,
             color=_MUTED, style="italic")


def _pct_axis(ax, axis: str = "x", lo: float = 0, hi: float = 100, step: float = 25) -> None:
    ticks = list(np.arange(lo, hi + step / 2, step))
    locator = FixedLocator(ticks)
    fmt = mpl.ticker.FuncFormatter(lambda v, _pos: f"{abs(v):g}%")
    if axis == "x":
        ax.set_xlim(lo, hi)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(fmt)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    else:
        ax.set_ylim(lo, hi)
        ax.yaxis.set_major_locator(locator)
        ax.yaxis.set_major_formatter(fmt)
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def _tick_fonts(ax) -> None:
    # Tick labels are created at draw time; fix their family here so that drawing outside
    # figure_style() still uses the offline font.
    ax.tick_params(labelfontfamily="DejaVu Sans")


# ====================================================================== Likert bars


def _likert_layout(scale: ResponseScale) -> tuple[list[int], int | None, int]:
    """Codes in order, the index of the neutral answer (or None), the number left of centre."""
    codes = scale.valid_codes
    k = len(codes)
    if scale.neutral is not None:
        i = codes.index(scale.neutral)
        if k % 2 == 0 or i != k // 2:
            raise CodebookError(
                f"Answer scale {scale.name!r}: the neutral answer ({scale.neutral}) is not the middle answer, so the "
                "diverging bars cannot be centred on it. Fix 'neutral' in the codebook."
            )
        return codes, i, i
    if k % 2 == 1:
        # An odd scale without a declared neutral: centre on the middle answer anyway.
        return codes, k // 2, k // 2
    return codes, None, k // 2


def likert_diverging(
    dist: pd.DataFrame,
    codebook: Codebook,
    items: Sequence[str] | None = None,
    by: str | None = None,
    title: str | None = None,
    notes: Sequence[str] | None = None,
) -> Figure:
    """Diverging stacked bars of Likert items (Heiberger & Robbins 2014).

    One bar per item, in codebook order; the answers are stacked in scale order and the
    bar is centred on the neutral answer (half of the neutral segment on each side of
    zero) or, for a scale without one, between its negative and positive halves. The x
    axis shows percentages of the valid answers (-100 to 100, labelled as positive
    numbers); the right-hand side of each bar shows its n; the legend lists the answers
    in scale order; segments of at least :data:`LABEL_MIN_SHARE` carry their percentage
    in black or white (:func:`text_colour`).

    With ``by="group"`` the figure has one panel (small multiple) per group (``totaal``
    then the employer types in codebook order), stacked vertically and sharing the x
    axis, each with the same items in the same order. Panels were chosen over grouped
    bars: with 4 groups × 8 items, grouped bars make 32 interleaved bars whose item
    labels have to span four bars each and whose group identity rests on a second
    colour code on top of the answer colours; panels keep one colour code (the answers),
    give every bar its own readable label and n, and let the reader compare a group
    across items within a panel and the groups on one item by the aligned x axis
    (the layout Heiberger & Robbins use for subgroups).

    Parameters
    ----------
    dist : pandas.DataFrame
        A distribution table (:func:`peo.stats.shares.distribution`) with columns ``item``,
        ``item_label``, ``group``, ``answer_code``, ``answer_label``, ``n``, ``count``,
        ``share`` and optionally ``suppressed`` (:mod:`peo.tables.disclosure`). Rows whose
        ``answer_code`` is not a substantive code of the scale ("weet niet") are ignored;
        ``share`` is used as given (``count / n`` of the valid answers).
    codebook : Codebook
        Gives the item labels, the answer scale, its labels, neutral code and boxes.
    items : sequence of str, optional
        Item ids to draw; default: every item in ``dist``, in codebook order. They must
        share one answer scale.
    by : {None, "group"}
        ``None`` draws the ``totaal`` rows (or the only group present); ``"group"`` draws
        one panel per group.
    title : str, optional
        Figure title (Dutch).
    notes : sequence of str, optional
        Further Dutch notes to print under the plot and add to the alt text, e.g. the
        notes of :func:`peo.tables.disclosure.for_figure` when its filtered frame is drawn.

    Returns
    -------
    matplotlib.figure.Figure
        With ``peo_alt_text`` set. A group whose cells are suppressed is left out (or, if
        only some of its items are, those bars are replaced by "niet getoond") and a note
        under the plot names it; an item without valid answers (``n`` = 0) shows the text
        "geen geldige antwoorden" instead of a bar; an item with no rows at all for a
        group (left out upstream) shows "niet getoond".

    Raises
    ------
    ValidationError
        If ``dist`` lacks a column, has several groups but ``by`` is None and there is no
        ``totaal``, or has a missing share in a cell that is not flagged suppressed.
    CodebookError
        If an item is unknown, not a Likert item, or the items use different scales.
    ValueError
        If ``by`` is not None or ``"group"``.
    """
    what = "likert_diverging"
    cols = ["item", "item_label", "group", "answer_code", "answer_label", "n", "count", "share"]
    df = _require(dist, cols, what)
    df["item"] = df["item"].astype(str)
    df["group"] = df["group"].astype(str)
    if by not in (None, "group"):
        raise ValueError(f"by must be None or 'group', not {by!r}.")

    # items, in codebook order, one scale
    if items is None:
        present = set(df["item"])
        item_objs = [i for i in codebook.items if i.id in present]
        unknown = sorted(present - {i.id for i in item_objs})
        if unknown:
            codebook.item(unknown[0])  # raises CodebookError with the known ids
        if not item_objs:
            raise ValidationError(f"The table given to {what} has no rows; there is nothing to draw.")
    else:
        wanted = {codebook.item(i).id for i in items}  # raises CodebookError for an unknown id
        item_objs = [i for i in codebook.items if i.id in wanted]
    for it in item_objs:
        if it.type != "likert" or it.response_scale is None:
            raise CodebookError(f"Item {it.id!r} is a {it.type} item, not a Likert item; it cannot be a diverging bar.")
    scale = item_objs[0].response_scale
    other = [it for it in item_objs if it.response_scale.name != scale.name]
    if other:
        raise CodebookError(
            f"Items {item_objs[0].id!r} and {other[0].id!r} use different answer scales "
            f"({scale.name!r}, {other[0].response_scale.name!r}); draw them in separate figures."
        )
    codes, neutral_i, n_left = _likert_layout(scale)
    colours = likert_colours(len(codes))
    labels = scale.labels("nl")

    # groups (panels)
    all_groups = _group_order(df["group"], codebook)
    if by is None:
        if "totaal" in all_groups:
            panel_groups = ["totaal"]
        elif len(all_groups) <= 1:
            panel_groups = all_groups or ["totaal"]
        else:
            raise ValidationError(
                f"The table given to {what} has several groups ({', '.join(all_groups)}) and no 'totaal'; "
                "pass by='group' to draw one panel per group, or select one group first."
            )
    else:
        panel_groups = all_groups or ["totaal"]

    # one record per (group, item): status and segment shares
    records: dict[tuple[str, str], dict] = {}
    for g in panel_groups:
        for it in item_objs:
            sub = df[(df["group"] == g) & (df["item"] == it.id)]
            label = it.short("nl")
            if sub.empty:
                # No rows at all (distribution() always gives every answer, so the rows were
                # left out upstream, e.g. by peo.tables.disclosure.for_figure): not shown, no claim why.
                records[g, it.id] = {"status": "absent", "label": label}
                continue
            if sub["suppressed"].any():
                records[g, it.id] = {"status": "suppressed", "label": label}
                continue
            n = sub["n"].dropna()
            n = float(n.iloc[0]) if len(n) else 0.0
            valid = sub[sub["answer_code"].isin(codes)]
            if n <= 0 or valid.empty or valid["share"].isna().all():
                records[g, it.id] = {"status": "empty", "label": label}
                continue
            if valid["share"].isna().any():
                bad = valid.loc[valid["share"].isna(), "answer_label"].iloc[0]
                raise ValidationError(
                    f"The table given to {what} has no share for item {it.id!r}, group {g!r}, answer {bad!r}, "
                    "but the cell is not flagged suppressed. Pass the table through peo.tables.disclosure or fill it."
                )
            shares = valid.groupby("answer_code")["share"].sum()
            seg = [float(shares.get(c, 0.0)) for c in codes]
            counts = None
            if "count" in valid.columns and valid["count"].notna().all():
                by_code = valid.groupby("answer_code")["count"].sum()
                counts = [float(by_code.get(c, 0.0)) for c in codes]
            records[g, it.id] = {"status": "ok", "label": label, "shares": seg, "counts": counts, "n": n}

    hidden: dict[str, list[str]] = {}
    for g in panel_groups:
        hidden[g] = [r["label"] for (gg, _), r in records.items() if gg == g and r["status"] == "suppressed"]
    shown_groups = [g for g in panel_groups if len(hidden[g]) < len(item_objs)]
    if by is None:
        note = _not_shown_note({"": hidden[panel_groups[0]]}, {})
    else:
        note = _not_shown_note(
            {_group_label(g, codebook, short=True): hidden[g] for g in panel_groups},
            {_group_label(g, codebook, short=True): [it.short("nl") for it in item_objs] for g in panel_groups},
        )

    n_items = len(item_objs)
    n_panels = max(len(shown_groups), 1)
    panel_h = 0.34 * n_items + 0.45
    with figure_style():
        fig = _new_figure(panel_h * n_panels + 1.0 + (0.3 if title else 0), note, *(notes or ()))
        axes = fig.subplots(n_panels, 1, sharex=True, squeeze=False)[:, 0]
        ylabels = [_wrap(it.short("nl")) for it in item_objs]
        for ax, g in zip(axes, shown_groups or [None]):
            _tick_fonts(ax)
            ax.axvline(0, color="#555555", linewidth=0.8, zorder=1)
            for y, it in enumerate(item_objs):
                rec = records.get((g, it.id), {"status": "absent"}) if g is not None else {"status": "suppressed"}
                if rec["status"] == "ok":
                    seg = np.array(rec["shares"]) * 100
                    left = -(seg[:n_left].sum() + (seg[neutral_i] / 2 if neutral_i is not None else 0.0))
                    starts = left + np.concatenate([[0.0], np.cumsum(seg)[:-1]])
                    ax.barh(
                        [y] * len(seg), seg, left=starts, height=0.72, color=colours,
                        edgecolor="white", linewidth=0.6, zorder=2,
                    )
                    for s, x0, c, share in zip(seg, starts, colours, rec["shares"]):
                        if s / 100 >= LABEL_MIN_SHARE:
                            ax.text(x0 + s / 2, y, _pct(share), ha="center", va="center",
                                    fontsize=7, color=text_colour(c), zorder=3)
                    ax.annotate(_n(rec["n"]), xy=(1.0, y), xycoords=("axes fraction", "data"),
                                xytext=(4, 0), textcoords="offset points", ha="left", va="center",
                                fontsize=7.5, color=_MUTED, annotation_clip=False)
                else:
                    key = {"empty": "no_valid", "suppressed": "suppressed_bar", "absent": "absent_bar"}[rec["status"]]
                    ax.text(0, y, TEXT_NL[key], ha="center", va="center", fontsize=8, style="italic",
                            color=_MUTED, zorder=3, bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5})
            ax.set_yticks(range(n_items), labels=ylabels)
            ax.set_ylim(n_items - 0.5, -0.5)
            ax.tick_params(axis="y", length=0)
            ax.spines["left"].set_visible(False)
            _pct_axis(ax, "x", -100, 100, 25)
            if by is not None and g is not None:
                ax.set_title(_group_label(g, codebook))
        axes[-1].set_xlabel(TEXT_NL["axis_likert"])
        handles = [Patch(facecolor=c, edgecolor="white", label=lab) for c, lab in zip(colours, labels)]
        # The title is the legend's title: constrained layout places an "outside" figure
        # legend over a suptitle (matplotlib 3.11), and a title centred above the answer
        # key reads well.
        fig.legend(handles=handles, loc="outside upper center", ncols=len(handles), frameon=False,
                   handlelength=1.2, columnspacing=1.0, title=title,
                   title_fontproperties={"weight": STYLE_RC["figure.titleweight"],
                                         "size": STYLE_RC["figure.titlesize"]})
        _add_note(fig, note, *(notes or ()))

    # alt text
    boxes = list(scale.boxes.values())
    if boxes:
        box_codes = [[codes.index(c) for c in b.codes] for b in boxes]
        box_names = [b.nl for b in boxes]
    else:
        box_codes = [[i] for i in range(len(codes))]
        box_names = labels
    body = []
    for it in item_objs:
        parts = []
        for g in shown_groups:
            rec = records[g, it.id]
            prefix = f"{_group_label(g, codebook, short=True)} " if by is not None else ""
            if rec["status"] == "ok":
                vals = ", ".join(f"{nm} {_pct(_box_share(rec, idx))}" for nm, idx in zip(box_names, box_codes))
                parts.append(f"{prefix}{vals} ({_n(rec['n'])})")
            elif rec["status"] == "empty":
                parts.append(f"{prefix}{TEXT_NL['no_valid']}")
        if parts:
            body.append(f"{it.short('nl')}: {'; '.join(parts)}")
    text = TEXT_NL["alt_likert"].format(
        k=n_items,
        vragen="vraag" if n_items == 1 else "vragen",
        scale=scale.label_nl,
        by=TEXT_NL["alt_by_group"].format(groups=", ".join(_group_label(g, codebook, short=True) for g in shown_groups))
        if by is not None
        else "",
        boxes=_join_nl(box_names),
        body=" | ".join(body),
    )
    _finish(fig, _with_notes(text, note, notes))
    return fig


# ================================================================ shares by group


def shares_by_group(
    box_table: pd.DataFrame,
    title: str | None = None,
    codebook: Codebook | None = None,
    notes: Sequence[str] | None = None,
) -> Figure:
    """Headline shares per employer type with their 95% Wilson intervals.

    One panel per item × box (in table order), stacked vertically with a shared x axis
    from 0 to 100%; in each panel one horizontal bar per group (``totaal`` first, then
    the employer types), coloured per group (Okabe-Ito), with the interval as a black
    error bar, the percentage beside it, and the group and its n in the tick label
    ("GI (n = 50)"), so the colour is never the only carrier of the group.

    Parameters
    ----------
    box_table : pandas.DataFrame
        A box-share table (:func:`peo.stats.shares.box_shares`) with columns ``item``,
        ``item_label``, ``box``, ``box_label``, ``group``, ``n``, ``count``, ``share``,
        ``ci_low``, ``ci_high`` and optionally ``suppressed``.
    title : str, optional
        Figure title (Dutch).
    codebook : Codebook, optional
        Orders the employer types as in the codebook; default: table order after ``totaal``.
    notes : sequence of str, optional
        Further Dutch notes to print under the plot and add to the alt text, e.g. the
        notes of :func:`peo.tables.disclosure.for_figure` when its filtered frame is drawn.

    Returns
    -------
    matplotlib.figure.Figure
        With ``peo_alt_text`` set. Suppressed groups are left out and named in a note.

    Raises
    ------
    ValidationError
        If a column is missing or the table has no rows.
    """
    what = "shares_by_group"
    cols = ["item", "item_label", "box", "box_label", "group", "n", "count", "share", "ci_low", "ci_high"]
    df = _require(box_table, cols, what)
    if df.empty:
        raise ValidationError(f"The table given to {what} has no rows; there is nothing to draw.")
    df["group"] = df["group"].astype(str)
    panels = list(dict.fromkeys(zip(df["item"].astype(str), df["box"].astype(str))))
    groups = _group_order(df["group"], codebook)
    colours = group_colours(groups)

    hidden: dict[str, list[str]] = {g: [] for g in groups}
    panel_rows = []
    for item, box in panels:
        sub = df[(df["item"].astype(str) == item) & (df["box"].astype(str) == box)]
        label = f"{sub['item_label'].iloc[0]}: {sub['box_label'].iloc[0]}"
        rows = []
        for g in groups:
            r = sub[sub["group"] == g]
            if r.empty:
                continue
            r = r.iloc[0]
            if r["suppressed"] or pd.isna(r["share"]):
                hidden[g].append(str(sub["item_label"].iloc[0]))
                continue
            rows.append(r)
        panel_rows.append((label, str(sub["item_label"].iloc[0]), rows))
    note = _not_shown_note(hidden, {g: [p[1] for p in panel_rows] for g in groups})

    heights = [0.3 * max(len(rows), 1) + 0.55 for _, _, rows in panel_rows]
    with figure_style():
        fig = _new_figure(sum(heights) + 0.9 + (0.3 if title else 0), note, *(notes or ()))
        axes = fig.subplots(len(panel_rows), 1, sharex=True, squeeze=False,
                            gridspec_kw={"height_ratios": heights})[:, 0]
        body = []
        for ax, (label, _, rows) in zip(axes, panel_rows):
            _tick_fonts(ax)
            ys = list(range(len(rows)))
            shares = np.array([r["share"] for r in rows]) * 100
            lo = np.array([r["share"] - r["ci_low"] if pd.notna(r["ci_low"]) else 0.0 for r in rows]) * 100
            hi = np.array([r["ci_high"] - r["share"] if pd.notna(r["ci_high"]) else 0.0 for r in rows]) * 100
            ax.barh(ys, shares, height=0.66, color=[colours[r["group"]] for r in rows], zorder=2)
            if rows:
                ax.errorbar(shares, ys, xerr=np.vstack([lo, hi]), fmt="none", ecolor=GROUP_PALETTE["interval"],
                            elinewidth=1.0, capsize=2.5, zorder=3)
            for y, s, h, r in zip(ys, shares, hi, rows):
                ax.annotate(_pct(r["share"]), xy=(min(s + h, 100), y), xytext=(4, 0), textcoords="offset points",
                            ha="left", va="center", fontsize=7.5, color="#000000", annotation_clip=False)
            ax.set_yticks(ys, labels=[f"{_group_label(r['group'], codebook, short=True)} ({_n(r['n'])})" for r in rows])
            ax.set_ylim(max(len(rows), 1) - 0.5, -0.5)
            ax.tick_params(axis="y", length=0)
            ax.set_title(_wrap(label, 90))
            _pct_axis(ax, "x", 0, 100, 25)
            body.append(
                f"{label}: "
                + ", ".join(
                    f"{_group_label(r['group'], codebook, short=True)} {_pct(r['share'])}"
                    + (f" ({_pct(r['ci_low'])}–{_pct(r['ci_high'])})" if pd.notna(r["ci_low"]) else "")
                    for r in rows
                )
            )
        axes[-1].set_xlabel(TEXT_NL["axis_share"])
        if title:
            fig.suptitle(title)
        _add_note(fig, note, *(notes or ()))
    text = TEXT_NL["alt_shares"].format(body="; ".join(body))
    _finish(fig, _with_notes(text, note, notes))
    return fig


# ============================================================== outcomes by space


def outcomes_by_space(
    table: pd.DataFrame,
    title: str | None = None,
    levels: Sequence[str] | None = None,
    xlabel: str | None = None,
    notes: Sequence[str] | None = None,
) -> Figure:
    """The outcomes (work pleasure, workload, intention to stay) against professional space.

    One panel per outcome, side by side with a shared y axis from 0 to 100%: a bar per
    level of experienced professional space with its 95% interval, the percentage above
    it and n under the level's name.

    Parameters
    ----------
    table : pandas.DataFrame
        A tidy table with columns

        ``space_level``
            level of experienced professional space, in Dutch (e.g. "weinig ruimte",
            "gemiddeld", "veel ruimte": tertiles of the scale score or the scale's
            categories); the order is ``levels``, else the categorical order, else the
            order of first appearance;
        ``outcome``, ``outcome_label``
            outcome item id and its Dutch label (e.g. "Werkplezier");
        ``n``, ``count``, ``share``, ``ci_low``, ``ci_high``
            respondents at that level with a valid outcome, of whom ``count`` are in the
            outcome's headline box ("(heel) veel"), ``share = count / n`` and its 95%
            Wilson interval;
        ``box_label`` (optional)
            the box, shown after the outcome label ("Werkplezier: (heel) veel");
        ``suppressed`` (optional)
            from :mod:`peo.tables.disclosure`.
    title : str, optional
        Figure title (Dutch).
    levels : sequence of str, optional
        Order of the space levels.
    xlabel : str, optional
        Label of the x axis; default ``TEXT_NL["axis_space"]``.
    notes : sequence of str, optional
        Further Dutch notes to print under the plot and add to the alt text, e.g. the
        notes of :func:`peo.tables.disclosure.for_figure` when its filtered frame is drawn.

    Returns
    -------
    matplotlib.figure.Figure
        With ``peo_alt_text`` set. Suppressed cells are left out and named in a note.

    Raises
    ------
    ValidationError
        If a column is missing, the table has no rows, or ``levels`` misses a level of
        the table.
    """
    what = "outcomes_by_space"
    cols = ["space_level", "outcome", "outcome_label", "n", "count", "share", "ci_low", "ci_high"]
    df = _require(table, cols, what)
    if df.empty:
        raise ValidationError(f"The table given to {what} has no rows; there is nothing to draw.")
    if levels is None:
        sl = table["space_level"]
        if isinstance(sl.dtype, pd.CategoricalDtype):
            levels = [str(c) for c in sl.cat.categories if c in set(sl.dropna())]
        else:
            levels = list(dict.fromkeys(df["space_level"].astype(str)))
    levels = [str(lv) for lv in levels]
    df["space_level"] = df["space_level"].astype(str)
    extra = sorted(set(df["space_level"]) - set(levels))
    if extra:
        raise ValidationError(f"{what}: the table has space level(s) {extra} that are not in 'levels' {levels}.")
    outcomes = list(dict.fromkeys(df["outcome"].astype(str)))

    hidden: dict[str, list[str]] = {}
    panels = []
    for oc in outcomes:
        sub = df[df["outcome"].astype(str) == oc]
        olabel = str(sub["outcome_label"].iloc[0])
        if "box_label" in sub.columns and pd.notna(sub["box_label"].iloc[0]):
            olabel = f"{olabel}: {sub['box_label'].iloc[0]}"
        bars = {}
        for lv in levels:
            r = sub[sub["space_level"] == lv]
            if r.empty:
                continue
            r = r.iloc[0]
            if r["suppressed"] or pd.isna(r["share"]):
                hidden.setdefault(lv, []).append(str(sub["outcome_label"].iloc[0]))
                continue
            bars[lv] = r
        panels.append((olabel, bars))
    note = _not_shown_note(hidden, {lv: [str(p) for p in outcomes] for lv in levels})
    colour = GROUP_PALETTE["single"]

    with figure_style():
        fig = _new_figure(3.2 + (0.3 if title else 0), TEXT_NL["interval_note"], note, *(notes or ()))
        axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
        body = []
        for j, (ax, (olabel, bars)) in enumerate(zip(axes, panels)):
            _tick_fonts(ax)
            xs = [levels.index(lv) for lv in bars]
            shares = np.array([r["share"] for r in bars.values()]) * 100
            lo = np.array([r["share"] - r["ci_low"] if pd.notna(r["ci_low"]) else 0 for r in bars.values()]) * 100
            hi = np.array([r["ci_high"] - r["share"] if pd.notna(r["ci_high"]) else 0 for r in bars.values()]) * 100
            ax.bar(xs, shares, width=0.62, color=colour, zorder=2)
            if bars:
                ax.errorbar(xs, shares, yerr=np.vstack([lo, hi]), fmt="none", ecolor=GROUP_PALETTE["interval"],
                            elinewidth=1.0, capsize=2.5, zorder=3)
            for x, s, h, r in zip(xs, shares, hi, bars.values()):
                ax.annotate(_pct(r["share"]), xy=(x, min(s + h, 100)), xytext=(0, 3), textcoords="offset points",
                            ha="center", va="bottom", fontsize=7.5, annotation_clip=False)
            ticklabels = []
            for lv in levels:
                r = bars.get(lv)
                ticklabels.append(_wrap(lv, 10) + (f"\n({_n(r['n'])})" if r is not None else ""))
            ax.set_xticks(range(len(levels)), labels=ticklabels)
            ax.set_xlim(-0.6, len(levels) - 0.4)
            ax.tick_params(axis="x", length=0)
            ax.set_title(_wrap(olabel, 28))
            _pct_axis(ax, "y", 0, 100, 25)
            if j == 0:
                ax.set_ylabel(TEXT_NL["axis_share_plain"])
            body.append(f"{olabel}: " + ", ".join(f"{lv} {_pct(r['share'])} ({_n(r['n'])})" for lv, r in bars.items()))
        # Figure-level supxlabel is not used: constrained layout only reserves room for an
        # auto-positioned one, which then ignores the note strip. The middle panel carries it.
        axes[(len(axes) - 1) // 2].set_xlabel(xlabel or TEXT_NL["axis_space"])
        if title:
            fig.suptitle(title)
        _add_note(fig, TEXT_NL["interval_note"], note, *(notes or ()))
    text = TEXT_NL["alt_space"].format(
        outcomes=_join_nl([p[0] for p in panels]), levels=", ".join(levels), body="; ".join(body)
    )
    _finish(fig, _with_notes(text, note, notes))
    return fig


# ============================================================ ranked bars (multi, themes)


def _ranked_panels(
    df: pd.DataFrame,
    label_col: str,
    value_fmt,
    codebook: Codebook | None,
    title: str | None,
    notes: Sequence[str] | None,
) -> tuple[Figure, list[str], str | None]:
    """Horizontal bars sorted by share, one panel per group; returns fig, alt body, note."""
    df = df.copy()
    df["group"] = df["group"].astype(str)
    df[label_col] = df[label_col].astype(str)
    groups = _group_order(df["group"], codebook)
    options = list(dict.fromkeys(df[label_col]))
    hidden: dict[str, list[str]] = {}
    shown: list[str] = []
    for g in groups:
        sub = df[df["group"] == g]
        bad = sub[sub["suppressed"] | sub["share"].isna()]
        if len(bad) and len(bad) == len(sub):
            hidden[_group_label(g, codebook, short=True)] = list(sub[label_col])
        else:
            if len(bad):
                hidden[_group_label(g, codebook, short=True)] = list(bad[label_col])
            shown.append(g)
    all_members = {_group_label(g, codebook, short=True): list(df.loc[df["group"] == g, label_col]) for g in groups}
    note = _not_shown_note(hidden, all_members)
    # order: by share in the first shown group (highest on top), ties in table order
    if shown:
        first = df[(df["group"] == shown[0]) & ~df["suppressed"]].groupby(label_col, sort=False)["share"].first()
        first = first.reindex(options).fillna(-1.0)  # options hidden in the first panel go last
        options = sorted(options, key=lambda o: (-float(first[o]), options.index(o)))
    colours = group_colours(groups)
    has_ci = "ci_low" in df.columns and "ci_high" in df.columns
    hi_val = df.loc[~df["suppressed"], "ci_high" if has_ci else "share"].max()
    if pd.isna(hi_val):
        hi_val = df.loc[~df["suppressed"], "share"].max()
    top = 100.0 if pd.isna(hi_val) else min(100.0, math.ceil(float(hi_val) * 10 + 0.5) * 10)
    step = 25 if top > 60 else 10
    body = []
    with figure_style():
        fig = _new_figure(0.32 * len(options) + 1.5 + (0.3 if title else 0),
                          TEXT_NL["interval_note"] if has_ci else None, note, *(notes or ()))
        axes = fig.subplots(1, max(len(shown), 1), sharey=True, squeeze=False)[0]
        for ax, g in zip(axes, shown or [None]):
            _tick_fonts(ax)
            ax.set_yticks(range(len(options)), labels=[_wrap(o, 36) for o in options])
            ax.set_ylim(len(options) - 0.5, -0.5)
            ax.tick_params(axis="y", length=0)
            _pct_axis(ax, "x", 0, top, step)
            if g is None:
                continue
            sub = df[(df["group"] == g) & ~df["suppressed"] & df["share"].notna()].set_index(label_col)
            ys = [options.index(o) for o in sub.index]
            shares = sub["share"].to_numpy(float) * 100
            ax.barh(ys, shares, height=0.66, color=colours[g], zorder=2)
            ends = shares.copy()
            if has_ci:
                lo = (sub["share"] - sub["ci_low"]).fillna(0).to_numpy(float) * 100
                hi = (sub["ci_high"] - sub["share"]).fillna(0).to_numpy(float) * 100
                ax.errorbar(shares, ys, xerr=np.vstack([lo, hi]), fmt="none", ecolor=GROUP_PALETTE["interval"],
                            elinewidth=1.0, capsize=2.0, zorder=3)
                ends = shares + hi
            for y, e, (_, r) in zip(ys, ends, sub.iterrows()):
                ax.annotate(value_fmt(r), xy=(min(e, top), y), xytext=(3, 0), textcoords="offset points",
                            ha="left", va="center", fontsize=7.5, annotation_clip=False)
            ntext = _n_range(sub["n"]) if "n" in sub.columns else ""
            glabel = _group_label(g, codebook)
            ax.set_title(_wrap(f"{glabel} ({ntext})" if ntext else glabel, 30))
            items = sorted(sub.index, key=options.index)
            body.append(
                f"{glabel}{f' ({ntext})' if ntext else ''}: " + ", ".join(f"{o} {value_fmt(sub.loc[o])}" for o in items)
            )
        for ax in axes:
            ax.set_xlabel(TEXT_NL["axis_share_plain"])
        if title:
            fig.suptitle(title)
        _add_note(fig, TEXT_NL["interval_note"] if has_ci else None, note, *(notes or ()))
    return fig, body, note


def multi_choice(
    table: pd.DataFrame,
    title: str | None = None,
    item: str | None = None,
    codebook: Codebook | None = None,
    notes: Sequence[str] | None = None,
) -> Figure:
    """Horizontal bars of a multiple-choice question, options sorted by share.

    One panel per group (``totaal`` first), sharing the option axis; the options are
    sorted by their share in the first panel, the most chosen on top. The panel title
    carries the group's n.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``item``, ``item_label``, ``answer_label``, ``group``, ``n``, ``count``,
        ``share`` (share of the respondents to the question who chose the option), and
        optionally ``answer_code``, ``ci_low``, ``ci_high`` (drawn as error bars) and
        ``suppressed``.
    title : str, optional
        Figure title (Dutch).
    item : str, optional
        The item to draw when the table holds several.
    codebook : Codebook, optional
        Orders the groups and gives their labels.
    notes : sequence of str, optional
        Further Dutch notes to print under the plot and add to the alt text, e.g. the
        notes of :func:`peo.tables.disclosure.for_figure` when its filtered frame is drawn.

    Returns
    -------
    matplotlib.figure.Figure
        With ``peo_alt_text`` set.

    Raises
    ------
    ValidationError
        If a column is missing, the table (or the item) has no rows, or the table holds
        several items and ``item`` is not given.
    """
    what = "multi_choice"
    df = _require(table, ["item", "item_label", "answer_label", "group", "n", "count", "share"], what)
    df["item"] = df["item"].astype(str)
    items = list(dict.fromkeys(df["item"]))
    if item is None:
        if len(items) > 1:
            raise ValidationError(f"The table given to {what} holds several items ({', '.join(items)}); pass item=.")
        item = items[0] if items else None
    df = df[df["item"] == str(item)]
    if df.empty:
        raise ValidationError(f"The table given to {what} has no rows for item {item!r}; there is nothing to draw.")
    item_label = str(df["item_label"].iloc[0])
    fig, body, note = _ranked_panels(df, "answer_label", lambda r: _pct(r["share"]), codebook, title, notes)
    text = TEXT_NL["alt_multi"].format(item=item_label, body="; ".join(body))
    _finish(fig, _with_notes(text, note, notes))
    return fig


def theme_bars(
    table: pd.DataFrame,
    title: str | None = None,
    codebook: Codebook | None = None,
    notes: Sequence[str] | None = None,
) -> Figure:
    """Horizontal bars of the themes coded in the open answers, sorted by share.

    One panel per group (``totaal`` first); each bar is the share of respondents whose
    answer mentions the theme, labelled with the percentage and the count ("24% (12)").

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``theme_label``, ``group``, ``count``, ``share`` and optionally ``theme``,
        ``n`` (respondents who answered the open question, shown in the panel title),
        ``ci_low``, ``ci_high`` and ``suppressed``.
    title : str, optional
        Figure title (Dutch).
    codebook : Codebook, optional
        Orders the groups and gives their labels.
    notes : sequence of str, optional
        Further Dutch notes to print under the plot and add to the alt text, e.g. the
        notes of :func:`peo.tables.disclosure.for_figure` when its filtered frame is drawn.

    Returns
    -------
    matplotlib.figure.Figure
        With ``peo_alt_text`` set.

    Raises
    ------
    ValidationError
        If a column is missing or the table has no rows.
    """
    what = "theme_bars"
    df = _require(table, ["theme_label", "group", "count", "share"], what)
    if df.empty:
        raise ValidationError(f"The table given to {what} has no rows; there is nothing to draw.")
    fig, body, note = _ranked_panels(
        df, "theme_label", lambda r: f"{_pct(r['share'])} ({int(r['count'])})", codebook, title, notes
    )
    text = TEXT_NL["alt_themes"].format(body="; ".join(body))
    _finish(fig, _with_notes(text, note, notes))
    return fig


# ================================================================================ trends


def trend_lines(trend: pd.DataFrame, title: str | None = None, codebook: Codebook | None = None) -> Figure:
    """Headline shares per wave, one panel per item, one line per group, with Wilson intervals.

    Parameters
    ----------
    trend : pandas.DataFrame
        :func:`peo.tables.trends.headline_trend`: columns ``wave``, ``item``, ``item_label``,
        ``box``, ``box_label``, ``group``, ``n``, ``share``, ``ci_low``, ``ci_high``,
        ``suppressed``. Suppressed points are left out (a gap in the line) and named in a note.
    title : str, optional
        Figure title (Dutch).
    codebook : Codebook, optional
        Orders the employer types as in the codebook.

    Returns
    -------
    matplotlib.figure.Figure
        With ``peo_alt_text`` set.

    Raises
    ------
    ValidationError
        If a column is missing or the table has no rows.
    """
    what = "trend_lines"
    cols = ["wave", "item", "item_label", "box", "box_label", "group", "n", "share", "ci_low", "ci_high"]
    df = _require(trend, cols, what)
    if df.empty:
        raise ValidationError(f"The table given to {what} has no rows; there is nothing to draw.")
    df["group"] = df["group"].astype(str)
    df["wave"] = df["wave"].astype(str)
    if "suppressed" not in df:
        df["suppressed"] = False
    waves = sorted(df["wave"].unique())
    groups = _group_order(df["group"], codebook)
    colours = group_colours(groups)
    panels = list(dict.fromkeys(zip(df["item"].astype(str), df["box"].astype(str))))
    ncols = 2 if len(panels) > 1 else 1
    nrows = int(math.ceil(len(panels) / ncols))
    hidden: dict[str, list[str]] = {g: [] for g in groups}
    body = []
    markers = ["o", "s", "^", "D", "v", "P"]
    with figure_style():
        fig = _new_figure(2.3 * nrows + 0.8 + (0.3 if title else 0))
        axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
        for k, (item, box) in enumerate(panels):
            ax = axes[k // ncols][k % ncols]
            _tick_fonts(ax)
            sub = df[(df["item"].astype(str) == item) & (df["box"].astype(str) == box)]
            label = f"{sub['item_label'].iloc[0]}: {sub['box_label'].iloc[0]}"
            parts = []
            for gi, g in enumerate(groups):
                rows = sub[sub["group"] == g].set_index("wave").reindex(waves)
                ok = ~rows["suppressed"].fillna(True).astype(bool) & rows["share"].notna()
                for w in rows.index[~ok & rows["n"].notna()]:
                    hidden[g].append(f"{sub['item_label'].iloc[0]} ({w})")
                x = np.arange(len(waves), dtype=float) + (gi - (len(groups) - 1) / 2) * 0.06
                y = np.where(ok, rows["share"].astype(float) * 100, np.nan)
                lo = np.where(ok, (rows["share"] - rows["ci_low"]).astype(float) * 100, 0)
                hi = np.where(ok, (rows["ci_high"] - rows["share"]).astype(float) * 100, 0)
                ax.errorbar(x, y, yerr=np.vstack([lo, hi]), color=colours[g], marker=markers[gi % len(markers)],
                            markersize=4, linewidth=1.4 if g == "totaal" else 1.0, capsize=2,
                            label=_group_label(g, codebook, short=True))
                shown = [f"{w} {_pct(s)}" for w, s, o in zip(waves, rows["share"], ok) if o]
                if shown:
                    parts.append(f"{_group_label(g, codebook, short=True)}: " + ", ".join(shown))
            body.append(f"{label}: " + "; ".join(parts))
            ax.set_title(_wrap(label, 40))
            ax.set_xticks(range(len(waves)), labels=waves)
            ax.set_ylim(0, 100)
            ax.yaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _p: f"{v:.0f}%"))
            ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        for k in range(len(panels), nrows * ncols):
            axes[k // ncols][k % ncols].set_visible(False)
        handles, labels = axes[0][0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside upper center", ncols=len(groups), frameon=False)
        note = _not_shown_note(hidden, {g: hidden[g] for g in groups})
        if title:
            fig.suptitle(title)
        _add_note(fig, note, TEXT_NL["interval_note"])
    text = TEXT_NL["alt_trend"].format(body=". ".join(body))
    _finish(fig, _with_notes(text, note, None))
    return fig
