"""The one-page factsheet of a wave: A4 portrait, in Dutch, to hand out.

:func:`factsheet` draws it with matplotlib from the wave's key figures
(``key_figures.json``, format in ``docs/processed-data.md``) and published tables:

* every key figure (no fixed limit), as the key figures state it;
* space and outcomes: the share with much work pleasure, a (too) high workload and the
  intention to stay, per level of experienced space (the published ``outcome_by_space``
  table), with the key figures' association sentences (gated by their tests);
* the theme's multiple-choice questions (barriers, solutions): the three most chosen answers;
* the differences between employer types in one sentence (:func:`peo.tables.claims.differences_line`);
* two or three recommendations from the researchers' text (:func:`recommendation_lines`);
* organisation, date of publication and web address (``publication:`` in ``wave.yml``).

No text may overlap other text or leave its box: every paragraph is wrapped by measuring its
words with the renderer (not by counting characters), and the blocks are stacked from the
measured heights. When the content does not fit on the page, the type is set smaller, down to
a floor; beyond that :class:`~peo.errors.ConfigError` says what to shorten. The tests check
the bounding box of every text element.

:func:`render_factsheet` gives the PNG preview (matplotlib) and the PDF: the figure as SVG
with its text kept as text, placed on an A4 page by WeasyPrint as a tagged PDF/UA-1 with
title, author, ``lang="nl"`` and the whole text of the sheet as the figure's alternative text.
Both are byte-identical across rebuilds (no dates, fixed SVG ids, fixed PDF identifier).
"""

from __future__ import annotations

import hashlib
import html
import io
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle

from peo.errors import ConfigError
from peo.report import format as fmt
from peo.report.factsheet_data import _MARKS, _not_shown, _reason, _space_rows, _t, _top3, hidden_headlines
from peo.report.plots.check import PNG_TEXT_KEY, smallest_text_pt
from peo.report.summary import SYNTHETIC_NOTICE, factsheet_alt_text, headlines, response_text

__all__ = [
    "A4_INCHES",
    "FACTSHEET_SAVE_KWARGS",
    "factsheet",
    "factsheet_alt_text",
    "factsheet_text",
    "recommendation_lines",
    "publication_details",
    "render_factsheet",
    "text_boxes",
]

#: A4 portrait in inches (210 x 297 mm).
A4_INCHES = (8.27, 11.69)
#: ``savefig`` keyword arguments per format: no dates, software versions or random ids, so
#: that the same figure gives the same bytes. The PNG preview is 827 x 1169 pixels.
FACTSHEET_SAVE_KWARGS: dict[str, dict] = {
    "svg": {"format": "svg", "metadata": {"Date": None, "Creator": None}},
    "png": {"format": "png", "dpi": 100, "metadata": {"Software": None}},
}
_FONT = "DejaVu Sans"
# A fixed style, so a user's matplotlibrc cannot change the bytes.
_RC = {
    "font.family": _FONT,
    "font.size": 9,
    # Unhinted advances: matplotlib's default autohinting measures text about 6% narrower than
    # the font's true widths, which the PDF (WeasyPrint, HarfBuzz) uses; text would leave its box.
    "text.hinting": "no_hinting",
    "svg.fonttype": "none",  # text stays text in the SVG, and so in the PDF (searchable, checkable)
    "svg.hashsalt": "peo",
    "svg.id": "peo-factsheet",
    "path.simplify": True,
    "savefig.facecolor": "white",
    "savefig.edgecolor": "white",
    "savefig.bbox": None,
    "savefig.pad_inches": 0.0,
    "figure.dpi": 100,
}
_INK = "#1f3b57"
_ACCENT = "#1f5f8b"  # 7.0:1 on white: readable in greyscale as dark text
_TEXT = "#1a1a1a"
_MUTED = "#4d4d4d"
_RULE = "#8c8c8c"
#: Page frame (figure fraction): left and right margins, and the top of the footer.
_LEFT, _RIGHT = 0.06, 0.94
#: Smallest type scale before the content is declared too long for one page.
_MIN_SCALE = 0.72


