"""Figures on a phone (issue 12): what fails in what the browser measured at
:data:`~peo.checks.a11y_browser.PHONE_WIDTH` (390 CSS px).

A figure is a PNG of the book's width; on a phone the browser shrinks it, and its text with
it. Every figure's ``<img>`` declares the size in points of the smallest text it draws and the
dpi it was saved at (``data-smallest-text-pt``, ``data-dpi``:
:class:`peo.report.present.figures.FigureDisplay`). Shown ``width`` CSS px wide, a PNG of
``natural_width`` pixels draws that text

    points / 72 × dpi × width / natural_width   CSS px

high. A picture that is not a notebook figure (the factsheet preview) gives the size in a
text chunk of its PNG (:data:`peo.report.plots.check.PNG_TEXT_KEY`) and its dpi in the PNG's
``pHYs``. Below :data:`MIN_FIGURE_TEXT_PX` a figure fails (``figure-text-size``), as does a
figure in the content that does not declare its text size (the check cannot know it), and
a page that scrolls sideways at the phone's width (``horizontal-scroll``).
"""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from peo.checks.a11y_findings import FINDING_COLUMNS, _image_label, _path_of, _row, scroll_rows
from peo.report.plots.check import PNG_TEXT_KEY

__all__ = ["MIN_FIGURE_TEXT_PX", "figure_text_px", "phone_findings"]

#: Smallest text a figure may show on a phone, in CSS px. Body text is 16 px; 9 px is about
#: the smallest size that stays legible at a phone's pixel density (the size of the
#: figures' 7-point notes at their natural width of 100 CSS px per inch is 9.7 px).
MIN_FIGURE_TEXT_PX = 9.0


def figure_text_px(image: Mapping) -> float | None:
    """The height in CSS px of a figure's smallest text as shown (``None`` if not declared).

    Parameters
    ----------
    image : mapping
        One entry of a page's ``phone["images"]`` (``tests/a11y/check.js``): ``width`` (shown,
        CSS px), ``natural_width`` (the PNG's pixels), ``smallest_text_pt`` and ``dpi``.
    """
    pt, dpi, natural = image.get("smallest_text_pt"), image.get("dpi"), image.get("natural_width") or 0
    if pt is None or dpi is None or natural <= 0:
        return None
    return float(pt) / 72.0 * float(dpi) * float(image["width"]) / float(natural)


def _from_png(image: Mapping, html_dir: Path | None) -> Mapping:
    """The image with the text size and dpi its PNG declares, when its ``<img>`` does not."""
    if image.get("smallest_text_pt") is not None or html_dir is None:
        return image
    src = image.get("src") or ""
    try:
        if src.startswith("data:image/png;base64,"):
            data = base64.b64decode(src.split(",", 1)[1])
        else:
            data = (html_dir / _path_of(src)).read_bytes()
        from PIL import Image

        with Image.open(io.BytesIO(data)) as im:
            pt, dpi = im.info.get(PNG_TEXT_KEY), im.info.get("dpi")
    except (OSError, ValueError):
        return image
    if pt is None or not dpi:
        return image
    return {**image, "smallest_text_pt": float(pt), "dpi": round(float(dpi[0]), 1)}


def phone_findings(
    result: Mapping, html_dir: str | os.PathLike | None = None, *, min_text_px: float = MIN_FIGURE_TEXT_PX
) -> pd.DataFrame:
    """Judge the pages as a phone shows them: one row per failure.

    Parameters
    ----------
    result : mapping
        The return value of :func:`peo.checks.a11y_browser.browse` (pages with ``phone``).
    html_dir : path, optional
        The served folder: a picture whose ``<img>`` declares no text size is read from it.
    min_text_px : float, default :data:`MIN_FIGURE_TEXT_PX`

    Returns
    -------
    pandas.DataFrame
        Columns :data:`~peo.checks.a11y_findings.FINDING_COLUMNS`; ``check`` is ``phone``.
    """
    rows: list[dict] = []
    folder = Path(html_dir) if html_dir is not None else None
    for p in result.get("pages", []):
        phone = p.get("phone") or {}
        if not phone or p.get("error"):
            continue
        page, width = p["page"], phone.get("width")
        rows += scroll_rows(page, "phone", phone.get("overflow"), p["url"], where=", a phone's width")
        for img in phone.get("images", []):
            if not img.get("natural_width"):
                continue  # not loaded: the browser check reports the missing file
            target = _image_label(img["src"], img.get("index", 0))
            img = _from_png(img, folder)
            px = figure_text_px(img)
            if px is None:
                rows.append(
                    _row(
                        page,
                        "phone",
                        "figure-text-size",
                        "serious",
                        "A figure does not declare the size of its smallest text (data-smallest-text-pt and "
                        f"data-dpi on its <img>, or {PNG_TEXT_KEY} in its PNG), so its readability on a phone "
                        "cannot be checked",
                        target,
                        f"shown {img['width']:.0f} of {img['natural_width']} px",
                    )
                )
            elif px < min_text_px:
                rows.append(
                    _row(
                        page,
                        "phone",
                        "figure-text-size",
                        "serious",
                        f"At {width} px a figure's smallest text is {px:.1f} CSS px, below {min_text_px:g}",
                        target,
                        f"{img['smallest_text_pt']:g} pt at {img['dpi']:g} dpi, shown {img['width']:.0f} of "
                        f"{img['natural_width']} px",
                    )
                )
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)
