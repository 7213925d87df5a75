"""Figures readable on a phone and colour contrast axe can decide (issue 12 item 6, issue 11 item 6).

* At 390 CSS px (:data:`peo.checks.a11y.PHONE_WIDTH`) every figure's smallest text, worked out
  from the size in points and the dpi its ``<img>`` declares and the width the browser shows it
  at, is at least :data:`peo.checks.a11y.MIN_FIGURE_TEXT_PX`; no page scrolls sideways.
* A real screenshot of a chapter page at 390 px (Chromium, CDP ``Page.captureScreenshot``) is
  390 px wide, and every figure's ink lies inside it, at the size the check computed with.
* An axe ``color-contrast`` result that axe cannot decide (``incomplete``) fails.

Fast tests judge inputs made here; the slow ones run Chromium on a planted site and on the
demo book (the ``built_demo`` fixture, or ``PEO_A11Y_ROOT``, as in test_accessibility.py).
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from peo.checks import a11y
from peo.report import plots
from peo.report.present import figure_html
from peo.report.plots.check import smallest_text_pt

if os.environ.get("PEO_A11Y_ROOT"):

    @pytest.fixture(scope="session")
    def built_demo():
        yield Path(os.environ["PEO_A11Y_ROOT"])


def seen(**page_fields) -> dict:
    p = {"page": "p.html", "url": "http://127.0.0.1:1/p.html", "status": 200, "lang": "nl", "title": "P"}
    p.update(page_fields)
    return {"chromium": "test", "axe": "test", "color_schemes": ["light", "dark"], "pages": [p], "seconds": 0.1}


def shown(width: float, pt: float | None = 7, dpi: float | None = 200, natural: int = 1500, index: int = 0) -> dict:
    """One figure as check.js measures it at the phone's width."""
    return {
        "index": index,
        "src": f"http://127.0.0.1:1/_images/f{index}.png",
        "alt": "Figuur",
        "left": 16,
        "top": 400,
        "width": width,
        "height": width / 2,
        "clip_left": 16,
        "clip_right": 374,
        "natural_width": natural,
        "natural_height": natural // 2,
        "smallest_text_pt": pt,
        "dpi": dpi,
    }


def phone(*images, scroll_width=390) -> dict:
    return {"width": 390, "overflow": {"width": 390, "scroll_width": scroll_width, "elements": []}, "images": images}


# ------------------------------------------------------------------------------ verdicts


def test_text_size_follows_points_dpi_and_shown_width():
    # 7 pt at 200 dpi is 19.4 PNG pixels; a 1500-px PNG shown 720 px wide: 9.33 CSS px
    assert a11y.figure_text_px(shown(720)) == pytest.approx(7 / 72 * 200 * 720 / 1500)
    assert a11y.figure_text_px(shown(358)) == pytest.approx(4.64, abs=0.01)
    assert a11y.figure_text_px(shown(720, pt=None)) is None


def test_a_shrunken_figure_an_undeclared_one_and_sideways_scrolling_fail():
    found = a11y.phone_findings(
        seen(phone=phone(shown(720, index=0), shown(358, index=1), shown(720, pt=None, index=2), scroll_width=520))
    )
    assert found["fails"].all()
    got = {(r.rule, r.target) for r in found.itertuples()}
    assert got == {
        ("figure-text-size", "_images/f1.png"),  # 4.6 px
        ("figure-text-size", "_images/f2.png"),  # no declared size
        ("horizontal-scroll", "http://127.0.0.1:1/p.html"),
    }
    assert "4.6 CSS px, below 9" in found.loc[found["target"] == "_images/f1.png", "help"].iloc[0]
    assert a11y.phone_findings(seen(phone=phone(shown(720)))).empty


def test_undecided_colour_contrast_fails():
    node = {
        "target": ["figcaption"],
        "impact": "serious",
        "html": "<figcaption>",
        "summary": "",
        "reason": "bgOverlap",
        "message": "Element's background color could not be determined because it is overlapped by another element",
    }
    incomplete = [{"id": "color-contrast", "help": "contrast", "color_scheme": "light", "nodes": [node]}]
    found = a11y.findings(seen(incomplete=incomplete))
    row = found[found["rule"] == "color-contrast-undecided"]
    assert len(row) == 1 and row["fails"].all() and "bgOverlap" in row["detail"].iloc[0]
    dark = [{**incomplete[0], "color_scheme": "dark"}]
    assert set(a11y.findings(seen(incomplete=incomplete + dark))["rule"]) == {"color-contrast-undecided"}


def test_a_figure_declares_its_smallest_text_and_dpi():
    fig = plots.likert_diverging(*_demo_likert())
    html = figure_html(fig)
    pt = float(re.search(r'data-smallest-text-pt="([\d.]+)"', html).group(1))
    dpi = float(re.search(r'data-dpi="(\d+)"', html).group(1))
    assert pt == 7.0  # the percentages inside the bars (fontsize=7), the smallest text of the figure
    assert dpi == plots.SAVEFIG_KWARGS["png"]["dpi"]
    bare = Figure(figsize=(2, 1))
    bare.text(0.1, 0.5, "groot", fontsize=12)
    bare.text(0.1, 0.2, "", fontsize=3)  # empty text is not drawn
    assert smallest_text_pt(bare) == 12.0


def _demo_likert():
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from test_plots import dist_table

    from peo.survey.codebook import load_codebook

    cb = load_codebook([Path(__file__).resolve().parent.parent / "codebooks" / "core.yml"])
    return dist_table(cb), cb


# ------------------------------------------------------------------------- in Chromium


