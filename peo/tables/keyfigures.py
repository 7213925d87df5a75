"""The headline statements of a wave with their numbers (``key_figures.json``)."""

from __future__ import annotations

import json

import pandas as pd

from peo import paths
from peo.errors import PeoError
from peo.report import format as fmt
from peo.tables import claims
from peo.tables.likert import headlines
from peo.survey.wording import wording as report_wording
from peo.tables.wavedata import TOTAL, Section, WaveData, wording

__all__ = ["key_figures", "read_key_figures"]


def _sentence(text: str) -> str:
    """Start a statement with a capital letter."""
    return text[:1].upper() + text[1:]


def _pct(share: float) -> str:
    return fmt.pct(share)


def _fraction_words(share: float) -> str:
    """Dutch words for a share, as the PEO reports write them ("9 op de 10", "bijna de helft")."""
    for rule in wording()["fraction_words"]:
        if rule["min"] <= share < rule["max"]:
            return rule["nl"].format(pct=_pct(share), tenths=fmt.tenths(share))
    return _pct(share)


def key_figures(data: WaveData, space: Section, outs: Section, flow: pd.DataFrame | None = None) -> dict:
    """The headline statements of a wave with their numbers (``key_figures.json``).

    Every statement is rendered from a published (protected) table; a suppressed number is
    never stated. The format is documented in ``docs/processed-data.md``.
    """
    cfg = wording()
    cb = data.codebook
    w = data.wave
    # One decision for the wave: a small group and its complement are hidden here and in every table.
    sizes = data.group_sizes
    received = int(flow["n"].iloc[0]) if flow is not None and len(flow) else None
    weighted = _weighted_rows(space, outs)
    figures = []
    for table in (headlines(space.tables["space_by_group"]), headlines(outs.tables["outcome_by_group"])):
        for _, r in table[table["group"] == TOTAL].iterrows():
            if bool(r["suppressed"]) or pd.isna(r["share"]):
                continue
            wrow = weighted.get((r["item"], r["box"]))
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
                    "statement_nl": _sentence(
                        tmpl.format(
                            words=_fraction_words(float(r["share"])),
                            pct=_pct(float(r["share"])),
                            count=int(r["count"]),
                            n=int(r["n"]),
                            item_label=r["item_label"].lower(),
                            box_label=r["box_label"],
                        )
                    ),
                    "weighted": wrow,
                    "statement_weighted_nl": claims.weighted_sentence(wrow) if wrow else None,
                }
            )
    differences = []
    heads = headlines(space.tables["space_by_group"])
    # the employer type as a sentence names it ("een gecertificeerde instelling (GI)"), not as a
    # table label ("Gecertificeerde instelling (GI)"): wording.yml claims.group_in_sentence
    in_sentence = report_wording("claims").get("group_in_sentence") or {}
    group_labels = {c.value: in_sentence.get(c.value, c.nl) for c in cb.group_item.response_scale.codes}
    for item_id in cfg["difference_items"]:
        claim = claims.group_difference(item_id, space.tables["space_tests"], heads, group_labels)
        if claim is not None:
            differences.append(claim)
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
                "supported": claims.supported(r["p_holm"]),
                "statement_nl": (
                    cfg["association_statement"]
                    .get(r["y"], cfg["association_statement"]["default"])[direction]
                    .format(
                        outcome_label=r["y_label"].lower(),
                        rho=fmt.decimal(r["rho"], 2),
                    )
                    if claims.supported(r["p_holm"])
                    else claims.no_association(r["y_label"], float(r["p_holm"]))
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
            "analysed": sizes.published_total(),
            "by_group": sizes.published(),
            "withheld": dict(sizes.hidden),
        },
        "population": _population(space),
        "figures": figures,
        "differences": differences,
        "associations": associations,
    }


def _weighted_rows(space: Section, outs: Section) -> dict:
    """The published post-stratified headline shares, by (item, box)."""
    out = {}
    for sec, name in ((space, "space_weighted"), (outs, "outcome_weighted")):
        table = sec.tables.get(name)
        if table is None:
            continue
        for _, r in table.iterrows():
            if bool(r["suppressed"]) or pd.isna(r["share"]):
                continue
            out[(r["item"], r["box"])] = {
                "share": float(r["share"]),
                "ci_low": None if pd.isna(r["ci_low"]) else float(r["ci_low"]),
                "ci_high": None if pd.isna(r["ci_high"]) else float(r["ci_high"]),
                "n": int(r["n"]),
                "ci_method": str(r["ci_method"]),
                "weighting": str(r["weighting"]),
            }
    return out


def _population(space: Section) -> dict:
    """Population, respondents and response rate per employer type (``response`` table)."""
    table = space.tables.get("response")
    if table is None:
        return {"available": False, "by_group": {}, "statement_nl": claims.phrase_no_population()}
    rows = {}
    available = bool(table["population"].notna().any())
    for _, r in table.iterrows():
        rows[str(r["group"])] = {
            "population": None if pd.isna(r["population"]) else int(r["population"]),
            "n": None if pd.isna(r["n"]) else int(r["n"]),
            "response_rate": None if pd.isna(r["response_rate"]) else float(r["response_rate"]),
        }
    return {
        "available": available,
        "headline_estimate": claims.headline_estimate(),
        "by_group": rows,
        "statement_nl": None if available else claims.phrase_no_population(),
    }


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
