"""The sections of a wave's report, each a set of protected tables.

Each section function takes a :class:`peo.tables.wavedata.WaveData` and returns a
:class:`peo.tables.wavedata.Section`: a dict of protected tables
(:class:`peo.tables.disclosure.ProtectedTable`, tidy, with the columns documented in
``docs/processed-data.md``) plus, where useful, the codebook to label them. Only the results
step (:mod:`peo.tables.results`) calls them; the notebooks read what it published.

The data are an opt-in cross-section: associations are reported as "samenhang", never as
effects, and intervals describe sampling error only.
"""

from __future__ import annotations

import warnings
import numpy as np
import pandas as pd

from peo.errors import PeoError
from peo.stats.multicomp import adjust_family
from peo.stats.shares import distribution, multi_shares, numeric_summary
from peo.survey.codebook import Codebook, Item
from peo.tables import disclosure
from peo.tables.claims import settings as rules
from peo.tables.grouptests import group_tests, ordinal_models, score_tests, single_family
from peo.tables.likert import collapsed_codebook, likert_tables, with_shares
from peo.tables.weighted import response_table, weighted_table
from peo.tables.wavedata import GROUP, THEME_TYPES, TOTAL, Section, WaveData, wording

__all__ = [
    "SECTIONS",
    "all_sections",
    "open_answers",
    "outcomes",
    "professional_space",
    "space_levels",
    "theme",
]

# --------------------------------------------------------------------------------------
# Sections of the report
# --------------------------------------------------------------------------------------


def _likert_ids(codebook: Codebook, role: str) -> list[str]:
    return [i.id for i in codebook.by_role(role) if i.type == "likert"]


def professional_space(data: WaveData) -> Section:
    """Core module: the four professional-space items and the aspects.

    Tables: ``space_distribution`` and ``aspects_distribution`` (collapsed answers of all
    respondents), ``space_by_group`` (headline box against the rest per employer type, see
    :func:`likert_tables`), ``space_weighted`` (the headline shares of all respondents
    post-stratified to the population per employer type, when ``wave.yml`` has population
    figures), ``response`` (population, respondents and response rate per employer type),
    ``space_tests`` (chi-square per item, Holm within the family), ``score_tests``
    (Kruskal-Wallis of each scale score, Holm within the scales), ``space_ordinal``
    (ordinal logistic models with the test of their assumption), ``reliability``
    (Cronbach's alpha and McDonald's omega of each construct). See
    :mod:`peo.tables.grouptests` and :mod:`peo.tables.weighted`.
    """
    from peo.stats.reliability import reliability

    cb = data.codebook
    core = _likert_ids(cb, "core")
    space = [i for i in core if cb.item(i).construct == "space"] or core
    aspects = [i for i in core if i not in space]
    sec = Section(codebook=collapsed_codebook(cb))
    sec.tables["space_distribution"], sec.tables["space_by_group"] = likert_tables(data, space)
    if aspects:
        sec.tables["aspects_distribution"], _ = likert_tables(data, aspects)
    families = rules()["families"]
    sec.tables["response"] = response_table(data)
    weighted = weighted_table(data, space, sec.tables["space_by_group"])
    if weighted is not None:
        sec.tables["space_weighted"] = weighted
    sec.tables["space_tests"] = group_tests(data, space, family=families["space"])
    constructs = [c for c in cb.constructs if cb.construct_items(c)]
    sec.tables["score_tests"] = score_tests(data, constructs, family=families["scores"])
    sec.tables["space_ordinal"] = ordinal_models(data, space, family=families["ordinal"])
    rel = reliability(data.respondents, cb, constructs) if constructs else pd.DataFrame(columns=["construct", "n"])
    sec.tables["reliability"] = disclosure.protect_rows(
        rel, threshold=data.threshold, count_cols=("n",), group=None, table_keys=("construct",)
    )
    return sec


def space_levels(data: WaveData) -> pd.Series:
    """Each respondent's level of experienced space: the scale score cut at fixed points.

    The cut points and labels are data (``space_levels`` in ``peo/data/analysis.yml``), the
    same in every wave so that waves can be compared.
    """
    from peo.stats.columns import scale_scores

    cfg = wording()["space_levels"]
    score = scale_scores(data.respondents, data.codebook, cfg["construct"]).astype(float)
    bins = [-np.inf, *cfg["cuts"], np.inf]
    labels = [lvl["nl"] for lvl in cfg["levels"]]
    return pd.Series(
        pd.cut(score, bins=bins, labels=labels, right=False), index=data.respondents.index, name="space_level"
    )


