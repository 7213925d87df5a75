"""Claims gated by their tests: the one place that turns a test result into a sentence.

A sentence that says employer types differ, or that a share changed between waves, is
written only when the test of that claim supports it: its Holm-adjusted p-value lies below
the level in ``peo/data/analysis.yml`` (``tests.level``, stated on the methods page).
Otherwise the sentence says that no difference was shown. The key figures
(``key_figures.json``), the landing page, the chapters and the factsheet all take their
sentences from here, so that no page claims what another page calls unproven.

The Dutch wording is data: section ``claims`` of ``peo/data/wording.yml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from peo import paths
from peo.survey.wording import phrase
from peo.yamltext import load_yaml

__all__ = [
    "settings",
    "format_p",
    "level",
    "supported",
    "group_difference",
    "wave_change",
    "no_association",
    "weighted_sentence",
    "phrase_no_population",
    "headline_estimate",
    "differences_line",
]


def settings() -> dict:
    """The statistical rules of ``peo/data/analysis.yml`` (section ``tests``)."""
    return _all()["tests"]


def _all() -> dict:
    return load_yaml(paths.package_data("analysis.yml").read_text(encoding="utf-8"))


def headline_estimate() -> str:
    """Which estimate the headline sentences state (``weighting.headline_estimate``)."""
    return str(_all()["weighting"]["headline_estimate"])


def level() -> float:
    """The significance level of every claim (Holm-adjusted p-values are compared with it)."""
    return float(settings()["level"])


def supported(p_holm: Any, at: float | None = None) -> bool:
    """True when a Holm-adjusted p-value supports a claim: it exists and lies below the level."""
    try:
        p = float(p_holm)
    except (TypeError, ValueError):
        return False
    return bool(np.isfinite(p) and p < (level() if at is None else at))


def _pct(share: float) -> str:
    from peo.report.book import format_pct

    return format_pct(share)


def format_p(p: float) -> str:
    """A p-value as the sentences write it: "< 0,001" or "0,049"."""
    return _p(p)


def _p(p: float) -> str:
    from peo.report.book import format_decimal

    if not np.isfinite(p):
        return "–"
    return "< 0,001" if p < 0.001 else format_decimal(p, 3)


def group_difference(
    item: str,
    tests: pd.DataFrame,
    headlines: pd.DataFrame,
    group_labels: Mapping[str, str] | None = None,
    total: str = "totaal",
) -> dict | None:
    """The claim about a difference between employer types on one item.

    Parameters
    ----------
    item : str
        The item id.
    tests : pandas.DataFrame
        The item's family of tests (``space_tests``): the row of the item's primary test
        (``primary`` true, or the first row of the item) gives ``p_value`` and ``p_holm``.
    headlines : pandas.DataFrame
        Headline-box rows per group (``headlines(space_by_group)``): ``item``, ``group``,
        ``share``, ``suppressed``, ``item_label``, ``box``, ``box_label``.
    group_labels : mapping, optional
        Dutch names of the employer types.

    Returns
    -------
    dict or None
        ``item``, ``item_label``, ``box``, ``box_label``, ``test``, ``p_value``, ``p_holm``,
        ``level``, ``supported`` (bool), ``highest_group`` (only when supported),
        ``highest_share``, ``shares`` (per group) and ``statement_nl``. ``None`` when fewer
        than two groups have a published share.
    """
    part = headlines[(headlines["item"] == item) & (headlines["group"] != total)]
    part = part[~part["suppressed"].astype(bool) & part["share"].notna()]
    if len(part) < 2:
        return None
    rows = tests[tests["item"] == item]
    if "primary" in rows:
        rows = rows[rows["primary"].astype(bool)]
    test = rows.iloc[0] if len(rows) else None
    p_value = float(test["p_value"]) if test is not None and pd.notna(test["p_value"]) else float("nan")
    p_holm = float(test["p_holm"]) if test is not None and pd.notna(test["p_holm"]) else float("nan")
    hidden = test is not None and "suppressed" in test and bool(test["suppressed"])
    ok = supported(p_holm) and not hidden
    top = part.sort_values(["share", "group"], ascending=[False, True]).iloc[0]
    labels = dict(group_labels or {})
    shares = {str(g): float(s) for g, s in zip(part["group"], part["share"])}
    values = {
        "item_label": str(top["item_label"]).lower(),
        "box_label": top["box_label"],
        "group": labels.get(str(top["group"]), str(top["group"])),
        "pct": _pct(float(top["share"])),
        "p": _p(p_holm),
        "level": _p(level()).replace("0,050", "0,05"),
        "shares": ", ".join(f"{g} {_pct(s)}" for g, s in shares.items()),
    }
    statement = phrase("claims", "group_difference" if ok else "no_group_difference", **values)
    out = {
        "item": item,
        "item_label": top["item_label"],
        "box": top["box"],
        "box_label": top["box_label"],
        "test": str(test["test"]) if test is not None else "",
        "p_value": p_value,
        "p_holm": p_holm,
        "level": level(),
        "supported": ok,
        "highest_group": str(top["group"]) if ok else None,
        "highest_share": float(top["share"]) if ok else None,
        "shares": shares,
        "statement_nl": statement,
    }
    return out


def wave_change(row: Mapping) -> str:
    """The sentence about the change of a headline share between two waves.

    ``row`` is a row of :func:`peo.tables.trends.changes` with ``p_holm``: the change is
    named only when the Holm-adjusted test supports it.
    """
    if not np.isfinite(float(row.get("diff", np.nan))):
        return ""
    diff = float(row["diff"])
    values = {
        "item_label": str(row["item_label"]).lower(),
        "box_label": row["box_label"],
        "wave_from": row["wave_from"],
        "wave_to": row["wave_to"],
        "from_pct": _pct(float(row["share_from"])),
        "to_pct": _pct(float(row["share_to"])),
        "p": _p(float(row.get("p_holm", np.nan))),
    }
    if supported(row.get("p_holm")):
        return phrase("claims", "wave_increase" if diff > 0 else "wave_decrease", **values)
    return phrase("claims", "no_wave_change", **values)


def no_association(outcome_label: str, p_holm: float) -> str:
    """The sentence for an association with the space score that its test does not support."""
    return phrase("claims", "no_association", outcome_label=str(outcome_label).lower(), p=_p(p_holm))


def weighted_sentence(weighted: Mapping) -> str:
    """The post-stratified share beside a headline figure ("Gewogen naar ...: 37% (95%-interval ...)")."""
    from peo.report.book import format_ci

    ci = format_ci(weighted.get("ci_low"), weighted.get("ci_high"))
    return phrase("claims", "weighted_share", pct=_pct(float(weighted["share"])), ci=ci)


def phrase_no_population() -> str:
    """The sentence of a wave without population figures."""
    return phrase("claims", "no_population")


def differences_line(differences: list[Mapping]) -> str:
    """One line on what the tests of the differences between employer types support (factsheet)."""
    judged = [d for d in differences if "supported" in d]  # key figures written before the claims had none
    shown = [str(d.get("item_label") or d.get("item", "")).lower() for d in judged if d["supported"]]
    not_shown = [str(d.get("item_label") or d.get("item", "")).lower() for d in judged if not d["supported"]]
    parts = []
    if shown:
        parts.append(phrase("claims", "line_shown", items=", ".join(shown), level=_p(level()).replace("0,050", "0,05")))
    if not_shown:
        parts.append(phrase("claims", "line_not_shown", items=", ".join(not_shown)))
    return " ".join(parts)
