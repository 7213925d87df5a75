"""Theme coding of open answers, counts per theme and example quotes.

:func:`code_themes` codes answers into themes with the reviewable rules of
``codebooks/open_themes.yml``; :func:`theme_counts` counts them per employer type for
disclosure control (:mod:`peo.tables.disclosure`), and :func:`example_quotes` picks a few
short, de-identified, HTML-safe quotes per theme, only from answers in which nothing
identifying is left (:func:`peo.tables.deid.residual_identifiers`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from peo import paths
from peo.errors import CodebookError
from peo.tables.deid import residual_identifiers
from peo.tables.safe import html_safe
from peo.yamltext import load_yaml

__all__ = ["Theme", "Coding", "load_themes", "code_themes", "theme_counts", "example_quotes"]


@dataclass(frozen=True)
class Theme:
    """One theme of a coding: id, labels, description and its matching rules."""

    id: str
    nl: str
    en: str
    description_nl: str
    patterns: tuple[str, ...]
    regex: re.Pattern | None = field(default=None, repr=False, compare=False)

    def matches(self, normalised_text: str) -> bool:
        """Whether the (accent-free) text matches one of the theme's patterns."""
        return self.regex is not None and self.regex.search(normalised_text) is not None


@dataclass(frozen=True)
class Coding:
    """A theme codebook for one kind of open question (``barriers``, ``solutions``, ...).

    ``themes`` ends with the automatic "other" theme, which has no patterns and is given
    to every answer that matches no other theme.
    """

    name: str
    nl: str
    en: str
    themes: tuple[Theme, ...]
    non_answers: tuple[re.Pattern, ...] = field(default=(), repr=False)

    @property
    def other(self) -> Theme:
        return self.themes[-1]

    def labels(self) -> dict[str, str]:
        """Theme id to Dutch label, in codebook order."""
        return {t.id: t.nl for t in self.themes}


def _fold(s: str) -> str:
    """Remove accents ("cliënt" -> "client") so that patterns need not spell them."""
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _theme_regex(patterns: list[str], where: str) -> re.Pattern:
    compiled = []
    for p in patterns:
        if not isinstance(p, str) or not p.strip():
            raise CodebookError(f"{where}: every pattern must be a non-empty text; found {p!r}.")
        try:
            re.compile(_fold(p))
        except re.error as exc:
            raise CodebookError(
                f"{where}: pattern {p!r} is not a valid regular expression ({exc}). "
                "Fix it in the theme codebook; a literal dot or bracket needs a backslash."
            ) from None
        compiled.append(f"(?<!\\w)(?:{_fold(p)})")
    return re.compile("|".join(compiled), re.IGNORECASE)


def _theme_fields(d, where: str, need_patterns: bool) -> dict:
    if not isinstance(d, dict):
        raise CodebookError(f"{where}: a theme must be a mapping with id, nl, en, description_nl and patterns.")
    for key in ("id", "nl", "en", "description_nl") + (("patterns",) if need_patterns else ()):
        if d.get(key) in (None, "", []):
            raise CodebookError(f"{where}: the field {key!r} is missing. Add it to the theme codebook.")
    return d


