"""Presentation for readers: the protected tables, figures and statements as a notebook shows them.

The analysis notebooks (``02_professional_space`` ... ``05_open_answers``) compute with
:mod:`peo.tables.analysis`, draw with :mod:`peo.report.plots` and show the result with the functions
here. Nothing here computes a statistic: every number shown is a number of a published
(protected) table, only *formatted* here (Dutch column names, whole percentages, a decimal
comma). Rounding happens only here, for display, with :func:`peo.report.format.pct`
(half up), so a number in a notebook is the number on the book's other pages.

What this module shows and how
------------------------------
:func:`reader_table`, :func:`distribution_table`, :func:`group_table`, :func:`choice_table`
    A protected table as a :class:`ReaderTable`: strings with Dutch column names; a cell
    hidden by disclosure control is shown as "–" and the table gets the footnote
    "– te weinig respondenten (minder dan 10)" (the threshold of the table). An item
    without valid answers says "geen geldige antwoorden" instead of a number.
:func:`show_figure`
    A figure of :mod:`peo.report.plots` as a PNG inside an HTML ``<img>`` with the figure's alt
    text (:func:`peo.report.plots.alt_text`), so that every figure in the book has real alt text
    (myst-nb renders ``text/html`` outputs as they are).
:func:`key_statements`, :func:`headline_statements`, :func:`tests_summary`, ...
    Dutch sentences (Markdown) whose numbers come from the key figures or the tables.
:func:`theme_parts`, :func:`open_parts`
    Everything of the thematic module and of the open answers, generic over the item
    types of the wave's codebook: a list of display objects to pass to :func:`show_all`.
:func:`quotes_markdown`
    De-identified example quotes as Markdown block quotes, escaped so that no character
    of an answer is read as Markdown or HTML.

The fixed Dutch words of the tables and sentences are data in :data:`COLUMNS_NL`,
:data:`VALUES_NL`, :data:`ITEM_TYPES_NL` and :data:`TEXT_NL`; the rest comes from the
codebook and the tables.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from peo.report import format as fmt
from peo.report.format import ci as format_ci, decimal as format_decimal, pct as format_pct
from peo.survey.codebook import Codebook, Item, categories
from peo.errors import CodebookError, PeoError

__all__ = [
    "ALPHA",
    "COLUMNS_NL",
    "ITEM_TYPES_NL",
    "TEXT_NL",
    "VALUES_NL",
    "FigureDisplay",
    "ReaderTable",
    "by_space_statements",
    "choice_table",
    "coding_parts",
    "coding_table",
    "distribution_table",
    "figure_html",
    "format_p",
    "group_table",
    "headline_statements",
    "items_by_scale",
    "key_statements",
    "md_escape",
    "odds_statement",
    "open_parts",
    "quotes_markdown",
    "reader_table",
    "reliability_statements",
    "show_all",
    "show_figure",
    "statements",
    "tests_summary",
    "theme_overview",
    "theme_parts",
    "wave_summary",
]

# ============================================================================ data

#: Significance level for the summary sentences of the tests (after Holm's correction),
#: as in the methods appendix.
ALPHA = 0.05

#: Dutch column names of the published tables, in the order the tables have them. A
#: column that is not here and not in :data:`HIDDEN_COLUMNS` is shown under its own name.
COLUMNS_NL: dict[str, str] = {
    "family": "Familie van toetsen",
    "construct_label": "Schaal",
    "x_label": "Samenhang van",
    "y_label": "met",
    "outcome_label": "Uitkomst",
    "item_label": "Vraag",
    "theme_label": "Thema",
    "term_label": "Voorspeller",
    "space_level": "Ervaren professionele ruimte",
    "test": "Toets",
    "group": "Groep",
    "reference": "Vergeleken met",
    "answer_label": "Antwoord",
    "box_label": "Antwoord",
    "n": "n",
    "k": "Aantal vragen",
    "count": "Aantal",
    "events": "Aantal met de uitkomst",
    "share": "Percentage",
    "ci": "95%-interval",
    "statistic": "Toetsgrootheid",
    "df": "Vrijheidsgraden",
    "p_value": "p",
    "p_holm": "p (Holm)",
    "effect": "Effectmaat",
    "effect_size": "Effectgrootte",
    "estimate": "Log-odds",
    "se": "Standaardfout",
    "odds_ratio": "Odds ratio",
    "lr_statistic": "LR-toets (chi-kwadraat)",
    "lr_df": "Vrijheidsgraden LR-toets",
    "lr_p_value": "p (LR-toets)",
    "rho": "Spearmans rho",
    "alpha": "Cronbachs alfa",
    "alpha_ci": "95%-interval alfa",
    "omega": "McDonalds omega",
    "missing_policy": "Ontbrekende antwoorden",
    "mean": "Gemiddelde",
    "sd": "Standaardafwijking",
    "median": "Mediaan",
    "q1": "Eerste kwartiel",
    "q3": "Derde kwartiel",
    "method": "Methode",
    "ci_method": "Interval",
    "note": "Opmerking",
    "warning": "Waarschuwing",
}

#: Columns that identify rows for software (ids, codes, flags) and are not shown to readers.
HIDDEN_COLUMNS = frozenset(
    {"item", "box", "answer_code", "theme", "construct", "x", "y", "outcome", "term", "kind", "suppressed", "family",
     "method"}
)

#: Interval columns shown as one column: (low, high) -> name in :data:`COLUMNS_NL`.
INTERVALS: dict[tuple[str, str], str] = {("ci_low", "ci_high"): "ci", ("alpha_ci_low", "alpha_ci_high"): "alpha_ci"}

#: Dutch wording of coded values, per column.
VALUES_NL: dict[str, dict[str, str]] = {
    "test": {"chi2": "chi-kwadraat", "kruskal": "Kruskal-Wallis"},
    "effect": {"cramers_v": "Cramér's V", "epsilon_squared": "epsilon²"},
    "missing_policy": {"listwise": "alleen volledige antwoorden", "pairwise": "per paar vragen"},
    "method": {"spearman": "Spearman"},
    "ci_method": {"wald": "Wald", "profile": "profiel-likelihood"},
}

#: Decimals per column (numbers that are not counts, shares or p-values).
DECIMALS: dict[str, int] = {"mean": 1, "sd": 1, "median": 1, "q1": 1, "q3": 1}

#: Columns whose whole values are shown without decimals (quantiles of whole numbers).
TRIM_COLUMNS = frozenset({"median", "q1", "q3"})
#: Columns holding whole numbers.
INTEGER_COLUMNS = frozenset({"n", "count", "events", "k", "df", "lr_df"})
#: Columns holding p-values.
P_COLUMNS = frozenset({"p_value", "p_holm", "lr_p_value"})
#: Columns holding shares (0 to 1), shown as whole percentages.
SHARE_COLUMNS = frozenset({"share"})

#: Dutch names of the item types of a codebook (thematic module).
ITEM_TYPES_NL: dict[str, str] = {
    "likert": "stelling met antwoordschaal",
    "multi": "meerkeuzevraag (meer antwoorden mogelijk)",
    "categorical": "keuzevraag (één antwoord)",
    "numeric": "getal",
    "open": "open vraag",
}

#: Fixed Dutch phrases of the tables and sentences.
TEXT_NL: dict[str, str] = {
    "dash": "–",
    "suppressed_note": "– te weinig respondenten (minder dan {threshold}); het aantal en het percentage worden niet getoond.",
    "suppressed_note_plain": "– te weinig respondenten; het aantal en het percentage worden niet getoond.",
    "no_valid": "geen geldige antwoorden",
    "total": "Totaal",
    "share_cell": "{pct} ({ci})",
    "share_cell_n": "{pct} ({ci}; n = {n})",
    "count_cell": "{pct} ({count})",
    "figure_plain": "Figuur: {alt}",
    "n_col": "n",
    "statement_headline": "{item_label}: {pct} antwoordt '{box_label}' ({count} van {n}; 95%-interval {ci}).",
    "statement_headline_hidden": "{item_label}: te weinig respondenten om het aandeel '{box_label}' te tonen.",
    "statement_no_valid": "{item_label}: geen geldige antwoorden.",
    "tests_different": "Verschil tussen de typen werkgevers (p na Holm-correctie kleiner dan {alpha} in ten minste "
    "één toets): {items}.",
    "tests_none_different": "Bij geen van de vragen is na Holm-correctie een verschil tussen de typen werkgevers "
    "aangetoond (p kleiner dan {alpha}).",
    "tests_not_shown": "Geen verschil aangetoond: {items}.",
    "tests_hidden": "Niet getoond (te weinig respondenten): {items}.",
    "tests_item": "{item_label} ({tests})",
    "tests_part": "{test}: p (Holm) {p}, {effect} = {size}",
    "tests_family": "Holm-correctie binnen de familie '{family}' ({k} toetsen).",
    "by_space": "{outcome_label}, aandeel '{box_label}': {levels}.",
    "by_space_level": "{level} {pct}",
    "by_space_hidden": "{level} te weinig respondenten",
    "odds": "Per punt hoger op de schaal '{term_label}' zijn de odds op '{box_label}' ({outcome_label}) "
    "{or_} keer zo groot (95%-interval {low} tot {high}; p {p}; n = {n}), bij gelijk type werkgever. "
    "Dit is samenhang, geen bewezen oorzaak.",
    "odds_hidden": "De odds ratio voor '{outcome_label}' wordt niet getoond: te weinig respondenten.",
    "odds_warning": "Let op bij '{outcome_label}': {warning}",
    "odds_missing": "Voor het voornemen om te blijven is in deze meting geen model geschat.",
    "reliability": "{construct_label} ({k} vragen, n = {n}): Cronbachs alfa {alpha} (95%-interval {low} tot {high}), "
    "McDonalds omega {omega}.",
    "reliability_hidden": "{construct_label}: te weinig respondenten om de betrouwbaarheid te tonen.",
    "summary": "**{title}**. Veldwerk: {fieldwork}. Geanalyseerd: {n} respondenten ({groups}). "
    "Cellen met minder dan {threshold} respondenten worden niet getoond.",
    "summary_synthetic": "Let op: deze meting bestaat uit synthetische demonstratiegegevens, niet uit echte antwoorden.",
    "summary_group": "{group} {n}",
    "summary_theme": "Thema van de themamodule: **{theme}**.",
    "coding_heading": "**{coding}** (gebruikt bij: {questions})",
    "interval_to": "{low} tot {high}",
    # thematic module
    "theme_none": "Deze meting heeft geen themamodule: het codeboek van de meting bevat geen themavragen.",
    "theme_overview_question": "Vraag",
    "theme_overview_type": "Soort vraag",
    "theme_overview_where": "Waar in het rapport",
    "theme_where_here": "dit hoofdstuk",
    "theme_where_open": "hoofdstuk Open antwoorden",
    "likert_heading": "### Stellingen",
    "likert_intro": "De antwoorden zijn samengenomen tot de boxen van de antwoordschaal, zoals in de kernmodule. "
    "De eerste figuur toont de verdeling van alle respondenten (gecentreerd op het neutrale antwoord), de "
    "tweede het aandeel in de kernbox per type werkgever met het 95%-interval (Wilson).",
    "likert_questions": "Vraagteksten:",
    "question_line": "{short}: *{text}*",
    "multi_intro": "Meer antwoorden mogelijk: per antwoord het percentage van de respondenten die de vraag "
    "beantwoordden dat het koos. De percentages tellen daarom niet op tot 100%.",
    "multi_top": "Het vaakst gekozen: '{label}', door {pct} van de {n} respondenten die de vraag beantwoordden "
    "({count}; 95%-interval {ci}).",
    "categorical_intro": "Eén antwoord per respondent: per groep het percentage van de geldige antwoorden, met het aantal.",
    "categorical_top": "Het meest gegeven antwoord: '{label}', door {pct} van de {n} respondenten ({count}).",
    "numeric_intro": "Per groep het gemiddelde en de mediaan, met de kwartielen: de middelste helft van de "
    "antwoorden ligt tussen het eerste en het derde kwartiel.",
    "numeric_summary": "Mediaan {median}{unit} (de middelste helft ligt tussen {q1} en {q3}); gemiddelde {mean}{unit} "
    "(n = {n}).",
    "top_hidden": "Te weinig respondenten om het vaakst gegeven antwoord te tonen.",
    "open_heading": "### Open vragen",
    "open_pointer": "Deze vragen hebben een open antwoord. De antwoorden staan, gede-identificeerd en ingedeeld in "
    "thema's, in het hoofdstuk Open antwoorden.",
    # open answers
    "open_none": "Deze meting heeft geen open vragen.",
    "open_answers": "{n} respondenten gaven een bruikbaar antwoord op deze vraag.",
    "open_answers_hidden": "Te weinig respondenten gaven een bruikbaar antwoord op deze vraag om de thema's te tonen.",
    "open_top": "Het vaakst genoemde thema: '{label}' ({pct} van de antwoorden, {count} van {n}).",
    "open_share_note": "Een antwoord kan meer thema's noemen: de percentages tellen daarom niet op tot 100%.",
    "quotes_heading": "#### Voorbeelden van antwoorden",
    "quotes_intro": "Een paar korte, gede-identificeerde antwoorden per thema, willekeurig gekozen. Labels als "
    "[PERSOON-1] staan op de plaats van een naam, plaats, organisatie of ander gegeven dat naar iemand kan wijzen.",
    "quotes_none": "Geen voorbeelden: er zijn geen korte antwoorden zonder herleidbare gegevens.",
    "quotes_hidden": "{theme_label}: geen voorbeelden, te weinig antwoorden bij dit thema.",
    "coding_theme": "Thema",
    "coding_description": "Omschrijving",
    "coding_rules": "Aantal zoekregels",
    "coding_name": "Indeling",
}


# ====================================================================== formatting


def _missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def format_p(p: float | None) -> str:
    """A p-value for readers: ``"< 0,001"`` below 0.001, else three decimals (``"0,049"``).

    Missing values give ``"–"``.
    """
    if _missing(p):
        return TEXT_NL["dash"]
    if float(p) < 0.001:
        return "< 0,001"
    return format_decimal(float(p), 3)


def _p_relation(p: float | None) -> str:
    """``"= 0,049"`` or ``"< 0,001"``, to follow "p" in a sentence."""
    text = format_p(p)
    return text if text.startswith("<") else f"= {text}"


def _number(x: Any, decimals: int = 2, integer: bool = False, trim: bool = False) -> str:
    """A number with a decimal comma; ``integer`` rounds to a whole number, ``trim`` drops
    the decimals of a whole value (a median of 16 is "16", not "16,0")."""
    if _missing(x):
        return TEXT_NL["dash"]
    value = float(x)
    if integer or (trim and value.is_integer()):
        return str(fmt.whole(value))
    return format_decimal(value, decimals)


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


_MD_INLINE = re.compile(r"([\\`*_{}\[\]<>|~$&])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=:#]|\d+[.)])")


def md_escape(text: Any) -> str:
    """Text for a Markdown page, shown as it is: no markup, no HTML, no line breaks.

    HTML entities (as :func:`peo.tables.text.html_safe` writes them) are first turned back into
    characters; then every character that Markdown, MyST or HTML could read as markup
    (``* _ [ ] < > & $ { }`` and others) is escaped with a backslash, and so is a list or
    heading marker at the start. White space is collapsed to single spaces.

    Parameters
    ----------
    text : str or None

    Returns
    -------
    str
    """
    if _missing(text):
        return ""
    s = " ".join(html.unescape(str(text)).split())
    s = _MD_INLINE.sub(r"\\\1", s)
    return _MD_LINE_START.sub(lambda m: m.group(1) + "".join("\\" + c if not c.isdigit() else c for c in m.group(2)), s)


# ========================================================================== tables


@dataclass(frozen=True)
class ReaderTable:
    """A table formatted for readers: every cell a string, Dutch column names, footnotes.

    Displayed in a notebook as an HTML table (escaped) with the footnotes under it.

    Attributes
    ----------
    frame : pandas.DataFrame
        The formatted cells (strings).
    footnotes : tuple of str
        Dutch notes shown under the table (e.g. what "–" means).
    """

    frame: pd.DataFrame
    footnotes: tuple[str, ...] = field(default_factory=tuple)

    def _repr_html_(self) -> str:
        table = self.frame.to_html(index=False, escape=True, border=0, na_rep=TEXT_NL["dash"], classes="peo-tabel")
        notes = "".join(f'<p class="peo-voetnoot"><small>{html.escape(n)}</small></p>' for n in self.footnotes)
        return f'<div class="peo-tabel">{table}{notes}</div>'

    def __repr__(self) -> str:
        text = self.frame.to_string(index=False) if len(self.frame.columns) else ""
        return "\n".join([text, *self.footnotes]).strip("\n")


def _threshold_of(table: pd.DataFrame, threshold: int | None) -> int | None:
    if threshold is not None:
        return int(threshold)
    value = getattr(table, "threshold", None)
    return int(value) if isinstance(value, int) else None


def _suppressed(table: pd.DataFrame) -> pd.Series:
    if "suppressed" not in table.columns:
        return pd.Series(False, index=table.index)
    return table["suppressed"].fillna(False).astype(bool)


def _footnotes(any_suppressed: bool, threshold: int | None, extra: Iterable[str] = ()) -> tuple[str, ...]:
    notes = []
    if any_suppressed:
        notes.append(
            TEXT_NL["suppressed_note"].format(threshold=threshold)
            if threshold is not None
            else TEXT_NL["suppressed_note_plain"]
        )
    return tuple(notes) + tuple(extra)


def _group_labels(codebook: Codebook | None) -> dict[str, str]:
    labels = {"totaal": TEXT_NL["total"]}
    if codebook is None:
        return labels
    try:
        for c in codebook.group_item.response_scale.codes:
            if c.value:
                labels[str(c.value)] = c.nl
    except (CodebookError, AttributeError):
        pass
    return labels


def _group_order(groups: Iterable[str], codebook: Codebook | None) -> list[str]:
    present = list(dict.fromkeys(str(g) for g in groups))
    order = ["totaal"] if "totaal" in present else []
    if codebook is not None:
        try:
            order += [g for g in categories(codebook.group_item) if g in present and g not in order]
        except (CodebookError, AttributeError):
            pass
    return order + [g for g in present if g not in order]


def _format_value(col: str, value: Any, groups: Mapping[str, str]) -> str:
    if col in SHARE_COLUMNS:
        return format_pct(value)
    if col in P_COLUMNS:
        return format_p(value)
    if col in INTEGER_COLUMNS:
        return _number(value, integer=True)
    if col == "group":
        return groups.get(str(value), str(value))
    if col in VALUES_NL:
        return "" if _missing(value) else VALUES_NL[col].get(str(value), str(value))
    if pd.api.types.is_bool(value):
        return "ja" if value else "nee"
    if pd.api.types.is_number(value):
        return _number(value, DECIMALS.get(col, 2), trim=col in TRIM_COLUMNS)
    return "" if _missing(value) else str(value)


def _interval(row: pd.Series, low: str, high: str, as_share: bool, decimals: int = 2) -> str:
    if as_share:
        return format_ci(row[low], row[high])
    if _missing(row[low]) or _missing(row[high]):
        return TEXT_NL["dash"]
    return TEXT_NL["interval_to"].format(low=format_decimal(row[low], decimals), high=format_decimal(row[high], decimals))


def _blank_column(s: pd.Series) -> bool:
    return bool(s.isna().all() or (s.astype("string").fillna("").str.strip() == "").all())


def reader_table(
    table: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    codebook: Codebook | None = None,
    threshold: int | None = None,
) -> ReaderTable:
    """A published table in long form for readers.

    Parameters
    ----------
    table : pandas.DataFrame
        A table of :mod:`peo.tables.analysis` (usually a :class:`peo.tables.disclosure.ProtectedTable`).
    columns : sequence of str, optional
        The columns to show, in this order (``ci_low`` stands for the interval). Default:
        every column except the ids and flags of :data:`HIDDEN_COLUMNS`, and without the
        text columns that are empty in every row (``note``, ``warning``, ...).
    codebook : Codebook, optional
        Gives the employer types their full Dutch names.
    threshold : int, optional
        The disclosure threshold for the footnote; default: the table's own
        (``ProtectedTable.threshold``).

    Returns
    -------
    ReaderTable
        Shares as whole percentages, intervals as one column ("84–94%" for shares, "0,19
        tot 0,48" for other estimates), p-values as "< 0,001" or "0,049", decimals with a
        comma. Cells hidden by disclosure control are "–", with a footnote.

    Raises
    ------
    PeoError
        If ``columns`` names a column the table does not have.
    """
    threshold = _threshold_of(table, threshold)
    frame = pd.DataFrame(table).reset_index(drop=True)
    hidden = _suppressed(frame)
    if columns is None:
        columns = [c for c in frame.columns if c not in HIDDEN_COLUMNS]
        if "group" in columns and (frame["group"].astype(str) == "totaal").all():
            columns.remove("group")  # all respondents: the column says nothing
        if "p_holm" in columns and "p_value" in columns:  # the two p-values side by side
            columns.remove("p_holm")
            columns.insert(columns.index("p_value") + 1, "p_holm")
        columns = [c for c in columns if c not in ("note", "warning")] + [c for c in ("note", "warning") if c in columns]
        columns = [
            c for c in columns
            if not (frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])) or not _blank_column(frame[c])
        ]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise PeoError(f"reader_table: the table has no column(s) {', '.join(missing)}; it has {', '.join(map(str, frame.columns))}.")
    as_share = "share" in frame.columns
    groups = _group_labels(codebook)
    out: dict[str, list[str]] = {}
    interval_low = {lo: (lo, hi, name) for (lo, hi), name in INTERVALS.items() if lo in frame.columns and hi in frame.columns}
    skip = {hi for (_lo, hi), _ in INTERVALS.items()}
    for col in columns:
        if col in skip:
            continue
        if col in interval_low:
            lo, hi, name = interval_low[col]
            header = COLUMNS_NL[name]
            out[header] = [
                TEXT_NL["dash"] if h else _interval(r, lo, hi, as_share and lo == "ci_low")
                for (_, r), h in zip(frame.iterrows(), hidden)
            ]
            continue
        header = COLUMNS_NL.get(col, col)
        while header in out:
            header += " "
        cells = []
        for (_, r), h in zip(frame.iterrows(), hidden):
            v = r[col]
            if _missing(v) and (h or col in SHARE_COLUMNS or col in INTEGER_COLUMNS):
                cells.append(TEXT_NL["dash"])
            else:
                cells.append(_format_value(col, v, groups))
        out[header] = cells
    result = pd.DataFrame(out, dtype=object) if out else pd.DataFrame()
    return ReaderTable(result, _footnotes(bool(hidden.any()), threshold))


def _cell(r: pd.Series, style: str) -> str:
    """One share cell of a wide table, or "–" / "geen geldige antwoorden"."""
    if bool(r.get("suppressed", False)) or _missing(r.get("share")):
        if not bool(r.get("suppressed", False)) and not _missing(r.get("n")) and int(r["n"]) == 0:
            return TEXT_NL["no_valid"]
        return TEXT_NL["dash"]
    ci = format_ci(r.get("ci_low"), r.get("ci_high"))
    if style == "count":
        return TEXT_NL["count_cell"].format(pct=format_pct(r["share"]), count=_number(r["count"], integer=True))
    if style == "share_n":
        return TEXT_NL["share_cell_n"].format(pct=format_pct(r["share"]), ci=ci, n=_number(r["n"], integer=True))
    return TEXT_NL["share_cell"].format(pct=format_pct(r["share"]), ci=ci)


def _wide(
    table: pd.DataFrame,
    row_cols: Sequence[str],
    style: str,
    codebook: Codebook | None,
    threshold: int | None,
    extra_notes: Iterable[str] = (),
) -> ReaderTable:
    threshold = _threshold_of(table, threshold)
    frame = pd.DataFrame(table).reset_index(drop=True)
    frame["group"] = frame["group"].astype(str)
    groups = _group_order(frame["group"], codebook)
    labels = _group_labels(codebook)
    keys = list(dict.fromkeys(tuple(str(v) for v in r) for r in frame[list(row_cols)].itertuples(index=False)))
    rows = []
    for key in keys:
        mask = pd.Series(True, index=frame.index)
        for c, v in zip(row_cols, key):
            mask &= frame[c].astype(str) == v
        part = frame[mask]
        row = {COLUMNS_NL.get(c, c): v for c, v in zip(row_cols, key)}
        for g in groups:
            r = part[part["group"] == g]
            row[labels.get(g, g)] = _cell(r.iloc[0], style) if len(r) else ""
        rows.append(row)
    result = pd.DataFrame(rows, dtype=object)
    return ReaderTable(result, _footnotes(bool(_suppressed(frame).any()), threshold, extra_notes))


def distribution_table(dist: pd.DataFrame, *, threshold: int | None = None) -> ReaderTable:
    """The collapsed answers of Likert items, one row per item and one column per answer.

    Parameters
    ----------
    dist : pandas.DataFrame
        A ``*_distribution`` table of :mod:`peo.tables.analysis` (columns ``item_label``,
        ``answer_label``, ``n``, ``count``, ``share``, ``suppressed``; one group).
    threshold : int, optional
        For the footnote; default: the table's own.

    Returns
    -------
    ReaderTable
        Columns "Vraag", "n" and one per answer ("48% (71)"); hidden cells "–".

    Raises
    ------
    PeoError
        If a column is missing.
    """
    _need(dist, ["item", "item_label", "answer_label", "n", "count", "share"], "distribution_table")
    threshold = _threshold_of(dist, threshold)
    frame = pd.DataFrame(dist).reset_index(drop=True)
    answers = list(dict.fromkeys(frame["answer_label"].astype(str)))
    rows = []
    for item in dict.fromkeys(frame["item"].astype(str)):
        part = frame[frame["item"].astype(str) == item]
        row = {COLUMNS_NL["item_label"]: str(part["item_label"].iloc[0]),
               TEXT_NL["n_col"]: _number(part["n"].iloc[0], integer=True)}
        for a in answers:
            r = part[part["answer_label"].astype(str) == a]
            row[a] = _cell(r.iloc[0], "count") if len(r) else ""
        rows.append(row)
    return ReaderTable(pd.DataFrame(rows, dtype=object), _footnotes(bool(_suppressed(frame).any()), threshold))


def group_table(by_group: pd.DataFrame, *, codebook: Codebook | None = None, threshold: int | None = None) -> ReaderTable:
    """Headline shares per employer type: one row per item, one column per group.

    Parameters
    ----------
    by_group : pandas.DataFrame
        A ``*_by_group`` table of :mod:`peo.tables.analysis`; the ``rest`` rows are left out.
    codebook : Codebook, optional
        Orders the employer types and gives their Dutch names.
    threshold : int, optional
        For the footnote; default: the table's own.

    Returns
    -------
    ReaderTable
        Columns "Vraag", "Antwoord" and per group "48% (40–56%; n = 148)".

    Raises
    ------
    PeoError
        If a column is missing.
    """
    _need(by_group, ["item", "item_label", "box", "box_label", "group", "n", "count", "share"], "group_table")
    threshold = _threshold_of(by_group, threshold)
    heads = pd.DataFrame(by_group)
    heads = heads[heads["box"].astype(str) != "rest"]
    return _wide(heads, ["item_label", "box_label"], "share_n", codebook, threshold)


def choice_table(
    table: pd.DataFrame, *, codebook: Codebook | None = None, threshold: int | None = None
) -> ReaderTable:
    """Shares per answer (or theme) and employer type: one row per answer, one column per group.

    For multiple-choice and categorical items (column ``answer_label``) and for the themes
    of open answers (column ``theme_label``).

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``answer_label`` or ``theme_label``, ``group``, ``n``, ``count``, ``share``
        and ``suppressed``.
    codebook : Codebook, optional
        Orders the employer types and gives their Dutch names.
    threshold : int, optional
        For the footnote; default: the table's own.

    Returns
    -------
    ReaderTable
        Cells "70% (102)"; hidden cells "–"; the n per group in a last row "n".

    Raises
    ------
    PeoError
        If a column is missing.
    """
    label = "theme_label" if "theme_label" in table.columns else "answer_label"
    _need(table, [label, "group", "n", "count", "share"], "choice_table")
    threshold = _threshold_of(table, threshold)
    rt = _wide(table, [label], "count", codebook, threshold)
    frame = pd.DataFrame(table)
    frame = frame.assign(group=frame["group"].astype(str))
    labels = _group_labels(codebook)
    n_row = {COLUMNS_NL[label]: TEXT_NL["n_col"]}
    for g in _group_order(frame["group"], codebook):
        n_row[labels.get(g, g)] = _number(frame.loc[frame["group"] == g, "n"].iloc[0], integer=True)
    out = pd.concat([rt.frame, pd.DataFrame([n_row], dtype=object)], ignore_index=True)
    return ReaderTable(out, rt.footnotes)


def _need(table: pd.DataFrame, cols: Sequence[str], what: str) -> None:
    missing = [c for c in cols if c not in table.columns]
    if missing:
        raise PeoError(f"{what}: the table has no column(s) {', '.join(missing)}; pass a table of peo.tables.analysis.")


# ========================================================================= figures


@dataclass(frozen=True)
class FigureDisplay:
    """A rendered figure for a notebook: PNG in an ``<img>`` with alt text.

    Attributes
    ----------
    png : bytes
        The figure, saved with :data:`peo.report.plots.SAVEFIG_KWARGS` inside :func:`peo.report.plots.figure_style`.
    alt : str
        The Dutch alt text.
    """

    png: bytes
    alt: str

    @property
    def width(self) -> int:
        """Display width in CSS pixels: half the PNG's pixel width (it is saved at 200 dpi)."""
        return max(1, int.from_bytes(self.png[16:20], "big") // 2)

    def html(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        alt = html.escape(self.alt, quote=True)
        return (
            f'<img src="data:image/png;base64,{data}" alt="{alt}" width="{self.width}" '
            'style="max-width: 100%; height: auto;" />'
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/html": self.html(), "text/plain": TEXT_NL["figure_plain"].format(alt=self.alt)}


def _render(fig) -> FigureDisplay:
    from peo.report import plots

    alt = plots.alt_text(fig)
    buf = io.BytesIO()
    with plots.figure_style():
        fig.savefig(buf, **plots.SAVEFIG_KWARGS["png"])
    return FigureDisplay(buf.getvalue(), alt)


def _close(fig) -> None:
    import matplotlib.pyplot as plt

    plt.close(fig)


def figure_html(fig) -> str:
    """The HTML ``<img>`` of a figure: an embedded PNG with the figure's alt text (escaped).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure made by :mod:`peo.report.plots` (it carries ``peo_alt_text``).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If the figure has no alt text (it was not made by :mod:`peo.report.plots`).
    """
    return _render(fig).html()


def show_figure(fig) -> None:
    """Display a figure in a notebook as a PNG with real alt text, then close it.

    The figure is rendered once to PNG (deterministic settings of :mod:`peo.report.plots`) and
    shown as HTML ``<img alt="...">``; its plain-text form is the alt text. The figure is
    closed afterwards, so that ``%matplotlib inline`` does not show it a second time.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure made by :mod:`peo.report.plots`.

    Raises
    ------
    ValueError
        If the figure has no alt text (it was not made by :mod:`peo.report.plots`).
    """
    from IPython.display import display

    shown = _render(fig)
    _close(fig)
    display(shown)


def show_all(parts: Iterable[Any]) -> None:
    """Display a list of parts in order (Markdown, tables, figures, rendered figures).

    A :class:`matplotlib.figure.Figure` is shown with :func:`show_figure`; anything else
    with :func:`IPython.display.display`.
    """
    from IPython.display import display
    from matplotlib.figure import Figure

    for part in parts:
        if isinstance(part, Figure):
            show_figure(part)
        else:
            display(part)


# ====================================================================== statements


def _markdown(text: str):
    from IPython.display import Markdown

    return Markdown(text)


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


def headline_statements(by_group: pd.DataFrame, group: str = "totaal") -> list[str]:
    """One sentence per item about its headline box, from a ``*_by_group`` table.

    Parameters
    ----------
    by_group : pandas.DataFrame
        A ``*_by_group`` table of :mod:`peo.tables.analysis`.
    group : str, default "totaal"
        The group whose share is stated.

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
            out.append(TEXT_NL["statement_headline"].format(
                **fields, pct=format_pct(r["share"]), count=int(r["count"]), n=int(r["n"]),
                ci=format_ci(r.get("ci_low"), r.get("ci_high")),
            ))
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
        if (part["p_holm"] < alpha).any():
            tests_text = "; ".join(
                TEXT_NL["tests_part"].format(
                    test=VALUES_NL["test"].get(str(r["test"]), str(r["test"])), p=_p_relation(r["p_holm"]),
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
    lines += [TEXT_NL["tests_different"].format(alpha=a, items="; ".join(different)) if different
             else TEXT_NL["tests_none_different"].format(alpha=a)]
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
        lines.append(TEXT_NL["by_space"].format(
            outcome_label=part["outcome_label"].iloc[0], box_label=part["box_label"].iloc[0], levels=", ".join(levels),
        ))
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
            lines.append(TEXT_NL["odds"].format(
                term_label=r["term_label"], box_label=r["box_label"], outcome_label=r["outcome_label"],
                or_=_number(r["odds_ratio"]), low=_number(r["ci_low"]), high=_number(r["ci_high"]),
                p=_p_relation(r["p_value"]), n=_number(r["n"], integer=True),
            ))
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
        lines.append(TEXT_NL["reliability"].format(
            construct_label=r["construct_label"], k=_number(r["k"], integer=True), n=_number(r["n"], integer=True),
            alpha=_number(r["alpha"]), low=_number(r["alpha_ci_low"]), high=_number(r["alpha_ci_high"]),
            omega=_number(r["omega"]),
        ))
    return statements(lines)


def wave_summary(data, with_theme: bool = False) -> Any:
    """A short Dutch paragraph about the wave: title, fieldwork, respondents, threshold.

    Group sizes below the disclosure threshold are shown as "–".

    Parameters
    ----------
    data : peo.tables.analysis.WaveData
    with_theme : bool, default False
        Also name the theme of the wave's thematic module.

    Returns
    -------
    IPython.display.Markdown
    """
    from peo.tables.wavedata import GROUP
    from peo.report.format import fieldwork as format_fieldwork

    w = data.wave
    cb = data.codebook
    counts = data.respondents[GROUP].astype("string").value_counts()
    parts = []
    for g in _group_order([g for g in categories(cb.group_item) if g in counts.index] or counts.index, cb):
        n = int(counts.get(g, 0))
        parts.append(TEXT_NL["summary_group"].format(group=g, n=n if n >= data.threshold else TEXT_NL["dash"]))
    text = TEXT_NL["summary"].format(
        title=md_escape(w.title), fieldwork=md_escape(format_fieldwork({"start": w.fieldwork_start, "end": w.fieldwork_end})),
        n=len(data.respondents), groups=", ".join(parts), threshold=data.threshold,
    )
    if with_theme and w.theme_nl:
        text += " " + TEXT_NL["summary_theme"].format(theme=md_escape(w.theme_nl))
    if w.synthetic:
        text += " " + TEXT_NL["summary_synthetic"]
    return _markdown(text)


# ================================================================ thematic module


def items_by_scale(table: pd.DataFrame, codebook: Codebook) -> list[list[str]]:
    """The items of a table grouped by answer scale, in codebook order (one figure per scale).

    Parameters
    ----------
    table : pandas.DataFrame
        A table with an ``item`` column.
    codebook : Codebook

    Returns
    -------
    list of list of str

    Raises
    ------
    CodebookError
        If an item is not in the codebook.
    """
    present = set(table["item"].astype(str))
    groups: dict[str, list[str]] = {}
    for item in codebook.items:
        if item.id in present:
            key = item.response_scale.name if item.response_scale is not None else item.id
            groups.setdefault(key, []).append(item.id)
    unknown = sorted(present - {i for g in groups.values() for i in g})
    if unknown:
        raise CodebookError(f"Item(s) {', '.join(unknown)} of the table are not in the codebook.")
    return list(groups.values())


def _question(item: Item) -> str:
    return TEXT_NL["question_line"].format(short=md_escape(item.short_nl), text=md_escape(item.text_nl))


def theme_overview(codebook: Codebook) -> ReaderTable:
    """The questions of the thematic module: wording, kind of question, where reported.

    Parameters
    ----------
    codebook : Codebook

    Returns
    -------
    ReaderTable
    """
    rows = [
        {
            TEXT_NL["theme_overview_question"]: i.text_nl,
            TEXT_NL["theme_overview_type"]: ITEM_TYPES_NL.get(i.type, i.type),
            TEXT_NL["theme_overview_where"]: TEXT_NL["theme_where_open" if i.type == "open" else "theme_where_here"],
        }
        for i in codebook.by_role("theme")
    ]
    cols = [TEXT_NL[k] for k in ("theme_overview_question", "theme_overview_type", "theme_overview_where")]
    return ReaderTable(pd.DataFrame(rows, columns=cols, dtype=object))


def _top(table: pd.DataFrame) -> pd.Series | None:
    total = table[(table["group"].astype(str) == "totaal") & ~_suppressed(table) & table["share"].notna()]
    if total.empty:
        return None
    return total.sort_values("share", ascending=False, kind="stable").iloc[0]


def _anything_shown(table: pd.DataFrame) -> bool:
    frame = pd.DataFrame(table)
    return bool((~_suppressed(frame) & frame["share"].notna()).any())


def _plot_frame(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table for drawing, with the interval bounds put on the right side of the share.

    Work-around: for a count of 0 the Wilson lower bound that statsmodels returns is a
    rounding error above 0 (about 7e-18), so ``share - ci_low`` is negative and matplotlib's
    ``errorbar`` refuses to draw. The bounds are moved to the share only where they cross
    it; the published table is not changed. (To be fixed at the source, in
    ``peo.stats.shares.wilson_interval`` or in ``peo.report.plots``.)
    """
    frame = pd.DataFrame(table).copy()
    if {"share", "ci_low", "ci_high"} <= set(frame.columns):
        share = frame["share"].astype("Float64")
        frame["ci_low"] = frame["ci_low"].astype("Float64").where(~(frame["ci_low"] > share), share)
        frame["ci_high"] = frame["ci_high"].astype("Float64").where(~(frame["ci_high"] < share), share)
    return frame


def _likert_parts(section, codebook: Codebook, items: list[Item]) -> list:
    from peo.report import plots
    from peo.tables.likert import headlines

    dist = section.tables["theme_distribution"]
    by_group = section.tables["theme_by_group"]
    cb = section.codebook or codebook
    parts: list = [_markdown(TEXT_NL["likert_heading"] + "\n\n" + TEXT_NL["likert_intro"])]
    parts.append(_markdown(TEXT_NL["likert_questions"] + "\n\n" + "\n".join(f"- {_question(i)}" for i in items)))
    for ids in items_by_scale(dist, cb):
        parts.append(plots.likert_diverging(dist, cb, items=ids))
    parts.append(statements(headline_statements(by_group)))
    heads = headlines(by_group)
    if len(heads):
        parts.append(plots.shares_by_group(_plot_frame(heads), codebook=cb))
    parts.append(group_table(by_group, codebook=cb))
    return parts


def _multi_parts(section, item: Item) -> list:
    from peo.report import plots

    table = section.tables[item.id]
    parts: list = [_markdown(f"### {md_escape(item.short_nl)}\n\n*{md_escape(item.text_nl)}*\n\n{TEXT_NL['multi_intro']}")]
    top = _top(table)
    parts.append(statements([
        TEXT_NL["multi_top"].format(label=top["answer_label"], pct=format_pct(top["share"]), n=int(top["n"]),
                                    count=int(top["count"]), ci=format_ci(top.get("ci_low"), top.get("ci_high")))
        if top is not None else TEXT_NL["top_hidden"]
    ]))
    if _anything_shown(table):  # a figure of hidden bars only would show nothing but a note
        # No codebook: the panels are titled with the short group names (GI, JZ, LT); the full
        # names do not fit above four narrow panels. The table below gives the full names.
        parts.append(plots.multi_choice(_plot_frame(table), item=item.id))
    parts.append(choice_table(table, codebook=section.codebook))
    return parts


def _categorical_parts(section, item: Item) -> list:
    table = section.tables["theme_categorical"]
    table = pd.DataFrame(table)[pd.DataFrame(table)["item"].astype(str) == item.id]
    parts: list = [_markdown(f"### {md_escape(item.short_nl)}\n\n*{md_escape(item.text_nl)}*\n\n{TEXT_NL['categorical_intro']}")]
    top = _top(table)
    parts.append(statements([
        TEXT_NL["categorical_top"].format(label=top["answer_label"], pct=format_pct(top["share"]), n=int(top["n"]),
                                          count=int(top["count"]))
        if top is not None else TEXT_NL["top_hidden"]
    ]))
    parts.append(choice_table(table, codebook=section.codebook, threshold=_threshold_of(section.tables["theme_categorical"], None)))
    return parts


def _numeric_parts(section, item: Item) -> list:
    table = section.tables[item.id]
    parts: list = [_markdown(f"### {md_escape(item.short_nl)}\n\n*{md_escape(item.text_nl)}*\n\n{TEXT_NL['numeric_intro']}")]
    frame = pd.DataFrame(table)
    total = frame[(frame["group"].astype(str) == "totaal") & ~_suppressed(frame)]
    if len(total) and not _missing(total["median"].iloc[0]):
        r = total.iloc[0]
        unit = f" {item.unit_nl}" if item.unit_nl else ""
        parts.append(statements([TEXT_NL["numeric_summary"].format(
            median=_number(r["median"], 1, trim=True), q1=_number(r["q1"], 1, trim=True),
            q3=_number(r["q3"], 1, trim=True),
            mean=_number(r["mean"], 1), unit=unit, n=_number(r["n"], integer=True),
        )]))
    elif len(total) and _number(total["n"].iloc[0], integer=True) == "0":
        parts.append(statements([TEXT_NL["statement_no_valid"].format(item_label=item.short_nl)]))
    else:
        parts.append(statements([TEXT_NL["top_hidden"]]))
    parts.append(reader_table(table, codebook=section.codebook))
    return parts


def theme_parts(section, codebook: Codebook) -> list:
    """Everything to show of a wave's thematic module, generic over its item types.

    Likert items: the question texts, diverging bars (one figure per answer scale), a
    sentence per item, the headline shares per employer type (figure and table).
    Multiple choice: a sentence on the most chosen answer, bars and a table per item.
    Categorical: a sentence and a table. Numeric: a sentence (median, quartiles, mean) and
    a table. Open: a pointer to the chapter on open answers. Sections come in that order;
    a kind of question the wave does not have is left out.

    Parameters
    ----------
    section : peo.tables.analysis.Section
        The result of :func:`peo.tables.analysis.theme`.
    codebook : Codebook
        The wave's codebook (its ``theme`` items are reported).

    Returns
    -------
    list
        Markdown, figures and tables, to pass to :func:`show_all`.

    Raises
    ------
    PeoError
        If the codebook has a theme item of a type this function does not show (a new type
        in :data:`peo.tables.analysis.THEME_TYPES` needs code here too).
    """
    items = codebook.by_role("theme")
    if not items:
        return [_markdown(TEXT_NL["theme_none"])]
    unknown = sorted({i.type for i in items} - set(ITEM_TYPES_NL))
    if unknown:
        raise PeoError(
            f"The thematic codebook has item type(s) {', '.join(unknown)}, which peo.report.present cannot show "
            f"(it shows: {', '.join(ITEM_TYPES_NL)}). Change the item type in the codebook or extend "
            "peo.report.present.theme_parts."
        )
    parts: list = []
    likert = [i for i in items if i.type == "likert"]
    if likert:
        parts += _likert_parts(section, codebook, likert)
    for item in items:
        if item.type == "multi":
            parts += _multi_parts(section, item)
    for item in items:
        if item.type == "categorical":
            parts += _categorical_parts(section, item)
    for item in items:
        if item.type == "numeric":
            parts += _numeric_parts(section, item)
    open_items = [i for i in items if i.type == "open"]
    if open_items:
        parts.append(_markdown(
            TEXT_NL["open_heading"] + "\n\n" + TEXT_NL["open_pointer"] + "\n\n"
            + "\n".join(f"- {_question(i)}" for i in open_items)
        ))
    return parts


# =================================================================== open answers


def quotes_markdown(quotes: pd.DataFrame, hide_themes: Iterable[str] = ()) -> Any:
    """Example quotes as Markdown block quotes under a bold theme label.

    Parameters
    ----------
    quotes : pandas.DataFrame
        Columns ``theme``, ``theme_label``, ``quote`` (de-identified and HTML-safe, as
        :func:`peo.tables.text.example_quotes` returns them).
    hide_themes : iterable of str
        Theme ids whose quotes are not shown (their count is hidden by disclosure control);
        a sentence says so instead.

    Returns
    -------
    IPython.display.Markdown
        Every quote escaped with :func:`md_escape`: nothing in an answer is read as
        Markdown or HTML.

    Raises
    ------
    PeoError
        If a column is missing.
    """
    _need(quotes, ["theme", "theme_label", "quote"], "quotes_markdown")
    hide = {str(t) for t in hide_themes}
    blocks = []
    for theme in dict.fromkeys(quotes["theme"].astype(str)):
        part = quotes[quotes["theme"].astype(str) == theme]
        label = md_escape(part["theme_label"].iloc[0])
        if theme in hide:
            blocks.append(md_escape(TEXT_NL["quotes_hidden"].format(theme_label=part["theme_label"].iloc[0])))
            continue
        blocks.append(f"**{label}**")
        blocks += [f"> {md_escape(q)}" for q in part["quote"] if md_escape(q)]
    if not blocks:
        return _markdown(TEXT_NL["quotes_none"])
    return _markdown("\n\n".join(blocks))


def coding_table(coding: str, themes: Mapping | None = None) -> ReaderTable:
    """The themes of one coding of the theme codebook: label, description, number of rules.

    Parameters
    ----------
    coding : str
        The coding's name (the ``coding`` of an open item, e.g. ``"solutions"``).
    themes : mapping, optional
        Codings as :func:`peo.tables.text.load_themes` returns them; default: loaded from
        ``codebooks/open_themes.yml``.

    Returns
    -------
    ReaderTable

    Raises
    ------
    PeoError
        If the coding is not in the theme codebook.
    """
    from peo.tables.text import load_themes

    themes = themes if themes is not None else load_themes()
    if coding not in themes:
        raise PeoError(
            f"The theme codebook has no coding {coding!r} (it has {', '.join(sorted(themes))}). "
            "Fix the item's 'coding' in the wave's theme.yml or add the coding to codebooks/open_themes.yml."
        )
    rows = [
        {TEXT_NL["coding_theme"]: t.nl, TEXT_NL["coding_description"]: " ".join(t.description_nl.split()),
         TEXT_NL["coding_rules"]: str(len(t.patterns))}
        for t in themes[coding].themes
    ]
    return ReaderTable(pd.DataFrame(rows, dtype=object))


def coding_parts(codebook: Codebook, themes: Mapping | None = None) -> list:
    """The theme codings used by the open questions of a wave, each as a heading and a table.

    Parameters
    ----------
    codebook : Codebook
        The wave's codebook; its open items name their coding (``coding:``).
    themes : mapping, optional
        Codings as :func:`peo.tables.text.load_themes` returns them; default: loaded from
        ``codebooks/open_themes.yml``.

    Returns
    -------
    list
        Markdown and :class:`ReaderTable` objects, to pass to :func:`show_all`.

    Raises
    ------
    PeoError
        If an open item names a coding that is not in the theme codebook.
    """
    from peo.tables.text import load_themes

    items = [i for i in codebook.by_type("open") if i.coding]
    if not items:
        return [_markdown(TEXT_NL["open_none"])]
    themes = themes if themes is not None else load_themes()
    parts: list = []
    for coding in dict.fromkeys(i.coding for i in items):
        table = coding_table(coding, themes)
        questions = ", ".join(f"'{md_escape(i.short_nl)}'" for i in items if i.coding == coding)
        parts.append(_markdown(TEXT_NL["coding_heading"].format(coding=md_escape(themes[coding].nl), questions=questions)))
        parts.append(table)
    return parts


def open_parts(section, codebook: Codebook) -> list:
    """Everything to show of the open answers of a wave, per open item.

    Per item: the question, how many respondents gave a usable answer, the most mentioned
    theme, the theme bars (per employer type), the table of theme counts (hidden cells
    "–") and a few de-identified example quotes per theme (not for a theme whose total
    count is hidden).

    Parameters
    ----------
    section : peo.tables.analysis.Section
        The result of :func:`peo.tables.analysis.open_answers` (with ``quotes``).
    codebook : Codebook
        The wave's codebook.

    Returns
    -------
    list
        Markdown, figures and tables, to pass to :func:`show_all`.
    """
    from peo.report import plots

    quotes = getattr(section, "quotes", {}) or {}
    items = [i for i in codebook.by_type("open") if f"open_{i.id}" in section.tables]
    if not items:
        return [_markdown(TEXT_NL["open_none"])]
    parts: list = []
    for item in items:
        table = section.tables[f"open_{item.id}"]
        frame = pd.DataFrame(table)
        parts.append(_markdown(f"### {md_escape(item.short_nl)}\n\n*{md_escape(item.text_nl)}*"))
        total = frame[frame["group"].astype(str) == "totaal"]
        n_total = total["n"].iloc[0] if len(total) else None
        total_shown = total[~_suppressed(total) & total["share"].notna()]
        if _missing(n_total) or total_shown.empty:
            parts.append(statements([TEXT_NL["open_answers_hidden"]]))
        else:
            top = total_shown.sort_values("share", ascending=False, kind="stable").iloc[0]
            parts.append(statements([
                TEXT_NL["open_answers"].format(n=int(n_total)),
                TEXT_NL["open_top"].format(label=top["theme_label"], pct=format_pct(top["share"]),
                                           count=int(top["count"]), n=int(top["n"])),
                TEXT_NL["open_share_note"],
            ]))
            # Short group names in the panel titles (see _multi_parts); the table has the full names.
            parts.append(plots.theme_bars(_plot_frame(table)))
        parts.append(choice_table(table, codebook=codebook))
        parts.append(_markdown(TEXT_NL["quotes_heading"] + "\n\n" + TEXT_NL["quotes_intro"].replace("[", "\\[").replace("]", "\\]")))
        hidden = set(total.loc[_suppressed(total) | total["share"].isna(), "theme"].astype(str)) if "theme" in total else set()
        q = quotes.get(item.id)
        if q is None or len(q) == 0:
            parts.append(_markdown(TEXT_NL["quotes_none"]))
        else:
            parts.append(quotes_markdown(q, hide_themes=hidden))
    return parts
