"""A protected table prepared for a figure: suppressed bars left out, with a note."""

from __future__ import annotations

import pandas as pd

from peo.tables.disclosure.rules import NOTES_NL
from peo.tables.disclosure.sealed import ProtectedTable, _require_protected

__all__ = ["for_figure"]


def for_figure(protected: ProtectedTable, *, notes_nl: dict | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Leave suppressed groups out of a figure, with a Dutch note for each.

    A bar (one value of the table keys × one group, e.g. item × GI) with any suppressed
    row is left out whole: a bar with a hidden segment would still show the hidden share
    as the gap.

    Parameters
    ----------
    protected : ProtectedTable
        The result of :func:`protect` or :func:`protect_rows`, unchanged since.
    notes_nl : dict, optional
        The note templates, default :data:`NOTES_NL`: ``"group"`` when a group is left out
        of every bar, ``"group_items"`` when only of some (``{items}`` lists their labels).

    Returns
    -------
    plot_frame : pandas.DataFrame
        The rows that can be drawn (a plain DataFrame, for plotting only).
    notes : list of str
        One Dutch note per group left out, e.g. "LT: te weinig respondenten om te tonen
        (minder dan 10)".

    Raises
    ------
    DisclosureError
        If the table did not pass disclosure control or was changed since.
    """
    table = _require_protected(protected, "Cannot prepare this table for a figure")
    templates = {**NOTES_NL, **(notes_nl or {})}
    frame = pd.DataFrame(table).reset_index(drop=True)
    bars = [b for b in table._peo_bars if b in frame.columns]
    group = table._peo_group
    if not bars:
        bars_id = pd.Series(0, index=frame.index)
    else:
        bars_id = frame.groupby(bars, sort=False, dropna=False).ngroup()
    bad_bar = frame["suppressed"].astype(bool).groupby(bars_id).transform("any").to_numpy()
    plot_frame = frame.loc[~bad_bar].drop(columns=["suppressed"]).reset_index(drop=True)
    notes: list[str] = []
    if bad_bar.any():
        subject = frame[group].astype(str) if group else pd.Series("alle respondenten", index=frame.index)
        keys = [b for b in bars if b != group]
        label_col = "item_label" if "item_label" in frame.columns else (keys[0] if keys else None)
        for g in dict.fromkeys(subject[bad_bar]):
            mine = (subject == g).to_numpy()
            if mine[~bad_bar].any() and label_col is not None:
                labels = list(dict.fromkeys(frame.loc[mine & bad_bar, label_col].astype(str)))
                items = ", ".join(f"'{x}'" for x in labels)
                notes.append(templates["group_items"].format(group=g, items=items, threshold=table.threshold))
            else:
                notes.append(templates["group"].format(group=g, threshold=table.threshold))
    return plot_frame, notes
