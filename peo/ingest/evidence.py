"""What the export itself says about its codes, held against the codebook.

Run by :func:`peo.ingest.mapping.apply_answers` after the answers are mapped:

* **value labels are evidence** (:func:`label_problems`): an SPSS file labels its codes.
  Each label is compared with the codebook's labels (Dutch and English, as
  :func:`peo.ingest.labels.norm_label` compares them). A label that belongs to another code
  than the one its value maps to (1 labelled "Helemaal eens" where the codebook's 1 is
  "Helemaal oneens") is the error ``label_conflict``, with the mapping that would follow
  the labels; a scale numbered the other way round never reaches the analysis;
* **a systematic unknown code is a mapping problem** (:func:`unknown_code_problems`): a
  value outside the answer scale in more than ``cleaning.unknown_code_share`` of a scale's
  answered cells and in at least ``cleaning.unknown_code_min_cells`` cells, or one that carries its own value label, is the error ``unknown_code``
  with a suggested mapping; a few stray values stay row-level problems for cleaning;
* **a required item of mostly non-codes** (:func:`not_codes_problems`) is the error
  ``mostly_not_codes``.
"""

from __future__ import annotations

import pandas as pd

from peo.ingest.labels import as_code, label_index, norm_label, problem, shown, value_key

__all__ = ["label_problems", "unknown_code_problems", "not_codes_problems", "answered_per_scale", "MOSTLY"]

#: Share of a required item's answered cells above which "mostly not codes" is an error.
MOSTLY = 0.5


def _coded(item) -> bool:
    sc = item.response_scale
    return item.type in ("likert", "categorical") and sc is not None and bool(sc.codes)


def _codes(sc) -> set[int]:
    return set(sc.valid_codes) | set(sc.missing_codes)


def _filled(col: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(col.dtype):
        return col.notna()
    s = col.astype("string").str.strip()
    return (s.notna() & s.ne("")).fillna(False).astype(bool)


def answered_per_scale(df: pd.DataFrame, codebook) -> dict[str, int]:
    """Non-empty cells per answer scale, over the coded item columns of ``df``."""
    out: dict[str, int] = {}
    for item in codebook.items:
        if _coded(item) and item.id in df.columns:
            name = item.response_scale.name
            out[name] = out.get(name, 0) + int(_filled(df[item.id]).sum())
    return out


def _yaml_map(pairs: dict) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in pairs.items()) + "}"


def label_problems(df: pd.DataFrame, codebook, wave, repls: dict, source: str) -> list[dict]:
    """Value labels of the export (``df.attrs["value_labels"]``) that contradict the codebook.

    Parameters
    ----------
    repls : dict
        Per item column, raw value key (:func:`peo.ingest.labels.value_key`) -> code: the
        item's and scale's mappings and the labels matched.

    Returns
    -------
    list of dict
        Rows of the validation report (problem ``label_conflict``), one per item.
    """
    all_labels = df.attrs.get("value_labels") or {}
    conflicts: dict[str, tuple] = {}
    for item in codebook.items:
        if not _coded(item) or item.id not in all_labels or item.id not in df.columns:
            continue
        sc = item.response_scale
        index = label_index(sc)
        mapped = repls.get(item.id) or {}
        wrong, fix = [], {}
        for raw, label in sorted(
            all_labels[item.id].items(), key=lambda kv: (not isinstance(kv[0], (int, float)), kv[0])
        ):
            key = value_key(raw)
            if key is None or not isinstance(label, str) or not label.strip():
                continue
            hits = index.get(norm_label(label), set())
            target = mapped[key] if key in mapped else as_code(raw)
            if len(hits) == 1:
                follows = next(iter(hits))
                if follows != as_code(raw):
                    fix[shown(raw)] = follows
            if target in _codes(sc) and hits and target not in hits:
                wrong.append((shown(raw), target, label))
        if wrong:
            conflicts[item.id] = (sc, wrong, fix)
    out = []
    by_scale: dict[str, list] = {}
    for iid, (sc, wrong, fix) in conflicts.items():
        by_scale.setdefault(sc.name, []).append(_yaml_map(fix))
    for iid, (sc, wrong, fix) in conflicts.items():
        said = "; ".join(
            f"code {raw} is labelled '{label}' in the export"
            + (f" and becomes {target} by the mapping," if str(target) != raw else ",")
            + f" but the codebook's {target} is '{sc.label_of(target)}'"
            for raw, target, label in wrong[:4]
        ) + (f"; and {len(wrong) - 4} more" if len(wrong) > 4 else "")
        same = len(set(by_scale[sc.name])) == 1 and sum(
            1 for i in codebook.items if _coded(i) and i.response_scale.name == sc.name and i.id in df.columns
        ) == len(by_scale[sc.name])
        where = (
            f"answers: {{scales: {{{sc.name}: {_yaml_map(fix)}}}}}"
            if same
            else f"answers: {{items: {{{iid}: {_yaml_map(fix)}}}}}"
        )
        out.append(
            problem(
                source,
                iid,
                ", ".join(raw for raw, _, _ in wrong),
                "label_conflict",
                f"value labels that agree with the codebook. Item {iid}: {said}. The scale may be numbered the other way "
                f"round in this export. If the export's labels are right, add to wave.yml: {where} (docs/wave-config.md); "
                "if the codebook is right, the export's labels are wrong: ask for a correct export",
            )
        )
    return out


