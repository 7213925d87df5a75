"""Sentences about a wave from its key figures: response, headline figures and the text
version of the factsheet.

Shared by the book pages (:mod:`peo.report.pages`) and the factsheet
(:mod:`peo.report.factsheet`), so neither imports the other. Standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from peo.report import format as fmt
from peo.survey.codebook import groups as cb_groups
from peo.survey.wording import phrase

__all__ = ["SYNTHETIC_NOTICE", "MAX_HEADLINES", "response_text", "headlines", "factsheet_alt_text", "withheld_text"]

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


def response_text(key_figures: Mapping) -> str:
    """The response numbers of a wave as plain Dutch text, from its key figures.

    ``"150 professionals in de analyse (GI 50, JZ 50, LT 50), van 163 ontvangen vragenlijsten"``
    """
    resp = key_figures.get("response") or {}
    by_group = resp.get("by_group") or {}
    text = _b("response_analysed", n=_format_int(resp.get("analysed")))
    if by_group:
        text += (
            " (" + ", ".join(f"{g} {_format_int(n)}" for g, n in by_group.items()) + withheld_text(key_figures) + ")"
        )
    if not _is_missing(resp.get("received")):
        text += _b("response_received", n=_format_int(resp.get("received")))
    return text


def withheld_text(key_figures: Mapping) -> str:
    """Why group sizes are not shown: ``"; GI: te weinig respondenten (...); LT: verborgen ..."`` or "".

    From ``response.withheld`` of the key figures: disclosure control hides a group below the
    threshold and a second group with it, in every table (:func:`peo.tables.disclosure.group_sizes`).
    """
    resp = (key_figures or {}).get("response") or {}
    withheld = resp.get("withheld") or {}
    threshold = key_figures.get("threshold", "")
    parts = [
        _b("response_withheld_group", group=g, reason=phrase("suppression", r, threshold=threshold))
        for g, r in withheld.items()
        if r in ("primary", "secondary")
    ]
    return _b("response_withheld", groups="; ".join(parts)) if parts else ""


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
