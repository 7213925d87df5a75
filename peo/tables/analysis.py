"""The analyses of one wave, as data: every table of the report, protected and ready to publish.

The analysis notebooks (``02_professional_space`` ... ``05_open_answers``) and the pipeline's
``results`` step call the same functions here, so a number in the book is the number in the
published table. Each section function takes a :class:`WaveData` and returns a
:class:`Section`: a dict of protected tables (:class:`peo.tables.disclosure.ProtectedTable`, tidy,
with the columns documented in ``docs/processed-data.md``) plus, where useful, the
codebook to label them. :func:`write_results` writes every table with
:func:`peo.tables.disclosure.publish`, a Frictionless ``datapackage.json`` and ``key_figures.json``.

Disclosure and answer categories
--------------------------------
A five-point answer split by employer type (about 50 respondents a group) almost always has
a cell below the threshold. Every set of Likert items is therefore published as two tables,
protected together by :func:`likert_tables`: the answers of all respondents collapsed to the
boxes of the answer scale (e.g. "(helemaal) oneens", "neutraal", "(helemaal) eens"), and per
employer type only the headline box against the rest. The cell the two share is hidden in
both when either hides it, so that one table never gives back what the other hides. The
headline shares, their Wilson intervals, the key figures and the figures are all drawn from
these protected tables.

The data are an opt-in cross-section: associations are reported as "samenhang", never as
effects, and intervals describe sampling error only.
"""

from __future__ import annotations

import dataclasses
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from peo.tables import disclosure
from peo import paths
from peo.survey.codebook import Code, Codebook, Item, ResponseScale
from peo.survey.config import Wave, load_wave
from peo.errors import PeoError
from peo.stats.multicomp import adjust_family
from peo.stats.shares import distribution, multi_shares, numeric_summary, wilson_interval

#: Wording and cut points of the analyses (data, not code).
WORDING_FILE = paths.package_data("analysis.yml")
#: Item types the thematic-module notebook knows how to report.
THEME_TYPES = ("likert", "categorical", "multi", "numeric", "open")
GROUP = "employer_type"
TOTAL = disclosure.TOTAL_GROUP


