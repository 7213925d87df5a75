"""Sentences about a wave from its key figures: response, headline figures, differences,
associations, and the text version of the factsheet.

Shared by the book pages (:mod:`peo.report.pages`) and the factsheet
(:mod:`peo.report.factsheet`), so neither imports the other. Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from peo.report import format as fmt
from peo.report.layout import METHODS_DOC
from peo.report.markdown import md as _md
from peo.survey.codebook import groups as cb_groups
from peo.survey.wording import phrase
from peo.survey.wording import wording as _wording

__all__ = ["SYNTHETIC_NOTICE", "MAX_HEADLINES", "response_text", "headlines", "key_findings", "factsheet_alt_text"]

#: The notice shown on every page (and on the factsheet) when the data are the demo waves.
SYNTHETIC_NOTICE = phrase("book", "synthetic_notice")
#: Headline figures shown on the factsheet and in its text version, at most.
MAX_HEADLINES = 6

_format_int = fmt.integer
_is_missing = fmt.is_missing
format_pct = fmt.pct
format_ci = fmt.ci
format_decimal = fmt.decimal
format_fieldwork = fmt.fieldwork
_missing = fmt.is_missing
_int = fmt.integer


def _b(key: str, **values: Any) -> str:
    """A phrase of the book pages (``peo/data/wording.yml``, section ``book``)."""
    return phrase("book", key, **values)


def _t(key: str, **values: Any) -> str:
    """A phrase of the factsheet (``peo/data/wording.yml``, section ``factsheet``)."""
    return phrase("factsheet", key, **values)


def _figure_line(fig: Mapping, threshold: Any = None) -> str:
    """One headline figure as a list item: bold percentage, interval, n, statement."""
    if fig.get("suppressed"):
        label = _md(fig.get("item_label", fig.get("item", "")))
        box = f" ({_md(fig['box_label'])})" if fig.get("box_label") else ""
        rule = (
            _b("hidden_below_threshold", threshold=_format_int(threshold))
            if not _is_missing(threshold)
            else _b("hidden_too_few")
        )
        return _b("figure_hidden", label=label, box=box, rule=rule, methods=METHODS_DOC)
    pct = format_pct(fig.get("share"))
    ci = format_ci(fig.get("ci_low"), fig.get("ci_high"))
    n = _format_int(fig.get("n"))
    statement = _md(fig.get("statement_nl") or f"{fig.get('item_label', '')}: {fig.get('box_label', '')}")
    if fig.get("statement_weighted_nl"):
        # The post-stratified estimate beside the unweighted one (peo.tables.weighted).
        statement += " " + _md(fig["statement_weighted_nl"])
    box = f" {_md(fig['box_label'])}" if fig.get("box_label") else ""
    return _b("figure_line", pct=pct, box=box, ci=ci, n=n, statement=statement)


def _statement_items(rows: Iterable[Mapping], extra=None) -> list[str]:
    out = []
    for r in rows or []:
        text = r.get("statement_nl")
        if not text:
            continue
        suffix = extra(r) if extra else ""
        text = _md(text)
        if suffix:
            text = text.rstrip(" .") + suffix + "."
        out.append(f"- {text}")
    return out


def _association_suffix(r: Mapping) -> str:
    measure = _wording("book")["measures"].get(str(r.get("measure", "")).lower(), _md(r.get("measure", "")))
    if _is_missing(r.get("estimate")):
        return ""
    ci = ""
    if not _is_missing(r.get("ci_low")) and not _is_missing(r.get("ci_high")):
        ci = _b("association_ci", low=format_decimal(r["ci_low"]), high=format_decimal(r["ci_high"]))
    return _b("association_suffix", measure=measure, estimate=format_decimal(r["estimate"]), ci=ci)


def key_findings(key_figures: Mapping, heading_level: int = 2) -> list[str]:
    h = "#" * heading_level
    threshold = key_figures.get("threshold")
    blocks = []
    figs = [_figure_line(f, threshold) for f in key_figures.get("figures") or []]
    blocks.append("\n".join(figs) if figs else _b("no_key_figures"))
    diffs = _statement_items(key_figures.get("differences") or [])
    if diffs:
        blocks.append(f"{h}# {_b('differences_heading')}\n\n" + "\n".join(diffs))
    assoc = _statement_items(key_figures.get("associations") or [], _association_suffix)
    if assoc:
        blocks.append(f"{h}# {_b('associations_heading')}\n\n" + "\n".join(assoc))
    return blocks


def response_text(key_figures: Mapping) -> str:
    """The response numbers of a wave as plain Dutch text, from its key figures.

    ``"150 professionals in de analyse (GI 50, JZ 50, LT 50), van 163 ontvangen vragenlijsten"``
    """
    resp = key_figures.get("response") or {}
    by_group = resp.get("by_group") or {}
    text = _b("response_analysed", n=_format_int(resp.get("analysed")))
    if by_group:
        text += " (" + ", ".join(f"{g} {_format_int(n)}" for g, n in by_group.items()) + ")"
    if not _is_missing(resp.get("received")):
        text += _b("response_received", n=_format_int(resp.get("received")))
    return text


def headlines(key_figures: Mapping, limit: int = MAX_HEADLINES) -> list[Mapping]:
    """Headline figures for all respondents that are not suppressed, in file order (at most ``limit``)."""
    total = cb_groups().total
    out = []
    for f in key_figures.get("figures") or []:
        if f.get("suppressed") or _missing(f.get("share")):
            continue
        if f.get("group", total) not in (total, None):
            continue
        out.append(f)
    return out[:limit]


def factsheet_alt_text(key_figures: Mapping) -> str:
    """A text alternative of the factsheet (alt text of the preview, text version on the page).

    Parameters
    ----------
    key_figures : mapping

    Returns
    -------
    str
        Dutch text on one line: title, fieldwork, response, headline figures (rounded
        percentages with their statements), differences between employer types, and the
        synthetic-data notice when the data are synthetic.
    """
    kf = key_figures
    wave = str(kf.get("wave", ""))
    parts = [_t("alt_title", title=kf.get("title") or _t("title_default", wave=wave))]
    if kf.get("synthetic"):
        parts.append(SYNTHETIC_NOTICE)
    parts.append(_t("alt_fieldwork", fieldwork=format_fieldwork(kf.get("fieldwork")), response=response_text(kf)))
    heads = headlines(kf)
    if heads:
        items = []
        for f in heads:
            text = f.get("statement_nl") or f"{f.get('item_label', '')}: {f.get('box_label', '')}"
            box = f" {f['box_label']}" if f.get("box_label") else ""
            items.append(_t("alt_key_figure", pct=format_pct(f.get("share")), box=box, n=_int(f.get("n")), text=text))
        parts.append(_t("alt_key_figures") + " " + " ".join(i if i.rstrip().endswith(".") else i + "." for i in items))
    diffs = [d.get("statement_nl") for d in kf.get("differences") or [] if d.get("statement_nl")]
    if diffs:
        parts.append(_t("alt_differences") + " " + " ".join(d if d.rstrip().endswith(".") else d + "." for d in diffs))
    parts.append(_t("alt_figures"))
    return " ".join(" ".join(p.split()) for p in parts)
