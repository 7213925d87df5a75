"""The readers of raw exports by format: CSV, Excel ``.xlsx`` and SPSS ``.sav``.

:func:`peo.ingest.load.read_export` chooses one; its docstring says what every reader
returns (a frame of the values as found, index ``raw_row``, ``attrs`` with the source and
what the file says about itself). Each reader raises :class:`peo.errors.ReadError` naming
the file and the place (line, column) for a file that cannot be used.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from pathlib import Path

import pandas as pd

from peo.errors import ReadError

__all__ = ["read_csv_file", "read_xlsx_file", "read_sav_file", "AUTO_DELIMITERS"]

#: Delimiters tried when ``delimiter="auto"``.
AUTO_DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma (,)", ";": "semicolon (;)", "\t": "tab", "|": "pipe (|)"}

#: Leading bytes of binary formats that are sometimes saved or renamed with a .csv name.
_MAGIC = (
    (b"PK\x03\x04", "a zip archive (most likely an Excel workbook, .xlsx)"),
    (b"$FL2", "an SPSS data file (.sav)"),
    (b"$FL3", "a compressed SPSS data file (.zsav)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls) or another Office document"),
    (b"%PDF", "a PDF document"),
)

_HOW_TO_EXPORT = "Export the file again from the survey tool, or ask whoever sent it for a complete copy."


# ----------------------------------------------------------------------------- helpers


def _col_letter(n: int) -> str:
    """Spreadsheet column letter of a 1-based column number (1 -> A, 28 -> AB)."""
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _col_ref(n: int) -> str:
    return f"column {n} ({_col_letter(n)})"


def _byte_place(data: bytes, pos: int) -> str:
    """'line L, byte B' of a byte offset, for messages about undecodable bytes."""
    line = data.count(b"\n", 0, pos) + 1
    start = data.rfind(b"\n", 0, pos) + 1
    return f"line {line}, byte {pos - start + 1} of that line"


def _normalise_delimiter(delimiter: str) -> str:
    aliases = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    return aliases.get(str(delimiter).lower(), str(delimiter))


# ----------------------------------------------------------------------------- CSV


def _check_binary(path: Path, data: bytes) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise ReadError(
                f"{path} is not a text (CSV) file: its first bytes show it is {what}. "
                "Give the file its real extension (and set raw.format in wave.yml), "
                "or export the data again as CSV."
            )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ReadError(
            f"{path} is not a text (CSV) file: it contains NUL bytes, first at {_byte_place(data, nul)}. "
            "It is a binary file with a .csv name or a damaged export. Export the data again as CSV "
            "(UTF-8), or give the file its real extension."
        )


def _decode(path: Path, data: bytes, encoding: str) -> tuple[str, str]:
    """Decode the bytes of a text export; return the text and the encoding used."""
    if encoding == "auto":
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            try:
                return data.decode("utf-16"), "utf-16"
            except UnicodeDecodeError as exc:
                raise ReadError(
                    f"{path} starts like UTF-16 text but cannot be read as such: byte "
                    f"{data[exc.start]:#04x} at {_byte_place(data, exc.start)} is invalid. {_HOW_TO_EXPORT}"
                ) from None
        _check_binary(path, data)
        try:
            return data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            pass
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc:
            raise ReadError(
                f"The encoding of {path} cannot be read: it is neither UTF-8 nor Windows-1252 (cp1252) text; "
                f"byte {data[exc.start]:#04x} at {_byte_place(data, exc.start)} is not a character in either. "
                "Save the export as 'CSV UTF-8', or set raw.encoding in wave.yml to the file's encoding."
            ) from None
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        raise ReadError(
            f"Cannot read {path}: {encoding!r} is not a known text encoding. "
            "Set raw.encoding in wave.yml to a valid name such as utf-8 or cp1252, or to auto."
        ) from None
    if not codec.name.startswith("utf-16") and not codec.name.startswith("utf-32"):
        _check_binary(path, data)
    name = "utf-8-sig" if codec.name == "utf-8" else codec.name
    try:
        return data.decode(name), codec.name
    except UnicodeDecodeError as exc:
        raise ReadError(
            f"{path} cannot be read as {encoding}: byte {data[exc.start]:#04x} at {_byte_place(data, exc.start)} "
            f"is not valid {encoding}. Set raw.encoding in wave.yml to the file's real encoding "
            "(often utf-8 or cp1252), or to auto."
        ) from None


def _first_record(text: str, delimiter: str, n: int = 1) -> list[list[str]]:
    """The first ``n`` non-blank records of ``text`` split by ``delimiter`` (lenient)."""
    out = []
    try:
        for rec in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if rec and not (len(rec) == 1 and not rec[0].strip()):
                out.append(rec)
                if len(out) >= n:
                    break
    except csv.Error:
        pass
    return out


def _sniff_delimiter(path: Path, text: str, delimiter: str) -> str:
    """Find the delimiter: honour an explicit one, else count over the header.

    ``csv.Sniffer`` is not used: it guesses from character frequencies and picks the
    wrong delimiter on short samples where both ',' and ';' occur (for instance in
    question texts); counting the fields of the header and checking that the first
    data rows agree is more reliable for survey exports.
    """
    if delimiter != "auto":
        d = _normalise_delimiter(delimiter)
        if len(d) != 1:
            raise ReadError(
                f"Cannot read {path}: the delimiter {delimiter!r} must be a single character. "
                "Set raw.delimiter in wave.yml to ',' or ';' (or auto)."
            )
        header = _first_record(text, d)
        if header and len(header[0]) == 1:
            others = [c for c in AUTO_DELIMITERS if c != d and len((_first_record(text, c) or [[""]])[0]) > 1]
            if others:
                raise ReadError(
                    f"The delimiter of {path} does not fit: the header (line 1) is not split by the "
                    f"{_DELIMITER_NAMES.get(d, repr(d))} that was asked for (raw.delimiter in wave.yml), "
                    f"but it is by a {_DELIMITER_NAMES[others[0]]}. Set raw.delimiter to {others[0]!r} or to auto."
                )
        return d
    sample = {c: _first_record(text, c, n=21) for c in AUTO_DELIMITERS}
    widths = {c: len(recs[0]) for c, recs in sample.items() if recs and len(recs[0]) > 1}
    if not widths:
        raise ReadError(
            f"Cannot determine the delimiter of {path}: the header (line 1) is not split by a comma, "
            "semicolon or tab into columns. Export the file as CSV with ',' or ';' between the values, "
            "or set raw.delimiter in wave.yml to the character the file uses."
        )
    if len(widths) == 1:
        return next(iter(widths))
    consistent = {c: w for c, w in widths.items() if all(len(r) == w for r in sample[c][1:])}
    pool = consistent or widths
    best = max(pool.values())
    winners = [c for c, w in pool.items() if w == best]
    if len(winners) > 1:
        names = " and ".join(_DELIMITER_NAMES[c] for c in winners)
        raise ReadError(
            f"Cannot determine the delimiter of {path}: the header (line 1) splits into {best} columns by "
            f"both {names}. Set raw.delimiter in wave.yml to the one the file uses."
        )
    return winners[0]


def _records(path: Path, text: str, delimiter: str) -> list[tuple[int, int]]:
    """Every non-blank record as the line it starts on and its number of values, checked
    for broken quoting (the values are not kept: a large export's would take hundreds of MB).

    pandas' parser silently pads a row that is cut short with missing values and does not
    say on which line a record starts, so the structure is read once with the standard
    ``csv`` module; the values themselves are parsed by pandas.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    out = []
    start = 1
    try:
        for rec in reader:
            if rec and not (len(rec) == 1 and not rec[0].strip()):
                out.append((start, len(rec)))
            start = reader.line_num + 1
    except csv.Error as exc:
        if "end of data" in str(exc).lower():
            raise ReadError(
                f"{path} seems truncated: the row that starts on line {start} opens a quoted value "
                f'(") that is never closed before the end of the file. {_HOW_TO_EXPORT}'
            ) from None
        raise ReadError(
            f"{path} is not valid CSV at line {reader.line_num}: {exc}. "
            "Check the quotes on that line, or export the file again."
        ) from None
    return out


def _check_widths(path: Path, records: list[tuple[int, int]]) -> None:
    width = records[0][1]
    last = len(records) - 1
    for k, (line, n) in enumerate(records):
        if n == width:
            continue
        if n > width:
            raise ReadError(
                f"{path}, line {line}: the row has {n} values but the header (line {records[0][0]}) has "
                f"{width} columns. A value probably contains the delimiter without quotes around it; "
                "fix that line or export the file again."
            )
        if k == last:
            raise ReadError(
                f"{path} seems truncated: its last row (line {line}) has {n} of the {width} values of the "
                f"header; the file was probably cut off at column {n} ({_col_letter(n)}). "
                f"{_HOW_TO_EXPORT}"
            )
        raise ReadError(
            f"{path}, line {line}: the row has {n} values but the header (line {records[0][0]}) has "
            f"{width} columns. Fix that line or export the file again."
        )


def read_csv_file(path: Path, encoding: str, delimiter: str, header_rows: int) -> pd.DataFrame:
    data = _read_bytes(path)
    text, used_encoding = _decode(path, data, encoding)
    if not text.strip():
        raise ReadError(f"{path} is empty (it holds no header and no data). {_HOW_TO_EXPORT}")
    sep = _sniff_delimiter(path, text, delimiter)
    records = _records(path, text, sep)
    _check_widths(path, records)
    try:
        grid = pd.read_csv(
            io.StringIO(text, newline=""),
            sep=sep,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=True,
            engine="c",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise ReadError(f"{path} cannot be parsed as CSV: {exc}. Check the file, or export it again.") from None
    lines = [line for line, _ in records]
    if len(lines) != len(grid):  # pandas and csv disagree on blank lines: count rows instead
        lines = list(range(1, len(grid) + 1))
    df = _frame(path, grid, lines, header_rows, where="line")
    df.attrs.update(format="csv", encoding=used_encoding, delimiter=sep)
    return df


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ReadError(f"{path} does not exist. Check the path, or raw.file in wave.yml.") from None
    except IsADirectoryError:
        raise ReadError(f"{path} is a folder, not a file. Give the path of the raw export itself.") from None
    except OSError as exc:
        raise ReadError(f"{path} cannot be opened: {exc.strerror}.") from None


# ----------------------------------------------------------------------------- shared


def _frame(path: Path, grid: pd.DataFrame, row_numbers: list[int], header_rows: int, where: str) -> pd.DataFrame:
    """Turn a header-less grid of text into the export's frame: header, attrs, raw_row index."""
    if header_rows < 1:
        raise ReadError(f"Cannot read {path}: header_rows must be 1 or more (raw.header_rows in wave.yml).")
    hdr_place = f"{where} {row_numbers[0]}"
    if len(grid) <= header_rows:
        span = f"{where}s {row_numbers[0]}-{row_numbers[-1]}" if len(grid) > 1 else hdr_place
        raise ReadError(
            f"{path} holds only the header ({span}) and no data rows"
            + (f" (expected {header_rows} header rows, then one row per respondent)" if header_rows > 1 else "")
            + f". {_HOW_TO_EXPORT}"
        )
    names = [None if pd.isna(v) else str(v).strip() for v in grid.iloc[0]]
    body = grid.iloc[header_rows:]
    keep = []
    for j, name in enumerate(names):
        if name:
            keep.append(j)
        elif body.iloc[:, j].notna().any():
            first = body.index[body.iloc[:, j].notna()][0]
            raise ReadError(
                f"{path}: {_col_ref(j + 1)} has no name in the header ({hdr_place}) but holds values "
                f"(first at {where} {row_numbers[first]}). Give the column a name in the header, or remove it."
            )
    seen: dict[str, int] = {}
    for j in keep:
        name = names[j]
        if name in seen:
            raise ReadError(
                f"{path}: the header ({hdr_place}) has the column name {name!r} twice, in "
                f"{_col_ref(seen[name] + 1)} and {_col_ref(j + 1)}. Every column needs a unique name: "
                "rename or remove one of them."
            )
        seen[name] = j
    df = body.iloc[:, keep].copy()
    df.columns = [names[j] for j in keep]
    df.columns.name = None
    df.index = pd.Index([row_numbers[i] for i in range(header_rows, len(grid))], name="raw_row")
    df.attrs["source"] = str(path)
    df.attrs["header_rows"] = header_rows
    if header_rows >= 2:
        texts = grid.iloc[1]
        df.attrs["question_text"] = {names[j]: ("" if pd.isna(texts.iloc[j]) else str(texts.iloc[j])) for j in keep}
    return df


# ----------------------------------------------------------------------------- Excel


def read_xlsx_file(path: Path, sheet: str | int, header_rows: int) -> pd.DataFrame:
    data = _read_bytes(path)
    if not data:
        raise ReadError(f"{path} is empty (0 bytes). {_HOW_TO_EXPORT}")
    if not zipfile.is_zipfile(path):
        raise ReadError(
            f"{path} is not an Excel workbook (.xlsx): the file is not a zip archive. If it is a CSV or an old "
            ".xls file with the wrong name, give it its real extension (and set raw.format in wave.yml), or "
            "save it again from Excel as .xlsx."
        )
    try:
        grid = pd.read_excel(
            path, sheet_name=sheet, header=None, dtype=str, keep_default_na=False, na_values=[""], engine="openpyxl"
        )
    except (ValueError, IndexError, KeyError) as exc:
        if "not found" in str(exc) or isinstance(exc, IndexError):
            raise ReadError(
                f"{path} has no worksheet {sheet!r}. Set raw.sheet in wave.yml to the name or number (0 = first) "
                "of the sheet that holds the data."
            ) from None
        raise ReadError(
            f"{path} cannot be read as an Excel workbook: {exc}. Save it again from Excel as .xlsx."
        ) from None
    except (zipfile.BadZipFile, OSError, TypeError) as exc:  # damaged archive or workbook XML
        raise ReadError(
            f"{path} cannot be read as an Excel workbook: {exc}. Save it again from Excel as .xlsx."
        ) from None
    except Exception as exc:  # openpyxl raises assorted exceptions for damaged workbooks
        raise ReadError(
            f"{path} cannot be read as an Excel workbook ({type(exc).__name__}: {exc}). Save it again from Excel as .xlsx."
        ) from None
    rows = list(grid.index + 1)  # spreadsheet row numbers, before blank rows are dropped
    filled = grid.notna().any(axis=1).to_numpy()
    if not filled.any():
        raise ReadError(f"{path} is empty: sheet {sheet!r} holds no header and no data. {_HOW_TO_EXPORT}")
    grid = grid[filled].reset_index(drop=True)
    rows = [r for r, f in zip(rows, filled) if f]
    df = _frame(path, grid, rows, header_rows, where="row")
    df.attrs.update(format="xlsx", sheet=sheet)
    return df


# ----------------------------------------------------------------------------- SPSS


def read_sav_file(path: Path) -> pd.DataFrame:
    import pyreadstat

    data = _read_bytes(path)
    if not data:
        raise ReadError(f"{path} is empty (0 bytes). {_HOW_TO_EXPORT}")
    if not data.startswith((b"$FL2", b"$FL3")):
        raise ReadError(
            f"{path} is not an SPSS data file (.sav): it does not start with the SPSS file signature. "
            "If it is a CSV or Excel file with the wrong name, give it its real extension (and set raw.format "
            "in wave.yml), or save it again from SPSS."
        )
    try:
        # user_missing=True keeps codes such as 8 ("weet niet") instead of turning them into NaN:
        # the codebook decides what they mean.
        df, meta = pyreadstat.read_sav(str(path), user_missing=True, apply_value_formats=False)
    except Exception as exc:  # pyreadstat raises ReadstatError/PyreadstatError (not exported as a common base)
        raise ReadError(
            f"{path} cannot be read as an SPSS data file: {exc}. The file is probably damaged or "
            f"truncated. {_HOW_TO_EXPORT}"
        ) from None
    if len(df) == 0:
        raise ReadError(f"{path} holds variables but no cases (no data rows). {_HOW_TO_EXPORT}")
    for c in df.columns:
        if pd.api.types.is_string_dtype(df[c].dtype) or df[c].dtype == object:
            df[c] = df[c].where(~df[c].astype("string").str.strip().eq("").fillna(False))
    df.index = pd.RangeIndex(1, len(df) + 1, name="raw_row")

    def _num(k):
        return int(k) if isinstance(k, float) and k.is_integer() else k

    value_labels = {c: {_num(k): v for k, v in labels.items()} for c, labels in meta.variable_value_labels.items()}
    variable_labels = {c: (lab or "") for c, lab in zip(meta.column_names, meta.column_labels)}
    df.attrs.update(
        source=str(path),
        format="sav",
        header_rows=0,
        value_labels=value_labels,
        variable_labels=variable_labels,
        question_text=dict(variable_labels),
        missing_ranges={c: [dict(r) for r in v] for c, v in (meta.missing_ranges or {}).items()},
        file_encoding=meta.file_encoding,
    )
    return df
