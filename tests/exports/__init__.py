"""The demo wave 2022 re-expressed as each survey tool really exports it (recipe fixtures).

One module per tool: :mod:`exports.qualtrics` (CSV with numeric values, CSV with choice
text, SPSS ``.sav``), :mod:`exports.limesurvey` (CSV with answer codes, CSV with full
answers, SPSS ``.sav``), :mod:`exports.msforms` (``.xlsx``) and :mod:`exports.googleforms`
(CSV). :mod:`exports.common` reads the committed demo export once into tool-neutral
responses that every writer starts from.

The recipes in ``docs/recipes/`` say which export settings give these files and which
``wave.yml`` reads them; ``tests/test_recipes.py`` proves each recipe against the demo wave.
The package is importable as ``exports`` (pytest puts ``tests/`` on the path, as for
``conftest``). These generators are test fixtures, not part of the ``peo`` package: a
researcher receives the export from the tool and never generates one.
"""

from exports import googleforms, limesurvey, msforms, qualtrics
from exports.common import Fixture

__all__ = ["FIXTURES", "Fixture"]

#: Every recipe fixture by name, in the order of the recipes.
FIXTURES: dict[str, Fixture] = {
    f.name: f
    for f in (
        *qualtrics.FIXTURES,
        *limesurvey.FIXTURES,
        msforms.FIXTURE,
        googleforms.FIXTURE,
    )
}
