"""Diverging stacked bars for Likert items (Heiberger & Robbins 2014)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from peo.errors import CodebookError, ValidationError
from peo.report.colours import likert_colours, text_colour
from peo.report.plots.common import (
    LABEL_MIN_SHARE,
    STYLE_RC,
    TEXT_NL,
    _MUTED,
    _add_note,
    _box_share,
    _finish,
    _group_label,
    _group_order,
    _join_nl,
    _n,
    _new_figure,
    _is_secondary,
    _not_shown_note,
    _pct,
    _pct_axis,
    _require,
    _tick_fonts,
    _with_notes,
    _wrap,
    figure_style,
)
from peo.survey.codebook import Codebook, ResponseScale
from peo.survey.codebook import groups as cb_groups
from peo.survey.wording import phrase
from peo.tables.likert import REST

__all__ = [
    "likert_diverging",
]


def _likert_layout(scale: ResponseScale) -> tuple[list[int], int | None, int]:
    """Codes in order, the index of the neutral answer (or None), the number left of centre."""
    codes = scale.valid_codes
    k = len(codes)
    if scale.neutral is not None:
        i = codes.index(scale.neutral)
        if k % 2 == 0 or i != k // 2:
            raise CodebookError(
                f"Answer scale {scale.name!r}: the neutral answer ({scale.neutral}) is not the middle answer, so the "
                "diverging bars cannot be centred on it. Fix 'neutral' in the codebook."
            )
        return codes, i, i
    if k % 2 == 1:
        # An odd scale without a declared neutral: centre on the middle answer anyway.
        return codes, k // 2, k // 2
    return codes, None, k // 2


# Plain matplotlib, not seaborn: seaborn has no diverging stacked bar (Heiberger & Robbins 2014);
# the segments are placed by hand around the neutral answer.
def likert_diverging(
    dist: pd.DataFrame,
    codebook: Codebook,
    items: Sequence[str] | None = None,
    by: str | None = None,
    title: str | None = None,
    notes: Sequence[str] | None = None,
) -> Figure:
    """Diverging stacked bars of Likert items (Heiberger & Robbins 2014).

    One bar per item, in codebook order; the answers are stacked in scale order and the
    bar is centred on the neutral answer (half of the neutral segment on each side of
    zero) or, for a scale without one, between its negative and positive halves. The x
    axis shows percentages of the valid answers (-100 to 100, labelled as positive
    numbers); the right-hand side of each bar shows its n; the legend lists the answers
    in scale order; segments of at least :data:`LABEL_MIN_SHARE` carry their percentage
    in black or white (:func:`text_colour`).

    With ``by="group"`` the figure has one panel (small multiple) per group (``totaal``
    then the employer types in codebook order), stacked vertically and sharing the x
    axis, each with the same items in the same order. Panels were chosen over grouped
    bars: with 4 groups × 8 items, grouped bars make 32 interleaved bars whose item
    labels have to span four bars each and whose group identity rests on a second
    colour code on top of the answer colours; panels keep one colour code (the answers),
    give every bar its own readable label and n, and let the reader compare a group
    across items within a panel and the groups on one item by the aligned x axis
    (the layout Heiberger & Robbins use for subgroups).

    Parameters
    ----------
    dist : pandas.DataFrame
        A distribution table (:func:`peo.stats.shares.distribution`) with columns ``item``,
        ``item_label``, ``group``, ``answer_code``, ``answer_label``, ``n``, ``count``,
        ``share`` and optionally ``suppressed`` (:mod:`peo.tables.disclosure`). Rows whose
        ``answer_code`` is not a substantive code of the scale ("weet niet") are ignored;
        ``share`` is used as given (``count / n`` of the valid answers).
    codebook : Codebook
        Gives the item labels, the answer scale, its labels, neutral code and boxes.
    items : sequence of str, optional
        Item ids to draw; default: every item in ``dist``, in codebook order. They must
        share one answer scale.
    by : {None, "group"}
        ``None`` draws the ``totaal`` rows (or the only group present); ``"group"`` draws
        one panel per group.
    title : str, optional
        Figure title (Dutch).
    notes : sequence of str, optional
        Further Dutch notes to print under the plot and add to the alt text, e.g. the
        notes of :func:`peo.tables.disclosure.for_figure` when its filtered frame is drawn.

    Returns
    -------
    matplotlib.figure.Figure
        With ``peo_alt_text`` set. An item published merged (rows with ``merged`` True: its
        headline box against the other answers together, :func:`peo.tables.likert.likert_tables`)
        is drawn as two segments, the headline box from the centre line towards its end of the
        scale and the merged answers, grey and hatched, on the other side; the legend names the
        merged answers and a note under the plot says why. A group whose cells are suppressed is left out (or, if
        only some of its items are, those bars are replaced by "niet getoond") and a note
        under the plot names it; an item without valid answers (``n`` = 0) shows the text
        "geen geldige antwoorden" instead of a bar; an item with no rows at all for a
        group (left out upstream) shows "niet getoond".

    Raises
    ------
    ValidationError
        If ``dist`` lacks a column, has several groups but ``by`` is None and there is no
        ``totaal``, or has a missing share in a cell that is not flagged suppressed.
    CodebookError
        If an item is unknown, not a Likert item, or the items use different scales.
    ValueError
        If ``by`` is not None or ``"group"``.
    """
    what = "likert_diverging"
    cols = ["item", "item_label", "group", "answer_code", "answer_label", "n", "count", "share"]
    df = _require(dist, cols, what)
    df["item"] = df["item"].astype(str)
    df["group"] = df["group"].astype(str)
    if by not in (None, "group"):
        raise ValueError(f"by must be None or 'group', not {by!r}.")

    # items, in codebook order, one scale
    if items is None:
        present = set(df["item"])
        item_objs = [i for i in codebook.items if i.id in present]
        unknown = sorted(present - {i.id for i in item_objs})
        if unknown:
            codebook.item(unknown[0])  # raises CodebookError with the known ids
        if not item_objs:
            raise ValidationError(f"The table given to {what} has no rows; there is nothing to draw.")
    else:
        wanted = {codebook.item(i).id for i in items}  # raises CodebookError for an unknown id
        item_objs = [i for i in codebook.items if i.id in wanted]
    for it in item_objs:
        if it.type != "likert" or it.response_scale is None:
            raise CodebookError(f"Item {it.id!r} is a {it.type} item, not a Likert item; it cannot be a diverging bar.")
    scale = item_objs[0].response_scale
    other = [it for it in item_objs if it.response_scale.name != scale.name]
    if other:
        raise CodebookError(
            f"Items {item_objs[0].id!r} and {other[0].id!r} use different answer scales "
            f"({scale.name!r}, {other[0].response_scale.name!r}); draw them in separate figures."
        )
    codes, neutral_i, n_left = _likert_layout(scale)
    colours = likert_colours(len(codes), good=scale.good)  # the favourable end: the codebook's 'good'
    labels = scale.labels("nl")

    # groups (panels)
    all_groups = _group_order(df["group"], codebook)
    total = cb_groups(codebook).total
    if by is None:
        if total in all_groups:
            panel_groups = [total]
        elif len(all_groups) <= 1:
            panel_groups = all_groups or [total]
        else:
            raise ValidationError(
                f"The table given to {what} has several groups ({', '.join(all_groups)}) and no {total!r}; "
                "pass by='group' to draw one panel per group, or select one group first."
            )
    else:
        panel_groups = all_groups or [total]

    # one record per (group, item): status and segment shares
    records: dict[tuple[str, str], dict] = {}
    for g in panel_groups:
        for it in item_objs:
            sub = df[(df["group"] == g) & (df["item"] == it.id)]
            label = it.short("nl")
            if sub.empty:
                # No rows at all (distribution() always gives every answer, so the rows were
                # left out upstream, e.g. by peo.tables.disclosure.for_figure): not shown, no claim why.
                records[g, it.id] = {"status": "absent", "label": label}
                continue
            if sub["suppressed"].any():
                records[g, it.id] = {"status": "suppressed", "label": label, "secondary": _is_secondary(sub)}
                continue
            if "merged" in sub.columns and sub["merged"].astype("boolean").fillna(False).astype(bool).any():
                records[g, it.id] = _merged_record(sub, it, codes, labels, label, what)
                continue
            n = sub["n"].dropna()
            n = float(n.iloc[0]) if len(n) else 0.0
            valid = sub[sub["answer_code"].isin(codes)]
            if n <= 0 or valid.empty or valid["share"].isna().all():
                records[g, it.id] = {"status": "empty", "label": label}
                continue
            if valid["share"].isna().any():
                bad = valid.loc[valid["share"].isna(), "answer_label"].iloc[0]
                raise ValidationError(
                    f"The table given to {what} has no share for item {it.id!r}, group {g!r}, answer {bad!r}, "
                    "but the cell is not flagged suppressed. Pass the table through peo.tables.disclosure or fill it."
                )
            shares = valid.groupby("answer_code")["share"].sum()
            seg = [float(shares.get(c, 0.0)) for c in codes]
            counts = None
            if "count" in valid.columns and valid["count"].notna().all():
                by_code = valid.groupby("answer_code")["count"].sum()
                counts = [float(by_code.get(c, 0.0)) for c in codes]
            records[g, it.id] = {"status": "ok", "label": label, "shares": seg, "counts": counts, "n": n}

    hidden: dict[str, list[str]] = {}
    for g in panel_groups:
        hidden[g] = [r["label"] for (gg, _), r in records.items() if gg == g and r["status"] == "suppressed"]
    secondary = {
        g: [r["label"] for (gg, _), r in records.items() if gg == g and r.get("secondary")] for g in panel_groups
    }
    shown_groups = [g for g in panel_groups if len(hidden[g]) < len(item_objs)]
    merged_recs = [r for (g, _), r in records.items() if g in shown_groups and r["status"] == "merged"]
    merged_note = _merged_note(merged_recs)
    if by is None:
        note = _not_shown_note({"": hidden[panel_groups[0]]}, {}, {"": secondary[panel_groups[0]]})
    else:
        note = _not_shown_note(
            {_group_label(g, codebook, short=True): hidden[g] for g in panel_groups},
            {_group_label(g, codebook, short=True): [it.short("nl") for it in item_objs] for g in panel_groups},
            {_group_label(g, codebook, short=True): secondary[g] for g in panel_groups},
        )

    n_items = len(item_objs)
    n_panels = max(len(shown_groups), 1)
    panel_h = 0.34 * n_items + 0.45
    with figure_style():
        fig = _new_figure(panel_h * n_panels + 1.0 + (0.3 if title else 0), note, merged_note, *(notes or ()))
        axes = fig.subplots(n_panels, 1, sharex=True, squeeze=False)[:, 0]
        ylabels = [_wrap(it.short("nl")) for it in item_objs]
        for ax, g in zip(axes, shown_groups or [None]):
            _tick_fonts(ax)
            ax.axvline(0, color="#555555", linewidth=0.8, zorder=1)
            for y, it in enumerate(item_objs):
                rec = records.get((g, it.id), {"status": "absent"}) if g is not None else {"status": "suppressed"}
                if rec["status"] == "ok":
                    seg = np.array(rec["shares"]) * 100
                    left = -(seg[:n_left].sum() + (seg[neutral_i] / 2 if neutral_i is not None else 0.0))
                    starts = left + np.concatenate([[0.0], np.cumsum(seg)[:-1]])
                    ax.barh(
                        [y] * len(seg),
                        seg,
                        left=starts,
                        height=0.72,
                        color=colours,
                        edgecolor="white",
                        linewidth=0.6,
                        zorder=2,
                    )
                    for s, x0, c, share in zip(seg, starts, colours, rec["shares"]):
                        if s / 100 >= LABEL_MIN_SHARE:
                            _label_segment(ax, x0 + s / 2, y, share, c)
                    _annotate_n(ax, y, rec["n"])
                elif rec["status"] == "merged":
                    _draw_merged(ax, y, rec, codes, colours, neutral_i, n_left)
                else:
                    key = {"empty": "no_valid", "suppressed": "suppressed_bar", "absent": "absent_bar"}[rec["status"]]
                    if rec.get("secondary"):
                        key = "secondary_bar"
                    ax.text(
                        0,
                        y,
                        TEXT_NL[key],
                        ha="center",
                        va="center",
                        fontsize=8,
                        style="italic",
                        color=_MUTED,
                        zorder=3,
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
                    )
            ax.set_yticks(range(n_items), labels=ylabels)
            ax.set_ylim(n_items - 0.5, -0.5)
            ax.tick_params(axis="y", length=0)
            ax.spines["left"].set_visible(False)
            _pct_axis(ax, "x", -100, 100, 25)
            if by is not None and g is not None:
                ax.set_title(_group_label(g, codebook))
        axes[-1].set_xlabel(TEXT_NL["axis_likert"])
        # Every answer in scale order, unless every bar is merged: then only the answers drawn.
        drawn = [r for r in records.values() if r["status"] in ("ok", "merged")]
        used = (
            set(range(len(codes)))
            if not drawn or any(r["status"] == "ok" for r in drawn)
            else {codes.index(r["head_code"]) for r in drawn}
        )
        handles = [
            Patch(facecolor=c, edgecolor="white", label=lab)
            for k, (c, lab) in enumerate(zip(colours, labels))
            if k in used
        ]
        for rest_label in dict.fromkeys(r["rest_label"] for r in merged_recs):
            handles.append(Patch(facecolor=MERGED_COLOUR, hatch=MERGED_HATCH, edgecolor="white", label=rest_label))
        # The title is the legend's title: constrained layout places an "outside" figure
        # legend over a suptitle (matplotlib 3.11), and a title centred above the answer
        # key reads well.
        fig.legend(
            handles=handles,
            loc="outside upper center",
            ncols=len(handles),
            frameon=False,
            handlelength=1.2,
            columnspacing=1.0,
            title=title,
            title_fontproperties={"weight": STYLE_RC["figure.titleweight"], "size": STYLE_RC["figure.titlesize"]},
        )
        _add_note(fig, note, merged_note, *(notes or ()))

    # alt text
    boxes = list(scale.boxes.values())
    if boxes:
        box_codes = [[codes.index(c) for c in b.codes] for b in boxes]
        box_names = [b.nl for b in boxes]
    else:
        box_codes = [[i] for i in range(len(codes))]
        box_names = labels
    body = []
    for it in item_objs:
        parts = []
        for g in shown_groups:
            rec = records[g, it.id]
            prefix = f"{_group_label(g, codebook, short=True)} " if by is not None else ""
            if rec["status"] == "ok":
                vals = ", ".join(f"{nm} {_pct(_box_share(rec, idx))}" for nm, idx in zip(box_names, box_codes))
                parts.append(f"{prefix}{vals} ({_n(rec['n'])})")
            elif rec["status"] == "merged":
                vals = f"{rec['head_label']} {_pct(rec['head_share'])}, {rec['rest_label']} {_pct(rec['rest_share'])}"
                parts.append(f"{prefix}{vals} ({_n(rec['n'])})")
            elif rec["status"] == "empty":
                parts.append(f"{prefix}{TEXT_NL['no_valid']}")
        if parts:
            body.append(f"{it.short('nl')}: {'; '.join(parts)}")
    text = TEXT_NL["alt_likert"].format(
        k=n_items,
        vragen="vraag" if n_items == 1 else "vragen",
        scale=scale.label_nl,
        by=TEXT_NL["alt_by_group"].format(groups=", ".join(_group_label(g, codebook, short=True) for g in shown_groups))
        if by is not None
        else "",
        boxes=_join_nl(box_names),
        body=" | ".join(body),
    )
    merged_alt = phrase("suppression", "merged_alt") if merged_recs else None
    _finish(fig, _with_notes(text, note, [merged_note, merged_alt, *(notes or ())]))
    return fig


#: Fill and hatch of a segment that stands for several answers merged (a grey: it encodes no
#: single answer of the diverging palette; the hatch tells it from the neutral answer's grey).
MERGED_COLOUR = "#d0d0d0"
MERGED_HATCH = "//"


def _merged_record(sub: pd.DataFrame, it, codes: list[int], labels: list[str], label: str, what: str) -> dict:
    """A bar of an item published merged: its headline box against the other answers together."""
    rest = sub[sub["box"].astype(str) == REST]
    head = sub[sub["box"].astype(str) != REST]
    if len(rest) != 1 or len(head) != 1 or head["share"].isna().any() or rest["share"].isna().any():
        raise ValidationError(
            f"The table given to {what} has merged rows for item {it.id!r} that are not one headline box and "
            "one 'rest' with their shares. Pass the distribution table of peo.tables.likert unchanged."
        )
    head_code = int(head["answer_code"].iloc[0])
    if head_code not in codes:
        raise ValidationError(
            f"The merged headline row of item {it.id!r} has answer code {head_code}, not one of {codes}."
        )
    return {
        "status": "merged",
        "label": label,
        "item": it.id,
        "head_code": head_code,
        "head_label": str(head["answer_label"].iloc[0]),
        "rest_label": str(rest["answer_label"].iloc[0]),
        "rest_plain": _join_nl([lab for c, lab in zip(codes, labels) if c != head_code]),
        "head_share": float(head["share"].iloc[0]),
        "rest_share": float(rest["share"].iloc[0]),
        "n": float(head["n"].iloc[0]),
    }


def _draw_merged(ax, y: float, rec: dict, codes: list[int], colours: list[str], neutral_i, n_left: int) -> None:
    """The headline box from 0 towards its end of the scale, the merged rest on the other side."""
    i = codes.index(rec["head_code"])
    right = i > neutral_i if neutral_i is not None else i >= n_left
    head, rest = rec["head_share"] * 100, rec["rest_share"] * 100
    segs = [(0.0, head, colours[i], None), (-rest, rest, MERGED_COLOUR, MERGED_HATCH)]
    if not right:
        segs = [(-head, head, colours[i], None), (0.0, rest, MERGED_COLOUR, MERGED_HATCH)]
    for (x0, width, colour, hatch), share in zip(segs, (rec["head_share"], rec["rest_share"])):
        ax.barh(
            [y], [width], left=[x0], height=0.72, color=colour, hatch=hatch, edgecolor="white", linewidth=0.6, zorder=2
        )
        if share >= LABEL_MIN_SHARE:
            box = {"facecolor": "white", "edgecolor": "none", "pad": 1.0} if hatch else None
            _label_segment(ax, x0 + width / 2, y, share, colour, bbox=box)
    _annotate_n(ax, y, rec["n"])


def _label_segment(ax, x: float, y: float, share: float, colour: str, bbox: dict | None = None) -> None:
    """A segment's percentage at its centre, in a text colour readable on the segment."""
    ax.text(x, y, _pct(share), ha="center", va="center", fontsize=7, color=text_colour(colour), zorder=3, bbox=bbox)


def _annotate_n(ax, y: float, n) -> None:
    """The number of respondents of a bar, right of the axes."""
    ax.annotate(
        _n(n),
        xy=(1.0, y),
        xycoords=("axes fraction", "data"),
        xytext=(4, 0),
        textcoords="offset points",
        ha="left",
        va="center",
        fontsize=7.5,
        color=_MUTED,
        annotation_clip=False,
    )


def _merged_note(recs: list[dict]) -> str | None:
    """The note under the figure that names the bars drawn merged and why."""
    if not recs:
        return None
    parts = [phrase("suppression", "merged_in", items=r["label"], labels=r["rest_plain"]) for r in recs]
    return phrase("suppression", "merged_note", what="; ".join(dict.fromkeys(parts)))
