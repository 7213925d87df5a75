"""Readers for raw survey exports: CSV, Excel ``.xlsx`` and SPSS ``.sav``.

Every reader returns a :class:`pandas.DataFrame` with one row per data row of the file:

* the index, named ``raw_row``, is the row number as a researcher sees it: for CSV the
  line in a text editor where the row starts (1-based, header rows counted), for Excel
  the spreadsheet row, for SPSS the case number in the data view;
* CSV and Excel values are text (``str``) exactly as found, an empty cell is missing:
  converting and checking values is the job of :mod:`peo.ingest.validate` and the cleaning, which
  can then report a bad value as it was found;
* SPSS values keep their numeric codes; value labels, variable labels and user-missing
  values go into ``df.attrs``;
* ``df.attrs["source"]`` is the path of the file; ``df.attrs["question_text"]`` maps a
  column to its question text when the export has it (row 2 of a survey-tool export with
  ``header_rows >= 2``, or the SPSS variable labels).

A file that cannot be used raises :class:`peo.errors.ReadError` whose message names the
file and the place (line, column) and says what to do. Nothing here writes a file.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from peo.errors import ConfigError, ReadError
from peo.ingest.mapping import apply_answers
from peo.ingest.readers import read_csv_file, read_sav_file, read_xlsx_file

__all__ = ["read_export", "read_wave", "as_number", "is_yes", "per_distinct", "FORMATS"]

#: Formats :func:`read_export` understands, by file suffix.
FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".sav": "sav"}


def as_number(values: pd.Series) -> pd.Series:
    """Read raw values as numbers; whatever is not a number becomes missing.

    Text is stripped, and a Dutch decimal comma (``"2,5"``) is read as a decimal point
    when the value holds no point. Numeric input (SPSS) is returned as is.

    Parameters
    ----------
    values : pandas.Series
        Raw values, as text or numbers.

    Returns
    -------
    pandas.Series
        ``Float64`` values with the same index; missing where the raw value is missing or
        not a number.
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("Float64")
    if pd.api.types.is_numeric_dtype(values.dtype):
        return pd.to_numeric(values, errors="coerce").astype("Float64")
    return per_distinct(values.astype("string"), _text_as_number)


def _text_as_number(text: pd.Series) -> pd.Series:
    text = text.str.strip()
    text = text.str.replace(r"^([+-]?\d+),(\d+)$", r"\1.\2", regex=True)
    return pd.to_numeric(text, errors="coerce").astype("Float64")


def per_distinct(values: pd.Series, fn) -> pd.Series:
    """``fn(values)`` computed on the distinct values only and spread back over the cells.

    ``fn`` takes and returns a Series (element by element: each result depends on its own
    value alone); missing cells give the missing value of the result's dtype, as ``fn``
    gives for them. A raw column of 100,000 answers holds a handful of distinct values, and
    text parsing per cell took most of the cleaning's time.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    done = fn(pd.Series(uniques, dtype=values.dtype)).reset_index(drop=True)
    missing = np.flatnonzero(codes < 0)
    if len(missing):  # the result of a missing cell, as fn gives it for the first one
        done = pd.concat([done, fn(values.iloc[missing[:1]]).reset_index(drop=True)], ignore_index=True)
        codes = np.where(codes < 0, len(done) - 1, codes)
    return pd.Series(done.array.take(codes), index=values.index, name=values.name)


def _yes_key(value) -> str | None:
    """A comparable key of a yes/no-like value: 1, 1.0, "1", True and "true" all give "1"."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    s = str(value).strip().lower()
    s = {"true": "1", "false": "0"}.get(s, s)
    if re.fullmatch(r"[+-]?\d+\.0*", s):
        s = str(int(float(s)))
    return s


def is_yes(values: pd.Series, yes_values) -> pd.Series:
    """Whether each raw value is one of ``yes_values`` (consent given, response finished).

    Values are compared loosely, as exports write them: ``1``, ``1.0``, ``"1"``,
    ``True`` and ``"true"`` are the same, and text is compared without case or
    surrounding spaces.

    Parameters
    ----------
    values : pandas.Series
        Raw values.
    yes_values : iterable
        The values that mean yes, such as ``wave.consent_yes``.

    Returns
    -------
    pandas.Series
        Boolean, ``False`` where the value is missing.
    """
    keys = {_yes_key(v) for v in yes_values} - {None}
    # per distinct value: 1, 1.0 and True hash alike but have one key anyway
    return per_distinct(values, lambda u: u.map(lambda v: _yes_key(v) in keys).astype(bool))


# ----------------------------------------------------------------------------- public