def wording() -> dict:
    """The analysis wording and settings from ``peo/data/analysis.yml``."""
    return yaml.safe_load(WORDING_FILE.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------
# Data of a wave
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WaveData:
    """A wave's configuration, merged codebook and cleaned respondents."""

    wave: Wave
    codebook: Codebook
    respondents: pd.DataFrame
    threshold: int

    @property
    def id(self) -> str:
        return self.wave.id


def load_wave_data(wave_id: str) -> WaveData:
    """Load the cleaned respondents of a wave with its codebook.

    Raises
    ------
    PeoError
        If the wave has not been cleaned yet (run ``python -m peo clean --wave ID``).
    """
    wave = load_wave(str(wave_id))
    path = paths.processed_dir(wave.id) / "respondents.parquet"
    if not path.is_file():
        raise PeoError(
            f"Wave {wave.id} has no cleaned data ({path} is missing). "
            f"Run `python -m peo clean --wave {wave.id}` (or `make book`) first."
        )
    return WaveData(wave, wave.codebook(), pd.read_parquet(path), wave.threshold)


@dataclass
class Section:
    """The protected tables of one part of the report, by name (the CSV file name)."""

    tables: dict[str, disclosure.ProtectedTable] = field(default_factory=dict)
    codebook: Codebook | None = None
    notes: list[str] = field(default_factory=list)
    #: De-identified example quotes per open item (:func:`open_answers`): shown in the book,
    #: never written as a table.
    quotes: dict[str, pd.DataFrame] = field(default_factory=dict)


# --------------------------------------------------------------------------------------
# Collapsing answers to their boxes
# --------------------------------------------------------------------------------------


def _box_order(scale: ResponseScale) -> list[tuple[str, tuple[int, ...], str, str]]:
    """The categories of a collapsed scale, in scale order: (name, codes, nl, en)."""
    cats = [(b.name, tuple(b.codes), b.nl, b.en) for b in scale.boxes.values()]
    if scale.neutral is not None:
        neutral = next(c for c in scale.codes if c.code == scale.neutral)
        cats.append(("neutral", (scale.neutral,), neutral.nl.lower(), neutral.en.lower()))
    covered = {c for cat in cats for c in cat[1]}
    rest = [c.code for c in scale.codes if c.code not in covered]
    if rest:
        cats.append(("other", tuple(rest), "overig", "other"))
    return sorted(cats, key=lambda cat: min(cat[1]))


def collapse_scale(scale: ResponseScale) -> ResponseScale:
    """A Likert scale collapsed to its boxes (plus the neutral answer), as a new scale.

    The collapsed codes are 1, 2, ... in scale order; the boxes keep their names, so the
    headline box of an item is still found by name.
    """
    if not scale.boxes:
        return scale
    cats = _box_order(scale)
    codes = tuple(Code(i, nl, en) for i, (_, _, nl, en) in enumerate(cats, start=1))
    boxes = {
        name: dataclasses.replace(scale.boxes[name], codes=(i,))
        for i, (name, _, _, _) in enumerate(cats, start=1)
        if name in scale.boxes
    }
    neutral = next((i for i, (name, *_rest) in enumerate(cats, start=1) if name == "neutral"), None)
    return dataclasses.replace(scale, codes=codes, missing=(), neutral=neutral, boxes=boxes)


def collapsed_codebook(codebook: Codebook) -> Codebook:
    """The codebook with every Likert scale collapsed (see :func:`collapse_scale`)."""
    scales = {name: collapse_scale(s) if s.type == "likert" else s for name, s in codebook.scales.items()}
    items = tuple(
        dataclasses.replace(i, response_scale=scales[i.response_scale.name]) if i.response_scale is not None else i
        for i in codebook.items
    )
    return dataclasses.replace(codebook, items=items, scales=scales)


def _with_shares(table: pd.DataFrame) -> pd.DataFrame:
    """Add share and 95% Wilson interval columns from count and n (NaN when n is 0)."""
    n = table["n"].to_numpy(dtype=float)
    count = table["count"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n > 0, count / np.where(n > 0, n, 1), np.nan)
    low, high = wilson_interval(count, n) if len(table) else (np.array([]), np.array([]))
    out = table.copy()
    out["share"] = share
    out["ci_low"] = np.where(n > 0, low, np.nan)
    out["ci_high"] = np.where(n > 0, high, np.nan)
    note = out.pop("note") if "note" in out else pd.Series("", index=out.index)
    out["note"] = np.where(n > 0, note.fillna(""), wording()["no_valid_answers"])
    return out


def _distribution_rows(data: WaveData, items: list[str], dist: pd.DataFrame) -> pd.DataFrame:
    """Counts of the collapsed answers (see :func:`collapse_scale`) per item and group of ``dist``."""
    rows = []
    for item_id in items:
        item = data.codebook.item(item_id)
        part = dist[dist["item"] == item_id]
        for group, g in part.groupby("group", sort=False):
            n = int(g["n"].iloc[0])
            for code, (name, codes, nl, _en) in enumerate(_box_order(item.response_scale), start=1):
                rows.append(
                    {
                        "item": item_id,
                        "item_label": item.short_nl,
                        "group": group,
                        "answer_code": code,
                        "answer_label": nl,
                        "box": name,
                        "n": n,
                        "count": int(g.loc[g["answer_code"].isin(codes), "count"].sum()),
                        "note": str(g["note"].iloc[0]) if "note" in g else "",
                    }
                )
    cols = ["item", "item_label", "group", "answer_code", "answer_label", "box", "n", "count", "note"]
    return pd.DataFrame(rows, columns=cols)


def _headline_rows(data: WaveData, items: list[str], dist: pd.DataFrame) -> pd.DataFrame:
    """Per item and group of ``dist`` (``totaal`` and each employer type): the headline box and the rest."""
    rest_label = wording()["rest_label"]
    rows = []
    for item_id in items:
        item = data.codebook.item(item_id)
        if not item.headline:
            continue
        box = item.response_scale.boxes[item.headline]
        part = dist[dist["item"] == item_id]
        for group, g in part.groupby("group", sort=False):
            n = int(g["n"].iloc[0])
            count = int(g.loc[g["answer_code"].isin(box.codes), "count"].sum())
            note = str(g["note"].iloc[0]) if "note" in g else ""
            for name, label, c in ((box.name, box.nl, count), ("rest", rest_label, n - count)):
                rows.append({"item": item_id, "item_label": item.short_nl, "box": name, "box_label": label,
                             "group": group, "n": n, "count": c, "note": note})
    cols = ["item", "item_label", "box", "box_label", "group", "n", "count", "note"]
    return pd.DataFrame(rows, columns=cols)


def _hide(table: pd.DataFrame, keys: set, key_cols: tuple[str, ...]) -> pd.DataFrame:
    """Mark cells as hidden before :func:`peo.tables.disclosure.protect` (it keeps them hidden)."""
    out = table.copy()
    out["suppressed"] = False
    if keys:
        mask = pd.Series([tuple(r) in keys for r in out[list(key_cols)].itertuples(index=False)], index=out.index)
        out["count"] = out["count"].astype("Float64").mask(mask)
        for c in ("share", "ci_low", "ci_high"):
            if c in out:
                out[c] = out[c].astype("Float64").mask(mask)
        out.loc[mask, "suppressed"] = True
    return out


def likert_tables(data: WaveData, items: list[str]) -> tuple[disclosure.ProtectedTable, disclosure.ProtectedTable]:
    """The two published tables of a set of Likert items, protected together.

    1. ``distribution``: all respondents, the answers collapsed to the boxes of the scale
       (e.g. "(helemaal) oneens", "neutraal", "(helemaal) eens"), for the diverging bars.
    2. ``by_group``: per employer type and in total, the headline box against the rest
       of the answers, with 95% Wilson intervals, for the differences between employer
       types and the headline figures.

    A five-point answer split by employer type (about 50 respondents a group) almost
    always has a cell below the threshold, so the answers per group are published only as
    "headline box or not". The total's headline cell appears in both tables: when either
    table hides it, the other hides it too (and protects itself again), so that one table
    never gives back what the other hides.

    Returns
    -------
    (ProtectedTable, ProtectedTable)
        ``distribution`` columns: ``item``, ``item_label``, ``group`` (``totaal``),
        ``answer_code`` (collapsed code), ``answer_label``, ``box``, ``n``, ``count``,
        ``share``, ``ci_low``, ``ci_high``, ``note``, ``suppressed``. ``by_group`` columns:
        ``item``, ``item_label``, ``box`` (the headline box or ``rest``), ``box_label``,
        ``group``, ``n``, ``count``, ``share``, ``ci_low``, ``ci_high``, ``note``,
        ``suppressed``.
    """
    if not items:
        raise PeoError("likert_tables: no items given (a bug in the caller).")
    # One count per item, answer and group serves both tables: the total is its "totaal" rows.
    counts = distribution(data.respondents, data.codebook, items, by=GROUP)
    dist_raw = _with_shares(_distribution_rows(data, items, counts[counts["group"] == TOTAL]))
    grp_raw = _with_shares(_headline_rows(data, items, counts))
    hide_dist: set = set()
    hide_grp: set = set()
    heads = {i: data.codebook.item(i).headline for i in items}
    for _ in range(10):
        dist = disclosure.protect(_hide(dist_raw, hide_dist, ("item", "box")), threshold=data.threshold,
                                  cells=("item", "answer_code"), keep=("box",))
        grp = disclosure.protect(_hide(grp_raw, hide_grp, ("item", "group", "box")), threshold=data.threshold,
                                 cells=("item", "box"), keep=("box_label",))
        changed = False
        for item_id, head in heads.items():
            if not head:
                continue
            d = dist[(dist["item"] == item_id) & (dist["box"] == head)]
            g = grp[(grp["item"] == item_id) & (grp["group"] == TOTAL) & (grp["box"] == head)]
            d_hidden = bool(d["suppressed"].any())
            g_hidden = bool(g["suppressed"].any())
            if d_hidden and not g_hidden:
                hide_grp.add((item_id, TOTAL, head))
                changed = True
            elif g_hidden and not d_hidden:
                hide_dist.add((item_id, head))
                changed = True
        if not changed:
            return dist, grp
    raise RuntimeError("likert_tables: the two tables did not agree after 10 rounds (a bug in peo).")


def headlines(by_group: pd.DataFrame) -> pd.DataFrame:
    """The headline-box rows of a ``by_group`` table (for figures and key figures)."""
    return by_group[by_group["box"] != "rest"].reset_index(drop=True)


def _threshold(table: disclosure.ProtectedTable) -> int:
    return int(table.threshold or disclosure.DEFAULT_THRESHOLD)


# --------------------------------------------------------------------------------------
# Tests between employer types
# --------------------------------------------------------------------------------------


def group_tests(data: WaveData, items: list[str], family: str) -> disclosure.ProtectedTable:
    """Chi-square (Cramér's V) and Kruskal-Wallis (epsilon²) per item, Holm within the family.

    Returns
    -------
    ProtectedTable
        One row per item and test. Columns: ``family``, ``item``, ``item_label``, ``test``,
        ``statistic``, ``df``, ``p_value``, ``p_holm``, ``effect``, ``effect_size``, ``n``,
        ``note``. Rows with ``n`` below the threshold are blanked.
    """
    from peo.stats.groups import chi_square, kruskal

    parts = []
    for item_id in items:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            parts.append(chi_square(data.respondents, data.codebook, item_id, by=GROUP))
            parts.append(kruskal(data.respondents, data.codebook, item_id, by=GROUP))
    cols = ["family", "item", "item_label", "test", "statistic", "df", "p_value", "effect", "effect_size", "n", "note"]
    if not parts:
        table = pd.DataFrame(columns=[*cols, "p_holm"])
    else:
        table = pd.concat(parts, ignore_index=True)
        table["family"] = family
        table = adjust_family(table[cols])
    return disclosure.protect_rows(table, threshold=data.threshold, count_cols=("n",), group=None, by_employer_type=True)


def ordinal_models(data: WaveData, items: list[str]) -> disclosure.ProtectedTable:
    """Proportional-odds (ordinal logistic) models of each item on employer type (GI = reference).

    Returns
    -------
    ProtectedTable
        Columns: ``item``, ``item_label``, ``group``, ``reference``, ``estimate``, ``se``,
        ``odds_ratio``, ``ci_low``, ``ci_high``, ``p_value``, ``lr_statistic``, ``lr_df``,
        ``lr_p_value``, ``n``, ``note``.
    """
    from peo.stats.groups import ordinal_logit

    cols = ["item", "item_label", "group", "reference", "estimate", "se", "odds_ratio", "ci_low", "ci_high",
            "p_value", "lr_statistic", "lr_df", "lr_p_value", "n", "note"]
    parts = []
    for item_id in items:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parts.append(ordinal_logit(data.respondents, data.codebook, item_id, by=GROUP))
    table = pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)
    return disclosure.protect_rows(table, threshold=data.threshold, count_cols=("n",), group=None, by_employer_type=True)


