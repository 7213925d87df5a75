"""Start and end times as the survey tools write them (``raw.date_format`` in ``wave.yml``).

With ``auto`` (the default) these are read:

* ISO 8601: ``2022-02-14 13:27:56``, ``2022-02-14T13:27:56Z``, ``...+01:00``;
* Excel serial day numbers (days since 1899-12-30): ``44606.561``, as a number or text;
* day first with ``-``, ``/`` or ``.``: ``14-2-2022 13:27:56``, ``14/02/2022 13:27``;
* year first with ``/``, a 12-hour clock and a zone (Google Forms, Dutch locale):
  ``2022/02/14 1:27:56 p.m. CET``, ``2022/02/14 1:27:56 PM GMT+1``;
* date-times that the reader already made (SPSS).

A time with a zone is converted to UTC; times without a zone are taken as they are (both
times of one response are in the same zone). Otherwise ``date_format`` is a ``strptime``
format. pandas reads ISO 8601 and explicit formats; the tool formats that pandas cannot
read in one call (12-hour clocks with Dutch ``p.m.``, zone abbreviations such as ``CET``)
are read by the patterns below.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

__all__ = ["read_times", "EXCEL_EPOCH"]

#: Day 0 of Excel's serial dates (the 1900 system, with its leap-year bug folded in). A
#: serial is a float of days: it is rounded to milliseconds, Excel's own precision.
EXCEL_EPOCH = pd.Timestamp("1899-12-30")

_ZONES = {"utc": 0, "gmt": 0, "z": 0, "wet": 0, "cet": 60, "met": 60, "west": 60, "cest": 120, "mest": 120}
_SERIAL = re.compile(r"\d{4,6}([.,]\d+)?")
_YEAR_FIRST_12H = re.compile(
    r"(\d{4})/(\d{1,2})/(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap])\.?\s*m\.?(?:\s+(\S+))?", re.I
)
_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?(?:\s+(\S+))?")


def _offset(zone: str | None) -> int | None:
    """Minutes east of UTC of a zone written as ``CET``, ``GMT+1``, ``+01:00``; None if unknown."""
    if not zone:
        return 0
    z = zone.strip().lower()
    if z in _ZONES:
        return _ZONES[z]
    m = re.fullmatch(r"(?:utc|gmt)?([+-])(\d{1,2})(?::?(\d{2}))?", z)
    if m:
        sign = 1 if m.group(1) == "+" else -1
        return sign * (int(m.group(2)) * 60 + int(m.group(3) or 0))
    return None


def _one(text: str) -> pd.Timestamp | None:
    """One time in a tool format that pandas' ISO reading did not take; None if unreadable."""
    s = text.strip()
    if _SERIAL.fullmatch(s):
        return (EXCEL_EPOCH + pd.to_timedelta(float(s.replace(",", ".")), unit="D")).round("ms")
    m = _YEAR_FIRST_12H.fullmatch(s)
    if m:
        y, mo, d, h, mi, sec, ampm, zone = m.groups()
        hour = int(h) % 12 + (12 if ampm.lower() == "p" else 0)
        parts, zone_min = (int(y), int(mo), int(d), hour, int(mi), int(sec or 0)), _offset(zone)
    else:
        m = _DAY_FIRST.fullmatch(s)
        if not m:
            return None
        d, mo, y, h, mi, sec, zone = m.groups()
        parts, zone_min = (int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(sec or 0)), _offset(zone)
    if zone_min is None:
        return None
    try:
        t = dt.datetime(*parts)
    except ValueError:
        return None
    return pd.Timestamp(t - dt.timedelta(minutes=zone_min))


def read_times(col: pd.Series, date_format: str = "auto") -> tuple[pd.Series, pd.Series]:
    """Read a column of start or end times.

    Parameters
    ----------
    col : pandas.Series
        Raw values: text, numbers (Excel serials) or date-times.
    date_format : str, default "auto"
        ``auto`` (see the module docstring) or a ``strptime`` format.

    Returns
    -------
    (pandas.Series, pandas.Series)
        The times (``datetime64``, naive, UTC where the value had a zone; ``NaT`` where
        empty or unreadable), and a boolean Series that is True where a non-empty value
        could not be read.
    """
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        times = col.dt.tz_convert(None) if getattr(col.dt, "tz", None) is not None else col
        return times, pd.Series(False, index=col.index)
    if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        times = (EXCEL_EPOCH + pd.to_timedelta(col.astype("float64"), unit="D")).dt.round("ms")
        return times, pd.Series(False, index=col.index)
    s = col.astype("string").str.strip()
    filled = (s.notna() & s.ne("")).fillna(False).astype(bool)
    if date_format != "auto":
        times = pd.to_datetime(s.where(filled), format=date_format, errors="coerce", utc=True).dt.tz_localize(None)
    else:
        times = pd.to_datetime(s.where(filled), format="ISO8601", errors="coerce", utc=True).dt.tz_localize(None)
        rest = filled & times.isna()
        if rest.any():
            cache: dict[str, pd.Timestamp | None] = {}
            found = {}
            for idx, v in s[rest].items():
                if v not in cache:
                    cache[v] = _one(v)
                if cache[v] is not None:
                    found[idx] = cache[v]
            if found:
                times = times.astype("datetime64[ns]")
                times.loc[list(found)] = pd.to_datetime(pd.Series(found)).to_numpy()
    bad = filled & times.isna()
    return times, bad.astype(bool)
