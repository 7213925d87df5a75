"""Answer labels as compared, and the keys raw values are looked up by.

Shared by :mod:`peo.ingest.mapping`, :mod:`peo.ingest.multi` and :mod:`peo.ingest.evidence`:
label text is compared after :func:`norm_label` (case, white space, quote style and
trailing punctuation ignored), raw values by :func:`value_key` (``6``, ``"6"`` and
``6.0`` are one value).
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata

import numpy as np
import pandas as pd

__all__ = ["norm_label", "value_key", "label_index", "label_lang", "shown", "as_code", "problem", "candidates"]

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
_TRAILING = ".,;:!?\u2026 "


def norm_label(text) -> str:
    """Label text as compared: Unicode NFKC, one quote style, case folded, white space
    collapsed, trailing punctuation (``.,;:!?``) and surrounding quotes removed."""
    s = unicodedata.normalize("NFKC", str(text)).translate(_QUOTES).casefold()
    s = re.sub(r"\s+", " ", s).strip().rstrip(_TRAILING).strip()
    while len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        s = s[1:-1].strip().rstrip(_TRAILING).strip()
    return s


def _number_text(f: float) -> str:
    return str(int(f)) if float(f).is_integer() else repr(float(f))


def value_key(value) -> str | None:
    """The key a raw value is looked up by: ``"6"`` for ``6``, ``"6"``, ``6.0`` and ``" 6 "``;
    ``"t:<label>"`` (:func:`norm_label`) for text; ``None`` for an empty cell."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, (int, float, np.integer, np.floating)):
        f = float(value)
        return None if math.isnan(f) else (_number_text(f) if math.isfinite(f) else f"t:{f}")
    s = str(value).strip()
    if not s:
        return None
    if _NUMBER.fullmatch(s):
        f = float(s.replace(",", ".") if "," in s and "." not in s else s.replace(",", ""))
        return _number_text(f)
    n = norm_label(s)
    return f"t:{n}" if n else None


def shown(value) -> str:
    """A raw value as text for a message (``6`` rather than ``6.0``)."""
    if isinstance(value, (float, np.floating)) and not math.isnan(value) and float(value).is_integer():
        return str(int(value))
    return str(value)


def label_index(scale) -> dict[str, set[int]]:
    """Normalised label -> codes, over the Dutch and English labels of every code and
    missing code of an answer scale."""
    out: dict[str, set[int]] = {}
    for c in (*scale.codes, *scale.missing):
        for lab in (c.nl, c.en):
            if lab:
                out.setdefault(norm_label(lab), set()).add(c.code)
    return out


def label_lang(scale, code: int, key: str) -> str:
    """``"label nl"`` or ``"label en"``: which label of ``code`` the normalised ``key`` is."""
    for c in (*scale.codes, *scale.missing):
        if c.code == code:
            return "label nl" if norm_label(c.nl) == key else "label en"
    return "label"


def problem(source, column, value, kind, expected, row=pd.NA, severity="error") -> dict:
    """One row of the validation report (:data:`peo.ingest.validate.REPORT_COLUMNS`)."""
    return {
        "file": source,
        "row": row,
        "column": column,
        "value": value,
        "problem": kind,
        "expected": expected,
        "severity": severity,
    }


def candidates(text: str, scale) -> str:
    """The codes a label could mean: close labels first, else every code."""
    idx = label_index(scale)
    close = difflib.get_close_matches(norm_label(text), list(idx), n=3, cutoff=0.6)
    codes = sorted({c for k in close for c in idx[k]}) if close else [*scale.valid_codes, *scale.missing_codes]
    return ", ".join(f"{c} '{scale.label_of(c)}'" for c in codes)


def as_code(v):
    """A raw number as a code (``6.0`` -> ``6``); anything else unchanged."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return v
    return int(f) if math.isfinite(f) and f.is_integer() else f
