"""Schema of the keys of ``wave.yml`` that say how an export records answers and completion.

``completion`` (when a response counts as complete) and ``answers`` (raw values mapped to
codebook codes, label text, multiple-choice shapes) are documented in ``docs/wave-config.md``;
the loader is :mod:`peo.survey.config`. Checked here besides types: a mapping names answer
scales and items that exist, its targets are codes of that scale (or ``null``), and a
multiple-choice shape belongs to a multiple-choice item with those option codes.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import AfterValidator, Field, StrictInt, ValidationInfo, field_validator

from peo.survey.schema.types import Closed, Identifier, Label, Text, problem, reference_error, refs_of

__all__ = ["Completion", "Answers", "MultiShape", "COMPLETION_RULES"]

COMPLETION_RULES = ("yes_value", "filled", "required_items", "every_row")
Rule = Literal["yes_value", "filled", "required_items", "every_row"]
#: A raw value as the export writes it: a number or text.
RawValue = Union[StrictInt, str]
#: Raw value -> codebook code, or null (the cell counts as unanswered).
CodeMap = dict[RawValue, Union[StrictInt, None]]


class Completion(Closed):
    """When a response counts as complete."""

    rule: Rule = Field(description="yes_value, filled, required_items or every_row (docs/wave-config.md).")
    column: Text | None = Field(
        None, validate_default=True, description="yes_value and filled: the export's column that says so."
    )
    yes: list[Union[StrictInt, str, bool]] | None = Field(
        None, description="yes_value: the values that mean complete (default: cleaning.consent_yes)."
    )

    @field_validator("column")
    @classmethod
    def _column(cls, column: str | None, info: ValidationInfo) -> str | None:
        rule = info.data.get("rule")
        if rule in ("yes_value", "filled") and not column:
            raise problem("missing", "the name of the export's column", f"rule {rule} needs 'column'")
        if rule in ("required_items", "every_row") and column:
            raise problem("mismatch", "no column (or rule yes_value or filled)", f"rule {rule} takes no 'column'")
        return column

    @field_validator("yes")
    @classmethod
    def _yes(cls, yes: list | None, info: ValidationInfo) -> list | None:
        if yes is not None and info.data.get("rule") not in (None, "yes_value"):
            raise problem(
                "mismatch", "no 'yes' (it belongs to rule yes_value)", f"rule {info.data['rule']} takes no 'yes'"
            )
        return yes


def _scale_name(name: str, info: ValidationInfo) -> str:
    refs = refs_of(info)
    if refs is not None and refs.scales is not None and name not in refs.scales:
        raise reference_error("answer scale", name, refs.scales, "answers.scales names scales of the wave's codebooks")
    return name


def _item_name(name: str, info: ValidationInfo) -> str:
    refs = refs_of(info)
    if refs is not None and refs.items is not None and name not in refs.items:
        raise reference_error("item", name, refs.items, "answers.items and answers.multi name items of the codebooks")
    return name


def _bad_targets(mapping: dict, allowed: tuple[int, ...]) -> list[str]:
    return [f"{raw!r} mapped to {code}" for raw, code in mapping.items() if code is not None and code not in allowed]


class MultiShape(Closed):
    """How a multiple-choice item is written."""

    shape: Literal["split", "joined"] = Field("split", description="split: one column per option; joined: one column.")
    columns: dict[StrictInt, Text] = Field(
        default_factory=dict, description="split: option code -> column name (default <item>_<code>)."
    )
    chosen: list[Union[StrictInt, str]] = Field(
        default_factory=lambda: [1],
        min_length=1,
        description="split: values meaning chosen; the words code and label stand for the option's own.",
    )
    column: Text | None = Field(None, description="joined: the column, after rename (default: the item id).")
    values: Literal["codes", "labels"] = Field("codes", description="joined: codes (1,3,4) or labels.")
    separator: Label = Field(",", description='joined: the text between options ("," ";" ", ").')


class Answers(Closed):
    """How the export writes answers: mappings to codebook codes."""

    labels: Literal["auto", "off"] = Field("auto", description="auto: label text in a cell is matched to its code.")

    @field_validator("labels", mode="before")
    @classmethod
    def _yaml_off(cls, value):
        # YAML 1.1 (PyYAML) reads a bare `off` as false and `on` as true
        return {False: "off", True: "auto"}.get(value, value) if isinstance(value, bool) else value

    scales: dict[Annotated[Identifier, AfterValidator(_scale_name)], CodeMap] = Field(
        default_factory=dict, description="Answer scale -> {raw value: code or null}, for every item with that scale."
    )
    items: dict[Annotated[Identifier, AfterValidator(_item_name)], CodeMap] = Field(
        default_factory=dict, description="Item -> {raw value: code or null}; wins over its scale's mapping."
    )
    multi: dict[Annotated[Identifier, AfterValidator(_item_name)], MultiShape] = Field(
        default_factory=dict, description="Multiple-choice item -> how the export writes it."
    )

    @field_validator("scales")
    @classmethod
    def _scale_targets(cls, scales: dict, info: ValidationInfo) -> dict:
        refs = refs_of(info)
        if refs is None or refs.scales is None:
            return scales
        for name, mapping in scales.items():
            allowed = refs.scales[name].codes + refs.scales[name].missing
            bad = _bad_targets(mapping, allowed)
            if bad:
                raise problem(
                    "unknown_reference",
                    f"codes of answer scale {name!r} ({', '.join(map(str, allowed))}) or null",
                    f"answers.scales.{name}: {', '.join(bad)}, which the scale does not have",
                    ", ".join(bad),
                )
        return scales

    @field_validator("items")
    @classmethod
    def _item_targets(cls, items: dict, info: ValidationInfo) -> dict:
        refs = refs_of(info)
        if refs is None or refs.scales is None or refs.items is None:
            return items
        for name, mapping in items.items():
            scale = refs.scales.get(refs.items.get(name) or "")
            if scale is None or scale.type == "numeric":
                continue  # a numeric item maps to any number or null
            allowed = scale.codes + scale.missing
            bad = _bad_targets(mapping, allowed)
            if bad:
                raise problem(
                    "unknown_reference",
                    f"codes of the answer scale of {name!r} ({', '.join(map(str, allowed))}) or null",
                    f"answers.items.{name}: {', '.join(bad)}, which its scale does not have",
                    ", ".join(bad),
                )
        return items

    @field_validator("multi")
    @classmethod
    def _multi_items(cls, multi: dict, info: ValidationInfo) -> dict:
        refs = refs_of(info)
        if refs is None or refs.scales is None or refs.items is None:
            return multi
        for name, shape in multi.items():
            if refs.item_types.get(name) != "multi":
                raise problem(
                    "mismatch", "a multiple-choice item (type multi)", f"{name!r} is a {refs.item_types.get(name)} item"
                )
            scale = refs.scales.get(refs.items.get(name) or "")
            unknown = [c for c in shape.columns if scale is not None and c not in scale.codes]
            if unknown:
                raise problem(
                    "unknown_reference",
                    f"option codes of {name!r} ({', '.join(map(str, scale.codes))})",
                    f"answers.multi.{name}.columns names {', '.join(f'option {c}' for c in unknown)}, "
                    "which the item does not have",
                    ", ".join(f"option {c}" for c in unknown),
                )
        return multi
