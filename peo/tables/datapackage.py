"""The Frictionless ``datapackage.json`` of a wave's published tables."""

from __future__ import annotations

import pandas as pd

from peo.survey.config import Wave

__all__ = ["COLUMN_DOCS", "datapackage", "field_schema"]

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
    "note": ("string", "Dutch remark, e.g. 'geen geldige antwoorden'"),
    "p_value": ("number", "Two-sided p-value"),
    "p_holm": ("number", "p-value after Holm's correction within the family"),
    "statistic": ("number", "Test statistic"),
    "df": ("number", "Degrees of freedom"),
    "effect": ("string", "Name of the effect size"),
    "effect_size": ("number", "Effect size (Cramér's V or epsilon-squared)"),
    "family": ("string", "Family of tests for Holm's correction"),
}


def field_schema(name: str, dtype) -> dict:
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


def datapackage(wave: Wave, tables: dict[str, pd.DataFrame]) -> dict:
    """A Frictionless Data Package descriptor for the published tables of a wave."""
    resources = []
    for name, table in sorted(tables.items()):
        resources.append(
            {
                "name": name.replace("_", "-"),
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": [field_schema(str(c), table[c].dtype) for c in table.columns]},
            }
        )
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
        "resources": resources,
    }

