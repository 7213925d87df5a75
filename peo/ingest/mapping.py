"""Answers as the export writes them -> codebook codes (``answers`` in ``wave.yml``).

Survey tools write the same answer differently: Qualtrics numbers "Weet niet" 6 (the
choice after 5) and writes -99 for "seen but not answered", LimeSurvey writes ``A1`` or
``Y``, Forms write the label text, an SPSS file may number a scale the other way round.
:func:`apply_answers` turns the raw frame (after ``rename``) into one whose item columns
hold codebook codes, before validation and cleaning, so every later step (scale scores,
reverse coding, boxes, tables) sees codebook codes only.

Per cell, the first that applies wins: the item's mapping (``answers.items.<item>``), the
scale's mapping (``answers.scales.<scale>``), the value as a code of the scale, the label
text (``answers.labels: auto``; Dutch and English, case, white space, quote style and
trailing punctuation ignored). Multiple-choice items are brought into the split shape,
``<item>_<code>`` holding 1 when chosen (:mod:`peo.ingest.multi`).

Nothing is decided silently. ``df.attrs["answer_matches"]`` lists what was mapped or
matched (column, raw value, code, how, cells); ``df.attrs["answer_problems"]`` lists the
problems as rows of the validation report (:data:`peo.ingest.validate.REPORT_COLUMNS`):
an unmatched or ambiguous label, two raw values with one label that became two codes, a
value label of the export that contradicts the codebook (a reversed scale), a systematic
code outside the scale, an unknown option of a joined multiple-choice cell. Configuration
that names an unknown scale, item or code is a :class:`peo.errors.ConfigError`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from peo.errors import ConfigError
from peo.ingest import evidence, multi
from peo.ingest.labels import as_code, candidates, label_index, label_lang, norm_label, problem, shown, value_key

__all__ = ["apply_answers", "check_config", "MATCH_COLUMNS"]

#: Columns of ``df.attrs["answer_matches"]``.
MATCH_COLUMNS = ["column", "value", "code", "how", "cells"]

# ----------------------------------------------------------------------------- configuration


def _codes_of(item) -> set[int]:
    sc = item.response_scale
    return set(sc.valid_codes) | set(sc.missing_codes) if sc is not None and sc.codes else set()


def _checked_mapping(mapping: dict, codes: set[int] | None, where: str, allowed_text: str) -> dict[str, int | None]:
    """Keys made :func:`value_key`; targets checked against ``codes`` (None: any number)."""
    out: dict[str, int | None] = {}
    origin: dict[str, object] = {}
    for raw, target in mapping.items():
        key = value_key(raw)
        if key is None:
            raise ConfigError(f"{where}: an empty raw value cannot be mapped; empty cells are unanswered already.")
        if target is not None and codes is not None and target not in codes:
            raise ConfigError(
                f"{where}: {raw!r} is mapped to {target}, which is no code of {allowed_text}. "
                f"Use one of {', '.join(str(c) for c in sorted(codes))}, or null (unanswered)."
            )
        if key in out and out[key] != target:
            raise ConfigError(
                f"{where}: {origin[key]!r} and {raw!r} are the same answer (case, spaces, quotes and trailing "
                f"punctuation are ignored) but are mapped to two codes, {out[key]} and {target}. Keep one of them."
            )
        out[key] = target
        origin[key] = raw
    return out


def check_config(codebook, wave) -> tuple[dict, dict]:
    """Check ``answers`` against the codebook; return the scale and item mappings by key.

    Returns
    -------
    (dict, dict)
        ``{scale: {key: code}}`` and ``{item: {key: code}}``, keys made by :func:`value_key`.

    Raises
    ------
    ConfigError
        If a mapping names a scale or item the codebooks do not have, maps to a code that
        is not in the scale, or maps two spellings of one answer to two codes; or a
        multiple-choice shape names an item that is not multiple choice, or an unknown
        option code.
    """
    ans = wave.answers
    cfg = wave.config_path or f"wave {wave.id}"
    scales: dict[str, dict] = {}
    for name, mapping in ans.scales.items():
        if name not in codebook.scales:
            raise ConfigError(
                f"{cfg}: answers.scales names the answer scale {name!r}, which no codebook of the wave has. "
                f"Known scales: {', '.join(codebook.scales)}."
            )
        sc = codebook.scales[name]
        codes = set(sc.valid_codes) | set(sc.missing_codes) if sc.codes else None
        scales[name] = _checked_mapping(mapping, codes, f"{cfg}: answers.scales.{name}", f"scale {name}")
    items: dict[str, dict] = {}
    for iid, mapping in ans.items.items():
        if iid not in codebook:
            raise ConfigError(
                f"{cfg}: answers.items names the item {iid!r}, which no codebook of the wave has. "
                f"Known items: {', '.join(codebook.ids())}."
            )
        item = codebook.item(iid)
        if item.type == "open":
            raise ConfigError(f"{cfg}: answers.items.{iid}: {iid} is an open question; its answers are not mapped.")
        codes = _codes_of(item) or None
        items[iid] = _checked_mapping(mapping, codes, f"{cfg}: answers.items.{iid}", f"item {iid}")
    for iid, shape in ans.multi.items():
        if iid not in codebook or codebook.item(iid).type != "multi":
            multis = [i.id for i in codebook.by_type("multi")]
            raise ConfigError(
                f"{cfg}: answers.multi names {iid!r}, which is no multiple-choice item of the wave's codebooks. "
                f"Multiple-choice items: {', '.join(multis) or 'none'}."
            )
        options = set(codebook.item(iid).response_scale.valid_codes)
        for code in shape.columns:
            if value_key(code) not in {str(c) for c in options}:
                raise ConfigError(
                    f"{cfg}: answers.multi.{iid}.columns names option {code!r}, which {iid} does not have. "
                    f"Its options: {', '.join(str(c) for c in sorted(options))}."
                )
    return scales, items


# ----------------------------------------------------------------------------- coded columns


def _replace(col: pd.Series, repl: dict) -> pd.Series:
    """``col`` with the raw values in ``repl`` replaced by codes (None: empty), dtype kept."""
    numeric = pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype)
    codes, uniques = pd.factorize(col.astype(object), use_na_sentinel=True)
    new = []
    for u in uniques:
        if u in repl:
            t = repl[u]
            new.append(np.nan if t is None and numeric else (pd.NA if t is None else (float(t) if numeric else str(t))))
        else:
            new.append(u)
    arr = np.empty(len(col), dtype=object)
    arr[:] = np.nan if numeric else pd.NA
    mask = codes >= 0
    arr[mask] = np.asarray(new, dtype=object)[codes[mask]]
    out = pd.Series(arr, index=col.index, name=col.name)
    return out.astype(col.dtype) if numeric else out.astype(col.dtype if col.dtype != object else "string")


def _map_column(df, column, item, item_map, scale_map, wave, source, matches, problems, unmatched):
    """Map one coded or numeric item column; collect matches, problems and unmatched text."""
    col = df[column]
    sc = item.response_scale
    coded = item.type in ("likert", "categorical") and sc is not None and bool(sc.codes)
    index = label_index(sc) if coded and wave.answers.labels == "auto" else {}
    counts = col.value_counts(dropna=True)
    repl: dict = {}
    label_hits = 0
    texts: list[tuple] = []
    for raw, n in counts.items():
        key = value_key(raw)
        if key is None:
            continue
        how = None
        if key in item_map:
            target, how = item_map[key], f"answers.items.{item.id}"
        elif key in scale_map:
            target, how = scale_map[key], f"answers.scales.{sc.name}"
        elif not key.startswith("t:"):
            continue  # a number: a code, or a value that validation and cleaning judge
        elif coded and key[2:] in index:
            found = index[key[2:]]
            if len(found) > 1:
                problems.append(
                    problem(
                        source,
                        column,
                        shown(raw),
                        "ambiguous_label",
                        f"one answer; '{shown(raw)}' ({int(n)} cell(s)) is the label of codes "
                        f"{', '.join(f'{c} {sc.label_of(c)!r}' for c in sorted(found))}. Map it under "
                        f"answers.items.{item.id} in wave.yml",
                    )
                )
                continue
            target = next(iter(found))
            how = label_lang(sc, target, key[2:])
            label_hits += 1
        else:
            if coded:
                texts.append((raw, int(n)))
            continue
        repl[raw] = target
        matches.append({"column": column, "value": shown(raw), "code": target, "how": how, "cells": int(n)})
    if coded and texts:
        unmatched.append((column, item, texts, label_hits > 0))
    # by key: every value the export may hold (also those no respondent chose) and its code
    by_key = {**scale_map, **item_map, **{value_key(r): c for r, c in repl.items()}}
    _same_label_check(df, column, item, by_key, source, problems)
    if repl:
        df[column] = _replace(col, repl)
    return by_key


def _same_label_check(df, column, item, by_key, source, problems) -> None:
    """Two raw values that carry one label (their text, or their value labels) must end up as one code."""
    labels = (df.attrs.get("value_labels") or {}).get(column) or {}
    sc = item.response_scale
    if sc is None or not sc.codes:
        return
    codes = set(sc.valid_codes) | set(sc.missing_codes)
    by_label: dict[str, dict] = {}
    present = set(df[column].dropna().unique().tolist())
    for raw in present | set(labels):
        key = value_key(raw)
        if key is None:
            continue
        lab = labels.get(raw, labels.get(as_code(raw))) if labels else None
        lab_key = norm_label(lab) if lab else (key[2:] if key.startswith("t:") else None)
        if not lab_key:
            continue
        target = by_key.get(key, as_code(raw) if not key.startswith("t:") else None)
        if target is None or (key not in by_key and target not in codes):
            continue
        by_label.setdefault(lab_key, {})[shown(raw)] = target
    for lab_key, targets in by_label.items():
        if len(set(targets.values())) > 1:
            pairs = ", ".join(f"{r} -> {t}" for r, t in targets.items())
            problems.append(
                problem(
                    source,
                    column,
                    ", ".join(targets),
                    "same_label_two_codes",
                    f"one code for one answer: the raw values {', '.join(map(repr, targets))} carry the same label "
                    f"'{lab_key}' but become different codes ({pairs}). Map them to the same code under "
                    f"answers.items.{item.id} or answers.scales.{sc.name} in wave.yml",
                )
            )


# ----------------------------------------------------------------------------- the whole frame


def apply_answers(df: pd.DataFrame, codebook, wave) -> pd.DataFrame:
    """Bring a raw export (after ``rename``) to codebook codes, as ``answers`` in ``wave.yml`` says.

    Parameters
    ----------
    df : pandas.DataFrame
        As :func:`peo.ingest.load.read_export` returns it, columns renamed.
    codebook : peo.survey.codebook.Codebook
    wave : peo.survey.config.Wave

    Returns
    -------
    pandas.DataFrame
        A copy whose coded item columns hold codes where a mapping or a label applied
        (values it did not touch are as found); multiple-choice items in split shape.
        ``attrs`` gain ``answer_matches`` (rows of :data:`MATCH_COLUMNS`),
        ``answer_problems`` (rows of the validation report) and ``consumed_columns``
        (raw columns read into other columns, such as a joined multiple-choice column).

    Raises
    ------
    ConfigError
        If ``answers`` names an unknown scale, item, option or code (:func:`check_config`).
    """
    scale_maps, item_maps = check_config(codebook, wave)
    out = df.copy()
    out.attrs = dict(df.attrs)
    source = str(df.attrs.get("source", ""))
    matches: list[dict] = []
    problems: list[dict] = []
    unmatched: list[tuple] = []
    consumed: list[str] = []
    repls: dict[str, dict] = {}
    for item in codebook.items:
        if item.type == "multi":
            multi.to_split(out, item, wave, item_maps.get(item.id, {}), source, matches, problems, consumed)
            continue
        if item.type == "open" or item.id not in out.columns:
            continue
        sc = item.response_scale
        repls[item.id] = _map_column(
            out,
            item.id,
            item,
            item_maps.get(item.id, {}),
            scale_maps.get(sc.name, {}) if sc else {},
            wave,
            source,
            matches,
            problems,
            unmatched,
        )
    problems += _unmatched_problems(out, codebook, wave, unmatched, source)
    problems += evidence.label_problems(out, codebook, wave, repls, source)
    problems += evidence.unknown_code_problems(out, codebook, wave, source)
    flagged = {p["column"] for p in problems}
    problems += [p for p in evidence.not_codes_problems(out, codebook, wave, source) if p["column"] not in flagged]
    out.attrs["answer_matches"] = matches
    out.attrs["answer_problems"] = problems
    out.attrs["consumed_columns"] = consumed
    return out


def _unmatched_problems(df, codebook, wave, unmatched, source) -> list[dict]:
    """Text in a coded column that matches no label: an error when systematic.

    A column of label text (some of its values matched a label) must match every value;
    elsewhere a text value is systematic when it stands in more than
    ``cleaning.unknown_code_share`` of the answered cells of its scale and in at least
    ``cleaning.unknown_code_min_cells`` cells. Other stray text
    stays a row-level problem that cleaning sets to missing.
    """
    answered = evidence.answered_per_scale(df, codebook)
    out = []
    for column, item, texts, label_column in unmatched:
        sc = item.response_scale
        total = max(answered.get(sc.name, 0), 1)
        for raw, n in texts:
            if label_column or (n / total > wave.unknown_code_share and n >= wave.unknown_code_min_cells):
                how = "labels are matched automatically" if wave.answers.labels == "auto" else "answers.labels is off"
                out.append(
                    problem(
                        source,
                        column,
                        shown(raw),
                        "unmatched_label",
                        f"a code or label of scale {sc.name}; '{shown(raw)}' stands in {n} cell(s) and matches no label "
                        f"({how}) and no mapping. Candidate codes: {candidates(str(raw), sc)}. Map it under "
                        f"answers.items.{item.id} or answers.scales.{sc.name} in wave.yml, e.g. {{{shown(raw)!r}: <code>}}",
                    )
                )
    return out