def unknown_code_problems(df: pd.DataFrame, codebook, wave, source: str) -> list[dict]:
    """Values outside an answer scale that are systematic rather than stray.

    A number that is no code of the scale is systematic when it stands in more than
    ``wave.unknown_code_share`` of the scale's answered cells and in at least
    ``wave.unknown_code_min_cells`` cells, or when the export gives it
    a value label of its own (then it is an answer option the codebook does not know).

    Returns
    -------
    list of dict
        Rows of the validation report (problem ``unknown_code``), one per scale and value.
    """
    all_labels = df.attrs.get("value_labels") or {}
    answered = answered_per_scale(df, codebook)
    found: dict[str, dict] = {}  # scale -> key -> [cells, columns, label, raw]
    for item in codebook.items:
        if not _coded(item) or item.id not in df.columns:
            continue
        sc = item.response_scale
        codes = {str(c) for c in _codes(sc)}
        labels = {value_key(k): v for k, v in (all_labels.get(item.id) or {}).items()}
        for raw, n in df[item.id].value_counts(dropna=True).items():
            key = value_key(raw)
            if key is None or key.startswith("t:") or key in codes:
                continue
            entry = found.setdefault(sc.name, {}).setdefault(key, [0, [], None, raw])
            entry[0] += int(n)
            entry[1].append(item.id)
            if labels.get(key) and entry[2] is None:
                entry[2] = labels[key]
    out = []
    for name, values in found.items():
        sc = codebook.scales[name]
        total = max(answered.get(name, 0), 1)
        for key, (n, cols, label, raw) in values.items():
            share = n / total
            if label is None and (share <= wave.unknown_code_share or n < wave.unknown_code_min_cells):
                continue
            hits = label_index(sc).get(norm_label(label), set()) if label else set()
            if len(hits) == 1:
                suggestion = (
                    f"{{{key}: {next(iter(hits))}}} (its label '{label}' is the codebook's "
                    f"'{sc.label_of(next(iter(hits)))}')"
                )
            else:
                options = ", ".join(f"{m.code} '{m.nl}'" for m in sc.missing) or "none"
                suggestion = (
                    f"{{{key}: <code>}}, or {{{key}: null}} when it means no answer; the scale's missing "
                    f"codes: {options}"
                )
            why = (
                f"carries its own value label '{label}'"
                if label
                else f"stands in {share:.0%} of the scale's answered cells (more than cleaning.unknown_code_share, "
                f"{wave.unknown_code_share:g})"
            )
            shown_cols = ", ".join(cols[:3]) + (f" and {len(cols) - 3} more" if len(cols) > 3 else "")
            out.append(
                problem(
                    source,
                    shown_cols,
                    shown(raw),
                    "unknown_code",
                    f"a code of scale {name} ({', '.join(str(c) for c in [*sc.valid_codes, *sc.missing_codes])}). "
                    f"{shown(raw)} is in {n} cell(s) and {why}, so it is an answer option of the export, not a typo. "
                    f"Map it under answers.scales.{name} in wave.yml: {suggestion}",
                )
            )
    return out


def not_codes_problems(df: pd.DataFrame, codebook, wave, source: str) -> list[dict]:
    """Required coded items whose answered cells are mostly no codes of their scale (and at
    least ``cleaning.unknown_code_min_cells`` cells are not)."""
    out = []
    for item in codebook.items:
        if not (item.required and _coded(item)) or item.id not in df.columns:
            continue
        col = df[item.id]
        filled = _filled(col)
        n = int(filled.sum())
        if not n:
            continue
        codes = {str(c) for c in _codes(item.response_scale)}
        # per distinct value (value_key of each of 100,000 cells took seconds)
        counts = col[filled].value_counts(dropna=False)
        bad = int(sum(m for raw, m in counts.items() if value_key(raw) not in codes))
        if bad / n > MOSTLY and bad >= wave.unknown_code_min_cells:
            out.append(
                problem(
                    source,
                    item.id,
                    "",
                    "mostly_not_codes",
                    f"codes of scale {item.response_scale.name} in the required item {item.id}: {bad} of its {n} answered "
                    "cells are not. The export probably writes the answers otherwise (text, other numbers): map them under "
                    "answers in wave.yml (docs/wave-config.md)",
                )
            )
    return out
