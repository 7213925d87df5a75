"""De-identification of open answers: deduce, extended with the region, Frog and shape rules.

:func:`deidentify` replaces names, places, organisations, e-mail addresses, phone numbers,
URLs, dates and case numbers by bracketed Dutch tags (``[PERSOON-1]``, ``[ORGANISATIE-2]``,
``[LOCATIE-1]``, ``[EMAIL-1]``, ``[TELEFOON-1]``, ``[URL-1]``, ``[DATUM-1]``,
``[NUMMER-1]``). Four sources of annotations are combined in deduce's pipeline:

1. ``deduce`` itself (Dutch names, places, institutions, dates, ages, numbers);
2. the region lookup list (:mod:`peo.tables.region`): the region's municipalities,
   districts, teams and organisations, which win where both tag the same words;
3. Frog's statistical named-entity recogniser (:mod:`peo.tables.ner`), run once over all
   answers of a call: names that are on no list ("Laakhaven", "Team Zeester");
4. shape rules (:mod:`peo.tables.identifiers`): named teams, schools, neighbourhoods,
   first names in lower case after "collega", postcodes, dates, case numbers.

The same string gets the same tag in every answer passed in one call, so pass all open
answers of a wave together. :func:`residual_identifiers` is the check afterwards: an
answer is quoted only when it finds nothing (:func:`peo.tables.themes.example_quotes`).

Privacy
-------
The ``mapping`` returned by :func:`deidentify` (tag to original text) is **personal data**:
it must never be published, printed in a notebook, or written under
``data/processed/<wave>/tables/``. It is hidden from the ``repr`` of :class:`Deidentified`.
"""

from __future__ import annotations

import atexit
import functools
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from peo.tables.identifiers import PHONE_PATTERN, RULES_PATH
from peo.tables.identifiers import find as find_details
from peo.tables.ner import distinct_texts
from peo.tables.ner import entities as ner_entities
from peo.tables.ner import start as ner_start
from peo.tables.region import REGION_LOOKUP_PATH, load_region_lookup, norm

__all__ = [
    "SOURCES",
    "TAG_KINDS",
    "Deidentified",
    "deidentify",
    "start_ner",
    "warm_up",
    "vocabulary",
    "residual_identifiers",
]

#: The files whose content decides the de-identification (a cache of de-identified answers
#: is valid only for the same files; see peo.tables.sections).
SOURCES = tuple(
    [Path(__file__).with_name(f"{m}.py") for m in ("deid", "ner", "identifiers", "region")]
    + [REGION_LOOKUP_PATH, RULES_PATH]
)

# deduce's tags (and the ones added here) -> the kind used in our bracketed tags. The tag
# in a published answer is ``[<KIND>-<n>]``; the mapping's ``kind`` column is the
# lower-case kind. A deduce tag not listed here keeps its own name in upper case.
TAG_KINDS: dict[str, str] = {
    "persoon": "PERSOON",
    "patient": "PERSOON",
    "regio_organisatie": "ORGANISATIE",
    "zorginstelling": "ORGANISATIE",
    "ziekenhuis": "ORGANISATIE",
    "locatie": "LOCATIE",
    "regio_locatie": "LOCATIE",
    "emailadres": "EMAIL",
    "telefoonnummer": "TELEFOON",
    "telefoonnummer_nl": "TELEFOON",
    "url": "URL",
    "datum": "DATUM",
    "leeftijd": "LEEFTIJD",
    "bsn": "BSN",
    "id": "NUMMER",
    # Frog's entities (peo.tables.ner) and the shape rules (peo.tables.identifiers).
    "ner_persoon": "PERSOON",
    "ner_organisatie": "ORGANISATIE",
    "ner_locatie": "LOCATIE",
    "regel_persoon": "PERSOON",
    "regel_organisatie": "ORGANISATIE",
    "regel_locatie": "LOCATIE",
    "regel_postcode": "LOCATIE",
    "regel_datum": "DATUM",
    "regel_nummer": "NUMMER",
    "regel_telefoon": "TELEFOON",
    "regel_email": "EMAIL",
    "regel_url": "URL",
}

