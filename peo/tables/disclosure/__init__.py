"""Disclosure control: every published table passes through this package.

Respondents are professionals in a small region. A table cell with a handful of people in
it, or a zero that says "none of the GI staff answered X", can tell a reader something
about one identifiable person. Every table in ``data/processed/<wave>/tables/`` is therefore
made safe here, by the same rule in every wave, and written only by :func:`publish`, which
refuses a table that did not pass through :func:`protect` or :func:`protect_rows` (or was
changed afterwards).

Reference: ACRO
---------------
The rules follow ACRO, the output checker of the SACRO project (AI-SDC/ACRO, also on PyPI
as ``acro``): its defaults (``acro/default.yaml``) are ``safe_threshold: 10`` and
``zeros_are_disclosive: True``, and its frequency tables flag every cell whose count is
below the threshold (``t_values < THRESHOLD`` in ``acro_tables.py``), after deleting rows
and columns that are empty. We follow these rules and do not depend on ACRO: ACRO pins
``pandas <= 2.3.3`` while this project runs pandas 3; it checks tables that it builds
itself from microdata inside its own session object, whereas our tables are tidy,
already aggregated frames; and with margins it recomputes the totals from the cells it
kept, whereas the PEO publishes the true totals ("totaal"), which is why secondary
suppression is needed here.

The rules
---------
``threshold`` is the wave's ``disclosure.threshold`` (:attr:`peo.survey.config.Wave.threshold`,
default 10); the same rules apply in every wave.

1. **Small counts.** A cell whose count is below the threshold is suppressed
   (``0 < count < threshold``).
2. **Zeros are disclosive** (ACRO's default). A zero cell is suppressed too: "nobody in
   this group chose X" says something about every member of the group. Exception, as in
   ACRO, which deletes empty rows: an answer that nobody chose in any group (zero in every
   group and in the total) is published as 0, because the answer list is public and
   deleting the row would say the same. ``zeros_are_disclosive=False`` publishes zeros.
3. **Small groups.** A group whose ``n`` is below the threshold is suppressed as a whole:
   its ``n`` and every count, share and interval of that group.
4. **Secondary suppression.** Each sub-table (one per value of ``table_keys``, e.g. one per
   item) is a two-way table of cells (rows) by groups (columns), with the "totaal" column
   as row margin (the total is the sum over the groups) and the ``n`` row as column margin
   (``n`` is the sum over the answers). A suppressed value that is the only one hidden in
   its row or column could be recovered by subtraction; then the next-smallest value in
   that row or column is suppressed too, repeated until no row or column has exactly one
   hidden value. Then every hidden value is audited with linear programming
   (``scipy.optimize.linprog``: the smallest and largest value it can take given every
   published number and every margin): if the two coincide, the value can still be
   recovered (e.g. through a chain of rows and columns), and the next-smallest value in
   its row or column is suppressed as well, until every hidden value has a feasible
   interval of positive width.
5. **Shares and intervals follow their count and n.** ``share`` and ``ci_low``/``ci_high``
   give back the count when ``n`` is known, and ``n`` when the count is known; they are
   blanked wherever the count or the ``n`` of their row is hidden.
6. **Rows that stand alone** (tests per item, numeric summaries): :func:`protect_rows`
   blanks every statistic of a row whose ``n`` is below the threshold. When a "totaal"
   row pools the groups, one hidden group could be recovered from the total and the other
   groups, so a second group is hidden as well (or the total, if there is no other).
7. **Forbidden crossings.** No table crosses employer type with function or years of
   experience: these cells can identify a person in a small region. :func:`protect` and
   :func:`protect_rows` raise :class:`~peo.errors.DisclosureError` for such a table.

Margins that are not exact: when the cells of a column do not add up to ``n`` (a share
table with only the "agree" and "disagree" boxes: the neutral answers are not in it), the
remainder is treated as a hidden, non-negative cell that is not in the table; when they
add up to more than ``n`` (multiple choice: one respondent, several options) the column
has no margin. The same holds for the "totaal" column.

What one call does not do: it protects one table at a time. Two tables that publish
the same respondents in different cuts (a distribution of answers and the box shares
built from it) can be subtracted from each other; publish such pairs only when the finer
table is protected with the coarser one in mind. The sum of the hidden cells of a row or
column can always be read from its margin. ACRO's dominance rules (p-ratio, n-k) are for
magnitude tables (sums of incomes) and are not used: PEO statistics are counts, shares and
means of bounded answer scales.

The package, one job per module: :mod:`~peo.tables.disclosure.rules` (settings and input
checks), :mod:`~peo.tables.disclosure.sealed` (the sealed table),
:mod:`~peo.tables.disclosure.cells` (rules 1 to 5 and 7), :mod:`~peo.tables.disclosure.secondary`
(rule 4's line rule and audit), :mod:`~peo.tables.disclosure.rows` (rule 6),
:mod:`~peo.tables.disclosure.published` (writing and re-checking),
:mod:`~peo.tables.disclosure.figures` and :mod:`~peo.tables.disclosure.metadata`.
"""

from peo.errors import DisclosureError
from peo.tables.disclosure.cells import protect
from peo.tables.disclosure.figures import for_figure
from peo.tables.disclosure.groups import PRIMARY, SECONDARY, GroupSizes, group_sizes
from peo.tables.disclosure.metadata import protection, restore
from peo.tables.disclosure.process import protect_counts, protect_flow
from peo.tables.disclosure.published import Finding, check_published, publish
from peo.tables.disclosure.rows import protect_rows
from peo.tables.disclosure.rules import EMPLOYER_TYPE, FORBIDDEN_WITH_EMPLOYER_TYPE, NOTES_NL, TOTAL_GROUP
from peo.tables.disclosure.sealed import ProtectedTable

__all__ = [
    "DisclosureError",
    "EMPLOYER_TYPE",
    "FORBIDDEN_WITH_EMPLOYER_TYPE",
    "Finding",
    "GroupSizes",
    "PRIMARY",
    "SECONDARY",
    "NOTES_NL",
    "ProtectedTable",
    "TOTAL_GROUP",
    "check_published",
    "for_figure",
    "group_sizes",
    "protect",
    "protect_counts",
    "protect_flow",
    "protect_rows",
    "protection",
    "publish",
    "restore",
]
