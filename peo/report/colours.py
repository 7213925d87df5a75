"""Colours of the figures and the colour science that checks them.

The palettes (ColorBrewer PuOr for answer scales, Okabe-Ito for groups), WCAG contrast, and
colour-vision-deficiency simulation with CIEDE2000 differences, used by the figures, the
factsheet and the accessibility check (:mod:`peo.checks.a11y`).

The CVD simulation uses the matrices of Machado, Oliveira & Fernandes (2009), "A
physiologically-based model for simulation of color vision deficiency", IEEE TVCG 15(6),
severity 1.0, applied to linear sRGB. Colour differences are CIEDE2000 (Sharma, Wu &
Dalal 2005, Color Res. Appl. 30(1)) on CIELAB (D65). The small conversions are written
here with numpy because neither ``colorspacious`` nor ``scikit-image`` is in the lock;
the test suite checks :func:`delta_e2000` against the 34 published test pairs of Sharma
et al. (2005), Table 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import matplotlib as mpl
import numpy as np
import pandas as pd

from peo.errors import CodebookError
from peo.survey.codebook import groups as cb_groups

__all__ = [
    "LIKERT_PALETTES",
    "LIKERT_SCHEME",
    "GOOD_END",
    "GROUP_PALETTE",
    "INTERVAL_HALO",
    "MIN_DELTA_E",
    "MIN_TEXT_CONTRAST",
    "MIN_GRAPHIC_CONTRAST",
    "CVD_KINDS",
    "simulate_cvd",
    "srgb_to_lab",
    "delta_e2000",
    "contrast_ratio",
    "text_colour",
    "likert_colours",
    "group_colours",
    "palette_check",
]


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

#: The colour family of the favourable end of every answer scale (PuOr's purple end); the
#: unfavourable end is orange. Which end of a scale is favourable is the codebook's ``good``.
GOOD_END = "purple"


#: Groups. A group never takes a colour that could be read as an answer: every group colour
#: differs from every colour of :data:`LIKERT_PALETTES` by more than :data:`MIN_DELTA_E`
#: (CIEDE2000) under normal vision and each simulated deficiency, and contrasts at least 3:1
#: with white (WCAG 1.4.11). With orange and purple taken by the answers, that leaves greys,
#: black and greens: ``total`` (all respondents, "totaal") is a mid grey, the employer types
#: get Okabe & Ito's (2008) bluish green, a dark green (ColorBrewer Greens) and black, in codebook
#: order; the trend lines add a different marker per group. (Until issue 12 the groups used
#: Okabe-Ito orange and blues, which the answers' orange and purple come close to.)
GROUP_PALETTE: dict[str, object] = {
    "total": "#666666",
    "sequence": ("#009E73", "#005A32", "#000000"),
    "single": "#005A32",  # one series (outcomes by space)
    "interval": "#000000",  # error bars drawn over the group colours, with INTERVAL_HALO around them
}

#: The edge around an interval line (the page's white), so that the black line also shows on
#: the dark group colours (peo.report.plots.common._halo; WCAG 1.4.11 non-text contrast).
INTERVAL_HALO = "#ffffff"


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


def likert_colours(n_categories: int, scheme: str = LIKERT_SCHEME, good: str = "high") -> list[str]:
    """Colours of the answer categories of a Likert scale, in scale order.

    The favourable end of every scale gets the same colour (:data:`GOOD_END`, purple), the
    unfavourable end the other (orange): which end is favourable is data, the scale's
    ``good`` in the codebook. A workload scale (``good: low``) thus draws "veel te hoog" in
    the colour of "helemaal oneens", never in that of "helemaal eens".

    Parameters
    ----------
    n_categories : int
        Number of substantive answers (2 to 7).
    scheme : str, default :data:`LIKERT_SCHEME`
    good : {"high", "low"}, default "high"
        The favourable end of the scale (``ResponseScale.good``).

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
            f"the figures support {min(sizes)} to {max(sizes)}. Add one to peo.report.colours.LIKERT_PALETTES "
            "(and run the palette test) or shorten the scale in the codebook."
        )
    if good not in ("high", "low"):
        raise CodebookError(f"An answer scale's favourable end ('good') is 'high' or 'low', not {good!r}.")
    colours = list(sizes[n_categories])
    return colours if good == "high" else colours[::-1]


def group_colours(groups: Sequence[str], total: str | None = None) -> dict[str, str]:
    """Colour of each group: grey for ``total``, then the Okabe-Ito sequence in order.

    Parameters
    ----------
    groups : sequence of str
        Group values in display order (``totaal``, ``GI``, ``JZ``, ``LT``).
    total : str, optional
        The value of the total; default: the core codebook's (:func:`peo.survey.codebook.groups`).

    Returns
    -------
    dict
        Group value to colour. Colours cycle when there are more than seven groups.
    """
    total = cb_groups().total if total is None else total
    seq = GROUP_PALETTE["sequence"]
    out, i = {}, 0
    for g in groups:
        if g == total:
            out[g] = GROUP_PALETTE["total"]
        else:
            out[g] = seq[i % len(seq)]
            i += 1
    return out


def palette_check(threshold: float = MIN_DELTA_E, palettes: dict[str, Sequence[str]] | None = None) -> pd.DataFrame:
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