# --------------------------------------------------------------------------------------
# Sections of the report
# --------------------------------------------------------------------------------------


def _likert_ids(codebook: Codebook, role: str) -> list[str]:
    return [i.id for i in codebook.by_role(role) if i.type == "likert"]


def professional_space(data: WaveData) -> Section:
    """Core module: the four professional-space items and the aspects.

    Tables: ``space_distribution`` and ``aspects_distribution`` (collapsed answers of all
    respondents), ``space_by_group`` (headline box against the rest per employer type, see
    :func:`likert_tables`), ``space_tests`` (chi-square and Kruskal-Wallis,
    Holm within the family), ``space_ordinal`` (ordinal logistic models), ``reliability``
    (Cronbach's alpha and McDonald's omega of each construct).
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
    sec.tables["space_tests"] = group_tests(data, space, family="professionele ruimte naar type werkgever")
    sec.tables["space_ordinal"] = ordinal_models(data, space)
    constructs = [c for c in cb.constructs if cb.construct_items(c)]
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
    from peo.stats.reliability import scale_scores

    cfg = wording()["space_levels"]
    score = scale_scores(data.respondents, data.codebook, cfg["construct"]).astype(float)
    bins = [-np.inf, *cfg["cuts"], np.inf]
    labels = [lvl["nl"] for lvl in cfg["levels"]]
    return pd.Series(pd.cut(score, bins=bins, labels=labels, right=False), index=data.respondents.index, name="space_level")


def outcomes(data: WaveData) -> Section:
    """Outcomes (work pleasure, workload, intention to stay) and their association with space.

    Tables: ``outcome_distribution``, ``outcome_by_group``, ``outcome_tests``,
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
    sec.tables["outcome_tests"] = group_tests(data, outs, family="uitkomsten naar type werkgever")

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
            rows.append({"outcome": item_id, "outcome_label": item.short_nl, "box": box.name, "box_label": box.nl,
                         "space_level": str(lvl), "n": int(at.sum()), "count": int((at & in_box).sum()), "note": ""})
    table = _with_shares(pd.DataFrame(rows))
    sec.tables["outcome_by_space"] = disclosure.protect(
        table, threshold=data.threshold, cells=("outcome", "box"), group="space_level", table_keys=("outcome",),
        keep=("box_label",),
    )
    construct = cfg["space_levels"]["construct"]
    assoc = pd.concat([spearman(data.respondents, cb, construct, o) for o in outs], ignore_index=True)
    assoc["family"] = "samenhang ruimte en uitkomsten"
    assoc = adjust_family(assoc)
    sec.tables["associations"] = disclosure.protect_rows(
        assoc, threshold=data.threshold, count_cols=("n",), group=None, table_keys=("y",)
    )
    stay = cfg["stay_item"]
    if stay in cb:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            logit = logistic_odds(data.respondents, cb, stay, construct, adjust=(GROUP,))
        sec.tables["stay_logistic"] = disclosure.protect_rows(
            logit, threshold=data.threshold, count_cols=("n",), group=None, table_keys=("term",),
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
            "extend peo.tables.analysis.theme."
        )
    sec = Section(codebook=collapsed_codebook(cb))
    likert = [i.id for i in items if i.type == "likert"]
    if likert:
        sec.tables["theme_distribution"], sec.tables["theme_by_group"] = likert_tables(data, likert)
    categorical = [i.id for i in items if i.type == "categorical"]
    if categorical:
        d = distribution(data.respondents, cb, categorical, by=GROUP)
        d = _with_shares(d.drop(columns=["share"]))
        sec.tables["theme_categorical"] = disclosure.protect(d, threshold=data.threshold, cells=("item", "answer_code"))
    for item in items:
        if item.type == "multi":
            t = multi_shares(data.respondents, cb, [item.id], by=GROUP)
            sec.tables[f"{item.id}"] = disclosure.protect(t, threshold=data.threshold, cells=("item", "answer_code"))
        elif item.type == "numeric":
            t = numeric_summary(data.respondents, cb, [item.id], by=GROUP)
            sec.tables[f"{item.id}"] = disclosure.protect_rows(t, threshold=data.threshold, count_cols=("n",))
    return sec