# Priority of the annotations added here. deduce's own annotators use 0 (streets 1, BSN
# 100); a region name or phone number found here wins over deduce's guess for the same
# span ("Jeugdbescherming Gelderland" is an organisation, not a person).
_REGION_PRIORITY = 10

# E-mail addresses and URLs are redacted whole, even where a region name or a person's
# name inside them ("www.youz.nl", "j.devries@...") is found too.
_STRUCTURED_TAGS = {"emailadres", "url", "regel_email", "regel_url"}
_STRUCTURED_PRIORITY = 20

# Words stripped from the edges of a name fragment that is left over when a region name
# is cut out of a longer deduce annotation ("Fatima van" + "Youz" -> "Fatima").
_EDGE_WORDS = {
    "van",
    "de",
    "der",
    "den",
    "het",
    "bij",
    "in",
    "op",
    "te",
    "ten",
    "ter",
    "voor",
    "naar",
    "met",
    "en",
    "of",
    "uit",
    "aan",
    "'t",
}


def _import_deduce():
    """Import deduce without letting it reconfigure logging.

    ``deduce/deduce.py`` calls ``logging.basicConfig(stream=sys.stdout, level=DEBUG)`` on
    import, which would flood notebooks and the command line with other libraries' debug
    messages. Restore the root logger as it was.
    """
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    import deduce  # noqa: PLC0415 (lazy: importing it is slow and only needed here)

    for h in root.handlers[:]:
        if h not in handlers:
            root.removeHandler(h)
    root.setLevel(level)
    return deduce


