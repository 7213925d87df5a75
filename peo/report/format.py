"""Numbers, percentages, intervals and dates as readers see them: the one formatting module.

Every number that reaches a reader (sentences, tables, figure labels and alt texts, the
factsheet, the book pages, the trend tables) is formatted here, with **one rounding rule:
half up** (half away from zero), applied to the number as it is written in decimal. A share
of 0.125 reads 13% everywhere; 0.145 reads 15% (a binary float of 14.499999... does not turn
it into 14%). Rounding happens only for display: the tables keep exact values.

Dutch notation: a decimal comma, a typographic minus (U+2212), an en dash for a missing value
and for ranges. A number that rounds to zero never carries a sign: a change of −0.3
percentage points reads "0", not "−0".

This module imports only the standard library (and the wording file for the month names and
the few words it writes): :mod:`peo.report.sphinx_ext` is a Sphinx extension and must not
pull in pandas or matplotlib.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from peo.survey.wording import wording

__all__ = [
    "MISSING",
    "MINUS",
    "is_missing",
    "half_up",
    "whole",
    "percent",
    "pct",
    "ci",
    "decimal",
    "points",
    "integer",
    "tenths",
    "as_date",
    "date_nl",
    "fieldwork",
]

#: Shown for a missing value (None, NaN, pandas.NA).
MISSING = "–"
#: The typographic minus sign of negative numbers.
MINUS = "−"


def is_missing(x: Any) -> bool:
    """None, NaN and pandas.NA (without importing pandas)."""
    if x is None:
        return True
    try:
        return bool(x != x)  # NaN is the one value not equal to itself
    except TypeError:  # bool(pandas.NA) raises
        return True


def half_up(x: Any, decimals: int = 0, scale: int = 0) -> Decimal:
    """``x * 10**scale`` rounded half away from zero to ``decimals`` decimals: the one rule.

    The number is taken as it is written in decimal (its shortest ``repr``), so that a share
    of 0.145 times 100 is 14.5 and rounds to 15 (in binary floating point it is 14.4999...).
    A result of zero has no sign.
    """
    value = Decimal(repr(float(x))).scaleb(scale)
    out = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return out.copy_abs() if out.is_zero() else out


def whole(x: Any) -> int:
    """``x`` rounded half up to a whole number (for counts, medians shown whole, ticks)."""
    return int(half_up(x, 0))


def percent(share: Any) -> int:
    """A share (0 to 1) as a whole number of percent, rounded half up: ``0.125`` -> ``13``."""
    return int(half_up(share, 0, scale=2))


def pct(share: Any) -> str:
    """A share (0 to 1) as a whole percentage: ``0.8986`` -> ``"90%"``; missing gives ``"–"``."""
    if is_missing(share):
        return MISSING
    return f"{percent(share)}%"


def ci(low: Any, high: Any) -> str:
    """An interval of shares as percentages: ``(0.84, 0.94)`` -> ``"84–94%"``."""
    if is_missing(low) or is_missing(high):
        return MISSING
    return f"{percent(low)}–{pct(high)}"


def _signed(d: Decimal) -> str:
    return f"{d:f}".replace(".", ",").replace("-", MINUS)


def decimal(x: Any, decimals: int = 2) -> str:
    """A number with a decimal comma and a typographic minus: ``-0.351`` -> ``"−0,35"``.

    A value that rounds to zero has no minus (``-0.001`` -> ``"0,00"``).
    """
    if is_missing(x):
        return MISSING
    return _signed(half_up(x, decimals))


def points(diff: Any) -> str:
    """A difference of shares as signed whole percentage points: ``0.052`` -> ``"+5"``,
    ``-0.031`` -> ``"−3"``; a difference that rounds to zero reads ``"0"`` (never ``"−0"``)."""
    if is_missing(diff):
        return MISSING
    d = half_up(diff, 0, scale=2)
    return _signed(d) if d <= 0 else f"+{d:f}"


def integer(x: Any) -> str:
    """A count as a whole number (``12.0`` -> ``"12"``); missing gives ``"–"``; text stays as it is."""
    if is_missing(x):
        return MISSING
    try:
        return str(whole(x))
    except (TypeError, ValueError, ArithmeticError):
        return str(x)


def tenths(share: Any) -> int:
    """A share in tenths, rounded half up (``0.86`` -> ``9``, as in "9 op de 10")."""
    return int(half_up(share, 0, scale=1))


# ===================================================================================== dates


def _words() -> Mapping[str, Any]:
    return wording("format")


def as_date(value: Any) -> dt.date | None:
    """A date from a date, a datetime or an ISO text (``None`` when it cannot be read)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _day_month(d: dt.date) -> str:
    return f"{d.day} {_words()['months'][d.month - 1]}"


def date_nl(value: Any) -> str:
    """A date in Dutch: ``2022-02-14`` -> ``"14 februari 2022"`` (unparseable: as given)."""
    d = as_date(value)
    if d is None:
        return _words()["unknown"] if value in (None, "") else str(value)
    return f"{_day_month(d)} {d.year}"


def fieldwork(period: Mapping | None) -> str:
    """The fieldwork period in Dutch: ``"14 februari tot en met 1 april 2022"``."""
    period = period or {}
    start, end = as_date(period.get("start")), as_date(period.get("end"))
    if start is None and end is None:
        return _words()["unknown"]
    if start is None or end is None:
        return date_nl(start or end)
    through = _words()["through"]
    if start.year == end.year:
        return f"{_day_month(start)} {through} {date_nl(end)}"
    return f"{date_nl(start)} {through} {date_nl(end)}"