def open_answers(data: WaveData, quotes_per_theme: int | None = None) -> Section:
    """Open answers: de-identified, coded into themes, counted per theme and employer type.

    Tables: ``open_<item>`` per open item (theme, theme_label, group, n_answers → ``n``,
    count, share, Wilson interval). The de-identified example quotes are in
    :attr:`Section.quotes`: they are shown in the book, never written as a table; the
    de-identification mapping is discarded here.
    """
    from peo.tables.text import code_themes, deidentify, example_quotes, theme_counts

    cb = data.codebook
    cfg = wording()
    per_theme = quotes_per_theme or cfg["quotes_per_theme"]
    sec = Section(codebook=cb)
    items = [i for i in cb.by_type("open") if i.id in data.respondents]
    groups = pd.Series(data.respondents[GROUP].astype("string").to_numpy(), index=data.respondents["pid"])
    # All open answers of the wave are de-identified in one call, so that a tag such as
    # [PERSOON-1] means the same person in every open question of the wave.
    all_texts = _open_texts(data, items)
    if all_texts is None:
        return sec
    deid_all = _deidentified(data, all_texts, deidentify)
    for item in items:
        deid = deid_all.xs(item.id, level="item")
        if deid.empty:
            continue
        coded = code_themes(deid, item.coding or "")
        counts = theme_counts(coded, groups.loc[deid.index]).rename(columns={"n_answers": "n"})
        counts.insert(0, "item", item.id)
        counts.insert(1, "item_label", item.short_nl)
        counts = _with_shares(counts.drop(columns=["share"]))
        sec.tables[f"open_{item.id}"] = disclosure.protect(
            counts, threshold=data.threshold, cells=("item", "theme"), keep=("theme_label",),
        )
        sec.quotes[item.id] = example_quotes(deid, coded, per_theme=per_theme)
    return sec


