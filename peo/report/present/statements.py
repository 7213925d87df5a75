"""Dutch sentences (Markdown) whose numbers come from the key figures or the published tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from peo.report import format as fmt
from peo.report.format import ci as format_ci, decimal as format_decimal, pct as format_pct
from peo.report.present.common import (
    ALPHA,
    TEXT_NL,
    VALUES_NL,
    _first_upper,
    _group_order,
    _markdown,
    _missing,
    _need,
    _number,
    _p_relation,
    _suppressed,
    _total,
    md_escape,
)
from peo.report.summary import withheld_text
from peo.survey.codebook import categories
from peo.tables.claims import supported as claim_supported

__all__ = [
    "statements",
    "key_statements",
    "headline_statements",
    "tests_summary",
    "by_space_statements",
    "odds_statement",
    "reliability_statements",
    "wave_summary",
]


def statements(lines: Iterable[str]):
    """A Markdown bullet list of Dutch sentences (escaped; first letter a capital).

    Parameters
    ----------
    lines : iterable of str

    Returns
    -------
    IPython.display.Markdown
    """
    items = [f"- {md_escape(_first_upper(str(s).strip()))}" for s in lines if str(s).strip()]
    return _markdown("\n".join(items))


def key_statements(key_figures: Mapping, items: Iterable[str] | pd.DataFrame):
    """The statements of the key figures about some items, as a Markdown list.

    Parameters
    ----------
    key_figures : mapping
        The content of ``key_figures.json`` (:func:`peo.tables.analysis.read_key_figures`).
    items : iterable of str or DataFrame
        Item ids, or a table whose ``item`` column gives them. Headline figures, differences
        between employer types and associations (by outcome) of these items are listed, in
        that order.

    Returns
    -------
    IPython.display.Markdown
    """
    if isinstance(items, pd.DataFrame):
        items = items["item"].astype(str).tolist()
    wanted = list(dict.fromkeys(str(i) for i in items))
    lines = []
    for kind, key in (("figures", "item"), ("differences", "item"), ("associations", "outcome")):
        entries = [e for e in key_figures.get(kind, []) if str(e.get(key)) in wanted]
        entries.sort(key=lambda e: wanted.index(str(e.get(key))))
        lines += [e["statement_nl"] for e in entries if e.get("statement_nl")]
    return statements(lines)


def headline_statements(by_group: pd.DataFrame, group: str | None = None) -> list[str]:
    """One sentence per item about its headline box, from a ``*_by_group`` table.

    Parameters
    ----------
    by_group : pandas.DataFrame
        A ``*_by_group`` table of :mod:`peo.tables.analysis`.
    group : str, optional
        The group whose share is stated; default the total (``totaal``).

    Returns
    -------
    list of str
        E.g. "Regelmatig overwerk: 60% antwoordt '(helemaal) eens' (87 van 144;
        95%-interval 52–68%)."; a hidden cell is not stated but said to be hidden.

    Raises
    ------
    PeoError
        If a column is missing.
    """
    _need(by_group, ["item", "item_label", "box", "box_label", "group", "n", "count", "share"], "headline_statements")
    group = _total() if group is None else group
    frame = pd.DataFrame(by_group)
    rows = frame[(frame["box"].astype(str) != "rest") & (frame["group"].astype(str) == group)]
    out = []
    for _, r in rows.iterrows():
        fields = {"item_label": r["item_label"], "box_label": r["box_label"]}
        if bool(r.get("suppressed", False)):
            out.append(TEXT_NL["statement_headline_hidden"].format(**fields))
        elif _missing(r["share"]) or int(r["n"]) == 0:
            out.append(TEXT_NL["statement_no_valid"].format(**fields))
        else:
            out.append(
                TEXT_NL["statement_headline"].format(
                    **fields,
                    pct=format_pct(r["share"]),
                    count=int(r["count"]),
                    n=int(r["n"]),
                    ci=format_ci(r.get("ci_low"), r.get("ci_high")),
                )
            )
    return out


def tests_summary(tests: pd.DataFrame, alpha: float = ALPHA):
    """Which items differ between employer types after Holm's correction, in Dutch.

    Parameters
    ----------
    tests : pandas.DataFrame
        A ``*_tests`` table of :mod:`peo.tables.analysis` (chi-square and Kruskal-Wallis per item).
    alpha : float, default :data:`ALPHA`
        Significance level for the Holm-adjusted p-values.

    Returns
    -------
    IPython.display.Markdown
        A list: the items with a difference (each with its tests, Holm p-values and effect
        sizes), the items without a demonstrated difference, and hidden items.

    Raises
    ------
    PeoError
        If a column is missing.
    """
    _need(tests, ["item", "item_label", "test", "p_holm", "effect", "effect_size"], "tests_summary")
    frame = pd.DataFrame(tests)
    hidden = _suppressed(frame)
    different, other, gone = [], [], []
    for item in dict.fromkeys(frame["item"].astype(str)):
        mask = frame["item"].astype(str) == item
        part = frame[mask & ~hidden]
        label = str(frame.loc[mask, "item_label"].iloc[0])
        if part.empty or part["p_holm"].isna().all():
            gone.append(label)
            continue
        if any(claim_supported(p, alpha) for p in part["p_holm"]):  # the rule of peo.tables.claims
            tests_text = "; ".join(
                TEXT_NL["tests_part"].format(
                    test=VALUES_NL["test"].get(str(r["test"]), str(r["test"])),
                    p=_p_relation(r["p_holm"]),
                    effect=VALUES_NL["effect"].get(str(r["effect"]), str(r["effect"])),
                    size=_number(r["effect_size"], 2),
                )
                for _, r in part.iterrows()
            )
            different.append(TEXT_NL["tests_item"].format(item_label=label, tests=tests_text))
        else:
            other.append(label)
    a = format_decimal(alpha, 2)
    lines = []
    if "family" in frame.columns and frame["family"].notna().any():
        fam = frame.loc[~hidden & frame["p_holm"].notna(), "family"] if "p_holm" in frame else frame["family"]
        if len(fam):
            lines.append(TEXT_NL["tests_family"].format(family=fam.iloc[0], k=len(fam)))
    lines += [
        TEXT_NL["tests_different"].format(alpha=a, items="; ".join(different))
        if different
        else TEXT_NL["tests_none_different"].format(alpha=a)
    ]
    if other:
        lines.append(TEXT_NL["tests_not_shown"].format(items="; ".join(other)))
    if gone:
        lines.append(TEXT_NL["tests_hidden"].format(items="; ".join(gone)))
    return statements(lines)


def by_space_statements(table: pd.DataFrame):
    """Per outcome, its headline share at each level of experienced space, in Dutch.

    Parameters
    ----------
    table : pandas.DataFrame
        The ``outcome_by_space`` table of :func:`peo.tables.analysis.outcomes`.

    Returns
    -------
    IPython.display.Markdown

    Raises
    ------
    PeoError
        If a column is missing.
    """
    _need(table, ["outcome", "outcome_label", "box_label", "space_level", "share"], "by_space_statements")
    frame = pd.DataFrame(table)
    hidden = _suppressed(frame)
    lines = []
    for outcome in dict.fromkeys(frame["outcome"].astype(str)):
        mask = frame["outcome"].astype(str) == outcome
        part = frame[mask]
        levels = []
        for (_, r), h in zip(part.iterrows(), hidden[mask]):
            if h or _missing(r["share"]):
                levels.append(TEXT_NL["by_space_hidden"].format(level=r["space_level"]))
            else:
                levels.append(TEXT_NL["by_space_level"].format(level=r["space_level"], pct=format_pct(r["share"])))
        lines.append(
            TEXT_NL["by_space"].format(
                outcome_label=part["outcome_label"].iloc[0],
                box_label=part["box_label"].iloc[0],
                levels=", ".join(levels),
            )
        )
    return statements(lines)


def odds_statement(logistic: pd.DataFrame | None):
    """The odds ratio of the logistic model of intending to stay, in Dutch.

    Parameters
    ----------
    logistic : pandas.DataFrame or None
        The ``stay_logistic`` table of :func:`peo.tables.analysis.outcomes` (``None`` when the
        wave has no such item). Only the ``predictor`` row is stated; a non-empty
        ``warning`` (e.g. perfect separation) is stated too.

    Returns
    -------
    IPython.display.Markdown
    """
    if logistic is None or len(logistic) == 0:
        return statements([TEXT_NL["odds_missing"]])
    frame = pd.DataFrame(logistic)
    rows = frame[frame["kind"].astype(str) == "predictor"] if "kind" in frame.columns else frame
    lines = []
    for _, r in rows.iterrows():
        if bool(r.get("suppressed", False)) or _missing(r.get("odds_ratio")):
            lines.append(TEXT_NL["odds_hidden"].format(outcome_label=r["outcome_label"]))
        else:
            lines.append(
                TEXT_NL["odds"].format(
                    term_label=r["term_label"],
                    box_label=r["box_label"],
                    outcome_label=r["outcome_label"],
                    or_=_number(r["odds_ratio"]),
                    low=_number(r["ci_low"]),
                    high=_number(r["ci_high"]),
                    p=_p_relation(r["p_value"]),
                    n=_number(r["n"], integer=True),
                )
            )
        warning = r.get("warning")
        if not _missing(warning) and str(warning).strip():
            lines.append(TEXT_NL["odds_warning"].format(outcome_label=r["outcome_label"], warning=str(warning).strip()))
    return statements(lines)


def reliability_statements(reliability: pd.DataFrame):
    """Cronbach's alpha and McDonald's omega of each scale, in Dutch.

    Parameters
    ----------
    reliability : pandas.DataFrame
        The ``reliability`` table of :func:`peo.tables.analysis.professional_space`.

    Returns
    -------
    IPython.display.Markdown
    """
    frame = pd.DataFrame(reliability)
    lines = []
    for (_, r), h in zip(frame.iterrows(), _suppressed(frame)):
        if h or _missing(r.get("alpha")):
            lines.append(TEXT_NL["reliability_hidden"].format(construct_label=r["construct_label"]))
            continue
        lines.append(
            TEXT_NL["reliability"].format(
                construct_label=r["construct_label"],
                k=_number(r["k"], integer=True),
                n=_number(r["n"], integer=True),
                alpha=_number(r["alpha"]),
                low=_number(r["alpha_ci_low"]),
                high=_number(r["alpha_ci_high"]),
                omega=_number(r["omega"]),
            )
        )
    return statements(lines)


def wave_summary(data, with_theme: bool = False) -> Any:
    """A short Dutch paragraph about the wave: title, fieldwork, respondents, threshold.

    Group sizes below the disclosure threshold are shown as "–".

    Parameters
    ----------
    data : peo.tables.package.Package
        The wave's data package (``wave``, ``codebook``, ``group_counts``, ``n_analysed``, ``threshold``).
    with_theme : bool, default False
        Also name the theme of the wave's thematic module.

    Returns
    -------
    IPython.display.Markdown
    """
    from peo.report.format import fieldwork as format_fieldwork

    w = data.wave
    cb = data.codebook
    counts = data.group_counts  # employer type -> respondents, None below the threshold
    parts = []
    for g in _group_order([g for g in categories(cb.group_item) if g in counts] or list(counts), cb):
        n = counts.get(g)
        shown = n is not None and n >= data.threshold
        parts.append(TEXT_NL["summary_group"].format(group=g, n=int(n) if shown else fmt.MISSING))
    text = TEXT_NL["summary"].format(
        title=md_escape(w.title),
        fieldwork=md_escape(format_fieldwork({"start": w.fieldwork_start, "end": w.fieldwork_end})),
        n=data.n_analysed,
        groups=", ".join(parts) + withheld_text(getattr(data, "key_figures", None) or {}),
        threshold=data.threshold,
    )
    if with_theme and w.theme_nl:
        text += " " + TEXT_NL["summary_theme"].format(theme=md_escape(w.theme_nl))
    if w.synthetic:
        text += " " + TEXT_NL["summary_synthetic"]
    return _markdown(text)
