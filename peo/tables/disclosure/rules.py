"""The settings and input checks shared by every disclosure-control function.

The rules themselves are described in :mod:`peo.tables.disclosure`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_integer_dtype, is_numeric_dtype

from peo.errors import DisclosureError
from peo.survey.codebook import groups

__all__ = ["EMPLOYER_TYPE", "FORBIDDEN_WITH_EMPLOYER_TYPE", "NOTES_NL", "TOTAL_GROUP"]

#: The value of the group column for "all respondents" (``totaal``, from the codebook).
TOTAL_GROUP = groups().total
#: Column names that stand for the employer type (besides a ``group`` column of GI/JZ/LT).
EMPLOYER_TYPE = ("employer_type",)
#: Codebook ids that must never be crossed with employer type (``<id>_...`` included).
FORBIDDEN_WITH_EMPLOYER_TYPE = ("function", "years_experience", "years_experience_class")
#: Dutch notes under a figure for a group left out (figure wording, kept in one place).
NOTES_NL = {
    "group": "{group}: te weinig respondenten om te tonen (minder dan {threshold})",
    "group_items": "{group} bij {items}: te weinig respondenten om te tonen (minder dan {threshold})",
}

_CROSSING_MESSAGE = (
    "No table crosses employer type with function or years of experience: "
    "these cells can identify a person in a small region."
)


def _check_threshold(threshold) -> int:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, np.integer)) or threshold < 1:
        raise DisclosureError(
            f"The disclosure threshold must be a whole number of at least 1, not {threshold!r}; "
            "set 'disclosure: threshold:' in the wave's wave.yml (default 10)."
        )
    return int(threshold)


def _check_columns(table: pd.DataFrame, columns, what: str) -> None:
    if not isinstance(table, pd.DataFrame):
        raise DisclosureError(f"{what}: expected a pandas DataFrame, got {type(table).__name__}.")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise DisclosureError(
            f"{what}: the table has no column {', '.join(map(repr, missing))} "
            f"(columns: {', '.join(map(str, table.columns))}). Pass the right column names."
        )


def _is_forbidden_name(name) -> bool:
    name = str(name)
    return any(name == f or name.startswith(f + "_") for f in FORBIDDEN_WITH_EMPLOYER_TYPE)


def _check_crossing(table: pd.DataFrame, group: str | None, key_cols, by_employer_type: bool) -> None:
    """Raise when the table crosses employer type with function or years of experience."""
    employer = [c for c in table.columns if c in EMPLOYER_TYPE]
    if group is not None and group in table.columns and not _is_forbidden_name(group):
        values = table[group].dropna().astype(str)
        if (values != TOTAL_GROUP).any():
            employer.append(f"{group} (employer types {', '.join(sorted(set(values) - {TOTAL_GROUP}))})")
    if by_employer_type:
        employer.append("by_employer_type=True")
    if not employer:
        return
    crossing = [f"column {c!r}" for c in table.columns if _is_forbidden_name(c)]
    for col in dict.fromkeys(k for k in key_cols if k in table.columns):
        values = table[col].dropna()
        hits = sorted({str(v) for v in values if _is_forbidden_name(v)})
        crossing += [f"{col} = {v!r}" for v in hits]
    if crossing:
        raise DisclosureError(
            f"{_CROSSING_MESSAGE} This table has employer type ({'; '.join(employer)}) and "
            f"{', '.join(crossing)}. Publish function and years of experience for all "
            f"respondents only (group {TOTAL_GROUP!r})."
        )


def _stat_columns(table: pd.DataFrame, exclude) -> list[str]:
    """Numeric and boolean columns that are not keys: the statistics to blank."""
    exclude = set(exclude)
    return [c for c in table.columns if c not in exclude and (is_numeric_dtype(table[c]) or is_bool_dtype(table[c]))]


def _nullable(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """Give the columns a dtype that can hold a missing value, whether or not one is hidden."""
    for c in columns:
        s = frame[c]
        if is_bool_dtype(s):
            frame[c] = s.astype("boolean")
        elif is_integer_dtype(s):
            frame[c] = s.astype("Int64")
        elif s.dtype == object:
            frame[c] = pd.to_numeric(s)
    return frame


def _blank(frame: pd.DataFrame, mask: np.ndarray, columns) -> None:
    if mask.any():
        for c in columns:
            frame.loc[mask, c] = pd.NA
