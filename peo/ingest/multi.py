"""Multiple-choice items in every shape a survey tool exports, brought to the split shape.

The codebook's shape (``<item>_<code>`` holding 1 when the option was chosen) is what
validation and cleaning read. ``answers.multi.<item>`` in ``wave.yml`` says how the export
writes the item (``docs/wave-config.md``):

* ``split``: one column per option, named ``<item>_<code>`` or as ``columns`` says; the
  values in ``chosen`` mean chosen (``1``, ``Y``; the words ``code`` and ``label`` stand for
  the option's own code and label). Empty and ``0`` mean not chosen, as do values that
  ``answers.items.<item>`` maps to null (LimeSurvey's ``Nee``, ``N.v.t.``); other values are left
  as found, for validation to warn about and cleaning to set to missing;
* ``joined``: one column with the chosen options, as codes (``1,3,4``) or as labels
  joined by a separator (``;`` in Microsoft Forms, ``, `` in Google Forms). Labels are
  found by matching the option labels, not by a naive split, so a label that contains the
  separator is read whole. A part that is no option is the error ``unknown_option``, per
  row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from peo.errors import ConfigError
from peo.ingest.labels import label_index, norm_label, problem, shown, value_key

__all__ = ["to_split", "parse_joined"]


def _option_columns(item, shape) -> dict[int, str]:
    """Option code -> the export's column of a split item."""
    given = {int(float(k)): v for k, v in (shape.columns or {}).items()} if shape else {}
    return {c.code: given.get(c.code, f"{item.id}_{c.code}") for c in item.response_scale.codes}


def _chosen_keys(shape, code: int, option) -> set[str]:
    keys = set()
    for v in shape.chosen if shape else (1,):
        if v == "code":
            keys.add(str(code))
        elif v == "label":
            keys |= {f"t:{norm_label(option.nl)}", f"t:{norm_label(option.en)}"}
        else:
            k = value_key(v)
            if k is not None:
                keys.add(k)
    return keys


def _split(df, item, shape, item_map, matches, consumed, cfg) -> None:
    # Values that answers.items.<item> maps to null mean "not chosen" (empty): LimeSurvey's
    # full answers write "Nee" for an option shown and not chosen, "N.v.t." for one never shown.
    empty = {k for k, target in item_map.items() if target is None}
    renamed = {}
    for c in item.response_scale.codes:
        raw_col = _option_columns(item, shape)[c.code]
        target = f"{item.id}_{c.code}"
        if raw_col != target:
            if target in df.columns:
                raise ConfigError(
                    f"{cfg}: answers.multi.{item.id}.columns maps option {c.code} to {raw_col!r}, but the export also has a "
                    f"column {target!r}. Name one column per option."
                )
            if raw_col in df.columns:
                renamed[raw_col] = target
        col_name = raw_col if raw_col in df.columns else target
        if col_name not in df.columns:
            continue
        keys = _chosen_keys(shape, c.code, c)
        if keys == {"1"} and not empty:
            continue  # the codebook's own shape: nothing to translate
        col = df[col_name]
        numeric = pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype)
        repl = {}
        for raw, n in col.value_counts(dropna=True).items():
            k = value_key(raw)
            if k in keys and k != "1":
                repl[raw] = 1.0 if numeric else "1"
                matches.append(
                    {
                        "column": raw_col,
                        "value": shown(raw),
                        "code": 1,
                        "how": f"answers.multi.{item.id}.chosen",
                        "cells": int(n),
                    }
                )
            elif k in empty:
                repl[raw] = None
                matches.append(
                    {
                        "column": raw_col,
                        "value": shown(raw),
                        "code": pd.NA,
                        "how": f"answers.items.{item.id}",
                        "cells": int(n),
                    }
                )
        if repl:
            df[col_name] = col.map(lambda v, r=repl: r.get(v, v)).astype(col.dtype)
    if renamed:
        df.columns = [renamed.get(c, c) for c in df.columns]
        consumed.extend(renamed)


