"""Process counts under the same threshold (rule 9): the respondent flow, exclusions, recodes.

What is published, and at what detail (the decision of issue 11, stated on the methods page):

* **The respondent flow** (received → consented → completed → valid → analysed). The number
  analysed is always shown (it is the n of the report). A step between two shown steps is
  shown only when the respondents who left before it are none or at least the threshold;
  otherwise the step is merged with the next one ("samengevoegd"), so that no difference of
  two shown numbers is a count below the threshold. If even all exclusions together are
  fewer than the threshold, the number received is shown as "minder dan <analysed +
  threshold>".
* **Counts per reason, item or problem** (exclusions per reason, answers set to missing,
  "weet niet" answers, validation problems): a count from 1 to threshold - 1 is shown as
  "minder dan <threshold>". When exactly one count of a table is hidden, the smallest
  other non-zero count is hidden too ("x"), because the total of the table can be read
  elsewhere (the flow gives the exclusions together).
* A count of 0 is shown: it says that a check found nothing, not something about a
  respondent (the exception to the zero rule for process counts).

The functions return display tables (text cells); the private files in ``data/processed``
keep the exact counts.
"""

from __future__ import annotations

import pandas as pd

from peo.survey.wording import phrase, wording
from peo.tables.disclosure.rules import _check_threshold

__all__ = ["protect_counts", "protect_flow"]


def _less_than(threshold: int) -> str:
    return phrase("process_counts", "less_than", threshold=threshold)


def protect_counts(table: pd.DataFrame, threshold: int, count: str = "Aantal") -> pd.DataFrame:
    """A table of process counts with the counts below the threshold as "minder dan <t>".

    Parameters
    ----------
    table : pandas.DataFrame
        A display table with a count column (e.g. :func:`peo.ingest.clean.exclusion_counts`).
    threshold : int
        The wave's disclosure threshold.
    count : str, default "Aantal"
        The count column.

    Returns
    -------
    pandas.DataFrame
        A copy whose count column is text: the count, "minder dan <t>", or the secondary
        mark "x" for a count hidden so that a single hidden one cannot be worked out.
    """
    threshold = _check_threshold(threshold)
    out = table.copy()
    if count not in out.columns or out.empty:
        return out
    values = pd.to_numeric(out[count], errors="coerce")
    small = (values > 0) & (values < threshold)
    secondary = pd.Series(False, index=out.index)
    if int(small.sum()) == 1:
        others = values[(values >= threshold)]
        if len(others):
            secondary[others.idxmin()] = True
    mark = wording("present")["text"]["secondary_mark"]
    out[count] = [
        _less_than(threshold) if s else (mark if x else ("" if pd.isna(v) else str(int(v))))
        for v, s, x in zip(values, small, secondary)
    ]
    return out


def protect_flow(flow: pd.DataFrame, threshold: int, reason_labels: dict | None = None) -> pd.DataFrame:
    """The respondent flow as it may be published (see the module docstring).

    Parameters
    ----------
    flow : pandas.DataFrame
        ``flow.csv``: ``step``, ``label_nl``, ``n``, ``excluded``, ``reasons``
        (``"speeder: 2; duplicate_id: 3"``).
    threshold : int
        The wave's disclosure threshold.
    reason_labels : dict, optional
        Reason code -> Dutch label.

    Returns
    -------
    pandas.DataFrame
        Columns ``Stap``, ``Aantal``, ``Uitgevallen``, ``Redenen`` (all text), one row per
        step; a merged step says so in ``Aantal``.
    """
    threshold = _check_threshold(threshold)
    labels = reason_labels or {}
    rows = flow.to_dict("records")
    if not rows:
        return pd.DataFrame(columns=["Stap", "Aantal", "Uitgevallen", "Redenen"])
    last = len(rows) - 1
    shown = [True] * len(rows)

    def gap(i: int, j: int) -> int:  # respondents who left after shown step i, up to step j
        return int(sum(0 if pd.isna(rows[k]["excluded"]) else int(rows[k]["excluded"]) for k in range(i + 1, j + 1)))

    prev = 0
    for i in range(1, last):
        g = gap(prev, i)
        shown[i] = g == 0 or g >= threshold
        if shown[i]:
            prev = i
    # the last gap (to the analysed) must hold too: merge back until it does
    while prev > 0 and 0 < gap(prev, last) < threshold:
        shown[prev] = False
        prev = max(k for k in range(prev) if shown[k])
    merged = phrase("process_counts", "merged")
    out = []
    prev = 0
    for i, r in enumerate(rows):
        if i == 0:
            total_gap = gap(0, last)
            n = (
                str(int(r["n"]))
                if total_gap == 0 or total_gap >= threshold
                else _less_than(int(rows[last]["n"]) + threshold)
            )
            out.append({"Stap": r["label_nl"], "Aantal": n, "Uitgevallen": "", "Redenen": ""})
            continue
        if not shown[i]:
            out.append({"Stap": r["label_nl"], "Aantal": merged, "Uitgevallen": "", "Redenen": ""})
            continue
        g = gap(prev, i)
        reasons: dict[str, int] = {}
        for k in range(prev + 1, i + 1):
            text = rows[k].get("reasons")
            if isinstance(text, str) and text.strip():
                for part in text.split("; "):
                    code, _, num = part.partition(": ")
                    reasons[code.strip()] = reasons.get(code.strip(), 0) + (int(num) if num.strip().isdigit() else 0)
        table = protect_counts(
            pd.DataFrame({"Reden": [labels.get(c, c) for c in reasons], "Aantal": list(reasons.values())}),
            threshold,
        )
        out.append(
            {
                "Stap": r["label_nl"],
                "Aantal": str(int(r["n"])),
                "Uitgevallen": str(g) if g == 0 or g >= threshold else _less_than(threshold),
                "Redenen": "; ".join(f"{a}: {b}" for a, b in zip(table["Reden"], table["Aantal"])),
            }
        )
        prev = i
    return pd.DataFrame(out, dtype=object)
