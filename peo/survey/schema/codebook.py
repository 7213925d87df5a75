"""Schema of a codebook: ``codebooks/core.yml`` and every ``data/raw/<wave>/theme.yml``.

The format is described in ``codebooks/README.md``; :func:`peo.survey.codebook.load_codebook`
parses a file after it passed this schema. References (an item's answer scale, construct,
headline box and coding) are checked against the codebooks of the same wave, in the order
the wave lists them, and against ``codebooks/open_themes.yml``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from peo.survey.schema.types import (
    Closed,
    Flag,
    Identifier,
    Label,
    Number,
    PositiveCount,
    Text,
    problem,
    reference_error,
    refs_of,
)

__all__ = ["CodebookFile", "ResponseScale", "Item", "Construct", "Code", "MissingCode", "Box", "Bin"]

ItemType = Literal["likert", "categorical", "multi", "numeric", "open"]
Role = Literal["group", "background", "core", "outcome", "theme"]
ScaleType = Literal["likert", "categorical", "numeric"]
MissingKind = Literal["dont_know", "no_answer", "not_applicable"]
#: Which answer scale types an item type accepts.
SCALES_FOR_ITEM = {
    "likert": ("likert",),
    "categorical": ("likert", "categorical"),
    "multi": ("likert", "categorical"),
    "numeric": ("numeric",),
    "open": (),
}


class Code(Closed):
    """One substantive answer of a scale."""

    code: int = Field(strict=True, description="The number the export holds for this answer.")
    nl: Label = Field(description="Dutch label, as shown in tables and figures.")
    en: Label = Field(description="English label.")
    value: Identifier | None = Field(
        None, description="Short value used in processed data instead of the label (the employer types: GI, JZ, LT)."
    )


class MissingCode(Closed):
    """A code that means "no substantive answer"."""

    code: int = Field(strict=True, description="The number the export holds.")
    nl: Label = Field(description="Dutch label (Weet niet, Geen antwoord).")
    en: Label = Field(description="English label.")
    kind: MissingKind = Field("no_answer", description="What the missing answer means.")


class Box(Closed):
    """Answers reported together, such as "(helemaal) eens" for codes 4 and 5."""

    codes: list[int] = Field(min_length=1, description="Codes of the scale that form the box.")
    nl: Label = Field(description="Dutch label of the box.")
    en: Label = Field(description="English label of the box.")


class Total(Closed):
    """The row of all respondents together in tables by group (the group item's scale only)."""

    value: Identifier = Field(description="Its value in the published tables' group column (totaal).")
    nl: Label = Field(description="Dutch label (Totaal).")
    en: Label = Field(description="English label (Total).")


class Bin(Closed):
    """A class of a numeric answer: values below ``upper`` (and at or above the previous one)."""

    upper: Number = Field(description="Upper bound (exclusive) of the class.")
    nl: Label = Field(description="Dutch label of the class.")
    en: Label = Field(description="English label of the class.")


class ResponseScale(Closed):
    """An answer scale shared by items."""

    type: ScaleType = Field(description="likert (ordered, with boxes), categorical (unordered options) or numeric.")
    label_nl: Text = Field("", description="Dutch name of the scale (default: its key).")
    label_en: Text = Field("", description="English name of the scale (default: its key).")
    codes: list[Code] = Field(
        default_factory=list,
        validate_default=True,
        description="Ordered substantive answers; required for likert and categorical scales.",
    )
    missing: list[MissingCode] = Field(default_factory=list, description="Codes that mean no substantive answer.")
    neutral: int | None = Field(None, strict=True, description="The centre code of diverging bar charts (likert).")
    good: Literal["high", "low"] = Field(
        "high",
        description=(
            "Which end of a likert scale is the favourable one: high (the last code, e.g. 'helemaal eens', "
            "'heel veel plezier') or low (the first code, e.g. for workload, where 'te hoog' is the problem). "
            "The figures draw the favourable end always in the same colour."
        ),
    )
    boxes: dict[Identifier, Box] = Field(default_factory=dict, description="Named groups of codes reported together.")
    min: Number | None = Field(None, description="Smallest allowed value (numeric scales; required there).")
    max: Number | None = Field(None, description="Largest allowed value (numeric scales; required there).")
    bins: list[Bin] = Field(
        default_factory=list, description="Classes for presenting a numeric answer, in increasing order."
    )
    total: Total | None = Field(
        None, description="The group item's scale: value and labels of the row of all respondents (categorical only)."
    )

    @field_validator("codes")
    @classmethod
    def _codes(cls, codes: list[Code], info: ValidationInfo) -> list[Code]:
        stype = info.data.get("type")
        if stype in ("likert", "categorical") and not codes:
            raise problem(
                "missing_codes",
                "a list of codes, each with code, nl and en",
                f"a {stype} scale needs labelled codes under 'codes'; this scale has none",
            )
        numbers = [c.code for c in codes]
        dup = sorted({c for c in numbers if numbers.count(c) > 1})
        if dup:
            raise problem(
                "duplicate", "each code once", f"code(s) {dup} are defined more than once", f"code {dup[0]} twice"
            )
        return codes

    @field_validator("missing")
    @classmethod
    def _missing(cls, missing: list[MissingCode], info: ValidationInfo) -> list[MissingCode]:
        numbers = [c.code for c in info.data.get("codes") or []] + [m.code for m in missing]
        dup = sorted({c for c in numbers if numbers.count(c) > 1})
        if dup:
            raise problem(
                "duplicate",
                "codes that are not also substantive codes",
                f"code(s) {dup} are defined more than once",
                f"code {dup[0]} twice",
            )
        return missing

    @field_validator("neutral")
    @classmethod
    def _neutral(cls, neutral: int | None, info: ValidationInfo) -> int | None:
        codes = [c.code for c in info.data.get("codes") or []]
        if neutral is not None and "codes" in info.data and neutral not in codes:
            raise reference_error("the neutral code", neutral, codes, "use a code of the scale")
        return neutral

    @field_validator("boxes")
    @classmethod
    def _boxes(cls, boxes: dict[str, Box], info: ValidationInfo) -> dict[str, Box]:
        if "codes" not in info.data:
            return boxes
        codes = [c.code for c in info.data["codes"]]
        for name, box in boxes.items():
            unknown = [c for c in box.codes if c not in codes]
            if unknown:
                raise problem(
                    "unknown_reference",
                    f"codes of the scale ({', '.join(map(str, codes)) or 'none'})",
                    f"box {name!r} has code(s) {unknown}, which are not codes of the scale",
                    f"codes {unknown}",
                )
        return boxes

    @field_validator("max")
    @classmethod
    def _max(cls, hi: float | None, info: ValidationInfo) -> float | None:
        lo = info.data.get("min")
        if hi is not None and lo is not None and hi < lo:
            raise problem("order", f"a number of at least min ({lo:g})", f"max {hi:g} is below min {lo:g}")
        return hi

    @field_validator("bins")
    @classmethod
    def _bins(cls, bins: list[Bin]) -> list[Bin]:
        uppers = [b.upper for b in bins]
        if uppers != sorted(set(uppers)):
            raise problem("order", "classes with increasing 'upper' bounds", f"the bounds {uppers} do not increase")
        return bins

    @model_validator(mode="after")
    def _numeric_range(self) -> "ResponseScale":
        if self.type == "numeric" and (self.min is None or self.max is None):
            raise problem("missing_range", "min and max", "a numeric scale needs 'min' and 'max'")
        return self

    @model_validator(mode="after")
    def _total(self) -> "ResponseScale":
        if self.total is None:
            return self
        if self.type != "categorical":
            raise problem("total", "a total on a categorical scale only", f"a {self.type} scale has a total")
        if self.total.value in [c.value for c in self.codes]:
            raise problem(
                "total", "a value no code uses", f"the total's value {self.total.value!r} is also a code's value"
            )
        return self


class Construct(Closed):
    """A multi-item scale (construct)."""

    nl: Label = Field(description="Dutch name.")
    en: Label = Field(description="English name.")
    description_nl: Text = Field("", description="Dutch description, for the appendix.")
    min_items: PositiveCount = Field(1, description="Fewest answered items for a respondent's scale score.")


class Item(Closed):
    """One question of the questionnaire."""

    id: Identifier = Field(description="Unique over all codebooks of a wave; the raw column name (after rename).")
    role: Role = Field(
        "theme", description="group (employer type, exactly one item), background, core, outcome or theme."
    )
    type: ItemType = Field(description="likert, categorical, multi (one 0/1 column per option), numeric or open.")
    response_scale: Identifier | None = Field(
        None,
        validate_default=True,
        description="Name of an answer scale (this codebook or an earlier one of the wave); required for likert, "
        "categorical and multi items.",
    )
    construct_: Identifier | None = Field(
        None, alias="construct", description="Name of a construct under 'constructs'."
    )
    reverse: Flag = Field(
        False,
        validate_default=True,
        description=(
            "Reverse-coded in scale scores (only there: figures show the item as asked). Its answer scale's "
            "'good' then names the opposite end from the construct's other items (agreeing with a "
            "negatively worded statement is unfavourable: a scale with good: low)."
        ),
    )
    required: Flag = Field(False, description="A respondent without a valid answer is incomplete.")
    headline: Identifier | None = Field(None, description="The box of its answer scale reported as the headline share.")
    min: Number | None = Field(None, description="Smallest allowed value of a numeric item without a numeric scale.")
    max: Number | None = Field(
        None, validate_default=True, description="Largest allowed value of a numeric item without a numeric scale."
    )
    short_nl: Text = Field("", description="Short Dutch label in tables and figures (default: the id).")
    short_en: Text = Field("", description="Short English label (default: the id).")
    text_nl: Label = Field(description="The question as asked, in Dutch.")
    text_en: Label = Field(description="The question in English.")
    unit_nl: Text = Field("", description="Dutch unit of a numeric answer (uur per week).")
    unit_en: Text = Field("", description="English unit of a numeric answer.")
    coding: Identifier | None = Field(None, description="Open items: the coding in codebooks/open_themes.yml.")

    @field_validator("id")
    @classmethod
    def _unique(cls, iid: str, info: ValidationInfo) -> str:
        refs = refs_of(info)
        if refs is not None:
            if iid in refs.seen_items:
                raise problem(
                    "duplicate",
                    "an id not used by another item of the wave",
                    f"item id {iid!r} is used twice (also in {refs.seen_items[iid]}). Every item id must be unique",
                )
            refs.seen_items[iid] = refs.current_file
        return iid

    @field_validator("role")
    @classmethod
    def _one_group(cls, role: str, info: ValidationInfo) -> str:
        refs = refs_of(info)
        if refs is not None and role == "group":
            if refs.group_item is not None and refs.group_item != info.data.get("id"):
                raise problem(
                    "duplicate",
                    "one item with role 'group' per wave",
                    f"{refs.group_item!r} already has role 'group' (the employer type)",
                )
            refs.group_item = info.data.get("id")
        return role

    @field_validator("response_scale")
    @classmethod
    def _scale(cls, name: str | None, info: ValidationInfo) -> str | None:
        itype = info.data.get("type")
        if name is None:
            if itype in ("likert", "categorical", "multi"):
                raise problem("missing", "the name of an answer scale", f"a {itype} item needs a 'response_scale'")
            return None
        refs = refs_of(info)
        if refs is None or refs.scales is None:
            return name
        if name not in refs.scales:
            raise reference_error("answer scale", name, refs.scales, "define it under 'response_scales'")
        stype = refs.scales[name].type
        allowed = SCALES_FOR_ITEM.get(itype or "", ())
        if itype and stype and stype not in allowed:
            raise problem(
                "mismatch",
                f"a scale of type {' or '.join(allowed) or '(none: open items have no scale)'}",
                f"a {itype} item cannot use the {stype} scale {name!r}",
            )
        return name

    @field_validator("construct_")
    @classmethod
    def _construct(cls, name: str | None, info: ValidationInfo) -> str | None:
        refs = refs_of(info)
        if name is not None and refs is not None and refs.constructs is not None and name not in refs.constructs:
            raise reference_error("construct", name, refs.constructs, "define it under 'constructs'")
        return name

    @field_validator("reverse")
    @classmethod
    def _direction(cls, reverse: bool, info: ValidationInfo) -> bool:
        """The favourable end of every item of a construct, after reverse coding, is the same.

        Reverse coding (scale scores) and the scale's ``good`` (figures' colours) are two
        settings of one fact; a reverse-coded item on a scale with the construct's own ``good``
        would be drawn as if agreeing were favourable, or turned round twice in reading.
        """
        refs = refs_of(info)
        construct, scale = info.data.get("construct_"), info.data.get("response_scale")
        if refs is None or refs.scales is None or construct is None or scale not in refs.scales:
            return reverse
        if refs.scales[scale].type != "likert":
            return reverse
        good = refs.scales[scale].good
        effective = {"high": "low", "low": "high"}.get(good, good) if reverse else good
        first = refs.construct_good.setdefault(construct, (effective, str(info.data.get("id"))))
        if first[0] != effective:
            want = {"high": "low", "low": "high"}.get(good, good)
            how = "is reverse-coded (reverse: true)" if reverse else "is not reverse-coded"
            raise problem(
                "mismatch",
                f"an answer scale with good: {want}, or the other setting of 'reverse'",
                f"item {info.data.get('id')!r} {how} in construct {construct!r} and its answer scale {scale!r} has "
                f"good: {good}, so its favourable end is {effective!r} after reverse coding; the construct's item "
                f"{first[1]!r} has {first[0]!r}. A negatively worded item is reverse-coded and uses a scale whose "
                f"favourable end is the other one (see 'good' on the scale)",
            )
        return reverse

    @field_validator("headline")
    @classmethod
    def _headline(cls, box: str | None, info: ValidationInfo) -> str | None:
        refs = refs_of(info)
        if box is None or refs is None or refs.scales is None:
            return box
        scale = info.data.get("response_scale")
        if scale is None or scale not in refs.scales:
            if "response_scale" in info.data:  # no scale at all (an invalid one is reported there)
                raise problem(
                    "mismatch", "no headline (the item has no answer scale)", "only an item with boxes has a headline"
                )
            return box
        boxes = refs.scales[scale].boxes
        if box not in boxes:
            raise reference_error(f"box of answer scale {scale!r}: headline box", box, boxes)
        return box

    @field_validator("max")
    @classmethod
    def _range(cls, hi: float | None, info: ValidationInfo) -> float | None:
        lo = info.data.get("min")
        if hi is not None and lo is not None and hi < lo:
            raise problem("order", f"a number of at least min ({lo:g})", f"max {hi:g} is below min {lo:g}")
        if (
            info.data.get("type") == "numeric"
            and info.data.get("response_scale") is None
            and "response_scale" in info.data
            and (lo is None or hi is None)
        ):
            raise problem(
                "missing_range", "min and max", "a numeric item needs 'min' and 'max' or a numeric answer scale"
            )
        return hi

    @field_validator("coding")
    @classmethod
    def _coding(cls, name: str | None, info: ValidationInfo) -> str | None:
        if name is None:
            return None
        if info.data.get("type") not in (None, "open"):
            raise problem(
                "mismatch", "no coding (only open items are coded)", f"a {info.data['type']} item has no coding"
            )
        refs = refs_of(info)
        if refs is not None and refs.codings is not None and name not in refs.codings:
            raise reference_error("coding", name, refs.codings, "add it under 'codings' in codebooks/open_themes.yml")
        return name


class CodebookFile(Closed):
    """A codebook: answer scales, constructs and items (``codebooks/README.md``)."""

    codebook: Identifier | None = Field(None, description="Name of this codebook (default: the file name).")
    version: PositiveCount = Field(1, description="Version of the codebook's format.")
    title_nl: Text = Field("", description="Dutch title, shown in the codebook appendix.")
    title_en: Text = Field("", description="English title.")
    response_scales: dict[Identifier, ResponseScale] = Field(
        default_factory=dict, description="Answer scales, referred to by items (also by items of later codebooks)."
    )
    constructs: dict[Identifier, Construct] = Field(default_factory=dict, description="Multi-item scales.")
    items: list[Item] = Field(description="The questions, in questionnaire order.")
