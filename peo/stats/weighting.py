"""Representativeness: response rates and shares post-stratified to the population.

The PEO is an opt-in survey whose response is spread about evenly over the three employer
types, while the region's professionals are not (2022: GI 430, JZ 1,400, LT 800). An
unweighted total therefore counts each GI respondent about twice as heavily as the
population does. :func:`poststratified_shares` weights the respondents to the population
per employer type (``population:`` in ``wave.yml``) and gives design-based 95% intervals;
:func:`response_rates` shows population, response and response rate per employer type.

Post-stratification corrects the *composition* by employer type only. Within a type it
assumes that respondents answer like the professionals who did not take part; nothing here
corrects for self-selection within a type.

Library
-------
``svy`` (samplics-org, MIT), the maintained successor of ``samplics``. ``samplics`` 0.6.1
(the version on PyPI) installs with the pinned numpy and pandas, but it is archived (it
says so on import, ``FutureWarning``: "migrate to svy"), and its Taylor variance after
``SampleWeight.poststratify`` treats the weights as fixed (or, with the employer type as
strata, as a stratified sample), so it does not reproduce R's ``postStratify``. ``svy``
records the post-stratification in the design and linearises it as R's ``survey`` does:
its standard errors and intervals equal ``svyciprop`` to at least 8 digits
(``tests/test_weighting.py``).

Interval
--------
``ci_method="logit"``: R's default ``svyciprop(method = "logit")``: a Wald interval on the
logit scale, ``logit(p) -/+ t(0.975, df) * SE / (p (1 - p))``, back-transformed, with
``df = n - 1`` (``degf`` of the post-stratified simple random sample). It stays inside
(0, 1); at a share of exactly 0 or 1 it is undefined (NaN bounds, a note says so).

References
----------
Lumley, T. (2010). Complex Surveys: A Guide to Analysis Using R, section 7.4
    (post-stratification). Wiley.
Holt, D., & Smith, T. M. F. (1979). Post stratification. Journal of the Royal Statistical
    Society A, 142(1), 33-46.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from peo.errors import CodebookError, ConfigError
from peo.stats.columns import NOTE_NO_VALID, as_list, item_codes
from peo.stats.shares import TOTAL
from peo.survey.wording import phrase
from peo.survey.codebook import Codebook

__all__ = [
    "CI_METHOD",
    "CONFIDENCE",
    "check_population",
    "response_rates",
    "poststratified_shares",
]

#: Interval of the weighted shares (R ``svyciprop(method = "logit")``).
CI_METHOD = "logit"
CONFIDENCE = 0.95

NOTE_NO_INTERVAL = phrase("stats_notes", "no_interval")
NOTE_GROUP_MISSING = phrase("stats_notes", "group_missing")


def check_population(
    population: Mapping | None,
    responses: Mapping[str, int],
    groups: Iterable[str],
    source: str | Path = "wave.yml",
) -> dict[str, int] | None:
    """Check the population figures of a wave against its codebook and its responses.

    Parameters
    ----------
    population : mapping or None
        ``population:`` of ``wave.yml`` (employer type -> number of professionals). ``None``
        or empty: the wave has no population figures (then nothing is weighted).
    responses : mapping
        Analysed respondents per employer type.
    groups : iterable of str
        The employer types the codebook knows (``GI``, ``JZ``, ``LT``).
    source : str or Path
        The ``wave.yml`` the figures come from, for the message.

    Returns
    -------
    dict or None
        The population per employer type (in codebook order), or ``None`` without figures.

    Raises
    ------
    ConfigError
        Naming the file and the key (``population.GI``) when a figure is missing for an
        employer type, is not a whole number, is zero or negative, is smaller than the
        number of respondents of that type, or names an employer type the codebook does
        not know.
    """
    if not population:
        return None
    groups = [str(g) for g in groups]
    where = f"{source}"
    unknown = [str(k) for k in population if str(k) not in groups]
    if unknown:
        raise ConfigError(
            f"{where}: population.{unknown[0]} names an employer type the codebook does not know "
            f"(known: {', '.join(groups)}). Correct the key under 'population:'."
        )
    out: dict[str, int] = {}
    values = {str(k): v for k, v in population.items()}
    for g in groups:
        if g not in values or values[g] is None:
            raise ConfigError(
                f"{where}: population.{g} is missing. Give the number of professionals of every employer type "
                f"({', '.join(groups)}) under 'population:', or remove 'population:' to publish unweighted shares only."
            )
        v = values[g]
        if (
            isinstance(v, bool)
            or not isinstance(v, (int, np.integer))
            and not (isinstance(v, float) and float(v).is_integer())
        ):
            raise ConfigError(f"{where}: population.{g} is {v!r}; it must be a whole number of professionals.")
        v = int(v)
        if v <= 0:
            raise ConfigError(f"{where}: population.{g} is {v}; it must be a positive number of professionals.")
        n = int(responses.get(g, 0))
        if v < n:
            raise ConfigError(
                f"{where}: population.{g} is {v}, smaller than the {n} analysed respondents of that type. "
                "Correct the population figure (the number of professionals of that type in the region)."
            )
        out[g] = v
    return out


def response_rates(responses: Mapping[str, int], population: Mapping[str, int] | None) -> pd.DataFrame:
    """Population, response and response rate per employer type, and in total.

    Returns
    -------
    pandas.DataFrame
        One row per employer type and a ``totaal`` row. Columns: ``group``, ``population``
        (NaN without figures), ``n`` (analysed respondents), ``response_rate`` (``n /
        population``), ``population_share`` and ``sample_share`` (the type's share of the
        population and of the respondents), ``weight`` (``population_share /
        sample_share``: how much one respondent of that type counts after weighting,
        relative to unweighted).
    """
    groups = list(responses)
    n = pd.Series({g: int(responses[g]) for g in groups}, dtype="float64")
    pop = pd.Series({g: float(population[g]) if population else np.nan for g in groups}, dtype="float64")
    rows = pd.DataFrame({"group": groups, "population": pop.to_numpy(), "n": n.to_numpy()})
    total = pd.DataFrame({"group": [TOTAL], "population": [pop.sum() if population else np.nan], "n": [n.sum()]})
    out = pd.concat([rows, total], ignore_index=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["response_rate"] = out["n"] / out["population"]
        out["population_share"] = out["population"] / (pop.sum() if population else np.nan)
        out["sample_share"] = out["n"] / n.sum()
        out["weight"] = out["population_share"] / out["sample_share"]
    out.loc[out["group"] == TOTAL, "weight"] = np.nan
    out["n"] = out["n"].astype("int64")
    return out


def _estimate(y: np.ndarray, groups: np.ndarray, population: Mapping[str, int]) -> dict:
    """Post-stratified share of ``y`` (0/1) with its logit interval, through ``svy``."""
    import polars as pl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import svy

        frame = pl.DataFrame({"g": groups.astype(str), "y": np.where(y == 1, "1", "0"), "w": np.ones(len(y))})
        sample = svy.Sample(data=frame, design=svy.Design(wgt="w"))
        sample = sample.weighting.poststratify(
            controls={g: float(population[g]) for g in population if g in set(groups)}, cells="g"
        )
        est = sample.estimation.prop("y", ci_method=CI_METHOD, alpha=1 - CONFIDENCE).to_polars()
    row = est.filter(pl.col("y") == "1")
    if row.height == 0:  # nobody in the box
        return {"share": 0.0, "se": 0.0, "ci_low": np.nan, "ci_high": np.nan, "df": float(len(y) - 1)}
    r = row.row(0, named=True)
    return {
        "share": float(r["est"]),
        "se": float(r["se"]),
        "ci_low": float(r["lci"]),
        "ci_high": float(r["uci"]),
        "df": float(r["df"]),
    }


def poststratified_shares(
    df: pd.DataFrame,
    codebook: Codebook,
    items: str | Iterable[str],
    population: Mapping[str, int],
    by: str = "employer_type",
    box: str | None = None,
) -> pd.DataFrame:
    """Share of all respondents in a box, post-stratified to the population per employer type.

    Per item, the respondents with a valid answer are weighted so that each employer type
    counts with its share of the population (weight ``N_h / n_h``), as R's
    ``postStratify(svydesign(ids = ~1, data), ~employer_type, population)``; the share and
    its standard error come from ``svy`` (Taylor linearisation of the post-stratified
    estimator) and the 95% interval is R's ``svyciprop(method = "logit")`` (see the module
    docstring).

    Parameters
    ----------
    df : pandas.DataFrame
        The processed respondents frame.
    codebook : Codebook
        The merged codebook.
    items : str or list of str
        Likert or categorical items with boxes.
    population : mapping
        Professionals per employer type (:func:`check_population`).
    by : str
        The post-stratification column, default ``"employer_type"``.
    box : str, optional
        The box to estimate; default each item's headline box.

    Returns
    -------
    pandas.DataFrame
        One row per item. Columns: ``item``, ``item_label``, ``box``, ``box_label``,
        ``group`` (``"totaal"``), ``n`` (respondents with a valid answer), ``share``
        (weighted), ``se``, ``ci_low``, ``ci_high`` (95%), ``df`` (degrees of freedom of the
        t quantile), ``ci_method`` (``"logit"``), ``weighting`` (``"poststratified"``) and
        ``note`` (Dutch, empty when all is well).

    Raises
    ------
    CodebookError
        If an item has no such box (or no headline box).

    Notes
    -----
    Checked against R ``survey`` 4.x: ``svyciprop(~box, postStratify(svydesign(ids = ~1,
    weights = ~w, data = d), ~employer_type, pop), method = "logit")`` on a data set made
    in ``tests/r/reference_stats.R`` (``tests/test_weighting.py``).
    """
    rows = []
    for iid in as_list(items):
        item = codebook.item(iid)
        name = box if box is not None else item.headline
        boxes = item.response_scale.boxes if item.response_scale is not None else {}
        if name is None or name not in boxes:
            raise CodebookError(
                f"Item {iid!r}: {'no headline box' if name is None else f'no box {name!r}'}; "
                "poststratified_shares() needs a box of the answer scale."
            )
        codes = item_codes(df, codebook, iid)
        groups = df[by].astype("object")
        valid = codes.notna() & groups.notna()
        y = codes[valid].isin(boxes[name].codes).to_numpy(dtype=int)
        g = groups[valid].astype(str).to_numpy()
        row = {
            "item": iid,
            "item_label": item.short_nl,
            "box": name,
            "box_label": boxes[name].nl,
            "group": TOTAL,
            "n": int(valid.sum()),
            "share": np.nan,
            "se": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "df": np.nan,
            "ci_method": CI_METHOD,
            "weighting": "poststratified",
            "note": "",
        }
        absent = [h for h in population if h not in set(g)]
        if not valid.any():
            row["note"] = NOTE_NO_VALID
        elif absent:
            row["note"] = NOTE_GROUP_MISSING.format(group=absent[0])
        else:
            row.update(_estimate(y, g, population))
            if not np.isfinite(row["ci_low"]):
                row["note"] = NOTE_NO_INTERVAL
        rows.append(row)
    table = pd.DataFrame(rows)
    table["n"] = table["n"].astype("int64")
    for c in ("share", "se", "ci_low", "ci_high", "df"):
        table[c] = table[c].astype("float64")
    return table
