"""Group sizes across a wave: one complementary-suppression decision for every table (rule 8).

Every table of a wave splits the same respondents by employer type, and several places
publish the number of respondents per group (the key figures, the wave's index page, the
factsheet, the ``n`` columns of every table). A small group hidden in one place comes back
from the others: with 106 analysed respondents and JZ 50 and LT 50 shown, GI is 6.

The rule, decided once per wave from the analysed respondents per group:

1. **Primary.** A group with fewer respondents than the threshold (or none) is hidden.
2. **Complementary.** While the total is shown and exactly one group is hidden, or the
   hidden groups together have fewer respondents than the threshold, the smallest group
   still shown is hidden too. If no group is left to hide, the total is hidden. (Hiding
   the total instead was rejected: it is the wave's headline number, and every share "of
   all respondents" would then give it back.)

A group hidden by this rule is hidden **in every table** of the wave: its ``n``, counts,
shares and intervals (:func:`peo.tables.disclosure.protect` and
:func:`~peo.tables.disclosure.protect_rows` take the decision as ``hidden_groups``), in the
key figures and everywhere they are shown. The reason travels with it: ``primary`` (too few
respondents) or ``secondary`` (hidden to protect another group).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from peo.tables.disclosure.rules import TOTAL_GROUP, _check_threshold

__all__ = ["PRIMARY", "SECONDARY", "GroupSizes", "group_sizes"]

#: Reason codes of a suppression (the ``suppression`` column of a published table).
PRIMARY = "primary"
SECONDARY = "secondary"


@dataclass(frozen=True)
class GroupSizes:
    """The respondents per group of a wave and which of them may be published.

    Attributes
    ----------
    sizes : dict
        Group -> number of analysed respondents (every group of the codebook, 0 included).
    total : int
        All analysed respondents.
    threshold : int
        The wave's disclosure threshold.
    hidden : dict
        Group (or ``"totaal"``) -> ``"primary"`` or ``"secondary"``, for each hidden one.
    """

    sizes: dict
    total: int
    threshold: int
    hidden: dict = field(default_factory=dict)

    def published(self) -> dict:
        """Group -> its size, or None where hidden (the ``by_group`` of the key figures)."""
        return {g: (None if g in self.hidden else int(v)) for g, v in self.sizes.items()}

    def published_total(self) -> int | None:
        """The total, or None when the rule had to hide it."""
        return None if TOTAL_GROUP in self.hidden else int(self.total)

    def reason(self, group) -> str | None:
        """``"primary"``, ``"secondary"`` or None (shown)."""
        return self.hidden.get(str(group))

    @property
    def hidden_groups(self) -> dict:
        """The hidden employer types only (without the total), as ``protect`` takes them."""
        return {g: r for g, r in self.hidden.items() if g != TOTAL_GROUP}


def group_sizes(sizes: Mapping, threshold: int, total: int | None = None) -> GroupSizes:
    """Decide which group sizes of a wave are published (primary and complementary suppression).

    Parameters
    ----------
    sizes : mapping
        Group -> number of analysed respondents; list every group of the codebook, with 0
        for a group nobody belongs to.
    threshold : int
        The wave's disclosure threshold.
    total : int, optional
        All analysed respondents; default the sum of ``sizes``.

    Returns
    -------
    GroupSizes

    Examples
    --------
    >>> group_sizes({"GI": 6, "JZ": 50, "LT": 50}, 10).published()
    {'GI': None, 'JZ': None, 'LT': 50}
    """
    threshold = _check_threshold(threshold)
    clean = {str(g): int(v) for g, v in sizes.items()}
    total = int(sum(clean.values()) if total is None else total)
    hidden = {g: PRIMARY for g, v in clean.items() if v < threshold}
    if total < threshold:
        hidden[TOTAL_GROUP] = PRIMARY

    def exposed() -> bool:
        if TOTAL_GROUP in hidden:
            return False
        inner = [g for g in hidden if g != TOTAL_GROUP]
        if not inner:
            return False
        return len(inner) == 1 or sum(clean[g] for g in inner) < threshold

    while exposed():
        shown = sorted((g for g in clean if g not in hidden), key=lambda g: (clean[g], g))
        if shown:
            hidden[shown[0]] = SECONDARY
        else:
            hidden[TOTAL_GROUP] = SECONDARY
    return GroupSizes(sizes=clean, total=total, threshold=threshold, hidden=hidden)
