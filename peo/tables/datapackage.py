"""The Frictionless ``datapackage.json`` of a wave's published tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from peo.io import sha256
from peo.survey.config import Wave
from peo.tables import disclosure

__all__ = ["CODEBOOK_DIR", "COLUMN_DOCS", "PEO_KEY", "datapackage", "field_schema", "table_resource"]

#: Descriptions of the published columns (Frictionless ``datapackage.json``).
COLUMN_DOCS = {
    "item": ("string", "Codebook item id"),
    "item_label": ("string", "Dutch short label of the item"),
    "group": ("string", "Employer type (GI, JZ, LT) or 'totaal' for all respondents"),
    "answer_code": ("integer", "Answer option (collapsed to the boxes of the answer scale for Likert items)"),
    "answer_label": ("string", "Dutch label of the answer option"),
    "box": ("string", "Name of the box (group of answers)"),
    "box_label": ("string", "Dutch label of the box"),
    "n": ("integer", "Respondents with a valid answer in this group"),
    "count": ("integer", "Respondents with this answer or in this box"),
    "share": ("number", "count / n, between 0 and 1"),
    "ci_low": ("number", "Lower bound of the 95% interval (Wilson for shares)"),
    "ci_high": ("number", "Upper bound of the 95% interval (Wilson for shares)"),
    "suppressed": ("boolean", "True when the cell is hidden by disclosure control"),
    "merged": (
        "boolean",
        "True when a Likert item's answers, collapsed to the boxes of the scale, had a hidden cell and "
        "are published instead as the headline box against the other answers together (box 'rest'; "
        "answer_code is the first collapsed code the row covers); the item's box rows are then not published",
    ),
    "suppression": (
        "string",
        "Why the row is hidden: 'primary' (too few respondents), 'secondary' (hidden to protect "
        "another cell), empty when shown",
    ),
    "note": ("string", "Dutch remark, e.g. 'geen geldige antwoorden'"),
    "p_value": ("number", "Two-sided p-value"),
    "p_holm": ("number", "p-value after Holm's correction within the family"),
    "statistic": ("number", "Test statistic"),
    "df": ("number", "Degrees of freedom"),
    "effect": ("string", "Name of the effect size"),
    "effect_size": ("number", "Effect size (Cramér's V or epsilon-squared)"),
    "family": ("string", "Family of tests for Holm's correction"),
    "primary": ("boolean", "True for the item's primary test in its Holm family"),
    "tested": (
        "string",
        "What the test compared: answers, boxes (of the answer scale), headline (box vs rest) or score",
    ),
    "lr_p_holm": ("number", "Likelihood-ratio p-value of employer type after Holm's correction over the items"),
    "po_statistic": ("number", "Likelihood-ratio statistic of the proportional-odds assumption"),
    "po_df": ("number", "Degrees of freedom of the proportional-odds test"),
    "po_p_value": ("number", "p-value of the proportional-odds test (small: the assumption does not hold)"),
    "po_p_holm": ("number", "p-value of the proportional-odds test after Holm's correction over the items"),
    "po_holds": ("boolean", "True when the proportional-odds assumption holds (po_p_value not below tests.po_level)"),
    "se": ("number", "Standard error"),
    "ci_method": ("string", "Interval method (wald; logit = R svyciprop(method = 'logit') for weighted shares)"),
    "weighting": ("string", "poststratified: weighted to the population per employer type"),
    "population": ("integer", "Professionals of this employer type in the region (population in wave.yml)"),
    "response_rate": ("number", "n / population"),
    "population_share": ("number", "Share of the employer type in the population"),
    "sample_share": ("number", "Share of the employer type among the respondents"),
    "weight": ("number", "Post-stratification weight relative to unweighted: population_share / sample_share"),
    "alpha_raw": ("number", "Cronbach's alpha of the raw (unstandardized) items"),
    "footing": ("string", "standardized: alpha and omega describe the standardized items"),
}


def field_schema(name: str, dtype) -> dict:
    """The Frictionless field of a column: its type (documented, else from the dtype) and description."""
    kind, doc = COLUMN_DOCS.get(name, (None, ""))
    if kind is None:
        if pd.api.types.is_bool_dtype(dtype):
            kind = "boolean"
        elif pd.api.types.is_integer_dtype(dtype):
            kind = "integer"
        elif pd.api.types.is_numeric_dtype(dtype):
            kind = "number"
        else:
            kind = "string"
    return {"name": name, "type": kind, "description": doc} if doc else {"name": name, "type": kind}


#: Folder of the package that holds the codebooks the tables were made with.
CODEBOOK_DIR = "codebook"
#: Descriptor key of the package's own metadata (Frictionless allows extra properties).
PEO_KEY = "peo"


def table_resource(name: str, table: pd.DataFrame, folder: Path) -> dict:
    """The Frictionless resource of a CSV written as ``<name>.csv`` in ``folder``: size, SHA-256, schema."""
    path = folder / f"{name}.csv"
    return {
        "name": name.replace("_", "-"),
        "path": path.name,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": path.stat().st_size,
        "hash": f"sha256:{sha256(path)}",
        "schema": {"fields": [field_schema(str(c), table[c].dtype) for c in table.columns]},
    }


def datapackage(
    wave: Wave,
    tables: dict[str, disclosure.ProtectedTable],
    folder: Path,
    *,
    quotes: dict[str, pd.DataFrame] | None = None,
    codebooks: list[str] = (),
    themes: str | None = None,
) -> dict:
    """A Frictionless Data Package descriptor for the published tables of a wave.

    Every resource carries its size and SHA-256 (``bytes``, ``hash``) and, under
    ``peo:protection``, the metadata of its disclosure control (:func:`peo.tables.disclosure.protection`:
    threshold, the columns that are counts of respondents, ...), so that
    :func:`peo.tables.package.load_package` restores each table as the sealed table the results
    step wrote. Quote files (``quotes_<item>.csv``, de-identified example answers) are
    resources of kind ``quotes``. The ``peo`` property names the wave, its threshold and the
    codebooks copied into the package.

    Parameters
    ----------
    wave : Wave
    tables : dict of str to ProtectedTable
        The published tables by name, already written as ``<name>.csv`` in ``folder``.
    folder : Path
        The folder being written.
    quotes : dict of str to DataFrame, optional
        Example quotes per open item, written as ``quotes_<item>.csv``.
    codebooks, themes : paths relative to ``folder``
        The codebook files (in merge order) and the theme codebook of the open answers.
    """
    resources = []
    for name, table in sorted(tables.items()):
        res = table_resource(name, table, folder)
        res["peo:kind"] = "table"
        res["peo:protection"] = disclosure.protection(table)
        resources.append(res)
    for item, frame in sorted((quotes or {}).items()):
        res = table_resource(f"quotes_{item}", frame, folder)
        res["peo:kind"] = "quotes"
        res["peo:item"] = item
        resources.append(res)
    return {
        "profile": "tabular-data-package",
        "name": f"peo-{wave.id}",
        "title": wave.title,
        "description": (
            "Tabellen van het Professionalervaringsonderzoek (PEO), na controle op onthulling: cellen onder de "
            f"drempel van {wave.threshold} respondenten zijn leeg en gemarkeerd (suppressed = true)."
            + (" Let op: synthetische demonstratiegegevens." if wave.synthetic else "")
        ),
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}],
        PEO_KEY: {
            "wave": wave.id,
            "threshold": int(wave.threshold),
            "codebooks": list(codebooks),
            "themes": themes,
            "key_figures": "key_figures.json",
        },
        "resources": resources,
    }
