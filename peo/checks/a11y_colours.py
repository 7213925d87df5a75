"""Figure colours in the built book: every fill from the colour-blind-checked palettes.

:func:`colour_findings` finds figures that fill an area with a colour that is neither a grey,
nor a colour of the palettes that :func:`peo.report.colours.palette_check` proves readable under
simulated protanopia, deuteranopia and tritanopia (:func:`allowed_colours`), nor a blend of
such colours.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pandas as pd

from peo.checks.a11y_findings import FINDING_COLUMNS, _image_label, _path_of, _row

__all__ = [
    "LAYOUT_COLOURS",
    "MAX_COLOUR_DELTA_E",
    "MAX_GREY_SPREAD",
    "MIN_COLOUR_AREA",
    "allowed_colours",
    "colour_findings",
]

#: A colour that covers at least this share of a figure's pixels is a *fill* whose colour
#: must come from the checked palettes (anti-aliased edges each cover far less).
MIN_COLOUR_AREA = 0.002
#: Largest CIEDE2000 difference between a fill and the nearest allowed colour (about
#: one just-noticeable difference: PNG quantisation and blending, not another colour).
MAX_COLOUR_DELTA_E = 3.0
#: Largest difference between the three channels (0-255) for a colour to count as a grey
#: (text, axes, grid, the "totaal" bar and the neutral answer are grey).
MAX_GREY_SPREAD = 12
#: Colours that may fill an area of a figure although they are in no checked palette,
#: because they encode no data: the surfaces of the factsheet (peo.report.factsheet) that carry
#: text. Their text contrast is far above WCAG AA (light text #cfe0f0 on the ink band:
#: 8.6:1; dark red #7a1212 on the pink notice: 9.3:1; :func:`peo.report.colours.contrast_ratio`).
#: A new entry needs such a reason.
LAYOUT_COLOURS: dict[str, str] = {
    "#1f3b57": "factsheet: ink band of the title (light text on it)",
    "#fde8e8": "factsheet: box of the synthetic-data notice (dark red text on it)",
    "#1f5f8b": "factsheet: text colour of the key figures' numbers (7.0:1 on white; text, not data)",
}


def _image_bytes(src: str, html_dir: Path) -> bytes | None:
    """The bytes of an image: decoded from a data: URI, or read from the served folder."""
    if src.startswith("data:"):
        head, _, data = src.partition(",")
        try:
            return base64.b64decode(data) if head.endswith(";base64") else unquote(data).encode("latin-1")
        except (ValueError, UnicodeEncodeError):
            return None
    path = html_dir / _path_of(src)
    return path.read_bytes() if path.is_file() else None


def allowed_colours(layout: Mapping[str, str] | None = None) -> list[str]:
    """The colours a figure may fill areas with.

    Every colour of the palettes that :func:`peo.report.colours.palette_check` checks (the Likert
    palettes of every size, the group palette and its fixed colours), plus the layout
    colours of :data:`LAYOUT_COLOURS` (surfaces that carry text, not data).

    Parameters
    ----------
    layout : mapping of str to str, optional
        Layout colours (hex) with the reason they are allowed; default
        :data:`LAYOUT_COLOURS`.

    Returns
    -------
    list of str
        Lower-case ``#rrggbb``, sorted, without duplicates.
    """
    from peo.report import colours as plots

    colours: list[str] = []
    for sizes in plots.LIKERT_PALETTES.values():
        for cols in sizes.values():
            colours += list(cols)
    for value in plots.GROUP_PALETTE.values():
        colours += [value] if isinstance(value, str) else list(value)
    colours += list(LAYOUT_COLOURS if layout is None else layout)
    return sorted({c.lower() for c in colours})


def _to_lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of sRGB colours given as an (n, 3) array of 0-255 values."""
    from peo.report import colours as plots

    return np.array([plots.srgb_to_lab("#{:02x}{:02x}{:02x}".format(*map(int, c))) for c in rgb])


