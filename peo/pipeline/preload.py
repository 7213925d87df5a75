"""What the fork server of the Python steps imports once (see :mod:`peo.pipeline.forked`).

Importing this module imports the step functions' modules and the libraries they import
where they use them (statsmodels, pingouin, scipy, WeasyPrint, pyreadstat, ...), and loads
deduce's lookup tables (:func:`peo.tables.deid.warm_up`), so that every step forked from the
server starts with them in memory. Nothing here reads the repository root: a step's
configuration and data are read by the step itself, in its own process.

A library that cannot be loaded here is simply not preloaded; the step that needs it then
imports it (or reports why it cannot) itself.
"""

from __future__ import annotations

import contextlib
import importlib
import os

__all__ = ["MODULES"]

# The steps draw figures without a display (as the separate interpreters did).
os.environ["MPLBACKEND"] = "Agg"

#: Imported in this order; each failure is left to the step that needs the module.
MODULES = (
    "matplotlib.pyplot",
    "pandas",
    "pyarrow.parquet",
    "pyreadstat",
    "pandera.pandas",
    "scipy.optimize",
    "scipy.stats",
    "statsmodels.api",
    "statsmodels.stats.proportion",
    "statsmodels.stats.power",
    "statsmodels.miscmodels.ordinal_model",
    "pingouin",
    "svy",
    "weasyprint",
    "peo.pipeline.steps",  # the step functions' modules: cleaning, results, trends
    "peo.tables.text",
    "peo.report.factsheet",
)

for _name in MODULES:
    with contextlib.suppress(Exception):
        importlib.import_module(_name)

with contextlib.suppress(Exception):  # a broken lookup list is reported by the results step
    from peo.tables import deid

    deid.warm_up()
