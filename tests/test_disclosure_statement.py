"""The methods page states the disclosure rules the code applies (issue 11, item 4).

The statement is rendered from the settings (:func:`peo.tables.disclosure.statement.methods_statement_nl`:
the wording in ``peo/data/wording.yml``, the default threshold, the marks of primary and
secondary suppression); ``book/appendix/methods.md`` must contain it verbatim. Change a rule
or a mark and this fails until the page says the same.
"""

from __future__ import annotations

import re
from pathlib import Path

from peo.survey.config import DEFAULT_THRESHOLD
from peo.tables.disclosure.statement import methods_statement_nl

METHODS = (Path(__file__).resolve().parents[1] / "book" / "appendix" / "methods.md").read_text(encoding="utf-8")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_the_methods_page_states_the_rules_as_the_code_applies_them():
    assert _flat(methods_statement_nl()) in _flat(METHODS)


def test_the_statement_follows_the_settings():
    text = methods_statement_nl()
    assert f"zonder instelling is dat {DEFAULT_THRESHOLD}" in text
    assert "'–'" in text and "'x'" in text  # the marks of the reader tables
    assert "zonder instelling is dat 7" in methods_statement_nl(threshold=7)
    assert "Eén nulregel" in text and "Uitzonderingen" in text