def read_export(
    path: str | Path,
    format: str | None = None,
    *,
    encoding: str = "auto",
    delimiter: str = "auto",
    header_rows: int = 1,
    sheet: str | int = 0,
) -> pd.DataFrame:
    """Read a raw survey export.

    Parameters
    ----------
    path : str or Path
        The export.
    format : {"csv", "xlsx", "sav"}, optional
        Default: from the file suffix (``.csv``, ``.txt``, ``.tsv``, ``.xlsx``, ``.sav``).
    encoding : str, default "auto"
        CSV only. ``"auto"``: UTF-8 with or without byte-order mark, else Windows-1252
        (cp1252), UTF-16 when the file starts with its byte-order mark. Any other value
        is used as is.
    delimiter : str, default "auto"
        CSV only. ``"auto"``: comma, semicolon or tab, from the header and the first rows.
    header_rows : int, default 1
        CSV and Excel: rows above the data. Row 1 holds the column ids; with 2 or more
        (a survey-tool export) row 2 holds the question texts, kept in
        ``df.attrs["question_text"]``, and further rows (import ids) are skipped.
    sheet : str or int, default 0
        Excel only: the worksheet, by name or number (0 = first).

    Returns
    -------
    pandas.DataFrame
        One row per data row, index ``raw_row`` (see the module docstring). CSV and Excel
        values are ``str``, empty cells missing; SPSS values are numeric codes (or text for
        string variables). ``df.attrs`` holds ``source`` (the path), ``format``,
        ``header_rows`` and, where known, ``question_text``, ``encoding``, ``delimiter``,
        ``value_labels``, ``variable_labels`` and ``missing_ranges`` (SPSS).

    Raises
    ------
    ReadError
        If the file does not exist or cannot be used: empty, only a header, a header
        that repeats a column name, truncated (last row short, or a quote never closed),
        an encoding or delimiter that cannot be read, a binary file with a text name, a
        damaged workbook or SPSS file, or an unknown format.
    """
    path = Path(path)
    fmt = (format or FORMATS.get(path.suffix.lower(), "")).lower()
    if fmt not in ("csv", "xlsx", "sav"):
        raise ReadError(
            f"Cannot read {path}: the format {format or path.suffix or '(no extension)'!r} is not supported. "
            "Raw exports must be CSV (.csv), Excel (.xlsx) or SPSS (.sav); set raw.format in wave.yml if "
            "the extension is unusual."
        )
    if fmt == "csv":
        return read_csv_file(path, encoding, delimiter, int(header_rows))
    if fmt == "xlsx":
        return read_xlsx_file(path, sheet, int(header_rows))
    return read_sav_file(path)


def read_wave(wave, codebook=None) -> pd.DataFrame:
    """Read a wave's raw export as its ``wave.yml`` describes it: item ids as columns,
    answers as codebook codes.

    Parameters
    ----------
    wave : peo.survey.config.Wave
        The wave; its ``raw`` settings say how to read the file, ``rename`` maps raw
        column names to codebook item ids and ``answers`` how answers are written.
    codebook : peo.survey.codebook.Codebook, optional
        The wave's codebook (default: ``wave.codebook()``).

    Returns
    -------
    pandas.DataFrame
        As :func:`read_export`, with columns renamed and answers mapped
        (:func:`peo.ingest.mapping.apply_answers`); ``df.attrs["rename"]`` holds the
        mapping that was applied (raw name -> item id), ``answer_matches`` and
        ``answer_problems`` what the answer mapping matched and found.

    Raises
    ------
    ReadError
        If the file cannot be read (see :func:`read_export`).
    ConfigError
        If ``rename`` would give two columns the same name, or ``answers`` names an
        unknown scale, item or code.
    """
    raw = wave.raw
    df = read_export(
        raw.file,
        raw.format,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        header_rows=raw.header_rows,
        sheet=raw.sheet,
    )
    df = apply_rename(df, wave.rename, where=f"{wave.config_path or wave.dir}")
    return apply_answers(df, codebook if codebook is not None else wave.codebook(), wave)


def apply_rename(df: pd.DataFrame, rename: dict[str, str], where: str = "wave.yml") -> pd.DataFrame:
    """Rename raw columns to item ids (``rename`` of ``wave.yml``); keep attrs in step.

    Raises
    ------
    ConfigError
        If a new name is already the name of another column, or two raw columns get the
        same new name.
    """
    mapping = {k: v for k, v in rename.items() if k in df.columns and k != v}
    targets: dict[str, str] = {}
    for old, new in mapping.items():
        if new in df.columns and new not in mapping:
            raise ConfigError(
                f"{where}: rename maps {old!r} to {new!r}, but {df.attrs.get('source', 'the export')} already has a "
                f"column {new!r}. Remove that line from rename, or rename the other column too."
            )
        if new in targets:
            raise ConfigError(f"{where}: rename maps both {targets[new]!r} and {old!r} to {new!r}.")
        targets[new] = old
    attrs = dict(df.attrs)
    out = df.rename(columns=mapping)
    for key in ("question_text", "value_labels", "variable_labels", "missing_ranges"):
        if isinstance(attrs.get(key), dict):
            attrs[key] = {mapping.get(k, k): v for k, v in attrs[key].items()}
    attrs["rename"] = mapping
    out.attrs = attrs
    return out