DEID_CACHE = "open_answers_deidentified.parquet"


def _open_texts(data: WaveData, items: list[Item]) -> pd.Series | None:
    """The non-empty answers to the open items, indexed by (item, pid); None if there are none."""
    stacked = []
    for item in items:
        texts = data.respondents[item.id].astype("string").str.strip()
        texts = texts[texts.notna() & (texts != "")]
        stacked.append(pd.Series(texts.to_numpy(), index=pd.MultiIndex.from_arrays(
            [[item.id] * len(texts), data.respondents.loc[texts.index, "pid"].to_numpy()], names=["item", "pid"])))
    return pd.concat(stacked) if stacked else None


def _deid_key(texts: pd.Series) -> str:
    """A digest of the open answers and of everything that decides their de-identification."""
    import hashlib

    h = hashlib.sha256()
    for part in (Path(__file__).with_name("text.py"), paths.package_data("region_lookup.yml")):
        h.update(part.read_bytes())
    for (item, pid), text in texts.items():
        h.update(f"{item}\x1f{pid}\x1f{text}\x1e".encode())
    return h.hexdigest()


def _deidentified(data: WaveData, texts: pd.Series, deidentify) -> pd.Series:
    """De-identified open answers of a wave, cached next to the cleaned data.

    De-identification takes about ten seconds per process (deduce loads its lookup tables),
    and both the results step and the open-answers notebook need it. The results step
    (:func:`write_results`) stores the de-identified texts, not the mapping, in
    ``data/processed/<wave>/open_answers_deidentified.parquet`` (never published) with a
    digest of the answers and of the de-identification code and lookup list; a reader
    uses the cache only when that digest matches.
    """
    key = _deid_key(texts)
    path = paths.processed_dir(data.id) / DEID_CACHE
    if path.is_file():
        cached = pd.read_parquet(path)
        if len(cached) and cached["key"].iloc[0] == key:
            return pd.Series(cached["text"].to_numpy(), index=pd.MultiIndex.from_frame(cached[["item", "pid"]]),
                             dtype="string")
    return deidentify(texts).text  # the private mapping is dropped here, never published