def _annotation_processors():
    """The docdeid components added to deduce's pipeline (defined lazily: docdeid is only
    imported when de-identification is used)."""
    import docdeid as dd  # noqa: PLC0415

    class KeepAnnotations(dd.process.AnnotationProcessor):
        """Drop annotations whose whole text is a name that must never be redacted."""

        def __init__(self, keep: frozenset[str]) -> None:
            self.keep = keep

        def process_annotations(self, annotations, text):
            return dd.AnnotationSet(a for a in annotations if norm(a.text) not in self.keep)

    class CoveragePreservingOverlapResolver(dd.process.AnnotationProcessor):
        """Resolve overlapping annotations without un-redacting any text.

        deduce's own ``OverlapResolver`` drops the losing annotation of an overlap
        altogether: when a region name (higher priority) overlaps a longer person
        annotation ("Fatima van Youz"), "Fatima" would be published. Here annotations are
        accepted by priority, then length; what is left of a losing annotation outside the
        accepted ones is kept as a new annotation with its own tag. deduce's resolver then
        has no overlap left to resolve.
        """

        def process_annotations(self, annotations, text):
            ordered = sorted(annotations, key=lambda a: (-_rank(a), -a.length, a.start_char, a.tag))
            taken: list[tuple[int, int]] = []
            out = []
            for a in ordered:
                pieces = [(a.start_char, a.end_char)]
                for s, e in taken:
                    pieces = [q for p in pieces for q in ((p[0], min(p[1], s)), (max(p[0], e), p[1])) if q[0] < q[1]]
                whole = pieces == [(a.start_char, a.end_char)]
                for s, e in pieces:
                    if not whole:
                        s, e = _trim_fragment(text, s, e)
                        if s >= e:
                            continue
                    taken.append((s, e))
                    out.append(dd.Annotation(text=text[s:e], start_char=s, end_char=e, tag=a.tag, priority=a.priority))
            return dd.AnnotationSet(out)

    class LowercaseFullNameAnnotator(dd.process.Annotator):
        """Find full names typed without capitals ("jan de vries"), which deduce misses.

        deduce recognises names by their capitals. An answer typed in lower case
        would keep its names, so a first name from deduce's own lookup list followed by a
        surname (optionally after an interfix such as "de" or "van der") is tagged as a
        person when the words are written in lower case and none of them is on deduce's
        whitelist of ordinary words. Requiring both parts keeps ordinary words such as
        "mark" or "roos" alone untouched.
        """

        _word = re.compile(r"[^\W\d_]+(?:['\-][^\W\d_]+)*")

        def __init__(self, lookup_structs, tag: str = "persoon") -> None:
            ds = lookup_structs
            self.whitelist = set(ds["whitelist"].items())
            self.first = {k.lower() for k, c in ds["first_name"].children.items() if c.is_terminal} - self.whitelist
            self.surname = {k.lower() for k, c in ds["surname"].children.items() if c.is_terminal} - self.whitelist
            self.after_interfix = ({x.lower() for x in ds["interfix_surname"].items()} | self.surname) - self.whitelist
            self.interfix = {x.lower() for x in ds["interfix"].items()}
            super().__init__(tag=tag, priority=0)

        def annotate(self, doc):
            text = doc.text
            words = [(m.start(), m.end(), m.group()) for m in self._word.finditer(text)]
            out = []
            for i, (start, _, w) in enumerate(words):
                if w != w.lower() or w not in self.first:
                    continue
                end = None
                if i + 1 < len(words) and words[i + 1][2] in self.surname:
                    end = words[i + 1][1]
                for k in (2, 1):  # interfix of two words ("van der") or one ("de")
                    j = i + 1 + k
                    if end is None and j < len(words):
                        inter = " ".join(x[2] for x in words[i + 1 : j])
                        if inter in self.interfix and words[j][2] in self.after_interfix:
                            end = words[j][1]
                if end is not None and text[start:end] == text[start:end].lower():
                    out.append(
                        dd.Annotation(
                            text=text[start:end], start_char=start, end_char=end, tag=self.tag, priority=self.priority
                        )
                    )
            return out

    class StripPersonPrefix(dd.process.AnnotationProcessor):
        """Leave a title or "collega" before a name visible: "collega [PERSOON-1]".

        deduce includes prefixes from its lookup list ("collega", "mevrouw", "dhr.") in a
        person annotation. They identify nobody, and "collega" matters for theme coding,
        so they are moved out of the annotation when a name remains.
        """

        def __init__(self, prefixes) -> None:
            alternation = "|".join(re.escape(p) for p in sorted(set(prefixes), key=len, reverse=True))
            self.prefix = re.compile(rf"(?:(?:{alternation})(?:\s+|(?<=\.)))+") if alternation else None

        def process_annotations(self, annotations, text):
            out = []
            for a in annotations:
                m = self.prefix.match(a.text) if self.prefix is not None and a.tag in ("persoon", "patient") else None
                if m and re.search(r"\w", a.text[m.end() :]):
                    s = a.start_char + m.end()
                    a = dd.Annotation(
                        text=text[s : a.end_char], start_char=s, end_char=a.end_char, tag=a.tag, priority=a.priority
                    )
                out.append(a)
            return dd.AnnotationSet(out)

    class GivenSpans(dd.process.Annotator):
        """Annotations found outside deduce, passed in with the document's metadata.

        ``metadata["spans"]`` holds ``(start, end, tag, priority)``: Frog's entities
        (:mod:`peo.tables.ner`, run once over all answers of a call) and the shape rules
        (:mod:`peo.tables.identifiers`).
        """

        def __init__(self) -> None:
            super().__init__(tag="given")

        def annotate(self, doc):
            spans = doc.metadata["spans"] if doc.metadata is not None else None
            spans = spans or ()
            return [
                dd.Annotation(text=doc.text[s:e], start_char=s, end_char=e, tag=tag, priority=prio)
                for s, e, tag, prio in spans
            ]

    return KeepAnnotations, CoveragePreservingOverlapResolver, LowercaseFullNameAnnotator, StripPersonPrefix, GivenSpans


def _rank(annotation) -> int:
    """Priority in overlap resolution: e-mail addresses and URLs contain names and win."""
    return _STRUCTURED_PRIORITY if annotation.tag in _STRUCTURED_TAGS else annotation.priority


