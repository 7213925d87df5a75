"""Figures in a notebook: a PNG inside an HTML ``<img>`` with the figure's alt text."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from peo.report.plots.check import smallest_text_pt
from peo.report.present.common import TEXT_NL, _markdown

__all__ = [
    "FigureDisplay",
    "figure_html",
    "has_data",
    "empty_figure_sentence",
    "show_figure",
    "show_all",
]


@dataclass(frozen=True)
class FigureDisplay:
    """A rendered figure for a notebook: PNG in an ``<img>`` with alt text.

    Attributes
    ----------
    png : bytes
        The figure, saved with :data:`peo.report.plots.SAVEFIG_KWARGS` inside :func:`peo.report.plots.figure_style`.
    alt : str
        The Dutch alt text.
    """

    png: bytes
    alt: str
    smallest_text_pt: float = 0.0

    @property
    def width(self) -> int:
        """Display width in CSS pixels: half the PNG's pixel width (it is saved at 200 dpi)."""
        return max(1, int.from_bytes(self.png[16:20], "big") // 2)

    def html(self) -> str:
        """The ``<img>``; ``data-smallest-text-pt`` and ``data-dpi`` let the accessibility check
        work out how large the figure's smallest text is where it is shown (in CSS px:
        points / 72 × dpi × shown width / the PNG's width; :mod:`peo.checks.a11y_phone`)."""
        from peo.report import plots

        data = base64.b64encode(self.png).decode("ascii")
        alt = html.escape(self.alt, quote=True)
        return (
            f'<img src="data:image/png;base64,{data}" alt="{alt}" width="{self.width}" '
            f'data-smallest-text-pt="{self.smallest_text_pt:g}" data-dpi="{plots.SAVEFIG_KWARGS["png"]["dpi"]}" '
            'style="max-width: 100%; height: auto;" />'
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/html": self.html(), "text/plain": TEXT_NL["figure_plain"].format(alt=self.alt)}


def _render(fig) -> FigureDisplay:
    from peo.report import plots

    alt = plots.alt_text(fig)
    buf = io.BytesIO()
    with plots.figure_style():
        fig.savefig(buf, **plots.SAVEFIG_KWARGS["png"])
    return FigureDisplay(buf.getvalue(), alt, smallest_text_pt(fig))


def _close(fig) -> None:
    import matplotlib.pyplot as plt

    plt.close(fig)


def figure_html(fig) -> str:
    """The HTML ``<img>`` of a figure: an embedded PNG with the figure's alt text (escaped).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure made by :mod:`peo.report.plots` (it carries ``peo_alt_text``).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If the figure has no alt text (it was not made by :mod:`peo.report.plots`).
    """
    return _render(fig).html()


def show_figure(fig) -> None:
    """Display a figure in a notebook as a PNG with real alt text, then close it.

    The figure is rendered once to PNG (deterministic settings of :mod:`peo.report.plots`) and
    shown as HTML ``<img alt="...">``; its plain-text form is the alt text. The figure is
    closed afterwards, so that ``%matplotlib inline`` does not show it a second time.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure made by :mod:`peo.report.plots`.

    Raises
    ------
    ValueError
        If the figure has no alt text (it was not made by :mod:`peo.report.plots`).
    """
    from IPython.display import display

    if not has_data(fig):
        # Everything was hidden by disclosure control: a sentence instead of an empty frame.
        display(_markdown(empty_figure_sentence(fig)))
        _close(fig)
        return
    shown = _render(fig)
    _close(fig)
    display(shown)


def has_data(fig) -> bool:
    """Whether a figure draws any data: a bar, a line or a marker (texts and axes do not count)."""
    import numpy as np

    for ax in fig.axes:
        for patch in ax.patches:
            if patch.get_visible() and abs(patch.get_width() * patch.get_height()) > 0:
                return True
        for line in ax.lines:  # data lines only: a reference line (axvline) is in axes coordinates
            xs = np.asarray(line.get_xdata(), dtype=float)
            if line.get_visible() and line.get_transform() == ax.transData and xs.size and np.isfinite(xs).any():
                return True
        if any(c.get_visible() and len(c.get_paths()) for c in ax.collections):
            return True
    return False


def empty_figure_sentence(fig) -> str:
    """The sentence shown instead of a figure with nothing left to show: what it would show and why not."""
    notes = " ".join(t.get_text().replace("\n", " ") for t in fig.texts if t.get_text().strip())
    return TEXT_NL["figure_empty"].format(notes=notes or TEXT_NL["figure_empty_default"]).strip()


def show_all(parts: Iterable[Any]) -> None:
    """Display a list of parts in order (Markdown, tables, figures, rendered figures).

    A :class:`matplotlib.figure.Figure` is shown with :func:`show_figure`; anything else
    with :func:`IPython.display.display`.
    """
    from IPython.display import display
    from matplotlib.figure import Figure

    for part in parts:
        if isinstance(part, Figure):
            show_figure(part)
        else:
            display(part)