def outcomes(data: WaveData) -> Section:
    """Outcomes (work pleasure, workload, intention to stay) and their association with space.

    Tables: ``outcome_distribution``, ``outcome_by_group``, ``outcome_weighted`` (post-stratified
    headline shares, with population figures), ``outcome_tests``,
    ``outcome_by_space`` (the headline share of each outcome per level of experienced
    space, with Wilson intervals), ``associations`` (Spearman's rho of the space score with
    each outcome, Holm within the family), ``stay_logistic`` (odds ratio of intending to
    stay per point of space score, adjusted for employer type).
    """
    from peo.stats.associations import logistic_odds, spearman

    cb = data.codebook
    cfg = wording()
    outs = _likert_ids(cb, "outcome")
    sec = Section(codebook=collapsed_codebook(cb))
    sec.tables["outcome_distribution"], sec.tables["outcome_by_group"] = likert_tables(data, outs)
    families = rules()["families"]
    weighted = weighted_table(data, outs, sec.tables["outcome_by_group"])
    if weighted is not None:
        sec.tables["outcome_weighted"] = weighted
    sec.tables["outcome_tests"] = group_tests(data, outs, family=families["outcomes"])

    levels = space_levels(data)
    rows = []
    for item_id in outs:
        item = cb.item(item_id)
        box = item.response_scale.boxes[item.headline]
        codes = data.respondents[item_id]
        valid = codes.notna()
        in_box = codes.isin([item.response_scale.label_of(c) for c in box.codes])
        for lvl in levels.cat.categories:
            at = (levels == lvl) & valid
            rows.append(
                {
                    "outcome": item_id,
                    "outcome_label": item.short_nl,
                    "box": box.name,
                    "box_label": box.nl,
                    "space_level": str(lvl),
                    "n": int(at.sum()),
                    "count": int((at & in_box).sum()),
                    "note": "",
                }
            )
    table = with_shares(pd.DataFrame(rows))
    sec.tables["outcome_by_space"] = disclosure.protect(
        table,
        threshold=data.threshold,
        cells=("outcome", "box"),
        group="space_level",
        table_keys=("outcome",),
        keep=("box_label",),
    )
    construct = cfg["space_levels"]["construct"]
    assoc = pd.concat([spearman(data.respondents, cb, construct, o) for o in outs], ignore_index=True)
    assoc["family"] = families["associations"]
    assoc = adjust_family(assoc)
    sec.tables["associations"] = disclosure.protect_rows(
        assoc, threshold=data.threshold, count_cols=("n",), group=None, table_keys=("y",)
    )
    stay = cfg["stay_item"]
    if stay in cb:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            logit = logistic_odds(data.respondents, cb, stay, construct, adjust=(GROUP,))
        logit = single_family(logit, families["stay"])
        # adjusted for employer type: every group in the model must reach the threshold
        from peo.tables.derived import withhold_small_group_models

        logit = withhold_small_group_models(
            logit,
            data.respondents,
            GROUP,
            data.threshold,
            data.hidden_groups,
            variables={"stay": [stay]},  # the group sizes among those who answered the outcome
        )
        sec.tables["stay_logistic"] = disclosure.protect_rows(
            logit,
            threshold=data.threshold,
            count_cols=("n",),
            group=None,
            table_keys=("term",),
            by_employer_type=True,
        )
    return sec


def theme(data: WaveData) -> Section:
    """The wave's thematic module, generic over the item types of its codebook.

    Likert items: collapsed distributions and headline shares; categorical items:
    distributions; multiple choice: the share choosing each option; numeric: summaries; open
    items are reported by :func:`open_answers`.

    Raises
    ------
    PeoError
        If the thematic codebook has an item type this report does not handle.
    """
    cb = data.codebook
    items = cb.by_role("theme")
    unknown = sorted({i.type for i in items} - set(THEME_TYPES))
    if unknown:
        raise PeoError(
            f"Wave {data.id}: the thematic codebook has item type(s) {', '.join(unknown)}, which the report "
            f"does not handle (handled: {', '.join(THEME_TYPES)}). Change the item type in the codebook or "
            "extend peo.tables.sections.theme."
        )
    sec = Section(codebook=collapsed_codebook(cb))
    likert = [i.id for i in items if i.type == "likert"]
    if likert:
        sec.tables["theme_distribution"], sec.tables["theme_by_group"] = likert_tables(data, likert)
    categorical = [i.id for i in items if i.type == "categorical"]
    if categorical:
        d = distribution(data.respondents, cb, categorical, by=GROUP)
        d = with_shares(d.drop(columns=["share"]))
        sec.tables["theme_categorical"] = disclosure.protect(
            d, threshold=data.threshold, cells=("item", "answer_code"), hidden_groups=data.hidden_groups
        )
    for item in items:
        if item.type == "multi":
            t = multi_shares(data.respondents, cb, [item.id], by=GROUP)
            sec.tables[f"{item.id}"] = disclosure.protect(
                t, threshold=data.threshold, cells=("item", "answer_code"), hidden_groups=data.hidden_groups
            )
        elif item.type == "numeric":
            t = numeric_summary(data.respondents, cb, [item.id], by=GROUP)
            sec.tables[f"{item.id}"] = disclosure.protect_rows(
                t, threshold=data.threshold, count_cols=("n",), hidden_groups=data.hidden_groups
            )
    return sec