def write_deidentified(data: WaveData) -> Path | None:
    """Write the de-identification cache of a wave (see :func:`_deidentified`)."""
    from peo.io import write_parquet
    from peo.tables.text import deidentify

    items = [i for i in data.codebook.by_type("open") if i.id in data.respondents]
    texts = _open_texts(data, items)
    if texts is None:
        return None
    deid = deidentify(texts).text
    frame = deid.rename("text").reset_index()
    frame["key"] = _deid_key(texts)
    path = paths.processed_dir(data.id) / DEID_CACHE
    tmp = path.with_name(path.name + ".tmp")
    write_parquet(frame, tmp)
    tmp.replace(path)
    return path


SECTIONS = {
    "professional_space": professional_space,
    "outcomes": outcomes,
    "theme": theme,
    "open_answers": open_answers,
}


# --------------------------------------------------------------------------------------
# Key figures
# --------------------------------------------------------------------------------------


def _sentence(text: str) -> str:
    """Start a statement with a capital letter."""
    return text[:1].upper() + text[1:]


def _pct(share: float) -> str:
    return f"{round(100 * share):d}%"


def _fraction_words(share: float) -> str:
    """Dutch words for a share, as the PEO reports write them ("9 op de 10", "bijna de helft")."""
    for rule in wording()["fraction_words"]:
        if rule["min"] <= share < rule["max"]:
            return rule["nl"].format(pct=_pct(share), tenths=round(share * 10))
    return _pct(share)


