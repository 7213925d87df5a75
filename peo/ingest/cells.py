"""Reading the cells of a wave's raw columns for the cleaning: one status per cell.

:func:`_parse_item` reads the raw column(s) of a codebook item (after the answers were
mapped to codebook codes, :mod:`peo.ingest.mapping`) into a status per cell (valid, blank,
a missing code such as "weet niet", not chosen, or the reason it is set to missing), the
value, and a canonical text for comparing answer patterns. :func:`_durations` gives the
seconds spent per response. Used by :mod:`peo.ingest.clean` only; the names are private
to the ingest stage.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from peo.survey.codebook import Item
from peo.survey.config import Wave
from peo.ingest.dates import read_times
from peo.ingest.load import as_number

__all__ = [
    "_parse_item",
    "_answered",
    "_expected",
    "_durations",
    "_canon",
    "_as_found",
    "_BLANK",
    "_VALID",
    "_MISSING_CODE",
    "_NOT_CHOSEN",
]

# Per-cell status of an item column.
_BLANK, _VALID, _MISSING_CODE = "blank", "valid", "missing_code"
_NOT_CHOSEN = "not_chosen"

_SPACES = re.compile(r"\s+")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


# ----------------------------------------------------------------------------- parsing


def _norm_text(value: str) -> str:
    """Text with runs of white space made one space and the ends stripped (case kept:
    survey-tool ids such as ``R_y8vFjOPubbiCffH`` are case-sensitive)."""
    return _SPACES.sub(" ", str(value)).strip()


def _numbers(col: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Read a raw column as numbers.

    Returns ``(numbers, blank, text)``: the values as ``Float64`` (missing where not a
    finite number, see :func:`peo.ingest.load.as_number`), whether the cell is empty, and the
    stripped cell text (``string``; missing where blank or where the column is numeric).
    """
    numbers = as_number(col)
    numbers = numbers.where(~numbers.isin([math.inf, -math.inf]))
    if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
        blank = numbers.isna().astype(bool)
        return numbers, blank, pd.Series(pd.NA, index=col.index, dtype="string")
    s = col.astype("string").str.strip()
    blank = (s.isna() | s.eq("")).astype(bool)
    return numbers, blank, s.where(~blank)