def open_answers(data: WaveData, quotes_per_theme: int | None = None) -> Section:
    """Open answers: de-identified, coded into themes, counted per theme and employer type.

    Tables: ``open_<item>`` per open item (theme, theme_label, group, n_answers → ``n``,
    count, share, Wilson interval). The de-identified example quotes are in
    :attr:`Section.quotes` (columns ``theme``, ``theme_label``, ``quote``); a theme whose total
    count is hidden keeps one row with an empty quote. The results step publishes them as
    ``quotes_<item>.csv``.
    The answers are de-identified here, once per wave; the mapping is discarded here.
    """
    from peo.tables.text import code_themes, deidentify, example_quotes, theme_counts

    cb = data.codebook
    cfg = wording()
    per_theme = quotes_per_theme or cfg["quotes_per_theme"]
    sec = Section(codebook=cb)
    items = _open_items(data)
    groups = pd.Series(data.respondents[GROUP].astype("string").to_numpy(), index=data.respondents["pid"])
    # All open answers of the wave are de-identified in one call, so that a tag such as
    # [PERSOON-1] means the same person in every open question of the wave.
    all_texts = _open_texts(data, items)
    if all_texts is None:
        return sec
    deid_all = deidentify(all_texts).text  # the private mapping is dropped here, never published
    for item in items:
        deid = deid_all.xs(item.id, level="item")
        if deid.empty:
            continue
        coded = code_themes(deid, item.coding or "")
        counts = theme_counts(coded, groups.loc[deid.index]).rename(columns={"n_answers": "n"})
        counts.insert(0, "item", item.id)
        counts.insert(1, "item_label", item.short_nl)
        counts = with_shares(counts.drop(columns=["share"]))
        table = disclosure.protect(
            counts,
            threshold=data.threshold,
            cells=("item", "theme"),
            keep=("theme_label",),
            hidden_groups=data.hidden_groups,
        )
        sec.tables[f"open_{item.id}"] = table
        total = table[table["group"].astype(str) == TOTAL]
        hidden = set(total.loc[total["suppressed"] | total["share"].isna(), "theme"].astype(str))
        quotes = example_quotes(deid, coded, per_theme=per_theme)
        # A theme whose count is hidden keeps one row without its quote: the book says that its
        # examples are withheld, and no quote of it reaches the package.
        withheld = quotes["theme"].astype(str).isin(hidden)
        quotes = quotes[~withheld | ~quotes["theme"].duplicated()].copy()
        quotes.loc[quotes["theme"].astype(str).isin(hidden), "quote"] = ""
        sec.quotes[item.id] = quotes.reset_index(drop=True)
    return sec


def _open_items(data: WaveData) -> list[Item]:
    """The open items of the codebook that the wave's respondents frame holds."""
    return [i for i in data.codebook.by_type("open") if i.id in data.respondents]


def _open_texts(data: WaveData, items: list[Item]) -> pd.Series | None:
    """The non-empty answers to the open items, indexed by (item, pid); None if there are none."""
    stacked = []
    for item in items:
        texts = data.respondents[item.id].astype("string").str.strip()
        texts = texts[texts.notna() & (texts != "")]
        stacked.append(
            pd.Series(
                texts.to_numpy(),
                index=pd.MultiIndex.from_arrays(
                    [[item.id] * len(texts), data.respondents.loc[texts.index, "pid"].to_numpy()], names=["item", "pid"]
                ),
            )
        )
    return pd.concat(stacked) if stacked else None


SECTIONS = {
    "professional_space": professional_space,
    "outcomes": outcomes,
    "theme": theme,
    "open_answers": open_answers,
}


def all_sections(data: WaveData) -> dict[str, Section]:
    """Every section of a wave's report.

    Frog, the slow part of the open answers' de-identification, is started first, in the
    background (:func:`peo.tables.text.start_ner`): it runs while the other sections are
    computed, and :func:`open_answers` takes its entities from that run.
    """
    from peo.tables.ner import stop_pending
    from peo.tables.text import start_ner

    texts = _open_texts(data, _open_items(data))  # the answers open_answers() de-identifies
    if texts is not None:
        start_ner(texts)
    try:
        return {name: fn(data) for name, fn in SECTIONS.items()}
    except BaseException:
        # A step process ends without running exit handlers (multiprocessing): end Frog and
        # remove its input files (the answers) here, not at exit.
        stop_pending()
        raise