def _png(width_in: float, dpi: int = 100) -> bytes:
    fig = Figure(figsize=(width_in, 2), dpi=dpi)
    ax = fig.add_subplot()
    ax.bar([0, 1, 2], [1, 2, 3], color=plots.likert_colours(3))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _page(body: str, css: str = "") -> str:
    return (
        "<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'><title>Telefoon</title>"
        f"<meta name='viewport' content='width=device-width'><style>img{{max-width:100%}}{css}</style></head>"
        f"<body><main><h1>Telefoon</h1>{body}</main></body></html>"
    )


@pytest.mark.slow
def test_browser_measures_figures_at_390_px_and_finds_undecided_contrast(tmp_path):
    (tmp_path / "wide.png").write_bytes(_png(8.0))  # 800 px: shown at 390 - 2 × 8 px margin
    alt = "Staafdiagram: aandeel professionals met genoeg ruimte, per type werkgever"
    pages = {
        # 9 pt at 100 dpi = 12.5 px; shown 374 of 800 px: 5.8 px
        "small.html": _page(f'<img src="wide.png" alt="{alt}" data-smallest-text-pt="9" data-dpi="100">'),
        # the same figure in a box that scrolls: shown 720 px wide, 11.25 px
        "boxed.html": _page(
            f'<div style="overflow-x:auto"><img style="width:720px;max-width:none" src="wide.png" alt="{alt}" '
            'data-smallest-text-pt="9" data-dpi="100"></div>'
        ),
        # text over a gradient: axe cannot decide its contrast
        "gradient.html": _page('<p style="background-image:linear-gradient(#ffffff,#dddddd)">Bijschrift</p>'),
    }
    for name, text in pages.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "index.html").write_text(_page("<p>Start</p>"), encoding="utf-8")
    found, result = a11y.check_book(tmp_path, color_schemes=("light",), colours=False)
    got = {(r.page, r.rule) for r in found[found["fails"]].itertuples()}
    assert got == {("small.html", "figure-text-size"), ("gradient.html", "color-contrast-undecided")}, a11y.report(
        found, result
    )
    boxed = next(p for p in result["pages"] if p["page"] == "boxed.html")["phone"]
    assert boxed["width"] == 390 and boxed["images"][0]["width"] == pytest.approx(720)
    assert a11y.figure_text_px(boxed["images"][0]) == pytest.approx(9 / 72 * 100 * 720 / 800)


def _chapter(pages: list[str]) -> str:
    chapters = [p for p in pages if re.match(r"waves/[^/]+/02_[^/]*\.html$", p)]
    assert chapters, pages
    return sorted(chapters)[-1]


def _blurred(pixels: np.ndarray, radius: int = 2) -> np.ndarray:
    """Grey values under a box blur of ``radius`` pixels (PIL)."""
    from PIL import ImageFilter

    img = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")
    return np.asarray(img.filter(ImageFilter.BoxBlur(radius)), dtype=float)


@pytest.mark.slow
def test_demo_chapter_at_390_px_in_a_screenshot(built_demo, tmp_path):
    """The professional-space chapter of the newest demo wave on a 390-px phone, in a real
    screenshot: the page is as wide as the phone (it does not scroll sideways), and every
    figure is drawn inside it at the width the text-size check computed with."""
    html_dir = Path(built_demo) / "book" / "_build" / "html"
    page = _chapter(a11y.list_pages(html_dir))
    result = a11y.browse(html_dir, [page], color_schemes=("light",), screenshot_dir=tmp_path, screenshot_pages=[page])
    phone = result["pages"][0]["phone"]
    found = a11y.phone_findings(result)
    assert found.empty, a11y.report(found, result)
    shot = np.asarray(Image.open(phone["screenshot"]).convert("L"), dtype=float)
    height, width = shot.shape
    # A full-page screenshot is as wide as the page: wider than 390 px if it scrolled sideways.
    assert width == a11y.PHONE_WIDTH, f"the page is {width} px wide at a 390-px viewport"
    figures = [i for i in phone["images"] if i["smallest_text_pt"] is not None]
    assert len(figures) >= 2, phone["images"]
    for fig in figures:
        top, bottom = int(fig["top"]) + 2, int(fig["top"] + fig["height"]) - 2
        left, right = int(max(fig["clip_left"], fig["left"])), int(fig["clip_right"])
        assert 0 <= left < right <= width and bottom <= height, fig
        band = shot[top:bottom]
        ink = band < 200  # not white or near-white: bars, text, axes
        columns = np.flatnonzero(ink.any(axis=0))
        assert columns.size, f"figure {fig['index']} is not drawn in the screenshot"
        # every figure pixel lies inside its (scrolling) box within the phone's width
        assert columns.min() >= left - 1 and columns.max() <= right, (fig, columns.min(), columns.max())
        # the figure is shown at the width the check computed with: the PNG scaled by
        # width / natural_width has the same ink pattern as the screenshot's visible part
        png = fig["src"].split(",", 1)[1] if fig["src"].startswith("data:") else None
        if png is not None:
            import base64

            source = Image.open(io.BytesIO(base64.b64decode(png))).convert("L")
            scaled = source.resize((round(fig["width"]), round(fig["height"])), Image.Resampling.BILINEAR)
            expect = np.asarray(scaled, dtype=float)[2:-2, : right - round(fig["left"])]
            got = band[:, round(fig["left"]) : right][: expect.shape[0], : expect.shape[1]]
            # Compared a little blurred: a hatched bar's fine lines resample differently in
            # Chromium and in PIL, while a figure shown at another width misaligns whole bars.
            expect, got = _blurred(expect), _blurred(got)
            r = np.corrcoef(expect[: got.shape[0], : got.shape[1]].ravel(), got.ravel())[0, 1]
            assert r > 0.8, (
                f"figure {fig['index']}: the screenshot does not show the PNG at the measured width (r={r:.2f})"
            )
