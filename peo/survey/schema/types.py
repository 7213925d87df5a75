"""Building blocks of the configuration schemas: value types and reference checks.

The models in :mod:`peo.survey.schema.models` and :mod:`peo.survey.schema.settings` are
made of these. A *reference* (an item's answer scale, a population key, a box) is checked
against :class:`Refs`, collected beforehand from every file of the configuration and
passed to pydantic as validation context; without a context (an editor checking one file
against the published JSON Schema) references are not checked.
"""

from __future__ import annotations

import difflib
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Callable

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, StringConstraints, ValidationInfo
from pydantic_core import PydanticCustomError

__all__ = [
    "Closed",
    "Refs",
    "ScaleRefs",
    "Text",
    "Label",
    "Count",
    "PositiveCount",
    "Number",
    "Flag",
    "Identifier",
    "problem",
    "reference_error",
    "refs_of",
    "check_template",
]


class Closed(BaseModel):
    """A mapping with a fixed set of keys: an unknown (misspelt) key is an error."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


def _number_as_text(value: Any) -> Any:
    """YAML reads ``nl: 10`` as a number; a label may well be one. Booleans stay errors."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


#: Text (a number written without quotes is taken as its text).
Text = Annotated[str, BeforeValidator(_number_as_text)]
#: Non-empty text, such as a label.
Label = Annotated[str, StringConstraints(min_length=1), BeforeValidator(_number_as_text)]
#: A whole number of zero or more (YAML text such as "tien" or "10" is not a number).
Count = Annotated[int, Strict(), Field(ge=0)]
#: A whole number of one or more.
PositiveCount = Annotated[int, Strict(), Field(ge=1)]
#: A number, whole or not (not text, not true/false).
Number = Annotated[float, Strict()]
#: true or false (YAML also reads yes/no as true/false).
Flag = Annotated[bool, Strict()]
#: A name used as a key elsewhere: no spaces and no dots (``ps_relation``, ``agree5``).
Identifier = Annotated[str, StringConstraints(pattern=r"^[^\s.]+$", min_length=1), BeforeValidator(_number_as_text)]


@dataclass
class ScaleRefs:
    """What other parts of the configuration may refer to in one answer scale."""

    type: str | None
    codes: tuple[int, ...] = ()
    missing: tuple[int, ...] = ()
    values: tuple[str, ...] = ()
    boxes: tuple[str, ...] = ()
    good: str = "high"


@dataclass
class Refs:
    """The names that references may point at, collected from every file checked together.

    ``None`` for a kind of name means "unknown here": references of that kind are not
    checked (for instance the codings of the open answers when no ``open_themes.yml`` is
    in the configuration being checked).
    """

    scales: dict[str, ScaleRefs] | None = None
    constructs: set[str] | None = None
    items: dict[str, str | None] | None = None  # item id -> its answer scale
    item_types: dict[str, str] = field(default_factory=dict)
    codings: set[str] | None = None
    employer_codes: tuple[str, ...] | None = None
    wave_dir: Path | None = None
    resolve_codebook: Callable[[str], Path] | None = None  # raises ConfigError
    # mutable bookkeeping while validating a codebook (duplicates over files)
    seen_items: dict[str, str] = field(default_factory=dict)
    group_item: str | None = None
    current_file: str = ""
    # construct -> (its favourable end after reverse coding, the item that set it)
    construct_good: dict[str, tuple[str, str]] = field(default_factory=dict)


def refs_of(info: ValidationInfo) -> Refs | None:
    """The :class:`Refs` passed as validation context, if any."""
    ctx = info.context
    return ctx if isinstance(ctx, Refs) else None


def problem(kind: str, allowed: str, reason: str, found: str | None = None) -> PydanticCustomError:
    """A validation error with what is allowed and why the value is not.

    The two parts are kept apart (``ctx``) so that the report can show them in its own
    columns; pydantic's own errors get their "allowed" from the JSON Schema instead.
    """
    ctx = {"allowed": allowed, "reason": reason}
    if found is not None:
        ctx["found"] = found
    return PydanticCustomError(kind, "{reason}", ctx)


def reference_error(what: str, value: Any, known: Any, hint: str = "") -> PydanticCustomError:
    """An error for a reference to something that does not exist, listing what does."""
    names = sorted(map(str, known))
    close = difflib.get_close_matches(str(value), names, n=1, cutoff=0.6)
    listing = ", ".join(names) if names else "none (nothing is defined)"
    if len(names) > 12:  # a long list: the nearest names only
        listing = (
            ", ".join(difflib.get_close_matches(str(value), names, n=5, cutoff=0.0)) + f" ... ({len(names)} in all)"
        )
    advice = f"; did you mean {close[0]!r}?" if close else (f"; {hint}" if hint else "")
    return problem("unknown_reference", f"one of {listing}", f"{what} {value!r} does not exist{advice}", repr(value))


def check_template(text: str) -> set[str]:
    """The ``{placeholders}`` of a phrase; raises for unbalanced braces."""
    try:
        return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError as exc:
        raise problem(
            "template",
            "text whose {placeholders} are closed; a literal brace is written {{ or }}",
            f"the braces do not match ({exc})",
        ) from None