def _trim_fragment(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim spaces, punctuation and edge function words from a left-over name fragment."""
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\w+(?:['\-]\w+)*", text[start:end])]
    while words and text[words[0][0] : words[0][1]].lower() in _EDGE_WORDS:
        words.pop(0)
    while words and text[words[-1][0] : words[-1][1]].lower() in _EDGE_WORDS:
        words.pop()
    if not words:
        return start, start
    return words[0][0], words[-1][1]


@functools.lru_cache(maxsize=1)
def _deidentifier(lookup_path: str):
    """One deduce instance per process and lookup file, extended with the region lookup."""
    deduce = _import_deduce()
    import docdeid as dd  # noqa: PLC0415

    lookup = load_region_lookup(lookup_path)
    # deduce's lookup structures are millions of small objects (unpickled from its cache).
    # With the garbage collector on, the allocations trigger full collections that walk
    # all of them again and again while they load (about 6 s instead of 1.4 s), and every
    # full collection afterwards would walk them too. So: collect what is garbage now
    # (cheap: the heap is still small), load with the collector off, then freeze, which
    # moves every object that exists out of the collector's reach; they live for the
    # process anyway.
    import gc  # noqa: PLC0415

    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        model = deduce.Deduce()
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
    KeepAnnotations, Resolver, LowercaseFullName, StripPersonPrefix, GivenSpans = _annotation_processors()

    # The region's names are matched with docdeid's RegexpAnnotator rather than its
    # token-based MultiTokenLookupAnnotator: deduce's tokenizer merges interfixes with
    # the word before ("in den haag" -> "in den", "haag"), so a token lookup of "den
    # haag" misses, and docdeid 1.0.1's LookupTrie lower-cases only the first word of a
    # value when it is added, so case-insensitive multi-word values never match.
    region = dd.process.DocProcessorGroup()
    for i, (kind, rx) in enumerate(lookup.patterns()):
        region.add_processor(
            f"region_{kind}_{i}",
            dd.process.RegexpAnnotator(regexp_pattern=rx, tag=f"regio_{kind}", priority=_REGION_PRIORITY),
        )
    region.add_processor("lowercase_full_name", LowercaseFullName(model.lookup_structs))
    region.add_processor(
        "phone_nl",
        dd.process.RegexpAnnotator(regexp_pattern=PHONE_PATTERN, tag="telefoonnummer_nl", priority=_REGION_PRIORITY),
    )
    region.add_processor("given_spans", GivenSpans())
    region.add_processor("keep", KeepAnnotations(lookup.keep))
    region.add_processor("coverage_preserving_overlap", Resolver())
    region.add_processor("strip_person_prefix", StripPersonPrefix(model.lookup_structs["prefix"].items()))

    # deduce's documented way to extend it: add processors to ``Deduce.processors`` at a
    # position before its post-processing (overlap resolution, merging, redaction).
    names = model.processors.get_names(recursive=False)
    model.processors.add_processor("region", region, position=names.index("post_processing"))
    return model


# Free the pipeline explicitly at exit: left to interpreter shutdown, tearing down deduce's
# lookup tries (millions of small objects) takes about 8 seconds instead of 0.3.
atexit.register(_deidentifier.cache_clear)


def warm_up() -> None:
    """Build (or load from deduce's cache) the de-identification pipeline once.

    Raises
    ------
    ConfigError
        If the region lookup list is malformed.
    """
    _deidentifier(str(REGION_LOOKUP_PATH))


@dataclass(frozen=True)
class Deidentified:
    """Result of :func:`deidentify`.

    Attributes
    ----------
    text : pandas.Series
        The de-identified answers (dtype ``string``), same index and order as the input;
        missing answers stay missing.
    mapping : pandas.DataFrame
        **PRIVATE, never publish.** One row per distinct original string: ``tag`` (e.g.
        ``[PERSOON-1]``), ``original`` (the text it replaced, as written the first time),
        ``kind`` (``persoon``, ``organisatie``, ``locatie``, ``email``, ``telefoon``,
        ``url``, ``datum``, ``leeftijd``, ...). Left out of ``repr`` so that printing the
        result in a notebook does not publish it.
    """

    text: pd.Series
    mapping: pd.DataFrame = field(repr=False)


def deidentify(texts: pd.Series, *, lookup_path: str | Path | None = None, ner: bool = True) -> Deidentified:
    """Replace identifying details in open answers by consistent bracketed tags.

    ``deduce`` finds names, places, institutions, dates, ages, phone numbers, e-mail
    addresses and URLs; the region lookup (``peo/data/region_lookup.yml``) adds the
    region's municipalities, districts, teams and youth-care organisations and takes
    precedence where both tag the same words. Every distinct string (case and spacing
    ignored) of one kind gets one tag, numbered in order of first appearance: the same
    person is ``[PERSOON-1]`` in every answer of the call. Pass all open answers of a wave
    in one call, e.g. ``deidentify(df[open_cols].stack())`` and ``.unstack()`` the result.

    Parameters
    ----------
    texts : pandas.Series
        Answers (any index: ``pid``, or ``(pid, item)`` for stacked items). Missing values
        stay missing; other non-text values are converted to text.
    lookup_path : str or Path, optional
        Another region lookup list (default: the package's).
    ner : bool, default True
        Also run Frog (:mod:`peo.tables.ner`), once over all distinct answers. Only tests
        that measure what the other steps find alone turn it off.

    Returns
    -------
    Deidentified
        ``text`` (publishable after :func:`html_safe`) and ``mapping`` (PRIVATE).

    Raises
    ------
    ConfigError
        If the region lookup list or the identifier rules are malformed.
    NerUnavailableError
        If Frog is not installed (``apt-get install frog frogdata ucto uctodata``).
    TypeError
        If ``texts`` is not a pandas Series.
    """
    if not isinstance(texts, pd.Series):
        raise TypeError(f"deidentify() expects a pandas Series of answers, not {type(texts).__name__}.")
    model = _deidentifier(str(Path(lookup_path).resolve() if lookup_path else REGION_LOOKUP_PATH))
    tags: dict[tuple[str, str], str] = {}
    counters: dict[str, int] = {}
    rows: list[dict] = []
    seen_rows: set[tuple[str, str]] = set()
    out: list = []
    # deduce's result depends on the text alone, and a repeated text finds its tags already
    # given, so each distinct text is de-identified once (answers such as "Meer personeel."
    # recur often in a large wave); the output is the same as without this cache.
    done: dict[str, str] = {}
    spans = _given_spans(texts.tolist(), model, ner=ner)
    for value in texts.tolist():
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            out.append(pd.NA)
            continue
        text = str(value)
        if not text.strip():
            out.append(text)
            continue
        if text in done:
            out.append(done[text])
            continue
        doc = model.deidentify(text, disabled={"redactor"}, metadata={"spans": spans.get(text, ())})
        parts, pos = [], 0
        for ann in sorted(doc.annotations, key=lambda a: a.start_char):
            kind = TAG_KINDS.get(ann.tag, ann.tag.upper())
            key = (kind, norm(ann.text))
            if key not in tags:
                counters[kind] = counters.get(kind, 0) + 1
                tags[key] = f"[{kind}-{counters[kind]}]"
            tag = tags[key]
            if (tag, ann.text) not in seen_rows:
                seen_rows.add((tag, ann.text))
                rows.append({"tag": tag, "original": ann.text, "kind": kind.lower()})
            parts += [text[pos : ann.start_char], tag]
            pos = ann.end_char
        parts.append(text[pos:])
        done[text] = "".join(parts)
        out.append(done[text])
    result = pd.Series(out, index=texts.index, name=texts.name, dtype="string")
    mapping = pd.DataFrame(rows, columns=["tag", "original", "kind"]).astype("string")
    return Deidentified(text=result, mapping=mapping)


# Priorities of the annotations found outside deduce. The shape rules for organisations,
# places and numbers are as sure as the region list ("Team Zeester" whole, not deduce's
# "Zeester" as a surname). Frog's guesses and a first name after a cue are fallbacks: they
# lose against deduce (0), so that deduce's "Jan de Vries" stays one person rather than
# "Jan" from the cue rule plus a left-over "Vries" with a tag of its own.
_RULE_PRIORITY = _REGION_PRIORITY
_FALLBACK_PRIORITY = -1
_NER_PRIORITY = _FALLBACK_PRIORITY
_NER_TAGS = {"PER": "ner_persoon", "ORG": "ner_organisatie", "LOC": "ner_locatie"}


def vocabulary(lookup_path: str | Path | None = None) -> tuple[frozenset[str], frozenset[str]]:
    """deduce's lower-case first names and ordinary words (its whitelist).

    The shape rules (:func:`peo.tables.identifiers.find`) take a word after a person cue for a
    name only when it is a first name, and never take an ordinary word for a place.
    """
    model = _deidentifier(str(Path(lookup_path).resolve() if lookup_path else REGION_LOOKUP_PATH))
    return _vocabulary(id(model), model)


@functools.lru_cache(maxsize=2)
def _vocabulary(_key: int, model) -> tuple[frozenset[str], frozenset[str]]:
    ds = model.lookup_structs
    whitelist = frozenset(x.lower() for x in ds["whitelist"].items())
    first = frozenset(k.lower() for k, c in ds["first_name"].children.items() if c.is_terminal) - whitelist
    return first, whitelist


def _trim_entity(text: str, start: int, end: int) -> tuple[int, int]:
    """Leave punctuation and leading lower-case words outside an entity.

    "Lyceum!" -> "Lyceum"; Frog's "teamleider Fatima El Amrani" -> "Fatima El Amrani" (a
    name starts with a capital; the word before it is a role, which deduce's "Fatima El
    Amrani" would otherwise leave behind with a tag of its own).
    """
    while start < end and not text[start].isalnum():
        start += 1
    while True:
        m = re.match(r"([^\W\d_]+)\s+(?=\S)", text[start:end])
        if not m or not m.group(1)[0].islower() or m.group(1) in _EDGE_WORDS:
            break
        start += m.end()
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


def start_ner(texts: pd.Series) -> None:
    """Start Frog in the background (:func:`peo.tables.ner.start`) on the answers that
    :func:`deidentify` will be given, so that it runs while the caller computes other tables.
    Every answer still passes through deduce, the region lookup, Frog and the rules."""
    ner_start(texts.tolist())


def _given_spans(values: list, model, *, ner: bool) -> dict[str, tuple]:
    """Per distinct text: Frog's entities and the shape rules' details, as annotation spans."""
    texts = distinct_texts(values)
    first, ordinary = _vocabulary(id(model), model)
    found = ner_entities(texts) if ner and texts else [()] * len(texts)
    out: dict[str, tuple] = {}
    for text, ents in zip(texts, found):
        spans = []
        for e in ents:
            tag = _NER_TAGS.get(e.label)
            s, t = _trim_entity(text, e.start, e.end)
            if tag and s < t:
                spans.append((s, t, tag, _NER_PRIORITY))
        for sp in find_details(text, first_names=first, ordinary=ordinary):
            prio = _FALLBACK_PRIORITY if sp.kind == "persoon" else _RULE_PRIORITY
            spans.append((sp.start, sp.end, f"regel_{sp.kind}", prio))
        out[text] = tuple(spans)
    return out


@functools.lru_cache(maxsize=4)
def _region_patterns(lookup_path: str) -> tuple[re.Pattern, ...]:
    return tuple(rx for _, rx in load_region_lookup(lookup_path).patterns())


def residual_identifiers(
    text: str, *, lookup_path: str | Path | None = None, vocab: tuple[frozenset[str], frozenset[str]] | None = None
) -> list[str]:
    """Kinds of identifying detail still present in a (de-identified) text.

    A check after :func:`deidentify`, independent of deduce's and Frog's judgement: the
    shape rules of :mod:`peo.tables.identifiers` (e-mail addresses, URLs, phone numbers,
    postcodes, dates, case numbers, named teams and schools, neighbourhood and street
    names, first names after a person cue) and any name of the region lookup list. Tags
    such as ``[PERSOON-1]`` are not details.

    Parameters
    ----------
    text : str
        The text to check.
    lookup_path : str or Path, optional
        Another region lookup list (default: the package's).
    vocab : (first names, ordinary words), optional
        Default :func:`vocabulary` (loads deduce once per process).

    Returns
    -------
    list of str
        Sorted kinds found: ``email``, ``url``, ``telefoon``, ``postcode``, ``datum``,
        ``nummer``, ``organisatie``, ``locatie``, ``persoon``, ``regio``; empty when
        nothing is found.

    Raises
    ------
    ConfigError
        If the region lookup list or the identifier rules are malformed.
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return []
    text = str(text)
    first, ordinary = vocab if vocab is not None else vocabulary(lookup_path)
    found = {sp.kind for sp in find_details(text, first_names=first, ordinary=ordinary)}
    region = _region_patterns(str(Path(lookup_path).resolve() if lookup_path else REGION_LOOKUP_PATH))
    if any(rx.search(text) for rx in region):
        found.add("regio")
    return sorted(found)
