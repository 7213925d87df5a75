"""Item codes, numeric values and scale scores: the processed frame turned into numbers.

This module is the base of the statistics modules (:mod:`peo.stats.shares`, :mod:`peo.stats.groups`,
:mod:`peo.stats.associations`, :mod:`peo.stats.reliability`, ...): it turns the processed
respondents frame (see ``docs/processed-data.md``) into numbers. Coded items are ordered
categoricals of the codebook's Dutch labels; :func:`item_codes` turns them back into the
codebook's codes, and :func:`scale_scores` averages a construct's items after reverse coding.

It needs pandas alone (split from :mod:`peo.stats.reliability`, issue 8): the modules that only
read columns, and the chapter notebooks that import them, do not load pingouin or statsmodels.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from peo.errors import CodebookError, ValidationError
from peo.survey.codebook import Codebook, Item, categories, reverse_codes
from peo.survey.wording import phrase

__all__ = [
    "CODED_TYPES",
    "NOTE_NO_VALID",
    "as_list",
    "item_codes",
    "item_scores",
    "label_of",
    "numeric_values",
    "require_column",
    "scale_scores",
]

#: Item types whose answers are codes of an answer scale.
CODED_TYPES = ("likert", "categorical")
#: Note (Dutch: it appears in the report's tables) of a statistic without a valid answer.
NOTE_NO_VALID = phrase("stats_notes", "no_valid")


# ------------------------------------------------------------------------- columns


def require_column(df: pd.DataFrame, column: str, what: str = "column") -> pd.Series:
    """Return ``df[column]``; raise a ``ValidationError`` that says what to do if it is absent.

    Parameters
    ----------
    df : pandas.DataFrame
        The processed respondents frame.
    column : str
        Column name.
    what : str
        What the column is, for the message ("item", "grouping column", ...).

    Returns
    -------
    pandas.Series

    Raises
    ------
    ValidationError
        If the frame has no such column.
    """
    if column not in df.columns:
        raise ValidationError(
            f"The respondents frame has no {what} {column!r}. Check the name against the codebook, "
            "or rebuild the processed data of this wave (python -m peo clean)."
        )
    return df[column]


def as_list(names: str | Iterable[str]) -> list[str]:
    """Accept one name or several names."""
    return [names] if isinstance(names, str) else list(names)


def item_codes(df: pd.DataFrame, codebook: Codebook, item_id: str) -> pd.Series:
    """Codes of a coded item (likert or categorical), as ``Int64``.

    The processed column holds the codebook's labels (:func:`peo.survey.codebook.categories`);
    a numeric column is taken to hold the codes themselves. Missing answers stay missing.

    Parameters
    ----------
    df : pandas.DataFrame
        The processed respondents frame.
    codebook : Codebook
        The merged codebook of the wave.
    item_id : str
        A likert or categorical item.

    Returns
    -------
    pandas.Series
        ``Int64`` codes named after the item, on the index of ``df``.

    Raises
    ------
    CodebookError
        If the item does not exist or is not a coded item.
    ValidationError
        If the column is absent or holds values that are not answers of the item's scale
        (for example labels in another language, or a missing-value code such as 9).
    """
    item = codebook.item(item_id)
    if item.type not in CODED_TYPES:
        raise CodebookError(
            f"Item {item_id!r} is a {item.type} item; this statistic needs a coded item "
            f"({' or '.join(CODED_TYPES)}). Use the function for {item.type} items instead."
        )
    col = require_column(df, item_id, "item")
    valid = item.response_scale.valid_codes
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        codes = pd.Series(col.to_numpy(dtype=float, na_value=np.nan), index=df.index)
        bad = sorted(set(codes.dropna().unique()) - set(valid))
        if bad:
            raise ValidationError(
                f"Item {item_id!r} holds code(s) {bad[:5]} that are not answers of scale "
                f"{item.response_scale.name!r} (valid: {valid}). Missing-value codes must be "
                "set to missing by cleaning (python -m peo clean)."
            )
        return codes.astype("Int64").rename(item_id)
    mapping = dict(zip(categories(item), valid))
    if isinstance(col.dtype, pd.CategoricalDtype):
        # per category, not per cell (the processed column is categorical): the same codes
        per_cat = [mapping.get(c) for c in col.cat.categories]
        cat_codes = col.cat.codes.to_numpy()
        if all(per_cat[k] is not None for k in np.unique(cat_codes[cat_codes >= 0])):
            table = pd.array([*per_cat, None], dtype="Int64")  # position -1 (missing) is the last
            return pd.Series(table.take(cat_codes), index=col.index, name=item_id)
    obj = col.astype("object")
    codes = obj.map(mapping)
    unknown = obj.notna() & codes.isna()
    if unknown.any():
        found = sorted({str(v) for v in obj[unknown]})[:5]
        raise ValidationError(
            f"Item {item_id!r} holds value(s) {found} that are not labels of scale "
            f"{item.response_scale.name!r} ({', '.join(categories(item))}). The processed data "
            "and the codebook do not match: rebuild the processed data with this codebook."
        )
    return codes.astype("Int64").rename(item_id)


def label_of(codebook: Codebook, name: str) -> str:
    """Dutch label of an item (short label), a construct, or the name itself for other columns."""
    if name in codebook.constructs:
        return codebook.constructs[name].nl
    if name in codebook:
        return codebook.item(name).short_nl
    return name


def numeric_values(df: pd.DataFrame, codebook: Codebook, name: str) -> pd.Series:
    """Numeric values of an item, a construct or a numeric column, as ``float64`` with NaN.

    - a construct id gives its scale score (:func:`scale_scores`);
    - a likert item gives its codes as they are (not reverse coded: reverse coding belongs
      to scale scores);
    - a numeric item gives its values;
    - any other numeric column of ``df`` (a derived variable) is taken as it is.

    Parameters
    ----------
    df : pandas.DataFrame
        The processed respondents frame.
    codebook : Codebook
        The merged codebook.
    name : str
        Construct id, item id or column name.

    Returns
    -------
    pandas.Series
        ``float64`` named ``name``, on the index of ``df``.

    Raises
    ------
    CodebookError
        If ``name`` is a categorical (unordered: its codes are not quantities),
        multiple-choice or open item, or neither an item, a construct nor a numeric column.
    ValidationError
        If an item's column is absent or does not match the codebook.
    """
    if name in codebook.constructs:
        return scale_scores(df, codebook, name)
    if name in codebook:
        item = codebook.item(name)
        if item.type == "likert":
            return item_codes(df, codebook, name).astype("float64").rename(name)
        if item.type == "numeric":
            col = require_column(df, name, "item")
            values = pd.to_numeric(col.astype("object"), errors="coerce")
            return pd.Series(values.to_numpy(dtype=float, na_value=np.nan), index=df.index, name=name)
        if item.type == "categorical":
            raise CodebookError(
                f"Item {name!r} is categorical: its codes are labels, not quantities. Compare its "
                "answers with chi_square(), or use it as a grouping or adjustment column."
            )
        raise CodebookError(f"Item {name!r} is a {item.type} item and has no numeric values.")
    if name in df.columns and pd.api.types.is_numeric_dtype(df[name]):
        return pd.Series(df[name].to_numpy(dtype=float, na_value=np.nan), index=df.index, name=name)
    raise CodebookError(
        f"{name!r} is neither an item nor a construct of the codebook, nor a numeric column of "
        "the respondents frame. Check the spelling."
    )


# -------------------------------------------------------------------- scale scores


def item_scores(df: pd.DataFrame, codebook: Codebook, construct: str) -> pd.DataFrame:
    """Codes of a construct's items after reverse coding, one column per item (``float64``).

    Parameters
    ----------
    df : pandas.DataFrame
        The processed respondents frame.
    codebook : Codebook
        The merged codebook.
    construct : str
        Construct id (``codebook.constructs``).

    Returns
    -------
    pandas.DataFrame
        One ``float64`` column per item, named by item id, in codebook order; items with
        ``reverse: true`` are reverse coded (:func:`peo.survey.codebook.reverse_codes`).

    Raises
    ------
    CodebookError
        If the construct does not exist, has no items, or has an item that is not coded.
    ValidationError
        If an item's column is absent or does not match the codebook.
    """
    items: list[Item] = codebook.construct_items(construct)
    if not items:
        raise CodebookError(f"Construct {construct!r} has no items: give items 'construct: {construct}'.")
    cols = {}
    for item in items:
        codes = reverse_codes(item_codes(df, codebook, item.id), item)
        cols[item.id] = codes.astype("float64")
    return pd.DataFrame(cols, index=df.index)


def scale_scores(df: pd.DataFrame, codebook: Codebook, construct: str, min_items: int | None = None) -> pd.Series:
    """Scale score of a construct: the mean of its item codes after reverse coding.

    A respondent who answered fewer than ``min_items`` of the construct's items gets NaN
    (available-item mean, not imputation).

    Parameters
    ----------
    df : pandas.DataFrame
        The processed respondents frame.
    codebook : Codebook
        The merged codebook.
    construct : str
        Construct id.
    min_items : int, optional
        Minimum number of answered items; default the construct's ``min_items``.

    Returns
    -------
    pandas.Series
        ``float64`` scores on the scale of the codes (1 to 5 for a five-point scale),
        named after the construct, on the index of ``df``.

    Raises
    ------
    CodebookError
        If the construct is unknown or ``min_items`` is not between 1 and its number of items.
    ValidationError
        If an item's column is absent or does not match the codebook.
    """
    scores = item_scores(df, codebook, construct)
    k = scores.shape[1]
    need = codebook.constructs[construct].min_items if min_items is None else int(min_items)
    if not 1 <= need <= k:
        raise CodebookError(
            f"Construct {construct!r}: min_items is {need}, but it must be between 1 and its "
            f"number of items ({k}). Correct 'min_items' in the codebook."
        )
    answered = scores.notna().sum(axis=1)
    return scores.mean(axis=1).where(answered >= need).astype("float64").rename(construct)