def key_figures(data: WaveData, space: Section, outs: Section, flow: pd.DataFrame | None = None) -> dict:
    """The headline statements of a wave with their numbers (``key_figures.json``).

    Every statement is rendered from a published (protected) table; a suppressed number is
    never stated. The format is documented in ``docs/processed-data.md``.
    """
    cfg = wording()
    cb = data.codebook
    w = data.wave
    resp = data.respondents
    by_group = resp[GROUP].value_counts().reindex([c.value for c in cb.group_item.response_scale.codes]).fillna(0)
    received = int(flow["n"].iloc[0]) if flow is not None and len(flow) else None
    figures = []
    for table in (headlines(space.tables["space_by_group"]), headlines(outs.tables["outcome_by_group"])):
        for _, r in table[table["group"] == TOTAL].iterrows():
            if bool(r["suppressed"]) or pd.isna(r["share"]):
                continue
            tmpl = cfg["statements"].get(f"{r['item']}.{r['box']}", cfg["statements"]["default"])
            figures.append(
                {
                    "id": f"{r['item']}.{r['box']}.{TOTAL}",
                    "item": r["item"],
                    "item_label": r["item_label"],
                    "box": r["box"],
                    "box_label": r["box_label"],
                    "group": TOTAL,
                    "n": int(r["n"]),
                    "count": int(r["count"]),
                    "share": float(r["share"]),
                    "ci_low": float(r["ci_low"]),
                    "ci_high": float(r["ci_high"]),
                    "suppressed": False,
                    "statement_nl": _sentence(tmpl.format(
                        words=_fraction_words(float(r["share"])), pct=_pct(float(r["share"])),
                        count=int(r["count"]), n=int(r["n"]), item_label=r["item_label"].lower(),
                        box_label=r["box_label"],
                    )),
                }
            )
    differences = []
    heads = headlines(space.tables["space_by_group"])
    for item_id in cfg["difference_items"]:
        part = heads[(heads["item"] == item_id) & (heads["group"] != TOTAL)]
        part = part[~part["suppressed"].astype(bool) & part["share"].notna()]
        if len(part) < 2:
            continue
        top = part.sort_values(["share", "group"], ascending=[False, True]).iloc[0]
        group_label = next((c.nl for c in cb.group_item.response_scale.codes if c.value == top["group"]), top["group"])
        differences.append(
            {
                "item": item_id,
                "item_label": top["item_label"],
                "box": top["box"],
                "box_label": top["box_label"],
                "highest_group": top["group"],
                "highest_share": float(top["share"]),
                "shares": {str(g): float(s) for g, s in zip(part["group"], part["share"])},
                "statement_nl": cfg["difference_statement"].format(
                    group=group_label, item_label=top["item_label"].lower(), box_label=top["box_label"],
                    pct=_pct(float(top["share"])),
                ),
            }
        )
    associations = []
    assoc = outs.tables["associations"]
    for _, r in assoc.iterrows():
        if bool(r["suppressed"]) or pd.isna(r["rho"]):
            continue
        direction = "positief" if r["rho"] > 0 else "negatief"
        associations.append(
            {
                "outcome": r["y"],
                "outcome_label": r["y_label"],
                "measure": "spearman",
                "estimate": float(r["rho"]),
                "ci_low": float(r["ci_low"]),
                "ci_high": float(r["ci_high"]),
                "p_holm": float(r["p_holm"]),
                "n": int(r["n"]),
                "direction": direction,
                "statement_nl": cfg["association_statement"].get(r["y"], cfg["association_statement"]["default"])[direction].format(
                    outcome_label=r["y_label"].lower(), rho=f"{r['rho']:.2f}".replace(".", ",").replace("-", "−"),
                ),
            }
        )
    return {
        "wave": w.id,
        "title": w.title,
        "theme_nl": w.theme_nl,
        "synthetic": bool(w.synthetic),
        "threshold": int(data.threshold),
        "fieldwork": {
            "start": w.fieldwork_start.isoformat() if w.fieldwork_start else None,
            "end": w.fieldwork_end.isoformat() if w.fieldwork_end else None,
        },
        "response": {
            "received": received,
            "analysed": int(len(resp)),
            "by_group": {str(g): (int(v) if v >= data.threshold else None) for g, v in by_group.items()},
        },
        "figures": figures,
        "differences": differences,
        "associations": associations,
    }


