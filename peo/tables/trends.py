"""Trends across waves: the core module's headline shares per wave and their changes.

Everything here is computed from the *published* tables of each wave
(``data/processed/<wave>/tables/*_by_group.csv``), never from respondent data: a trend can
only show what the waves already published, and a cell hidden by disclosure control in a
wave stays hidden in the trend.

The waves are independent cross-sections of an opt-in survey; the same professional may
answer in several waves, and nobody is followed over time. A change between two waves is
therefore the difference of two independent proportions, with Newcombe's hybrid score
interval (Newcombe 1998, method 10), via statsmodels
``confint_proportions_2indep(..., method="newcomb")``. Intervals, not significance stars:
with about 160 respondents a wave only changes of roughly 16 percentage points can be
detected (see :func:`detectable_change`).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from peo.tables import disclosure
from peo.report import format as fmt
from peo.survey.codebook import groups
from peo.survey.wording import wording
from peo import paths
from peo.survey.config import list_waves
from peo.errors import PeoError

__all__ = [
    "SOURCE_TABLES",
    "TOTAL",
    "TREND_DIR",
    "TREND_ROLES",
    "changes",
    "changes_frame",
    "detectable_change",
    "detectable_statement",
    "headline_trend",
    "load_trend_package",
    "published",
    "role_items",
    "write_results",
]

#: The value of the group column for all respondents.
TOTAL = disclosure.TOTAL_GROUP
#: The published tables a trend is built from (headline box per employer type and in total).
SOURCE_TABLES = ("space_by_group", "outcome_by_group")
TREND_DIR = "trends"
#: The codebook roles whose items the trends chapter shows (stored in the trends package).
TREND_ROLES = ("core", "outcome")


def published(table: str, waves: list[str] | None = None) -> pd.DataFrame:
    """Concatenate a published table over waves, with a ``wave`` column first.

    Raises
    ------
    PeoError
        If a wave has not published the table yet.
    """
    waves = waves if waves is not None else [w.id for w in list_waves()]
    parts = []
    for wid in waves:
        path = paths.processed_dir(wid) / "tables" / f"{table}.csv"
        if not path.is_file():
            raise PeoError(f"{path} does not exist: build wave {wid} first (`python -m peo build --wave {wid}`).")
        df = pd.read_csv(path, dtype={"group": str})
        df.insert(0, "wave", str(wid))
        parts.append(df)
    if not parts:
        raise PeoError("There are no waves under data/raw/: nothing to compare.")
    return pd.concat(parts, ignore_index=True)


def headline_trend(waves: list[str] | None = None) -> pd.DataFrame:
    """Headline shares of the core module and outcomes per wave, in total and per employer type.

    Returns
    -------
    pandas.DataFrame
        Columns: ``wave``, ``item``, ``item_label``, ``box``, ``box_label``, ``group``,
        ``n``, ``count``, ``share``, ``ci_low``, ``ci_high`` (95% Wilson, as published),
        ``suppressed``.
    """
    frames = [published(t, waves) for t in SOURCE_TABLES]
    df = pd.concat(frames, ignore_index=True)
    df = df[df["box"] != "rest"]
    cols = [
        "wave",
        "item",
        "item_label",
        "box",
        "box_label",
        "group",
        "n",
        "count",
        "share",
        "ci_low",
        "ci_high",
        "suppressed",
    ]
    df["suppressed"] = df["suppressed"].astype(str).str.lower().eq("true")
    # Counts are whole numbers (the CSV reader gives floats where a value is blank).
    for c in ("n", "count"):
        df[c] = pd.to_numeric(df[c]).astype("Int64")
    why = df["suppression"] if "suppression" in df else pd.Series("", index=df.index)
    df["suppression"] = why.astype("string").fillna("").where(df["suppressed"], "").astype(str)
    return df[[*cols, "suppression"]].reset_index(drop=True)


def role_items(role: str, waves: list[str] | None = None) -> list[str]:
    """Ids of the items with a codebook role (``core``, ``outcome``), in codebook order.

    Read from the codebooks in the waves' published data packages (every wave's items, the
    first wave's order first), so that the trend chapter names no item itself.

    Raises
    ------
    PackageError
        If a wave has no data package (build it first).
    """
    from peo.tables.package import load_package, package_dir

    waves = waves if waves is not None else [w.id for w in list_waves()]
    ids: dict[str, None] = {}
    for wid in waves:
        for item in load_package(package_dir(wid)).codebook.by_role(role):
            ids.setdefault(item.id, None)
    return list(ids)


def detectable_statement(trend: pd.DataFrame) -> str:
    """The Dutch sentence on the smallest change detectable with the typical number of respondents."""
    from peo.survey.wording import phrase

    n_typical = int(trend.loc[trend["group"] == TOTAL, "n"].median())
    points = fmt.decimal(100 * detectable_change(n_typical), 0)
    return phrase("trends", "detectable", n=n_typical, points=points)


def changes(trend: pd.DataFrame) -> pd.DataFrame:
    """The change of each headline share between consecutive waves, with a Newcombe interval.

    Returns
    -------
    pandas.DataFrame
        One row per item, box, group and pair of consecutive waves. Columns: ``item``,
        ``item_label``, ``box``, ``box_label``, ``group``, ``wave_from``, ``wave_to``,
        ``n_from``, ``n_to``, ``share_from``, ``share_to``, ``diff`` (``share_to -
        share_from``), ``ci_low``, ``ci_high`` (95% Newcombe hybrid score interval of the
        difference), ``p_value`` (score test of two independent proportions, without
        continuity correction: R ``prop.test(correct = FALSE)``), ``family`` and ``p_holm``
        (Holm within the changes of one pair of waves: all items and groups), ``claim_nl``
        (the sentence of :func:`peo.tables.claims.wave_change`: a change is named only when
        ``p_holm`` is below the level), ``note`` (Dutch; why no change is given).

        Like with like: the trend compares the unweighted shares of every wave, because not
        every wave has population figures to weight with.

    Notes
    -----
    Checked against Newcombe (1998), Stat Med 17:873, Table II, example (a): 56/70 vs
    48/80 gives 0.0524 to 0.3339 with method 10; the test against R ``prop.test(c(56, 48),
    c(70, 80), correct = FALSE)``: X-squared = 7.0234, p-value = 0.008045.
    """
    # statsmodels is imported where it is used: the trends notebook imports this module to load
    # the published package only, and statsmodels costs about a second to import.
    from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

    from peo.stats.multicomp import adjust_family
    from peo.tables.claims import settings, wave_change

    rows = []
    for (item, box, group), part in trend.groupby(["item", "box", "group"], sort=False):
        part = part.sort_values("wave")
        recs = part.to_dict("records")
        for a, b in zip(recs, recs[1:]):
            row = {
                "item": item,
                "item_label": b["item_label"],
                "box": box,
                "box_label": b["box_label"],
                "group": group,
                "wave_from": a["wave"],
                "wave_to": b["wave"],
                "n_from": a["n"],
                "n_to": b["n"],
                "share_from": a["share"],
                "share_to": b["share"],
                "diff": np.nan,
                "ci_low": np.nan,
                "ci_high": np.nan,
                "p_value": np.nan,
                "note": "",
            }
            if a["suppressed"] or b["suppressed"] or pd.isna(a["count"]) or pd.isna(b["count"]):
                row["note"] = "niet te berekenen: een van beide metingen is verborgen (te weinig respondenten)"
                # the change is blanked and flagged, with the reason of the wave table's cell
                why = {str(a.get("suppression") or ""), str(b.get("suppression") or "")}
                row["suppressed"] = True
                row["suppression"] = "secondary" if why <= {"secondary", ""} and "secondary" in why else "primary"
            else:
                low, high = confint_proportions_2indep(
                    int(b["count"]), int(b["n"]), int(a["count"]), int(a["n"]), method="newcomb", compare="diff"
                )
                test = test_proportions_2indep(
                    int(b["count"]),
                    int(b["n"]),
                    int(a["count"]),
                    int(a["n"]),
                    method="score",
                    compare="diff",
                    correction=False,
                )
                row.update(
                    diff=b["count"] / b["n"] - a["count"] / a["n"],
                    ci_low=float(low),
                    ci_high=float(high),
                    p_value=float(test.pvalue),
                )
            rows.append(row)
    cols = [
        "item",
        "item_label",
        "box",
        "box_label",
        "group",
        "wave_from",
        "wave_to",
        "n_from",
        "n_to",
        "share_from",
        "share_to",
        "diff",
        "ci_low",
        "ci_high",
        "p_value",
        "family",
        "p_holm",
        "claim_nl",
        "note",
    ]
    table = pd.DataFrame(rows, columns=[c for c in cols if c not in ("family", "p_holm", "claim_nl")])
    hidden = pd.DataFrame(rows, columns=["suppressed", "suppression"])
    table["suppressed"] = hidden["suppressed"].astype("boolean").fillna(False).astype(bool)
    table["suppression"] = hidden["suppression"].astype(object).fillna("").astype(str)
    for c in ("n_from", "n_to"):
        table[c] = pd.to_numeric(table[c]).astype("Int64")
    table["p_value"] = table["p_value"].astype("float64")
    family = settings()["families"]["changes"]
    table["family"] = [f"{family} {a}-{b}" for a, b in zip(table["wave_from"], table["wave_to"])]
    table = adjust_family(table) if len(table) else table.assign(p_holm=pd.Series(dtype="float64"))
    table["claim_nl"] = [wave_change(r) for r in table.to_dict("records")]
    return table[[*cols, "suppressed", "suppression"]]


def detectable_change(n_per_wave: int, share: float = 0.5, alpha: float = 0.05, power: float = 0.8) -> float:
    """Smallest change in a share detectable between two waves of ``n_per_wave`` respondents.

    Two-sided test of two independent proportions around ``share`` (statsmodels
    ``NormalIndPower`` on Cohen's h), returned in proportion points.
    """
    from statsmodels.stats.power import NormalIndPower  # see changes(): imported where used
    from statsmodels.stats.proportion import proportion_effectsize

    h = NormalIndPower().solve_power(nobs1=n_per_wave, alpha=alpha, power=power, ratio=1.0)
    # invert Cohen's h = 2 asin(sqrt(p2)) - 2 asin(sqrt(p1)) around the given share
    lo = share - 0.5
    for delta in np.arange(0.0, 0.5, 0.0005):
        p1, p2 = max(share - delta / 2, 0.0), min(share + delta / 2, 1.0)
        if abs(proportion_effectsize(p2, p1)) >= h:
            return float(delta)
    return float(lo + 1)


def write_results(waves: list[str] | None = None) -> Path:
    """Publish the trends' data package under ``data/processed/trends/``.

    Like a wave's data package (:mod:`peo.tables.results`): ``headline_trend.csv`` and
    ``changes.csv`` (sealed by disclosure control), and ``datapackage.json`` with each table's
    checksum and protection metadata, so that :func:`load_trend_package` restores them as the
    sealed tables written here. The ``peo`` property names the waves, the threshold, the items of
    each codebook role the chapter shows (``roles``) and the sentence on the smallest detectable
    change (``detectable_nl``): the trends notebook reruns from this package alone. Written to a
    temporary folder and moved in whole.
    """
    from peo.io import atomic_dir
    from peo.tables.datapackage import PEO_KEY, table_resource

    waves = waves if waves is not None else [w.id for w in list_waves()]
    trend = headline_trend(waves)
    change = changes(trend)
    threshold = _threshold(waves)
    tables = {
        # already protected in each wave; protect_rows seals them for publication (n is never below it here)
        "headline_trend": disclosure.protect_rows(
            trend,
            threshold=threshold,
            count_cols=("n",),
            group=None,
            table_keys=("item",),
        ),
        "changes": disclosure.protect_rows(
            change, threshold=threshold, count_cols=("n_from", "n_to"), group=None, table_keys=("item",)
        ),
    }
    target = paths.processed_dir(TREND_DIR)
    with atomic_dir(target) as tmp:
        tmp = Path(tmp)
        resources = []
        for name, table in sorted(tables.items()):
            disclosure.publish(table, tmp / f"{name}.csv")
            res = table_resource(name, table, tmp)
            res["peo:kind"] = "table"
            res["peo:protection"] = disclosure.protection(table)
            resources.append(res)
        package = {
            "profile": "tabular-data-package",
            "name": "peo-trends",
            "title": "PEO: kerncijfers over de metingen heen",
            PEO_KEY: {
                "wave": TREND_DIR,
                "waves": list(waves),
                "threshold": int(threshold),
                "roles": {role: role_items(role, waves) for role in TREND_ROLES},
                "detectable_nl": detectable_statement(trend),
            },
            "resources": resources,
        }
        (tmp / "datapackage.json").write_text(
            json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return target


def load_trend_package(folder: str | Path | None = None):
    """The trends' published data package (:func:`peo.tables.package.load_package`).

    Parameters
    ----------
    folder : path-like, optional
        The package folder; default ``data/processed/trends``.

    Returns
    -------
    peo.tables.package.Package
        ``tables["headline_trend"]`` and ``tables["changes"]`` restored as sealed tables;
        ``meta["roles"]`` and ``meta["detectable_nl"]`` as :func:`write_results` wrote them.

    Raises
    ------
    PackageError
        If the folder holds no trends package, a table is missing or does not match its
        checksum or protection metadata, or the package lacks the roles or the sentence.
    """
    from peo.errors import PackageError
    from peo.tables.package import load_package

    package = load_package(Path(folder) if folder else paths.processed_dir(TREND_DIR))
    missing = [k for k in ("roles", "detectable_nl") if k not in package.meta]
    if missing:
        raise PackageError(
            f"Data package {package.name} is not a trends package: its datapackage.json lacks "
            f"{', '.join(missing)}. Rebuild the trends (`python -m peo build`)."
        )
    return package


def _threshold(waves: list[str]) -> int:
    from peo.survey.config import load_wave

    return max(load_wave(w).threshold for w in waves) if waves else 10


def changes_frame(change: pd.DataFrame) -> pd.DataFrame:
    """The changes formatted for readers: Dutch column names, percentages and points.

    Rounding happens here, for display only; :func:`changes` keeps the exact values.
    """
    from peo.tables.claims import format_p

    pct, pts = fmt.pct, fmt.points
    words = wording("trends")
    col = words["columns"]
    g = groups()
    return pd.DataFrame(
        {
            col["question"]: change["item_label"] + ": " + change["box_label"],
            col["group"]: change["group"].map(lambda v: v if v != g.total else g.label(v)),
            col["waves"]: change["wave_from"].astype(str) + " → " + change["wave_to"].astype(str),
            col["from"]: change["share_from"].map(pct),
            col["to"]: change["share_to"].map(pct),
            col["diff"]: change["diff"].map(pts),
            col["ci"]: [
                fmt.MISSING if pd.isna(lo) else words["interval"].format(low=pts(lo), high=pts(hi))
                for lo, hi in zip(change["ci_low"], change["ci_high"])
            ],
            col["p_holm"]: [format_p(float(p)) for p in change.get("p_holm", pd.Series(np.nan, index=change.index))],
            col["conclusion"]: change.get("claim_nl", pd.Series("", index=change.index)),
            col["note"]: change["note"],
        }
    ).reset_index(drop=True)