def _canon(value: Any) -> str | None:
    """A canonical text form of one cell: for comparing ids, answer patterns, yes values."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, float, np.integer, np.floating)):
        if isinstance(value, (float, np.floating)) and math.isnan(value):
            return None
        f = float(value)
        return str(int(f)) if f.is_integer() else repr(f)
    s = _norm_text(value)
    if s == "":
        return None
    num = s.replace(",", ".") if _DECIMAL_COMMA.fullmatch(s) else s
    try:
        f = float(num)
    except ValueError:
        return s
    if math.isfinite(f):
        return str(int(f)) if f.is_integer() else repr(f)
    return s


def _as_found(value: Any) -> str:
    """A raw value as text, for the recodes table."""
    c = value
    if isinstance(c, (float, np.floating)) and not math.isnan(c) and float(c).is_integer():
        return str(int(c))
    return str(c)


def _texts(text: pd.Series) -> pd.Series:
    """Normalised text of each cell (``object``: str or None), for comparisons."""
    # each distinct text is normalised once (a coded column holds a handful of them), and
    # spread over the cells column-wise
    codes, uniques = pd.factorize(text.astype(object), use_na_sentinel=True)
    norm = np.array([_norm_text(t) if isinstance(t, str) else None for t in uniques] + [None], dtype=object)
    return pd.Series(norm[codes], index=text.index, dtype=object)


def _canons(values: pd.Series) -> pd.Series:
    """:func:`_canon` of every non-missing cell (``object``; missing cells stay missing).

    Computed once per distinct value (a coded column holds a handful of them); the same
    as ``values.astype(object).map(_canon, na_action="ignore")``.
    """
    obj = values.astype("object")
    present = obj.notna().to_numpy()
    out = obj.to_numpy(dtype=object, copy=True)
    codes, uniques = pd.factorize(out[present], use_na_sentinel=True)
    canon = np.array([_canon(v) for v in uniques] + [None], dtype=object)
    out[present] = canon[codes]
    return pd.Series(out, index=values.index, dtype=object)


@dataclass(frozen=True)
class _Column:
    """The parsed cells of one raw column of an item."""

    name: str
    status: pd.Series  # _VALID, _BLANK, _MISSING_CODE, _NOT_CHOSEN or a recode reason
    value: pd.Series  # code (coded), number (numeric), chosen (multi), text (open)
    canon: pd.Series  # canonical text, for answer patterns


def _parse_coded(col: pd.Series, item: Item) -> _Column:
    sc = item.response_scale
    code, blank, text = _numbers(col)
    # as floats: Float64 values against integer codes are compared as objects, ten times slower
    valid, missing = sorted(map(float, sc.valid_codes)), sorted(map(float, sc.missing_codes))
    status = pd.Series("out_of_range", index=col.index, dtype=object)
    status[code.isna().to_numpy() & ~blank.to_numpy()] = "not_a_number"
    status[blank.to_numpy()] = _BLANK
    status[code.isin(valid).fillna(False).to_numpy()] = _VALID
    status[code.isin(missing).fillna(False).to_numpy()] = _MISSING_CODE
    canon = _canons(code)
    canon = canon.where(code.notna(), _texts(text))
    return _Column(item.id, status, code, canon)


def _parse_numeric(col: pd.Series, item: Item) -> _Column:
    numbers, blank, text = _numbers(col)
    lo, hi = item.bounds
    missing = set(item.response_scale.missing_codes) if item.response_scale else set()
    status = pd.Series(_VALID, index=col.index, dtype=object)
    inside = pd.Series(True, index=col.index)
    if lo is not None:
        inside &= (numbers >= lo).fillna(False).astype(bool)
    if hi is not None:
        inside &= (numbers <= hi).fillna(False).astype(bool)
    status[(~inside).to_numpy()] = "impossible"
    status[numbers.isna().to_numpy()] = "not_a_number"
    status[blank.to_numpy()] = _BLANK
    status[numbers.isin(missing).fillna(False).to_numpy()] = _MISSING_CODE
    canon = _canons(numbers)
    canon = canon.where(numbers.notna(), _texts(text))
    return _Column(item.id, status, numbers, canon)


def _parse_option(col: pd.Series, item: Item, code) -> _Column:
    numbers, blank, text = _numbers(col)
    status = pd.Series("out_of_range", index=col.index, dtype=object)
    status[numbers.isna().to_numpy() & ~blank.to_numpy()] = "not_a_number"
    chosen = numbers.eq(1).fillna(False).astype(bool)
    status[(blank | numbers.eq(0).fillna(False).astype(bool)).to_numpy()] = _NOT_CHOSEN
    status[chosen.to_numpy()] = _VALID
    value = pd.Series(pd.NA, index=col.index, dtype="boolean")
    value[chosen.to_numpy()] = True
    value[(status == _NOT_CHOSEN).to_numpy()] = False
    canon = _canons(value)
    canon = canon.where(value.notna(), _texts(text))
    return _Column(f"{item.id}_{code.code}", status, value, canon)


def _parse_open(col: pd.Series, item: Item) -> _Column:
    s = col.astype("string").str.strip()
    s = s.where(s.notna() & s.ne(""))
    status = pd.Series(_VALID, index=col.index, dtype=object)
    status[s.isna().to_numpy()] = _BLANK
    canon = _texts(s)
    return _Column(item.id, status, s, canon)


def _parse_item(raw: pd.DataFrame, item: Item) -> list[_Column]:
    if item.type in ("likert", "categorical"):
        return [_parse_coded(raw[item.id], item)]
    if item.type == "numeric":
        return [_parse_numeric(raw[item.id], item)]
    if item.type == "multi":
        return [_parse_option(raw[f"{item.id}_{c.code}"], item, c) for c in item.response_scale.codes]
    return [_parse_open(raw[item.id], item)]


def _answered(cols: list[_Column], item: Item) -> pd.Series:
    """Whether each row has an answer to the item (for the ``required`` check)."""
    if item.type == "multi":
        return pd.concat([c.status.eq(_VALID) for c in cols], axis=1).any(axis=1)
    ok = (_VALID, _MISSING_CODE)
    return cols[0].status.isin(ok)


def _expected(item: Item) -> str:
    """What a valid answer of an item looks like, in Dutch (for the recodes table)."""
    sc = item.response_scale
    if item.type in ("likert", "categorical"):
        text = "een van de codes " + ", ".join(str(c) for c in sc.valid_codes)
        if sc.missing_codes:
            text += " (of ontbrekend: " + ", ".join(str(c) for c in sc.missing_codes) + ")"
        return text
    if item.type == "multi":
        return "1 (gekozen), 0 of leeg (niet gekozen)"
    lo, hi = item.bounds
    if lo is not None and hi is not None:
        return f"een getal van {lo:g} tot en met {hi:g}"
    if lo is not None:
        return f"een getal vanaf {lo:g}"
    if hi is not None:
        return f"een getal tot en met {hi:g}"
    return "een getal"


# ----------------------------------------------------------------------------- timing


def _durations(raw: pd.DataFrame, wave: Wave) -> pd.Series:
    """Seconds spent per row (``Float64``), missing where the export does not say."""
    cols = wave.columns
    if cols.duration and cols.duration in raw.columns:
        seconds, _, _ = _numbers(raw[cols.duration])
    elif cols.started and cols.ended and cols.started in raw.columns and cols.ended in raw.columns:
        start, end = (read_times(raw[c], wave.raw.date_format)[0] for c in (cols.started, cols.ended))
        seconds = (end - start).dt.total_seconds().astype("Float64")
    else:
        return pd.Series(pd.NA, index=raw.index, dtype="Float64")
    # A negative duration (clock trouble) says nothing about speed.
    return seconds.where(seconds >= 0)