def parse_joined(text: str, separator: str, options: dict[str, int]) -> tuple[list[int], str | None]:
    """The option codes in one joined cell, and the first part that is no option (or None).

    ``options`` maps a normalised option text (a label, or a code's key) to its code. The
    cell is split at ``separator``; consecutive parts are joined again when together they
    are one option, the longest match first, so that ``"Regels, administratie, Tijd"``
    with the option ``"Regels, administratie"`` reads as two options.
    """
    parts = str(text).split(separator)
    n = len(parts)
    memo: dict[int, list[int] | None] = {}

    def key_of(i: int, j: int) -> str:
        k = value_key(separator.join(parts[i:j]))
        return "" if k is None else (k[2:] if k.startswith("t:") else k)

    def solve(i: int) -> list[int] | None:
        if i == n:
            return []
        if i in memo:
            return memo[i]
        if key_of(i, i + 1) == "":  # an empty part (a trailing separator)
            rest = solve(i + 1)
            memo[i] = rest
            return rest
        for j in range(n, i, -1):
            k = key_of(i, j)
            if k in options:
                rest = solve(j)
                if rest is not None:
                    memo[i] = [options[k], *rest]
                    return memo[i]
        memo[i] = None
        return None

    codes = solve(0)
    if codes is not None:
        return sorted(set(codes)), None
    i = 0
    while i < n:  # the first part that starts no option: what to report
        k = key_of(i, i + 1)
        hit = next((j for j in range(n, i, -1) if key_of(i, j) in options), None)
        if k and hit is None:
            return [], parts[i].strip()
        i = hit if hit is not None else i + 1
    return [], str(text).strip()


def _joined(df, item, shape, item_map, source, matches, problems, consumed, cfg) -> None:
    column = shape.column or item.id
    if column not in df.columns:
        return  # validation reports the missing option columns
    for c in item.response_scale.codes:
        if f"{item.id}_{c.code}" in df.columns:
            raise ConfigError(
                f"{cfg}: answers.multi.{item.id} says the item is one joined column {column!r}, but the export also has the "
                f"split column {item.id}_{c.code}. Remove one of the two shapes from the configuration."
            )
    sc = item.response_scale
    options: dict[str, int] = {}
    if shape.values == "labels":
        options.update({k: next(iter(v)) for k, v in label_index(sc).items() if len(v) == 1 and k})
    else:
        options.update({str(code): code for code in sc.valid_codes})
    for key, target in item_map.items():
        if target is not None:
            options[key[2:] if key.startswith("t:") else key] = target
    col = df[column]
    chosen = {c.code: np.zeros(len(df), dtype=bool) for c in sc.codes}
    answered = np.zeros(len(df), dtype=bool)
    expected = (
        f"options of {item.id} joined by {shape.separator!r}: "
        + ", ".join(f"{c.code} {c.nl!r}" if shape.values == "labels" else str(c.code) for c in sc.codes)
        + f". Map an other spelling under answers.items.{item.id} in wave.yml"
    )
    cache: dict = {}
    for pos, (idx, v) in enumerate(zip(df.index, col.tolist())):
        if value_key(v) is None:
            continue
        if v not in cache:
            cache[v] = parse_joined(v if isinstance(v, str) else shown(v), shape.separator, options)
        codes, bad = cache[v]
        if bad is not None:
            problems.append(problem(source, column, shown(v), "unknown_option", expected, row=idx))
            continue
        answered[pos] = True
        for code in codes:
            chosen[code][pos] = True
    n_cells = int(answered.sum())
    for c in sc.codes:
        values = np.where(chosen[c.code], "1", None)  # the demo shape: 1 or empty
        df[f"{item.id}_{c.code}"] = pd.Series(values, index=df.index, dtype="string")
    matches.append(
        {
            "column": column,
            "value": f"joined {shape.values}",
            "code": pd.NA,
            "how": f"answers.multi.{item.id}",
            "cells": n_cells,
        }
    )
    del df[column]
    consumed.append(column)


def to_split(df, item, wave, item_map, source, matches, problems, consumed) -> None:
    """Bring one multiple-choice item of ``df`` (changed in place) to the split shape.

    Raises
    ------
    ConfigError
        If the configured shape and the export's columns contradict each other.
    """
    shape = wave.answers.multi.get(item.id)
    cfg = wave.config_path or f"wave {wave.id}"
    if shape is not None and shape.shape == "joined":
        _joined(df, item, shape, item_map, source, matches, problems, consumed, cfg)
    else:
        _split(df, item, shape, item_map, matches, consumed, cfg)