# --------------------------------------------------------------------------------------
# Writing the results
# --------------------------------------------------------------------------------------

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


def _field(name: str, dtype) -> dict:
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
                "schema": {"fields": [_field(str(c), table[c].dtype) for c in table.columns]},
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


def all_sections(data: WaveData) -> dict[str, Section]:
    """Every section of a wave's report."""
    return {name: fn(data) for name, fn in SECTIONS.items()}


def write_results(wave_id: str) -> Path:
    """Compute every table of a wave and publish it under ``data/processed/<wave>/tables/``.

    Writes one CSV per table (through :func:`peo.tables.disclosure.publish`), ``datapackage.json``
    and ``key_figures.json``; then the factsheet (``factsheet.pdf`` and ``factsheet.png``).
    The folder is written to a temporary place and moved in whole.

    Returns
    -------
    Path
        The tables folder.
    """
    from peo.io import atomic_dir

    data = load_wave_data(wave_id)
    write_deidentified(data)
    sections = all_sections(data)
    tables = {name: t for sec in sections.values() for name, t in sec.tables.items()}
    flow_path = paths.processed_dir(data.id) / "flow.csv"
    flow = pd.read_csv(flow_path) if flow_path.is_file() else None
    kf = key_figures(data, sections["professional_space"], sections["outcomes"], flow)
    target = paths.processed_dir(data.id) / "tables"
    with atomic_dir(target) as tmp:
        tmp = Path(tmp)
        for name, table in tables.items():
            disclosure.publish(table, tmp / f"{name}.csv")
        (tmp / "datapackage.json").write_text(
            json.dumps(datapackage(data.wave, tables), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        (tmp / "key_figures.json").write_text(json.dumps(kf, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        _write_factsheet(kf, sections, tmp)
    return target


def _write_factsheet(kf: dict, sections: dict[str, Section], folder: Path) -> None:
    from peo.report.factsheet import factsheet, render_factsheet

    space = sections["professional_space"]
    fig = factsheet(kf, space.tables["space_distribution"], headlines(space.tables["space_by_group"]),
                    codebook=space.codebook)
    pdf, png = render_factsheet(fig)
    (folder / "factsheet.pdf").write_bytes(pdf)
    (folder / "factsheet.png").write_bytes(png)


def read_key_figures(wave_id: str) -> dict:
    """Read a wave's published ``key_figures.json``.

    Raises
    ------
    PeoError
        If the results of the wave have not been written yet.
    """
    path = paths.processed_dir(str(wave_id)) / "tables" / "key_figures.json"
    if not path.is_file():
        raise PeoError(f"{path} does not exist: run `python -m peo build --wave {wave_id}` first.")
    return json.loads(path.read_text(encoding="utf-8"))
