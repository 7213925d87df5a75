"""What changed between waves and what did not, in sentences: for the landing page and the end
of the trends chapter.

The sentences come from the change table of the trend step (``data/processed/trends/changes.csv``,
:func:`peo.tables.trends.changes`): each change of a headline share between two consecutive
waves carries its Holm-adjusted test and the claim sentence gated by it (``claim_nl``). A change
is named only where that test supports it (:func:`peo.tables.claims.supported`); every other
headline figure is listed as not shown to have changed. Only the figures of all professionals
(the total) are summarised; the changes per employer type stay in the trends chapter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from peo.report.markdown import md as _md
from peo.survey.wording import phrase

__all__ = ["pairs", "summary", "landing_sentences", "trends_conclusion"]


def _t(key: str, **values: Any) -> str:
    """A phrase of section ``changes`` of ``peo/data/wording.yml``."""
    return phrase("changes", key, **values)


def _total() -> str:
    from peo.survey.codebook import groups

    return groups().total


def pairs(change: Any) -> list[tuple[str, str]]:
    """The pairs of consecutive waves in the change table, oldest first."""
    if change is None or len(change) == 0:
        return []
    seen = change[["wave_from", "wave_to"]].astype(str).drop_duplicates()
    return sorted(map(tuple, seen.to_numpy().tolist()))


def summary(change: Any, wave_from: str, wave_to: str) -> Mapping[str, list[str]]:
    """The changes of the totals between two waves: ``changed`` (claim sentences of the changes
    the tests support) and ``unchanged`` (labels of the figures without a shown change, with
    those that could not be computed)."""
    from peo.tables.claims import supported

    part = change[
        (change["group"].astype(str) == _total())
        & (change["wave_from"].astype(str) == str(wave_from))
        & (change["wave_to"].astype(str) == str(wave_to))
    ]
    changed, unchanged = [], []
    for r in part.to_dict("records"):
        if supported(r.get("p_holm")) and isinstance(r.get("claim_nl"), str) and r["claim_nl"]:
            changed.append(r["claim_nl"])
        else:
            unchanged.append(str(r.get("item_label", r.get("item"))).lower())
    return {"changed": changed, "unchanged": unchanged}


def landing_sentences(change: Any) -> list[str]:
    """The main changes between the last two waves, for the landing page (plain text)."""
    all_pairs = pairs(change)
    if not all_pairs:
        return []
    wave_from, wave_to = all_pairs[-1]
    s = summary(change, wave_from, wave_to)
    if s["changed"]:
        return list(s["changed"])
    return [_t("none_changed", wave_from=wave_from, wave_to=wave_to)]


def trends_conclusion(change: Any) -> str:
    """The end of the trends chapter: per pair of waves what changed and what did not (Markdown)."""
    blocks = []
    for wave_from, wave_to in reversed(pairs(change)):
        s = summary(change, wave_from, wave_to)
        blocks.append(f"### {_t('pair_heading', wave_from=wave_from, wave_to=wave_to)}")
        if s["changed"]:
            blocks.append(_t("changed_intro") + "\n\n" + "\n".join(f"- {_md(c)}" for c in s["changed"]))
        else:
            blocks.append(_t("none_changed", wave_from=wave_from, wave_to=wave_to))
        if s["unchanged"]:
            items = ", ".join(_md(u) for u in s["unchanged"])
            blocks.append(_t("unchanged", items=items))
    if not blocks:
        return _t("no_pairs")
    blocks.append(_t("reading"))
    return "\n\n".join(blocks)
