"""Open answers: one import for de-identification, safe display and theme coding.

The work is done in stage modules, re-exported here so that callers need one import:

- :mod:`peo.tables.region`: the region lookup list (``peo/data/region_lookup.yml``);
- :mod:`peo.tables.ner`: Frog, the offline Dutch named-entity recogniser;
- :mod:`peo.tables.identifiers`: shape rules for what no list covers
  (``peo/data/identifier_rules.yml``);
- :mod:`peo.tables.deid`: :func:`deidentify` (deduce + region + Frog + rules) and
  :func:`residual_identifiers`, the check afterwards;
- :mod:`peo.tables.safe`: :func:`html_safe`, :func:`csv_safe`;
- :mod:`peo.tables.themes`: :func:`code_themes`, :func:`theme_counts`, :func:`example_quotes`.
"""

from __future__ import annotations

from peo.tables.deid import (
    TAG_KINDS,
    Deidentified,
    deidentify,
    residual_identifiers,
    start_ner,
    vocabulary,
    warm_up,
)
from peo.tables.ner import NerUnavailableError
from peo.tables.region import REGION_LOOKUP_PATH, RegionLookup, load_region_lookup
from peo.tables.safe import csv_safe, html_safe, safe_text
from peo.tables.themes import Coding, Theme, code_themes, example_quotes, load_themes, theme_counts

__all__ = [
    "TAG_KINDS",
    "REGION_LOOKUP_PATH",
    "Deidentified",
    "deidentify",
    "start_ner",
    "warm_up",
    "vocabulary",
    "NerUnavailableError",
    "RegionLookup",
    "load_region_lookup",
    "residual_identifiers",
    "html_safe",
    "csv_safe",
    "safe_text",
    "Theme",
    "Coding",
    "load_themes",
    "code_themes",
    "theme_counts",
    "example_quotes",
]
