"""Layout checks of a finished figure: text that collides, or leaves the figure.

:func:`layout_problems` draws the figure once with the Agg renderer (in the figures' style) and
compares the bounding boxes (``get_window_extent``) of its texts:

* tick labels of one axis that overlap each other (the "75%100%" of issue 12);
* a legend over a title (the figure's or an axes'), over tick labels or over a note;
* a title, legend or note that runs out of the figure (tick labels may reach a little over
  the edge: the figures are saved with ``bbox_inches="tight"``, which takes them in).

The figures of :mod:`peo.report.plots` are tested with it (``tests/test_plots.py``); it returns
descriptions rather than raising so that a test can show all problems at once.
"""

from __future__ import annotations

from itertools import combinations

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from peo.report.plots.common import figure_style

__all__ = ["PNG_TEXT_KEY", "layout_problems", "smallest_text_pt"]

#: Key of the PNG text chunk in which a picture that is not a notebook figure (the factsheet
#: preview) gives :func:`smallest_text_pt`; a notebook figure's ``<img>`` declares it instead.
PNG_TEXT_KEY = "peo:smallest-text-pt"

#: Overlap (pixels) below which two boxes are taken to touch, not collide (anti-aliasing).
_TOLERANCE = 0.5


def _overlap(a: Bbox, b: Bbox) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > _TOLERANCE and min(a.y1, b.y1) - max(a.y0, b.y0) > _TOLERANCE


def _visible_texts(texts) -> list:
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


def layout_problems(fig: Figure) -> list[str]:
    """Every collision of texts in a figure, as sentences; empty when the layout is clean.

    Parameters
    ----------
    fig : matplotlib.figure.Figure

    Returns
    -------
    list of str
    """
    with figure_style():
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
        page = fig.bbox
        problems: list[str] = []
        titles: list[tuple[str, Bbox]] = []
        if fig._suptitle is not None and fig._suptitle.get_text().strip():
            titles.append((f"figure title {fig._suptitle.get_text()!r}", fig._suptitle.get_window_extent(renderer)))
        ticks: list[tuple[str, Bbox]] = []
        for k, ax in enumerate(a for a in fig.axes if a.get_visible()):
            for loc in ("title", "_left_title", "_right_title"):
                t = getattr(ax, loc, None) if loc == "title" else getattr(ax, loc)
                if t is not None and t.get_text().strip():
                    titles.append((f"title {t.get_text()!r} of axes {k}", t.get_window_extent(renderer)))
            for axis_name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
                labels = [
                    (t.get_text(), t.get_window_extent(renderer))
                    for t in _visible_texts(axis.get_ticklabels(which="both"))
                ]
                for (a, ba), (b, bb) in combinations(labels, 2):
                    if _overlap(ba, bb):
                        problems.append(f"axes {k}: {axis_name} tick labels {a!r} and {b!r} collide")
                ticks += [(f"{axis_name} tick label {a!r} of axes {k}", bb) for a, bb in labels]
        notes = [
            (f"text {t.get_text()[:30]!r}", t.get_window_extent(renderer))
            for t in _visible_texts(fig.texts)
            if t is not fig._suptitle
        ]
        legends = [lg for lg in [*fig.legends, *(ax.get_legend() for ax in fig.axes)] if lg is not None]
        for lg in legends:
            box = lg.get_window_extent(renderer)
            for name, tb in titles + ticks + notes:
                if _overlap(box, tb):
                    problems.append(f"the legend lies over the {name}")
        for name, box in (
            titles + notes + [(f"legend {i}", lg.get_window_extent(renderer)) for i, lg in enumerate(legends)]
        ):
            if (
                box.x0 < -_TOLERANCE
                or box.y0 < -_TOLERANCE
                or box.x1 > page.x1 + _TOLERANCE
                or box.y1 > page.y1 + _TOLERANCE
            ):
                problems.append(f"the {name} runs out of the figure")
        for (a, ba), (b, bb) in combinations(titles + notes, 2):
            if _overlap(ba, bb):
                problems.append(f"the {a} and the {b} collide")
    return problems


def smallest_text_pt(fig: Figure) -> float:
    """The size in points of the smallest text the figure draws (0 when it draws none).

    Texts that are hidden or empty are not drawn and do not count. With the dpi a figure is
    saved at, this gives the height of its smallest text in the PNG, and with the width a
    browser shows the PNG at, in CSS px (:mod:`peo.checks.a11y_phone`).
    """
    from matplotlib.text import Text

    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return float(min(sizes, default=0.0))
