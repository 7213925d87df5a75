"""Representativeness tables of a wave: response rates and post-stratified headline shares.

``response``: population, respondents and response rate per employer type (from
``population:`` in ``wave.yml``). ``<part>_weighted``: the headline share of all
respondents weighted to the population per employer type, with its design-based 95%
interval (:func:`peo.stats.weighting.poststratified_shares`), next to the unweighted share
of the ``<part>_by_group`` table. A wave without population figures gets a ``response``
table without population and no weighted tables.

Disclosure: a weighted total is a known combination of the group shares (``sum W_h p_h``),
so it is published only when every group's headline cell of the item is published in the
``by_group`` table; otherwise it would give a hidden group share back.
"""

from __future__ import annotations

import pandas as pd

from peo.stats.weighting import check_population, poststratified_shares, response_rates
from peo.survey.wording import phrase
from peo.tables import disclosure

__all__ = ["GROUP", "population", "response_table", "weighted_table"]

GROUP = "employer_type"


def population(data) -> dict[str, int] | None:
    """The checked population figures of a wave (``None`` when it has none).

    Raises
    ------
    ConfigError
        When a figure is missing, not a positive whole number, smaller than the respondents
        of its employer type, or names an unknown employer type (the message names the
        ``wave.yml`` and the key).
    """
    groups = [c.value for c in data.codebook.group_item.response_scale.codes]
    counts = data.respondents[GROUP].astype("object").value_counts()
    responses = {g: int(counts.get(g, 0)) for g in groups}
    return check_population(data.wave.population, responses, groups, data.wave.config_path or "wave.yml")


def response_table(data) -> disclosure.ProtectedTable:
    """Population, respondents and response rate per employer type (see :func:`response_rates`)."""
    groups = [c.value for c in data.codebook.group_item.response_scale.codes]
    counts = data.respondents[GROUP].astype("object").value_counts()
    table = response_rates({g: int(counts.get(g, 0)) for g in groups}, population(data))
    # Whole numbers stay whole in the published CSV (the package schema types them as integer).
    table["population"] = table["population"].astype("Int64")
    return disclosure.protect_rows(
        table,
        threshold=data.threshold,
        count_cols=("n",),
        group="group",
        table_keys=(),
        keep=("population", "population_share"),
        hidden_groups=data.hidden_groups,  # the wave's group-size decision (disclosure rule 8)
    )


def weighted_table(data, items: list[str], by_group: pd.DataFrame) -> disclosure.ProtectedTable | None:
    """Headline shares of all respondents post-stratified to the population; None without figures."""
    pop = population(data)
    if pop is None or not items:
        return None
    table = poststratified_shares(data.respondents, data.codebook, items, pop, by=GROUP)
    heads = by_group[(by_group["box"] != "rest") & (by_group["group"] != disclosure.TOTAL_GROUP)]
    hidden = set(heads.loc[heads["suppressed"].astype(bool), "item"])
    # The weighted share is hidden (secondary suppression); its n is the total's n, which
    # the by_group table publishes, so it stays.
    secondary = table["item"].isin(hidden).to_numpy()
    table["note"] = [
        phrase("suppression", "secondary") if s else note for s, note in zip(secondary, table["note"].fillna(""))
    ]
    return disclosure.protect_rows(
        table,
        threshold=data.threshold,
        count_cols=("n",),
        group="group",
        table_keys=("item",),
        keep=("box_label",),
        also_hide=secondary,
    )
