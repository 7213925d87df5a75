"""The codebook: items, answer scales and constructs, as data.

A wave is described by one or more codebook files (plain YAML, see ``codebooks/README.md``):
the core module in ``codebooks/core.yml`` and a thematic module per wave. They are merged
into one :class:`Codebook`. Every label in every table and figure comes from here.

Why YAML and not a Frictionless Table Schema: a Table Schema describes one flat table,
field by field. A questionnaire has answer scales shared by many items, "top boxes",
missing-value codes with a meaning ("weet niet"), multi-item constructs and bilingual
texts; in YAML these stay one definition each and read well in a diff. The published
tables get a Frictionless ``datapackage.json`` all the same.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from peo.errors import CodebookError
from peo.survey import schema
from peo.yamltext import load_yaml

ITEM_TYPES = ("likert", "categorical", "multi", "numeric", "open")
ROLES = ("group", "background", "core", "outcome", "theme")
SCALE_TYPES = ("likert", "categorical", "numeric")
MISSING_KINDS = ("dont_know", "no_answer", "not_applicable")


@dataclass(frozen=True)
class Code:
    """One answer option: its numeric code, labels and optional short value (``GI``)."""

    code: int
    nl: str
    en: str
    value: str | None = None


@dataclass(frozen=True)
class MissingCode:
    """A code that means the answer is missing, with the kind of missingness."""

    code: int
    nl: str
    en: str
    kind: str


@dataclass(frozen=True)
class Total:
    """The row of all respondents together in tables by group: its value and its labels."""

    value: str
    nl: str
    en: str


@dataclass(frozen=True)
class Box:
    """A group of codes reported together, such as "(helemaal) eens" for codes 4 and 5."""

    name: str
    codes: tuple[int, ...]
    nl: str
    en: str


@dataclass(frozen=True)
class Bin:
    """A class of a numeric answer: values below ``upper`` (and at or above the previous)."""

    upper: float
    nl: str
    en: str


@dataclass(frozen=True)
class ResponseScale:
    """An answer scale shared by items: ordered codes, missing codes, boxes, bins."""

    name: str
    type: str
    label_nl: str
    label_en: str
    codes: tuple[Code, ...] = ()
    missing: tuple[MissingCode, ...] = ()
    neutral: int | None = None
    boxes: dict[str, Box] = field(default_factory=dict)
    #: Which end of a likert scale is favourable: "high" (last code) or "low" (first code).
    good: str = "high"
    min: float | None = None
    max: float | None = None
    bins: tuple[Bin, ...] = ()
    total: Total | None = None

    @property
    def valid_codes(self) -> list[int]:
        """Codes that are substantive answers, in scale order."""
        return [c.code for c in self.codes]

    @property
    def missing_codes(self) -> list[int]:
        """Codes that mean missing ("weet niet", "geen antwoord")."""
        return [m.code for m in self.missing]

    def labels(self, lang: str = "nl") -> list[str]:
        """Labels of the substantive codes, in scale order."""
        return [getattr(c, lang) for c in self.codes]

    def label_of(self, code: int, lang: str = "nl") -> str:
        """Label of one code (substantive or missing)."""
        for c in self.codes:
            if c.code == code:
                return getattr(c, lang)
        for m in self.missing:
            if m.code == code:
                return getattr(m, lang)
        raise KeyError(code)


@dataclass(frozen=True)
class Construct:
    """A multi-item scale (construct), such as experienced professional space."""

    id: str
    nl: str
    en: str
    description_nl: str = ""
    min_items: int = 1


@dataclass(frozen=True)
class Item:
    """One question of the questionnaire.

    ``raw_columns`` are the columns this item occupies in a raw export: the id itself, or
    ``<id>_<code>`` per option for a multiple-choice item (1 = chosen).
    """

    id: str
    type: str
    role: str
    text_nl: str
    text_en: str
    short_nl: str
    short_en: str
    response_scale: ResponseScale | None = None
    construct: str | None = None
    reverse: bool = False
    required: bool = False
    headline: str | None = None
    min: float | None = None
    max: float | None = None
    unit_nl: str = ""
    unit_en: str = ""
    coding: str | None = None
    source: str = ""

    @property
    def raw_columns(self) -> list[str]:
        if self.type == "multi":
            return [f"{self.id}_{c.code}" for c in self.response_scale.codes]
        return [self.id]

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """Allowed range of a numeric item (item setting first, then its scale)."""
        lo = self.min if self.min is not None else (self.response_scale.min if self.response_scale else None)
        hi = self.max if self.max is not None else (self.response_scale.max if self.response_scale else None)
        return lo, hi

    def short(self, lang: str = "nl") -> str:
        return self.short_nl if lang == "nl" else self.short_en

    def text(self, lang: str = "nl") -> str:
        return self.text_nl if lang == "nl" else self.text_en


@dataclass(frozen=True)
class Codebook:
    """The merged codebook of one wave."""

    items: tuple[Item, ...]
    scales: dict[str, ResponseScale]
    constructs: dict[str, Construct]
    sources: tuple[str, ...] = ()
    titles: tuple[tuple[str, str, str], ...] = ()  # (codebook name, title_nl, title_en)

    def __contains__(self, item_id: str) -> bool:
        return any(i.id == item_id for i in self.items)

    def item(self, item_id: str) -> Item:
        """Return the item with this id; raise ``CodebookError`` if it does not exist."""
        for i in self.items:
            if i.id == item_id:
                return i
        raise CodebookError(f"The codebook has no item {item_id!r}. Known items: {', '.join(self.ids())}.")

    def ids(self) -> list[str]:
        return [i.id for i in self.items]

    def by_role(self, *roles: str) -> list[Item]:
        """Items with one of the given roles, in codebook order."""
        return [i for i in self.items if i.role in roles]

    def by_type(self, *types: str) -> list[Item]:
        """Items of one of the given types, in codebook order."""
        return [i for i in self.items if i.type in types]

    def construct_items(self, construct: str) -> list[Item]:
        """Items that belong to a construct."""
        if construct not in self.constructs:
            raise CodebookError(f"The codebook has no construct {construct!r}.")
        return [i for i in self.items if i.construct == construct]

    @property
    def group_item(self) -> Item:
        """The grouping variable of every analysis (employer type)."""
        groups = self.by_role("group")
        if len(groups) != 1:
            raise CodebookError("The codebook must have exactly one item with role 'group' (employer type).")
        return groups[0]

    @property
    def groups(self) -> Groups:
        """The groups of every analysis: values, labels, order and the total (:func:`groups`)."""
        return groups(self)

    def raw_columns(self) -> list[str]:
        """All raw columns the codebook expects, in order."""
        return [c for i in self.items for c in i.raw_columns]

    def to_frame(self) -> pd.DataFrame:
        """The codebook as a tidy table, one row per item, for the book's appendix.

        Columns: ``item``, ``source``, ``role``, ``type``, ``construct``, ``reverse``,
        ``required``, ``short_nl``, ``text_nl``, ``text_en``, ``answers_nl``, ``missing_nl``.
        """
        rows = []
        for i in self.items:
            sc = i.response_scale
            if sc is not None and sc.type == "numeric" or i.type == "numeric":
                lo, hi = i.bounds
                answers = f"getal van {lo:g} tot en met {hi:g}" if lo is not None and hi is not None else "getal"
            elif sc is not None:
                answers = "; ".join(f"{c.code} = {c.nl}" for c in sc.codes)
            else:
                answers = "open tekst"
            rows.append(
                {
                    "item": i.id,
                    "source": i.source,
                    "role": i.role,
                    "type": i.type,
                    "construct": i.construct or "",
                    "reverse": i.reverse,
                    "required": i.required,
                    "short_nl": i.short_nl,
                    "text_nl": i.text_nl,
                    "text_en": i.text_en,
                    "answers_nl": answers,
                    "missing_nl": "; ".join(f"{m.code} = {m.nl}" for m in sc.missing) if sc else "",
                }
            )
        return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- parsing


def _req(d: dict, key: str, where: str) -> Any:
    if not isinstance(d, dict) or key not in d or d[key] in (None, ""):
        raise CodebookError(f"{where}: the field {key!r} is missing. Add it to the codebook.")
    return d[key]


def _parse_scale(name: str, d: dict, where: str) -> ResponseScale:
    w = f"{where}, answer scale {name!r}"
    if not isinstance(d, dict):
        raise CodebookError(f"{w}: expected a mapping with type, labels and codes.")
    stype = _req(d, "type", w)
    if stype not in SCALE_TYPES:
        raise CodebookError(f"{w}: unknown type {stype!r}; use one of {', '.join(SCALE_TYPES)}.")
    codes: list[Code] = []
    missing: list[MissingCode] = []
    if stype in ("likert", "categorical"):
        raw_codes = d.get("codes")
        if not raw_codes:
            raise CodebookError(
                f"{w}: a {stype} scale needs labelled codes under 'codes' "
                "(each with code, nl and en); this scale has none."
            )
        for c in raw_codes:
            cw = f"{w}, code {c.get('code') if isinstance(c, dict) else c!r}"
            code = _req(c, "code", cw)
            if not isinstance(code, int) or isinstance(code, bool):
                raise CodebookError(f"{cw}: codes must be whole numbers.")
            codes.append(Code(code, str(_req(c, "nl", cw)), str(_req(c, "en", cw)), c.get("value")))
        for m in d.get("missing") or []:
            mw = f"{w}, missing code {m.get('code') if isinstance(m, dict) else m!r}"
            kind = m.get("kind", "no_answer")
            if kind not in MISSING_KINDS:
                raise CodebookError(f"{mw}: unknown kind {kind!r}; use one of {', '.join(MISSING_KINDS)}.")
            missing.append(MissingCode(int(_req(m, "code", mw)), str(_req(m, "nl", mw)), str(_req(m, "en", mw)), kind))
        all_codes = [c.code for c in codes] + [m.code for m in missing]
        dup = sorted({c for c in all_codes if all_codes.count(c) > 1})
        if dup:
            raise CodebookError(f"{w}: code(s) {dup} are defined more than once.")
    boxes = {}
    for bname, b in (d.get("boxes") or {}).items():
        bname = str(bname)
        bw = f"{w}, box {bname!r}"
        bcodes = tuple(_req(b, "codes", bw))
        unknown = [c for c in bcodes if c not in [x.code for x in codes]]
        if unknown:
            raise CodebookError(f"{bw}: codes {unknown} are not codes of the scale.")
        boxes[bname] = Box(bname, bcodes, str(_req(b, "nl", bw)), str(_req(b, "en", bw)))
    total = None
    if d.get("total") is not None:
        tw = f"{w}, total"
        if stype != "categorical":
            raise CodebookError(f"{tw}: only a categorical scale (the group item's) can have a total.")
        t = d["total"]
        total = Total(str(_req(t, "value", tw)), str(_req(t, "nl", tw)), str(_req(t, "en", tw)))
        if total.value in [c.value for c in codes]:
            raise CodebookError(f"{tw}: the value {total.value!r} is also the value of a code; choose another.")
    neutral = d.get("neutral")
    if neutral is not None and neutral not in [c.code for c in codes]:
        raise CodebookError(f"{w}: the neutral code {neutral} is not a code of the scale.")
    bins = tuple(
        Bin(float(_req(b, "upper", w)), str(_req(b, "nl", w)), str(_req(b, "en", w))) for b in d.get("bins") or []
    )
    if stype == "numeric" and (d.get("min") is None or d.get("max") is None):
        raise CodebookError(f"{w}: a numeric scale needs 'min' and 'max'.")
    return ResponseScale(
        name=name,
        type=stype,
        label_nl=str(d.get("label_nl", name)),
        label_en=str(d.get("label_en", name)),
        codes=tuple(codes),
        missing=tuple(missing),
        neutral=neutral,
        boxes=boxes,
        good=str(d.get("good", "high")),
        min=d.get("min"),
        max=d.get("max"),
        bins=bins,
        total=total,
    )


def _read_yaml(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CodebookError(f"Codebook file {path} does not exist. Check the 'codebooks' list in wave.yml.") from None
    except UnicodeDecodeError:
        raise CodebookError(f"Codebook file {path} is not UTF-8 text. Save it as UTF-8.") from None
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise CodebookError(f"Codebook file {path} is not valid YAML{place}: {getattr(exc, 'problem', exc)}.") from None
    if not isinstance(data, dict) or "items" not in data:
        raise CodebookError(f"Codebook file {path} must be a mapping with at least an 'items' list.")
    return data


def load_codebook(paths: list[Path] | Path, codebook_dir: Path | None = None) -> Codebook:
    """Read and merge one or more codebook files.

    Parameters
    ----------
    paths : list of Path or Path
        Codebook YAML files, in order (core module first).
    codebook_dir : Path, optional
        Folder whose ``open_themes.yml`` the open items' codings must be in; default
        ``codebooks/`` (a wave's data package passes its own copy).

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        If a file is missing or malformed, an item id is used twice, an answer scale has
        no labels, or an item refers to an unknown answer scale or construct.
    """
    if isinstance(paths, (str, Path)):
        paths = [Path(paths)]
    # Every problem of every file at once (peo.survey.schema), before the parsing below.
    schema.raise_for(schema.check_codebooks([Path(p) for p in paths], codebook_dir)[1])
    scales: dict[str, ResponseScale] = {}
    constructs: dict[str, Construct] = {}
    items: list[Item] = []
    seen: dict[str, str] = {}
    titles = []
    for path in map(Path, paths):
        data = _read_yaml(path)
        where = str(path)
        name = str(data.get("codebook", path.stem))
        titles.append((name, str(data.get("title_nl", name)), str(data.get("title_en", name))))
        local_scales = {}
        for sname, sdef in (data.get("response_scales") or {}).items():
            sc = _parse_scale(str(sname), sdef, where)
            if sname in scales and scales[sname] != sc:
                raise CodebookError(
                    f"{where}: answer scale {sname!r} is defined differently in an earlier codebook. "
                    "Give it another name or make both definitions the same."
                )
            local_scales[sname] = sc
        scales.update(local_scales)
        for cid, cdef in (data.get("constructs") or {}).items():
            cw = f"{where}, construct {cid!r}"
            constructs[str(cid)] = Construct(
                str(cid),
                str(_req(cdef, "nl", cw)),
                str(_req(cdef, "en", cw)),
                str(cdef.get("description_nl", "")),
                int(cdef.get("min_items", 1)),
            )
        if not isinstance(data["items"], list):
            raise CodebookError(f"{where}: 'items' must be a list.")
        for n, d in enumerate(data["items"], start=1):
            iw = f"{where}, item {n} ({d.get('id') if isinstance(d, dict) else '?'})"
            iid = str(_req(d, "id", iw))
            if iid in seen:
                raise CodebookError(
                    f"{where}: item id {iid!r} is used twice (also in {seen[iid]}). Every item id must be unique."
                )
            seen[iid] = where
            itype = _req(d, "type", iw)
            if itype not in ITEM_TYPES:
                raise CodebookError(f"{iw}: unknown type {itype!r}; use one of {', '.join(ITEM_TYPES)}.")
            role = d.get("role", "theme")
            if role not in ROLES:
                raise CodebookError(f"{iw}: unknown role {role!r}; use one of {', '.join(ROLES)}.")
            sc = None
            if itype in ("likert", "categorical", "multi") or d.get("response_scale"):
                sname = _req(d, "response_scale", iw)
                if sname not in scales:
                    raise CodebookError(
                        f"{iw}: refers to answer scale {sname!r}, which is not defined. "
                        f"Defined scales: {', '.join(sorted(scales)) or 'none'}."
                    )
                sc = scales[sname]
            construct = d.get("construct")
            if construct is not None and construct not in constructs:
                raise CodebookError(
                    f"{iw}: refers to construct {construct!r}, which is not defined under 'constructs'."
                )
            headline = d.get("headline")
            if headline is not None and (sc is None or headline not in sc.boxes):
                raise CodebookError(f"{iw}: headline box {headline!r} is not a box of its answer scale.")
            if itype == "numeric" and sc is None and (d.get("min") is None or d.get("max") is None):
                raise CodebookError(f"{iw}: a numeric item needs 'min' and 'max' or a numeric answer scale.")
            items.append(
                Item(
                    id=iid,
                    type=itype,
                    role=role,
                    text_nl=str(_req(d, "text_nl", iw)),
                    text_en=str(_req(d, "text_en", iw)),
                    short_nl=str(d.get("short_nl", iid)),
                    short_en=str(d.get("short_en", iid)),
                    response_scale=sc,
                    construct=construct,
                    reverse=bool(d.get("reverse", False)),
                    required=bool(d.get("required", False)),
                    headline=headline,
                    min=d.get("min"),
                    max=d.get("max"),
                    unit_nl=str(d.get("unit_nl", "")),
                    unit_en=str(d.get("unit_en", "")),
                    coding=d.get("coding"),
                    source=name,
                )
            )
    cb = Codebook(tuple(items), scales, constructs, tuple(str(p) for p in paths), tuple(titles))
    return cb


# ------------------------------------------------------------------- labels and codes


@dataclass(frozen=True)
class Groups:
    """The groups of every table by employer type, as the codebook defines them.

    ``values`` are the short values of the group item's codes in scale order (``GI``, ``JZ``,
    ``LT``); ``total`` is the value of the row of all respondents (``totaal``). Labels are the
    codes' labels and the total's label (``Totaal``).
    """

    values: tuple[str, ...]
    labels: dict[str, dict[str, str]]  # lang -> value -> label
    total: str

    def label(self, group: Any, lang: str = "nl", short: bool = False) -> str:
        """The reader's label of a group; ``short`` gives the short value (``GI``) for
        employer types (the total keeps its label). An unknown group is shown as it is."""
        group = str(group)
        if short and group != self.total:
            return group
        return self.labels.get(lang, self.labels["nl"]).get(group, group)

    def order(self, present: Any) -> list[str]:
        """The groups in ``present`` in report order: the total first, then the codebook's
        order, then any other group in the order given."""
        present = list(dict.fromkeys(str(g) for g in present))
        order = [self.total] if self.total in present else []
        order += [g for g in self.values if g in present]
        return order + [g for g in present if g not in order]


def _groups_of(cb: Codebook, fallback: Total | None) -> Groups:
    sc = cb.group_item.response_scale
    if sc is None or not sc.codes:
        raise CodebookError(f"The group item {cb.group_item.id!r} has no coded answer scale.")
    total = sc.total or fallback
    if total is None:
        raise CodebookError(
            f"The answer scale {sc.name!r} of the group item has no 'total' (value and labels of the row of all "
            "respondents); add one as in codebooks/core.yml."
        )
    values = tuple(c.value if c.value else c.nl for c in sc.codes)
    labels = {
        lang: {**{v: getattr(c, lang) for v, c in zip(values, sc.codes)}, total.value: getattr(total, lang)}
        for lang in ("nl", "en")
    }
    return Groups(values, labels, total.value)


@functools.cache
def _core_groups(path: Path) -> Groups:
    return _groups_of(load_codebook(path), None)


def groups(codebook: Codebook | None = None) -> Groups:
    """The groups of every analysis (employer type): values, labels, order and the total.

    The one place where code learns the group values, their order and labels and the value
    and label of the total (``totaal``). Without a codebook, or when the codebook's group scale
    gives no ``total``, the core codebook (``codebooks/core.yml`` of the repository, else the
    one beside the package) is used.

    Raises
    ------
    CodebookError
        If the codebook has no single group item, or neither it nor the core codebook gives
        a total.
    """
    core = None
    if (
        codebook is None
        or codebook.group_item.response_scale is None
        or codebook.group_item.response_scale.total is None
    ):
        from peo import paths

        path = paths.codebook_dir() / "core.yml"
        if not path.is_file():  # a repository copy without codebooks/: the package's own
            path = paths.package_dir().parent / "codebooks" / "core.yml"
        core = _core_groups(path)
        if codebook is None:
            return core
    fallback = Total(core.total, core.labels["nl"][core.total], core.labels["en"][core.total]) if core else None
    return _groups_of(codebook, fallback)


def categories(item: Item, lang: str = "nl") -> list[str]:
    """Ordered categories of a coded item as they appear in processed data.

    The grouping item (employer type) uses the short ``value`` of each code (``GI``,
    ``JZ``, ``LT``) where the codebook gives one; every other item uses its labels.
    """
    sc = item.response_scale
    if sc is None or not sc.codes:
        raise CodebookError(f"Item {item.id!r} has no coded answer scale.")
    return [c.value if c.value else getattr(c, lang) for c in sc.codes]


def to_codes(series: pd.Series, item: Item) -> pd.Series:
    """Turn an item's processed (categorical) column back into its numeric codes (``Int64``)."""
    cats = categories(item)
    mapping = {cat: c.code for cat, c in zip(cats, item.response_scale.codes)}
    return series.astype("object").map(mapping).astype("Int64")


def reverse_codes(codes: pd.Series, item: Item) -> pd.Series:
    """Reverse-code numeric codes of an item when the codebook says ``reverse: true``."""
    if not item.reverse:
        return codes
    valid = item.response_scale.valid_codes
    return codes.map(dict(zip(valid, reversed(valid))), na_action="ignore").astype("Int64")
