"""The disclosure rules as the methods page states them, rendered from the code's settings.

The wording is data (``disclosure_rules`` in ``peo/data/wording.yml``); the numbers and marks
come from the code (:data:`peo.survey.config.DEFAULT_THRESHOLD`, the suppression wording and
marks). ``tests/test_disclosure_statement.py`` checks that ``book/appendix/methods.md`` says
exactly this, so that a rule changed in one place fails until the page says the same.
"""

from __future__ import annotations

from peo.report import format as fmt
from peo.survey.config import DEFAULT_THRESHOLD
from peo.survey.wording import phrase, wording

__all__ = ["methods_statement_nl"]


def methods_statement_nl(threshold: int = DEFAULT_THRESHOLD) -> str:
    """The Markdown bullet list of the disclosure rules for the methods page."""
    values = {
        "threshold": threshold,
        "primary": phrase("suppression", "primary", threshold=threshold),
        "secondary": phrase("suppression", "secondary"),
        "primary_mark": fmt.MISSING,
        "secondary_mark": wording("present")["text"]["secondary_mark"],
        "less_than": phrase("process_counts", "less_than", threshold=threshold),
    }
    return "\n".join(f"- {rule.format(**values)}" for rule in wording("disclosure_rules")["rules"])