def load_themes(path: str | Path | None = None) -> dict[str, Coding]:
    """Read and check the theme codebook of the open answers.

    The file (default ``codebooks/open_themes.yml``) holds the codings named in the
    ``coding:`` field of the open items of each wave's ``theme.yml``. Each theme has an
    ``id``, Dutch and English labels, a Dutch description and ``patterns``: regular
    expressions matched case-insensitively, without accents, at the start of a word (so
    ``regel`` matches "regels" and "regelgeving" but not "onregelmatig"; write ``\\w*regel``
    to match inside a compound, end with ``\\b`` for a whole word). The file's ``other``
    theme is added to every coding for answers that match no theme; ``non_answers`` are
    answers that are not answers at all ("nvt", "geen") and are not coded.

    Parameters
    ----------
    path : str or Path, optional
        The theme codebook; default ``codebooks/open_themes.yml`` under the repository root.

    Returns
    -------
    dict of str to Coding
        Coding name to :class:`Coding`, in file order.

    Raises
    ------
    CodebookError
        If the file is missing or not valid YAML, a field is missing, a theme id or label
        is used twice within a coding or clashes with the ``other`` theme, or a pattern is
        not a valid regular expression. The message names the file, coding and theme.
    """
    path = Path(path) if path is not None else paths.codebook_dir() / "open_themes.yml"
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CodebookError(f"The theme codebook {path} does not exist.") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise CodebookError(f"The theme codebook {path} is not valid UTF-8 YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("codings"), dict) or not data["codings"]:
        raise CodebookError(
            f"{path}: expected a mapping with 'other', 'non_answers' and a non-empty 'codings' mapping."
        )
    other_d = _theme_fields(data.get("other"), f"{path}, theme 'other'", need_patterns=False)
    other = Theme(str(other_d["id"]), str(other_d["nl"]), str(other_d["en"]), str(other_d["description_nl"]), ())
    non_answers = []
    for p in data.get("non_answers") or []:
        try:
            non_answers.append(re.compile(_fold(str(p)), re.IGNORECASE))
        except re.error as exc:
            raise CodebookError(f"{path}, non_answers: {p!r} is not a valid regular expression ({exc}).") from None

    codings: dict[str, Coding] = {}
    for name, cdef in data["codings"].items():
        cw = f"{path}, coding {name!r}"
        if not isinstance(cdef, dict) or not isinstance(cdef.get("themes"), list) or not cdef["themes"]:
            raise CodebookError(f"{cw}: expected a mapping with nl, en and a non-empty list of 'themes'.")
        themes: list[Theme] = []
        ids: set[str] = {other.id}
        labels: set[str] = {other.nl}
        for n, tdef in enumerate(cdef["themes"], start=1):
            tid = tdef.get("id") if isinstance(tdef, dict) else None
            tw = f"{cw}, theme {tid or n!r}"
            _theme_fields(tdef, tw, need_patterns=True)
            tid = str(tid)
            if tid in ids:
                raise CodebookError(
                    f"{cw}: theme id {tid!r} is used twice (or clashes with the 'other' theme). "
                    "Every theme id in a coding must be unique."
                )
            if str(tdef["nl"]) in labels:
                raise CodebookError(
                    f"{tw}: the Dutch label {tdef['nl']!r} is used twice in this coding. Make it unique."
                )
            ids.add(tid)
            labels.add(str(tdef["nl"]))
            pats = tdef["patterns"]
            if not isinstance(pats, list):
                raise CodebookError(f"{tw}: 'patterns' must be a list of regular expressions.")
            themes.append(
                Theme(
                    tid,
                    str(tdef["nl"]),
                    str(tdef["en"]),
                    str(tdef["description_nl"]),
                    tuple(map(str, pats)),
                    _theme_regex(pats, tw),
                )
            )
        codings[str(name)] = Coding(
            str(name),
            str(cdef.get("nl", name)),
            str(cdef.get("en", name)),
            tuple(themes) + (other,),
            tuple(non_answers),
        )
    return codings


def _get_coding(coding: str, themes: dict[str, Coding] | None) -> Coding:
    themes = load_themes() if themes is None else themes
    if coding not in themes:
        raise CodebookError(
            f"The theme codebook has no coding {coding!r} (named in an open item's 'coding:' field). "
            f"Known codings: {', '.join(themes) or 'none'}."
        )
    return themes[coding]


def code_themes(texts: pd.Series, coding: str, themes: dict[str, Coding] | None = None) -> pd.DataFrame:
    """Code open answers into themes.

    An answer gets every theme one of whose patterns it matches, or the "other" theme
    (``overig``) when it matches none. Missing, empty and non-answers ("nvt", "geen",
    see ``non_answers`` in the codebook) are not coded.

    Parameters
    ----------
    texts : pandas.Series
        Answers indexed by respondent (``pid``). De-identified or not: tags do not match
        any pattern.
    coding : str
        Name of the coding (``barriers``, ``solutions``, ``expectations``).
    themes : dict, optional
        Result of :func:`load_themes`; default: the repository's theme codebook.

    Returns
    -------
    pandas.DataFrame
        Long, one row per answer and theme, in answer order then codebook order, with
        columns ``pid`` (the Series' index label), ``theme`` (categorical: every theme id
        of the coding, ``overig`` last) and ``theme_label`` (categorical Dutch labels, in
        the same order).

    Raises
    ------
    CodebookError
        If the coding does not exist or the theme codebook is malformed.
    """
    c = _get_coding(coding, themes)
    rows = []
    coded: dict[str, list[Theme]] = {}  # each distinct answer is matched once (large waves repeat answers)
    for pid, value in texts.items():
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            continue
        text = str(value)
        hits = coded.get(text)
        if hits is None:
            norm = _fold(" ".join(text.split())).casefold()
            if not norm or any(rx.fullmatch(norm.strip(" .!?")) for rx in c.non_answers) or not re.search(r"\w", norm):
                hits = []
            else:
                hits = [t for t in c.themes[:-1] if t.matches(norm)] or [c.other]
            coded[text] = hits
        rows += [(pid, t.id, t.nl) for t in hits]
    out = pd.DataFrame(rows, columns=["pid", "theme", "theme_label"])
    out["theme"] = pd.Categorical(out["theme"], categories=[t.id for t in c.themes])
    out["theme_label"] = pd.Categorical(out["theme_label"], categories=[t.nl for t in c.themes])
    return out


def _check_coded(coded: pd.DataFrame, fn: str) -> None:
    missing = {"pid", "theme", "theme_label"} - set(getattr(coded, "columns", []))
    if missing:
        raise ValueError(f"{fn}(): 'coded' must be the result of code_themes(); columns {sorted(missing)} are missing.")


def _theme_order(coded: pd.DataFrame) -> tuple[list[str], dict[str, str]]:
    """Theme ids in codebook order (from the categorical of code_themes) and their labels."""
    theme, label = coded["theme"], coded["theme_label"]
    labels = dict(zip(theme.astype(str), label.astype(str)))
    if isinstance(theme.dtype, pd.CategoricalDtype):
        ids = [str(t) for t in theme.cat.categories]
        if isinstance(label.dtype, pd.CategoricalDtype) and len(label.cat.categories) == len(ids):
            for t, lab in zip(ids, label.cat.categories):
                labels.setdefault(t, str(lab))
    else:
        ids = list(dict.fromkeys(theme.astype(str)))
    return ids, labels


def theme_counts(coded: pd.DataFrame, groups: pd.Series, *, total_label: str | None = None) -> pd.DataFrame:
    """Count the respondents who mention each theme, per employer type and in total.

    The counts are raw: small cells are suppressed by ``peo.tables.disclosure``, not here.

    Parameters
    ----------
    coded : pandas.DataFrame
        Result of :func:`code_themes` (several items of one coding may be concatenated).
    groups : pandas.Series
        Employer type per respondent, indexed by ``pid`` (categorical ``GI``/``JZ``/``LT``
        keeps its category order; otherwise sorted). Respondents without a group count in
        the total only.
    total_label : str, optional
        Group value of the all-respondents rows; default the codebook's total (``totaal``).

    Returns
    -------
    pandas.DataFrame
        One row per theme (codebook order, including themes nobody mentioned) and group
        (groups, then the total), with columns ``theme``, ``theme_label``, ``group``,
        ``n_answers`` (respondents in the group with a coded answer), ``count``
        (respondents mentioning the theme) and ``share`` (``count / n_answers``, not
        rounded; missing when ``n_answers`` is 0).

    Raises
    ------
    ValueError
        If ``coded`` lacks the columns of :func:`code_themes`.
    """
    _check_coded(coded, "theme_counts")
    if total_label is None:
        from peo.survey.codebook import groups as codebook_groups

        total_label = codebook_groups().total
    theme_ids, labels = _theme_order(coded)
    if isinstance(groups.dtype, pd.CategoricalDtype):
        group_order = [str(g) for g in groups.cat.categories]
    else:
        group_order = sorted(str(g) for g in groups.dropna().unique())
    group_of = {pid: (None if pd.isna(g) else str(g)) for pid, g in groups.items()}
    df = pd.DataFrame({"pid": coded["pid"].to_numpy(), "theme": coded["theme"].astype(str).to_numpy()})
    df["group"] = [group_of.get(p) for p in df["pid"]]
    df = df.drop_duplicates(["pid", "theme"])
    rows = []
    for g in group_order + [total_label]:
        sub = df if g == total_label else df[df["group"] == g]
        n = sub["pid"].nunique()
        counts = sub.groupby("theme")["pid"].nunique()
        for t in theme_ids:
            k = int(counts.get(t, 0))
            rows.append(
                {
                    "theme": t,
                    "theme_label": labels.get(t, t),
                    "group": g,
                    "n_answers": n,
                    "count": k,
                    "share": k / n if n else np.nan,
                }
            )
    out = pd.DataFrame(rows)
    order = {t: i for i, t in enumerate(theme_ids)}
    gorder = {g: i for i, g in enumerate(group_order + [total_label])}
    out = out.sort_values(
        ["theme", "group"], key=lambda s: s.map(order if s.name == "theme" else gorder), kind="stable"
    )
    out = out.reset_index(drop=True).astype({"n_answers": "int64", "count": "int64", "share": "float64"})
    return out


def _shorten(text: str, max_chars: int) -> str:
    """Collapse white space and cut at a word boundary (never inside a tag) with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    space = cut.rfind(" ")
    if space > max_chars // 2:
        cut = cut[:space]
    elif "[" in cut and "]" not in cut[cut.rfind("[") :]:
        cut = cut[: cut.rfind("[")]
    return cut.rstrip(" ,;:.-") + "…"


def example_quotes(
    deid_text: pd.Series,
    coded: pd.DataFrame,
    per_theme: int = 3,
    max_chars: int = 200,
    seed: int = 2022,
    *,
    min_chars: int = 15,
) -> pd.DataFrame:
    """Pick a few short de-identified example quotes per theme, ready for a page.

    Quotes are drawn at random (reproducibly, from ``seed``) among the answers coded with
    the theme that are at least ``min_chars`` long and in which
    :func:`residual_identifiers` finds no e-mail address, phone number, URL or region name
    (a check after de-identification, not instead of it). An answer is used for one theme
    only. Quotes longer than ``max_chars`` are cut at a word with "…"; all are HTML-escaped
    (:func:`html_safe`). Tags such as ``[PERSOON-1]`` may remain in a quote.

    Parameters
    ----------
    deid_text : pandas.Series
        De-identified answers (``deidentify(...).text``), indexed by ``pid``.
    coded : pandas.DataFrame
        Result of :func:`code_themes` on the same answers.
    per_theme : int, default 3
        Maximum number of quotes per theme.
    max_chars : int, default 200
        Maximum length of a quote before escaping.
    seed : int, default 2022
        Seed of the random choice; the same inputs and seed give the same quotes.
    min_chars : int, default 15
        Shorter answers are not quoted.

    Returns
    -------
    pandas.DataFrame
        Columns ``theme``, ``theme_label``, ``quote`` (HTML-safe), in codebook order;
        themes without a usable answer have no rows.

    Raises
    ------
    ValueError
        If ``coded`` lacks the columns of :func:`code_themes`, or ``per_theme`` or
        ``max_chars`` is not positive.
    """
    _check_coded(coded, "example_quotes")
    if per_theme < 1 or max_chars < 10:
        raise ValueError("example_quotes(): per_theme must be at least 1 and max_chars at least 10.")
    texts = {pid: t for pid, t in deid_text.items() if isinstance(t, str)}
    theme_ids, labels = _theme_order(coded)
    used: set = set()
    rows = []
    quotable: dict[str, bool] = {}  # per distinct text: long enough and nothing identifying left

    def usable(text: str) -> bool:
        if text not in quotable:
            quotable[text] = len(" ".join(text.split())) >= min_chars and not residual_identifiers(text)
        return quotable[text]

    for i, t in enumerate(theme_ids):
        pids = list(dict.fromkeys(coded.loc[coded["theme"].astype(str) == t, "pid"].tolist()))
        cands = [p for p in pids if p not in used and p in texts and usable(texts[p])]
        if not cands:
            continue
        rng = np.random.default_rng([seed, i])
        pick = sorted(rng.choice(len(cands), size=min(per_theme, len(cands)), replace=False))
        for j in pick:
            p = cands[j]
            used.add(p)
            rows.append({"theme": t, "theme_label": labels[t], "quote": html_safe(_shorten(texts[p], max_chars))})
    return pd.DataFrame(rows, columns=["theme", "theme_label", "quote"]).astype("string")
