"""The headline statements of a wave with their numbers (``key_figures.json``)."""

from __future__ import annotations

import json

import pandas as pd

from peo import paths
from peo.errors import PeoError
from peo.report import format as fmt
from peo.tables.likert import headlines
from peo.tables.wavedata import GROUP, TOTAL, Section, WaveData, wording

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
                    group=group_label,
                    item_label=top["item_label"].lower(),
                    box_label=top["box_label"],
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
                "statement_nl": cfg["association_statement"]
                .get(r["y"], cfg["association_statement"]["default"])[direction]
                .format(
                    outcome_label=r["y_label"].lower(),
                    rho=fmt.decimal(r["rho"], 2),
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
