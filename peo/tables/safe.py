"""Make an open answer safe to show: HTML escaping and spreadsheet-formula neutralising.

Answers are always shown as text: :func:`html_safe` for a page, :func:`csv_safe` for a CSV
cell (OWASP's advice on CSV injection).
"""

from __future__ import annotations

import html

import pandas as pd

__all__ = ["html_safe", "csv_safe", "safe_text"]
# Characters that make a spreadsheet treat a cell as a formula (OWASP, "CSV Injection"):
# = + - @ tab and carriage return, plus their full-width forms.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def html_safe(s) -> str:
    """Escape an answer for an HTML or Markdown page, so that it is shown as text.

    ``<``, ``>``, ``&`` and quotes become entities (:func:`html.escape` with
    ``quote=True``). Insert the result verbatim; escaping it again would show the entities.
    Missing values become ``""``.

    Parameters
    ----------
    s : str or None

    Returns
    -------
    str
    """
    if s is None or (not isinstance(s, str) and pd.isna(s)):
        return ""
    return html.escape(str(s), quote=True)


def csv_safe(s) -> str:
    """Neutralise a spreadsheet formula at the start of an answer written to CSV.

    Following the OWASP advice on CSV injection, a value whose first non-blank character
    is ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe,
    so that spreadsheets show it as text. The CSV writer still does the quoting. Missing
    values become ``""``.

    Parameters
    ----------
    s : str or None

    Returns
    -------
    str
    """
    if s is None or (not isinstance(s, str) and pd.isna(s)):
        return ""
    s = str(s)
    if s.lstrip(" ").startswith(_FORMULA_START):
        return "'" + s
    return s


def safe_text(s, mode: str = "html") -> str:
    """Make an answer safe to show: ``mode="html"`` (:func:`html_safe`) or ``"csv"`` (:func:`csv_safe`).

    Raises
    ------
    ValueError
        If ``mode`` is neither ``"html"`` nor ``"csv"``.
    """
    if mode == "html":
        return html_safe(s)
    if mode == "csv":
        return csv_safe(s)
    raise ValueError(f"safe_text(): mode must be 'html' or 'csv', not {mode!r}.")
