"""Schemas of the shared settings: ``codebooks/open_themes.yml``, ``peo/data/analysis.yml``
and ``peo/data/wording.yml``.

References of the analysis settings (items, boxes, the construct of the space levels) are
checked against the core codebook ``codebooks/core.yml``: the analyses run on every wave.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any, Literal, Union

from typing_extensions import TypeAliasType

from pydantic import (
    AfterValidator,
    Discriminator,
    Field,
    Tag,
    RootModel,
    ValidationInfo,
    field_validator,
    model_validator,
)

from peo.survey.schema.types import (
    Closed,
    Identifier,
    Label,
    Number,
    PositiveCount,
    Text,
    check_template,
    problem,
    reference_error,
    refs_of,
)

__all__ = ["OpenThemesFile", "AnalysisFile", "WordingFile", "Theme", "Coding"]


# ------------------------------------------------------------------------ open answers


def _regex(pattern: str) -> str:
    # The patterns are matched without accents (peo.tables.text folds both sides the same way).
    folded = "".join(c for c in unicodedata.normalize("NFKD", pattern) if not unicodedata.combining(c))
    try:
        re.compile(folded)
    except re.error as exc:
        raise problem(
            "regex",
            "a Python regular expression; a literal dot or bracket needs a backslash",
            f"not a valid regular expression ({exc})",
        ) from None
    return pattern


Pattern = Annotated[str, Field(min_length=1), AfterValidator(_regex)]


class OtherTheme(Closed):
    """The theme of answers that match no other theme."""

    id: Identifier = Field(description="Theme id (overig).")
    nl: Label = Field(description="Dutch label.")
    en: Label = Field(description="English label.")
    description_nl: Label = Field(description="Dutch description.")


class Theme(OtherTheme):
    """One theme of a coding."""

    patterns: list[Pattern] = Field(min_length=1, description="Regular expressions, matched at the start of a word.")


class Coding(Closed):
    """A coding scheme: the themes of one kind of open question."""

    nl: Label = Field(description="Dutch name.")
    en: Label = Field(description="English name.")
    themes: list[Theme] = Field(min_length=1, description="The themes; ids and Dutch labels unique within the coding.")

    @field_validator("themes")
    @classmethod
    def _unique(cls, themes: list[Theme]) -> list[Theme]:
        for key in ("id", "nl"):
            values = [getattr(t, key) for t in themes]
            dup = sorted({v for v in values if values.count(v) > 1})
            if dup:
                raise problem(
                    "duplicate", f"each theme {key} once in a coding", f"theme {key} {dup[0]!r} is used twice"
                )
        return themes


class OpenThemesFile(Closed):
    """The theme codebook of the open answers (``codebooks/open_themes.yml``)."""

    version: PositiveCount = Field(1, description="Version of the format.")
    other: OtherTheme = Field(description="Given to every answer that matches no theme of its coding.")
    non_answers: list[Pattern] = Field(default_factory=list, description="Answers that are no answer (nvt, geen).")
    codings: dict[Identifier, Coding] = Field(
        min_length=1, description="Coding name (as in an item's 'coding') -> coding."
    )

    @model_validator(mode="after")
    def _other_is_apart(self) -> "OpenThemesFile":
        for name, coding in self.codings.items():
            if any(t.id == self.other.id for t in coding.themes):
                raise problem(
                    "duplicate",
                    f"theme ids other than {self.other.id!r}",
                    f"coding {name!r} has a theme with the id of the 'other' theme",
                )
        return self


# ------------------------------------------------------------------------ analysis settings


def _item(name: str, info: ValidationInfo) -> str:
    refs = refs_of(info)
    if refs is not None and refs.items is not None and name not in refs.items:
        raise reference_error("item", name, refs.items, "analysis settings refer to items of codebooks/core.yml")
    return name


ItemRef = Annotated[Identifier, AfterValidator(_item)]


def _template(text: str) -> str:
    check_template(text)
    return text


Template = Annotated[Label, AfterValidator(_template)]


class LevelLabel(Closed):
    nl: Template = Field(description="Dutch label of the level.")
    en: Template = Field(description="English label of the level.")


class SpaceLevels(Closed):
    """Levels of experienced professional space: the scale score cut at fixed points."""

    construct_: Identifier = Field(alias="construct", description="The construct whose scale score is cut (space).")
    cuts: list[Number] = Field(
        min_length=1, description="Cut points, increasing; a score at a cut goes to the level above."
    )
    levels: list[LevelLabel] = Field(description="One label per level: one more than there are cuts.")

    @field_validator("construct_")
    @classmethod
    def _construct(cls, name: str, info: ValidationInfo) -> str:
        refs = refs_of(info)
        if refs is not None and refs.constructs is not None and name not in refs.constructs:
            raise reference_error("construct", name, refs.constructs, "constructs are defined in codebooks/core.yml")
        return name

    @field_validator("cuts")
    @classmethod
    def _increasing(cls, cuts: list[float]) -> list[float]:
        if cuts != sorted(set(cuts)):
            raise problem("order", "increasing cut points", f"the cut points {cuts} do not increase")
        return cuts

    @field_validator("levels")
    @classmethod
    def _one_more(cls, levels: list[LevelLabel], info: ValidationInfo) -> list[LevelLabel]:
        cuts = info.data.get("cuts")
        if cuts is not None and len(levels) != len(cuts) + 1:
            raise problem(
                "count", f"{len(cuts) + 1} levels ({len(cuts)} cut points)", f"{len(levels)} levels are given"
            )
        return levels


class FractionWord(Closed):
    """Words for a share in [min, max)."""

    min: Number = Field(ge=0, description="Lowest share (inclusive) the words apply to.")
    max: Number = Field(ge=0, description="Highest share (exclusive).")
    nl: Template = Field(description="Dutch words; {pct} and {tenths} are filled in.")

    @field_validator("max")
    @classmethod
    def _order(cls, hi: float, info: ValidationInfo) -> float:
        lo = info.data.get("min")
        if lo is not None and hi <= lo:
            raise problem("order", f"a share above min ({lo:g})", f"max {hi:g} is not above min {lo:g}")
        return hi


def _statement_key(key: str, info: ValidationInfo) -> str:
    if key == "default":
        return key
    item, _, box = key.partition(".")
    if not box:
        raise problem("key", "default, or <item>.<box> (ps_relation.disagree)", f"{key!r} names no box")
    refs = refs_of(info)
    if refs is None or refs.items is None or refs.scales is None:
        return key
    if item not in refs.items:
        raise reference_error("item", item, refs.items, "statements refer to items of codebooks/core.yml")
    scale = refs.items[item]
    boxes = refs.scales[scale].boxes if scale in refs.scales else ()
    if box not in boxes:
        raise reference_error(f"box of {item!r}", box, boxes)
    return key


def _association_key(key: str, info: ValidationInfo) -> str:
    return key if key == "default" else _item(key, info)


class Directions(Closed):
    positief: Template = Field(description="Sentence for a positive association.")
    negatief: Template = Field(description="Sentence for a negative association.")


class Families(Closed):
    """Names of the Holm families (shown in the tables and on the methods page)."""

    space: Label = Field(description="Chi-square per professional-space item by employer type.")
    outcomes: Label = Field(description="Chi-square per outcome item by employer type.")
    scores: Label = Field(description="Kruskal-Wallis per scale score by employer type.")
    ordinal: Label = Field(description="Proportional-odds models by employer type.")
    associations: Label = Field(description="Spearman's rho of the space score with each outcome.")
    stay: Label = Field(description="Logistic regression of intending to stay.")
    changes: Label = Field(description="Changes of the headline shares between two waves.")


class TestRules(Closed):
    """The statistical rules (peo.tables.claims, peo.tables.grouptests; stated on the methods page)."""

    level: Number = Field(gt=0, lt=1, description="A claim needs a Holm-adjusted p-value below this level.")
    min_expected: Number = Field(gt=0, description="Chi-square: expected counts below this merge answers.")
    po_level: Number = Field(gt=0, lt=1, description="Level of the proportional-odds check (unadjusted).")
    families: Families = Field(description="Names of the Holm families.")


class WeightingRules(Closed):
    """Weighting to the population per employer type (peo.stats.weighting)."""

    ci_method: Literal["logit"] = Field(description="Interval of the weighted shares (R svyciprop method).")
    headline_estimate: Literal["unweighted", "poststratified"] = Field(
        description="The estimate the headline sentences state; the other is shown beside it."
    )


class AnalysisFile(Closed):
    """Wording and settings of the analyses (``peo/data/analysis.yml``)."""

    no_valid_answers: Label = Field(description="Text shown when a table has no valid answers.")
    quotes_per_theme: PositiveCount = Field(description="De-identified example quotes shown per theme.")
    space_levels: SpaceLevels = Field(description="Levels of experienced professional space.")
    stay_item: ItemRef = Field(
        description="The outcome modelled with logistic regression (its headline box is the event)."
    )
    difference_items: list[ItemRef] = Field(
        default_factory=list, description="Items whose highest group share is named in the key figures."
    )
    fraction_words: list[FractionWord] = Field(
        min_length=1, description="Words for a share; the first rule that holds is used."
    )
    statements: dict[Annotated[Text, AfterValidator(_statement_key)], Template] = Field(
        description="Statement per <item>.<box>, with a 'default'."
    )
    tests: TestRules = Field(description="The statistical rules: level of claims, collapsing, families.")
    weighting: WeightingRules = Field(description="Weighting to the population per employer type.")
    association_statement: dict[Annotated[Text, AfterValidator(_association_key)], Directions] = Field(
        description="Sentences per outcome item (or 'default') and direction of the association."
    )
    rest_label: Label = Field(description="Label of the answers outside the headline box.")

    @field_validator("statements", "association_statement")
    @classmethod
    def _has_default(cls, value: dict, info: ValidationInfo) -> dict:
        if "default" not in value:
            raise problem("missing", "a 'default' entry and entries per item", f"{info.field_name} has no 'default'")
        return value


# ------------------------------------------------------------------------ wording


class Phrase(Closed):
    """A phrase in Dutch and English; both must use the same {placeholders}."""

    nl: Template = Field(description="Dutch text.")
    en: Template | None = Field(None, description="English text (default: the Dutch).")

    @model_validator(mode="after")
    def _same_placeholders(self) -> "Phrase":
        if self.en is not None and check_template(self.nl) != check_template(self.en):
            nl, en = sorted(check_template(self.nl)), sorted(check_template(self.en))
            raise problem(
                "placeholders",
                f"the same placeholders in nl and en ({', '.join(nl) or 'none'})",
                f"nl uses {nl or 'none'}, en uses {en or 'none'}",
            )
        return self


def _entry_kind(value: Any) -> str:
    """Which kind of wording entry a value is: a mapping with ``nl`` is a phrase."""
    if isinstance(value, dict):
        return "phrase" if "nl" in value else "section"
    return "list" if isinstance(value, list) else "text"


Entry = TypeAliasType(
    "Entry",
    Annotated[
        Union[
            Annotated[Template, Tag("text")],
            Annotated[Phrase, Tag("phrase")],
            Annotated[list[Template], Tag("list")],
            Annotated[dict[Identifier, "Entry"], Tag("section")],
        ],
        Discriminator(_entry_kind),
    ],
)


class WordingFile(RootModel[dict[Identifier, dict[Identifier, Entry]]]):
    """The report's wording (``peo/data/wording.yml``): sections of phrases.

    A section (``suppression``, ``format``, ...) maps keys to a phrase: Dutch text, a
    ``{nl: ..., en: ...}`` pair, a list of texts (month names) or a mapping of phrases.
    """