def _dominant_colours(data: bytes, min_area: float) -> list[tuple[tuple[int, int, int], float]]:
    """The colours of an image (composited over white) that cover at least ``min_area``."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        rgba = np.asarray(im.convert("RGBA"))
    alpha = rgba[..., 3:4].astype(float) / 255.0
    rgb = np.rint(rgba[..., :3] * alpha + 255.0 * (1 - alpha)).astype(np.uint8)  # over a white page
    flat = rgb.reshape(-1, 3).astype(np.uint32)
    packed = (flat[:, 0] << 16) | (flat[:, 1] << 8) | flat[:, 2]  # 1-D: far faster than unique(axis=0)
    values, counts = np.unique(packed, return_counts=True)
    share = counts / packed.shape[0]
    keep = share >= min_area
    return [
        (((int(v) >> 16) & 255, (int(v) >> 8) & 255, int(v) & 255), float(s)) for v, s in zip(values[keep], share[keep])
    ]


def _blend_distance(
    c: np.ndarray, bases: np.ndarray, bases_lab: np.ndarray, pair_i: np.ndarray, pair_j: np.ndarray, candidates: int = 8
) -> float:
    """Smallest CIEDE2000 difference between colour ``c`` (0-255 RGB) and a base colour or
    an alpha blend of two base colours (a point on the sRGB segment between them)."""
    from peo.report import colours as plots

    lab = _to_lab(c[None, :])[0]
    best = min(plots.delta_e2000(lab, x) for x in bases_lab)
    p, q = bases[pair_i], bases[pair_j]
    d = q - p
    t = np.clip(((c - p) * d).sum(axis=1) / np.maximum((d * d).sum(axis=1), 1e-9), 0.0, 1.0)
    points = p + t[:, None] * d
    rgb_dist = np.linalg.norm(points - c, axis=1)
    for k in np.argsort(rgb_dist)[:candidates]:  # the nearest few in RGB, judged in CIELAB
        best = min(best, plots.delta_e2000(lab, _to_lab(np.rint(points[k])[None, :])[0]))
    return float(best)


def colour_findings(
    html_dir: str | os.PathLike,
    result: Mapping,
    *,
    min_area: float = MIN_COLOUR_AREA,
    max_delta_e: float = MAX_COLOUR_DELTA_E,
    layout: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Figures that fill an area with a colour outside the checked palettes.

    For every raster figure (PNG, JPEG) in the ``<main>`` of a page, each colour that
    covers at least ``min_area`` of the pixels (a fill, not an anti-aliased edge) must be
    a grey, a colour of :func:`allowed_colours`, or an alpha blend of one with white,
    black or another allowed colour (a transparent fill, overlapping bands), within
    ``max_delta_e`` (CIEDE2000, :func:`peo.report.colours.delta_e2000`). The palettes are those
    that :func:`peo.report.colours.palette_check` proves distinguishable under simulated
    protanopia, deuteranopia and tritanopia, so a figure that passes draws its data only
    in colours checked for colour-blind readers; a matplotlib or seaborn default colour
    (red against green) fails. Each image file is checked once (the first page that
    shows it names it). Images are composited over white first (transparent PNGs).

    Parameters
    ----------
    html_dir : path
        The built HTML that :func:`browse` served.
    result : mapping
        The return value of :func:`browse`.
    min_area, max_delta_e : float
        Default :data:`MIN_COLOUR_AREA`, :data:`MAX_COLOUR_DELTA_E`.
    layout : mapping of str to str, optional
        Layout colours allowed besides the palettes; default :data:`LAYOUT_COLOURS`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FINDING_COLUMNS`, ``check`` = ``figure-colour``; ``target`` is the
        image, ``detail`` the colour, its share of the image and the nearest allowed colour.
    """
    from peo.report import colours as plots

    html_dir = Path(html_dir)
    names = allowed_colours(layout)
    allowed = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in names], dtype=float)
    allowed_lab = _to_lab(allowed)
    # Transparent fills blend a palette colour with white, black or another palette colour.
    bases = np.vstack([allowed, [[255.0, 255.0, 255.0], [0.0, 0.0, 0.0]]])
    bases_lab = _to_lab(bases)
    pair_i, pair_j = np.triu_indices(len(bases), k=1)
    seen: set[str] = set()
    rows: list[dict] = []
    for p in result.get("pages", []):
        for i, img in enumerate(p.get("images", [])):
            if not img.get("in_main"):
                continue
            data = _image_bytes(img["src"], html_dir)
            if data is None or not data.startswith((b"\x89PNG", b"\xff\xd8")):  # PNG, JPEG; missing: reported
                continue
            digest = hashlib.sha256(data).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            rel = _image_label(img["src"], i)
            for colour, share in _dominant_colours(data, min_area):
                c = np.array(colour, dtype=float)
                if c.max() - c.min() <= MAX_GREY_SPREAD:
                    continue
                de = _blend_distance(c, bases, bases_lab, pair_i, pair_j)
                if de <= max_delta_e:
                    continue
                de_exact = np.array([plots.delta_e2000(_to_lab(c[None, :])[0], x) for x in allowed_lab])
                nearest = names[int(de_exact.argmin())]
                hex_colour = "#{:02x}{:02x}{:02x}".format(*colour)
                rows.append(
                    _row(
                        p["page"],
                        "figure-colour",
                        "figure-colour-palette",
                        "serious",
                        "A figure fills an area with a colour outside the colour-blind-checked palettes (peo.report.colours)",
                        rel,
                        f"{hex_colour} covers {share:.1%} of the image; nearest palette colour {nearest} "
                        f"(CIEDE2000 {de_exact.min():.1f})",
                    )
                )
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)