class _rc:
    """Context: matplotlib's defaults plus the factsheet style, restored afterwards."""

    def __enter__(self):
        self._ctx = mpl.rc_context()
        self._ctx.__enter__()
        mpl.rcdefaults()
        mpl.rcParams.update(_RC)
        return self

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)


# ================================================================== hooks: researchers' text


#: The module that reads the researchers' text (written alongside this one; optional until it lands).
RESEARCHERS_MODULE = "peo.report.researchers"


def _researchers() -> Any:
    """The researchers'-text module, or None when this version of the package has none."""
    import importlib

    try:
        return importlib.import_module(RESEARCHERS_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name == RESEARCHERS_MODULE:
            return None
        raise


def recommendation_lines(wave: Any, key_figures: Mapping, package: Any = None) -> list[str] | None:
    """Two or three recommendations for the factsheet, from the researchers' text.

    The researchers' text (``data/raw/<wave>/report/aanbevelingen.md``, its ``factsheet:``
    lines) is read by :func:`peo.report.researchers.recommendations`. Until that module is
    part of the package this returns None, and the factsheet says that the recommendations
    are missing.

    Returns
    -------
    list of str or None
        The lines (at most three); an empty list when the wave has no recommendations; None
        when the package cannot read researchers' texts.
    """
    researchers = _researchers()
    if researchers is None:
        return None
    return list(researchers.recommendations(wave, key_figures, package))[:3]


def publication_details(wave: Any) -> dict[str, str]:
    """Organisation, date of publication and web address of a wave's report.

    From ``publication:`` in ``wave.yml`` (:func:`peo.report.researchers.wave_settings`) where
    given; the organisation defaults to the wording file's. A missing date or address is left
    out (the sheet then says where the report is found without an address).
    """
    out = {"organisation": _t("organisation")}
    researchers = _researchers()
    if researchers is None:
        return out
    _files, pub = researchers.wave_settings(wave)
    if getattr(pub, "organisation", None):
        out["organisation"] = str(pub.organisation)
    if getattr(pub, "date", None):
        out["date"] = fmt.date_nl(pub.date.isoformat())
    if getattr(pub, "url", None):
        out["url"] = str(pub.url)
    return out


# ==================================================================================== layout


#: The box (left and right edge, figure fraction) each text was wrapped to: see :func:`text_boxes`.
_BOXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def text_boxes(fig: Figure) -> list[tuple[Any, tuple[float, float]]]:
    """Every text of the sheet with the horizontal box it was wrapped to (for the layout tests)."""
    return [(t, _BOXES[t]) for t in fig.texts if t in _BOXES]


class _Page:
    """Places wrapped text on the figure, measuring every line with the renderer."""

    def __init__(self, fig: Figure, scale: float):
        self.fig = fig
        self.scale = scale
        self.renderer = FigureCanvasAgg(fig).get_renderer()
        self.w_px, self.h_px = fig.bbox.width, fig.bbox.height
        self._widths: dict[tuple[str, float, str], float] = {}

    def width(self, text: str, size: float, weight: str = "normal") -> float:
        """Width of one line in figure fraction: the sum of its measured words and spaces."""
        words = text.split(" ")
        total = sum(self._word(w, size, weight) for w in words if w)
        return (total + (len(words) - 1) * self._word(" ", size, weight)) / self.w_px

    def _word(self, word: str, size: float, weight: str) -> float:
        key = (word, size, weight)
        if key not in self._widths:
            prop = FontProperties(family=_FONT, size=size, weight=weight)
            w, _h, _d = self.renderer.get_text_width_height_descent(word, prop, ismath=False)
            self._widths[key] = w
        return self._widths[key]

    def wrap(self, text: str, width: float, size: float, weight: str = "normal") -> list[str]:
        """Greedy word wrap to ``width`` (figure fraction, less a safety margin of 2%); a word
        longer than a line is cut."""
        width *= 0.98
        lines: list[str] = []
        line = ""
        for word in " ".join(str(text or "").split()).split(" "):
            trial = f"{line} {word}".strip()
            if self.width(trial, size, weight) <= width:
                line = trial
                continue
            if line:
                lines.append(line)
            line = word
            while self.width(line, size, weight) > width and len(line) > 1:
                cut = len(line) - 1
                while cut > 1 and self.width(line[:cut], size, weight) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        if line:
            lines.append(line)
        return lines

    def text(
        self,
        x: float,
        y: float,
        text: str,
        width: float,
        size: float,
        *,
        weight: str = "normal",
        color: str = _TEXT,
        spacing: float = 1.3,
        **kw: Any,
    ) -> float:
        """Draw ``text`` wrapped to ``width`` with its top at ``y``; return the y of its bottom."""
        size = size * self.scale
        lines = self.wrap(text, width, size, weight)
        if not lines:
            return y
        t = self.fig.text(
            x,
            y,
            "\n".join(lines),
            fontsize=size,
            fontweight=weight,
            color=color,
            va="top",
            ha="left",
            linespacing=spacing,
            parse_math=False,
            **kw,
        )
        _BOXES[t] = (x, x + width)
        box = t.get_window_extent(self.renderer)
        return y - box.height / self.h_px

    def gap(self, points: float) -> float:
        """A vertical gap of ``points`` (scaled) in figure fraction."""
        return points * self.scale / 72 / A4_INCHES[1]


# ================================================================================ the blocks


def _heading(p: _Page, y: float, text: str) -> float:
    return p.text(_LEFT, y, text, _RIGHT - _LEFT, 11.5, weight="bold", color=_INK) - p.gap(4)


def _compose(
    fig: Figure,
    kf: Mapping,
    scale: float,
    *,
    space_outcomes: pd.DataFrame | None,
    theme_tables: Sequence[pd.DataFrame],
    recommendations: Sequence[str] | None,
    publication: Mapping[str, str],
    total: str,
    hidden_figures: Sequence[tuple[str, str]] = (),
) -> float:
    """Draw every block from the top down; return the y where the content ends."""
    p = _Page(fig, scale)
    wave = str(kf.get("wave", ""))
    full = _RIGHT - _LEFT
    # --- title band
    title_lines = p.wrap(kf.get("title") or _t("title_default", wave=wave), full, 14.5 * scale, "bold")
    band = 0.045 + 0.022 * len(title_lines) * scale
    fig.add_artist(Rectangle((0, 1 - band), 1, band, transform=fig.transFigure, color=_INK, zorder=0))
    y = p.text(_LEFT, 0.988, _t("banner"), full, 8.5, weight="bold", color="#e3eef8") - p.gap(4)
    p.text(_LEFT, y, " ".join(title_lines), full, 14.5, weight="bold", color="white", spacing=1.15)
    y = 1 - band - p.gap(8)
    # --- synthetic notice
    if kf.get("synthetic"):
        y = p.text(_LEFT, y, SYNTHETIC_NOTICE, full, 8.5, weight="bold", color="#7a1212") - p.gap(5)
    # --- fieldwork, theme, response
    meta = _t("meta", wave=wave, fieldwork=fmt.fieldwork(kf.get("fieldwork")))
    if kf.get("theme_nl"):
        meta += _t("meta_theme", theme=kf["theme_nl"])
    y = p.text(_LEFT, y, meta, full, 8.5)
    y = p.text(_LEFT, y, _t("response", response=response_text(kf)), full, 8.5) - p.gap(8)
    # --- every key figure, two per row
    y = _heading(p, y, _t("key_figures"))
    heads = headlines(kf, None)
    if not heads and not hidden_figures:
        y = p.text(_LEFT, y, _t("no_key_figures"), full, 8.5, color=_MUTED) - p.gap(6)
    col_w = (full - 0.03) / 2
    num_w = 0.1
    for i in range(0, len(heads), 2):
        bottom = y
        for col, f in enumerate(heads[i : i + 2]):
            x0 = _LEFT + col * (col_w + 0.03)
            b1 = p.text(x0, y, fmt.pct(f.get("share")), num_w, 19, weight="bold", color=_ACCENT, spacing=1.0)
            statement = f.get("statement_nl") or f"{f.get('item_label', '')}: {f.get('box_label', '')}"
            b2 = p.text(x0 + num_w, y, statement, col_w - num_w, 7.8)
            detail = _t(
                "key_figure_detail",
                box_label=f.get("box_label", ""),
                ci=fmt.ci(f.get("ci_low"), f.get("ci_high")),
                n=fmt.integer(f.get("n")),
            )
            b2 = p.text(x0 + num_w, b2 - p.gap(1), detail, col_w - num_w, 6.5, color=_MUTED)
            bottom = min(bottom, b1, b2)
        y = bottom - p.gap(7)
    line = _not_shown(hidden_figures, kf.get("threshold"))
    if line:
        y = p.text(_LEFT, y + p.gap(3), line, full, 7.2, color=_MUTED) - p.gap(7)
    # --- space and outcomes
    if space_outcomes is not None and len(space_outcomes):
        y = _heading(p, y - p.gap(2), _t("space_heading"))
        levels, rows, reasons = _space_rows(space_outcomes)
        label_w = 0.34
        cell_w = (full - label_w) / max(len(levels), 1)
        bottom = y
        for j, level in enumerate(levels):
            bottom = min(bottom, p.text(_LEFT + label_w + j * cell_w, y, level, cell_w - 0.01, 7.2, weight="bold"))
        y = bottom - p.gap(2)
        fig.add_artist(Rectangle((_LEFT, y), full, 0.0006, transform=fig.transFigure, color=_RULE))
        y -= p.gap(3)
        for label, cells in rows:
            bottom = p.text(_LEFT, y, label, label_w - 0.01, 7.8)
            for j, cell in enumerate(cells):
                bottom = min(bottom, p.text(_LEFT + label_w + j * cell_w, y, cell, cell_w - 0.01, 9, weight="bold"))
            y = bottom - p.gap(3)
        if reasons:
            marks = [_t("hidden_mark", mark=_MARKS[w], reason=_reason(w, kf.get("threshold"))) for w in sorted(reasons)]
            y = p.text(_LEFT, y, " · ".join(marks), full, 7.2, color=_MUTED) - p.gap(2)
        sentences = [a["statement_nl"] for a in kf.get("associations") or [] if a.get("statement_nl")]
        for s in sentences:
            y = p.text(_LEFT, y, "• " + s, full, 7.5) - p.gap(1)
        y -= p.gap(6)
    # --- the theme's multiple-choice questions
    blocks = [_top3(t, total) for t in theme_tables]
    blocks = [(label, top, hidden) for label, top, hidden in blocks if top]
    if blocks:
        y = _heading(p, y - p.gap(2), _t("theme_heading", theme=kf.get("theme_nl") or wave))
        shown = blocks[:2]
        w = (full - 0.03) / len(shown)
        bottom = y
        for k, (label, top, hidden) in enumerate(shown):
            x0 = _LEFT + k * (w + 0.03)
            yy = p.text(x0, y, label, w, 8, weight="bold") - p.gap(2)
            for pct, answer in top:
                b_pct = p.text(x0, yy, pct, 0.05, 8, weight="bold", color=_ACCENT)
                yy = min(b_pct, p.text(x0 + 0.05, yy, answer, w - 0.05, 8)) - p.gap(1)
            line = _not_shown(hidden, kf.get("threshold"))
            if line:
                yy = p.text(x0, yy, line, w, 6.8, color=_MUTED) - p.gap(1)
            bottom = min(bottom, yy)
        y = bottom - p.gap(7)
    # --- differences between employer types (the sentence the tests support)
    from peo.tables.claims import differences_line

    line = differences_line(list(kf.get("differences") or []))
    if line:
        y = _heading(p, y - p.gap(2), _t("differences_heading"))
        y = p.text(_LEFT, y, line, full, 7.8) - p.gap(7)
    # --- recommendations
    y = _heading(p, y - p.gap(2), _t("recommendations_heading"))
    if recommendations:
        for r in recommendations[:3]:
            y = p.text(_LEFT, y, "• " + r, full, 8) - p.gap(2)
    else:
        key = "recommendations_missing" if recommendations is None else "recommendations_none"
        y = p.text(_LEFT, y, _t(key), full, 8, color=_MUTED)
    return y


def _footer(fig: Figure, kf: Mapping, publication: Mapping[str, str], scale: float) -> float:
    """Draw the footer at the bottom of the page; return the y of its top."""
    p = _Page(fig, scale)
    wave = str(kf.get("wave", ""))
    parts = [_t("footer_organisation", organisation=publication.get("organisation") or _t("organisation"))]
    if publication.get("date"):
        parts.append(_t("footer_date", date=publication["date"]))
    parts.append(_t("footer_url", url=publication["url"]) if publication.get("url") else _t("footer_no_url"))
    lines = [" · ".join(parts), _t("footer", wave=wave)]
    if not fmt.is_missing(kf.get("threshold")):
        lines[-1] += " " + _t("footer_threshold", threshold=fmt.integer(kf["threshold"]))
    # measure first, then place so that the last line ends 0.025 above the page's edge
    probe = Figure(figsize=A4_INCHES, dpi=100)
    q = _Page(probe, scale)
    height = (q.text(_LEFT, 1.0, lines[0], _RIGHT - _LEFT, 7, weight="bold") - q.gap(2)) - 1.0
    height += q.text(_LEFT, 1.0, lines[1], _RIGHT - _LEFT, 6.3) - 1.0
    top = 0.025 - height
    y = p.text(_LEFT, top, lines[0], _RIGHT - _LEFT, 7, weight="bold", color=_TEXT) - p.gap(2)
    p.text(_LEFT, y, lines[1], _RIGHT - _LEFT, 6.3, color=_MUTED)
    fig.add_artist(Rectangle((_LEFT, top + p.gap(4)), _RIGHT - _LEFT, 0.0008, transform=fig.transFigure, color=_RULE))
    return top + p.gap(6)


def factsheet(
    key_figures: Mapping,
    space_outcomes: pd.DataFrame | None = None,
    theme_tables: Sequence[pd.DataFrame] = (),
    *,
    recommendations: Sequence[str] | None = None,
    publication: Mapping[str, str] | None = None,
    total: str | None = None,
    by_group_tables: Sequence[pd.DataFrame] = (),
) -> Figure:
    """The factsheet of one wave as one A4 portrait page (8.27 x 11.69 in), in Dutch.

    Parameters
    ----------
    key_figures : mapping
        The wave's ``key_figures.json``; every key figure is shown as its statement says it.
    space_outcomes : pandas.DataFrame, optional
        The published ``outcome_by_space`` table (``outcome``, ``outcome_label``,
        ``box_label``, ``space_level``, ``share``, ``suppressed``).
    theme_tables : sequence of pandas.DataFrame
        The published tables of the theme's multiple-choice questions (``item_label``,
        ``group``, ``answer_code``, ``answer_label``, ``share``, ``suppressed``); the first two
        are shown with their three most chosen answers.
    recommendations : sequence of str, optional
        Two or three lines from the researchers' text (:func:`recommendation_lines`); None
        when the package cannot read them (the sheet says so), empty when the wave has none.
    publication : mapping, optional
        ``organisation``, ``date``, ``url`` (:func:`publication_details`).
    total : str, optional
        The value of the group column for all respondents (default: the codebook's).
    by_group_tables : sequence of pandas.DataFrame
        The published ``*_by_group`` tables: a headline for all respondents that they hide
        (not a key figure) is named under the key figures with its reason, so that a hidden
        number is never silently missing. Hidden cells of ``space_outcomes`` read "–" (too
        few respondents) or "x" (hidden to protect another cell), explained under the table;
        hidden answers of a theme question are named under its three most chosen ones.

    Returns
    -------
    matplotlib.figure.Figure
        Not saved, not shown; see :func:`render_factsheet`.

    Raises
    ------
    ConfigError
        If the content does not fit on one page even in the smallest type (the message says
        what to shorten).
    """
    if total is None:
        from peo.survey.codebook import groups as cb_groups

        total = cb_groups().total
    publication = dict(publication or {"organisation": _t("organisation")})
    scale = 1.0
    with _rc():
        while True:
            fig = Figure(figsize=A4_INCHES, dpi=100)
            fig.patch.set_facecolor("white")
            # the footer is measured first (on a scratch page) and drawn last: reading order
            floor = _footer(Figure(figsize=A4_INCHES, dpi=100), key_figures, publication, scale)
            end = _compose(
                fig,
                key_figures,
                scale,
                space_outcomes=space_outcomes,
                theme_tables=theme_tables,
                recommendations=recommendations,
                publication=publication,
                total=total,
                hidden_figures=hidden_headlines(by_group_tables, total),
            )
            if end >= floor:
                _footer(fig, key_figures, publication, scale)
                return fig
            if scale <= _MIN_SCALE:
                raise ConfigError(
                    f"The factsheet of wave {key_figures.get('wave')} does not fit on one A4 page, even in the "
                    "smallest type: shorten the factsheet lines of the recommendations (report/aanbevelingen.md) "
                    "or the key figures' statements."
                )
            scale = round(scale - 0.04, 2)


def factsheet_text(fig: Figure) -> str:
    """Every text of the sheet, in reading order, on one line: the PDF's alternative text."""
    return " ".join(" ".join(t.get_text().split()) for t in fig.texts if t.get_text().strip())


def render_factsheet(fig: Figure, key_figures: Mapping | None = None) -> tuple[bytes, bytes]:
    """The factsheet as a tagged PDF and a PNG preview, identical for identical figures.

    The PDF is the figure as SVG (text kept as text) on an A4 page, rendered by WeasyPrint as
    PDF/UA-1: title, author, ``lang="nl"``, and the sheet's whole text as the alternative text
    of the figure (:func:`factsheet_text`).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        As returned by :func:`factsheet`.
    key_figures : mapping, optional
        For the PDF's title (the wave's title).

    Returns
    -------
    (bytes, bytes)
        The PDF and the PNG.
    """
    from weasyprint import HTML

    kf = key_figures or {}
    with _rc():
        buf = io.BytesIO()
        # The PNG preview says how small its smallest text is: the phone check of the book
        # (peo.checks.a11y_phone) reads it with the dpi to judge the preview as shown.
        kw = FACTSHEET_SAVE_KWARGS["png"]
        fig.savefig(buf, **{**kw, "metadata": {**kw["metadata"], PNG_TEXT_KEY: f"{smallest_text_pt(fig):g}"}})
        png = buf.getvalue()
        buf = io.BytesIO()
        fig.savefig(buf, **FACTSHEET_SAVE_KWARGS["svg"])
        svg = buf.getvalue().decode("utf-8")
    svg = svg[svg.index("<svg") :]  # inline: no XML declaration or doctype inside HTML
    title = _t("pdf_title", title=kf.get("title") or _t("title_default", wave=kf.get("wave", "")))
    alt = factsheet_text(fig)
    document = (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n"
        f'<meta name="author" content="{html.escape(_t("author"))}">\n'
        "<style>@page { size: A4; margin: 0 } html, body { margin: 0 } "
        "img { display: block; width: 210mm; height: 297mm }</style>\n</head>\n<body>\n"
        f'<img alt="{html.escape(alt)}" src="data:image/svg+xml;base64,{_b64(svg)}">\n'
        "</body>\n</html>\n"
    )
    identifier = hashlib.sha256(document.encode("utf-8")).hexdigest()[:32].encode("ascii")
    pdf = HTML(string=document).write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=identifier)
    return pdf, png


def _b64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode("utf-8")).decode("ascii")
