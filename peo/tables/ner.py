"""Statistical Dutch named-entity recognition with Frog, offline.

deduce (:mod:`peo.tables.deid`) finds what is on its lists and what its patterns describe.
What no list names (a neighbourhood, a named team, a school, a small organisation) needs a
recogniser that learned what names look like. Frog (Radboud University / Tilburg
University; Debian packages ``frog``, ``frogdata``, ``ucto``, ``uctodata``) is a Dutch
tagger with a memory-based named-entity recogniser trained on the SoNaR corpus. It runs
offline as a command-line program and is the only maintained Dutch NER that needs no model
download at run time (spaCy's and flair's Dutch models are downloaded from the web).

Frog takes about 5 to 10 seconds of processor time to start, so :func:`entities` runs it
once over a whole batch of answers (a wave's open answers) and caches the result per text
for the rest of the process. Only the tokeniser, the part-of-speech tagger and the NER
module run (``--skip=pacml``: no parser, morphology, chunker, multi-word units or
lemmatiser); the NER uses the tagger's output.

Entity labels are Frog's: ``PER`` (person), ``ORG`` (organisation), ``LOC`` (location),
``PRO`` (product), ``EVE`` (event), ``MISC`` (other).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from peo.errors import PeoError

__all__ = ["Entity", "NerUnavailableError", "frog_command", "available", "entities", "INSTALL_HINT"]

#: How to install Frog (printed in the error when it is missing).
INSTALL_HINT = (
    "Install Frog with its data (Debian/Ubuntu, as root): apt-get install frog frogdata ucto uctodata; "
    "or run: bash tools/install_frog.sh. `make test` and `make book` install it when it is missing."
)

# A line of its own between two answers. Frog splits and tokenises as it likes; the run of
# four section signs survives as four tokens of "§", which mark where the next answer starts.
_SEPARATOR = "§§§§"
_TIMEOUT_S = 1800

_CACHE: dict[str, tuple["Entity", ...]] = {}


class NerUnavailableError(PeoError):
    """Frog, the named-entity recogniser, is not installed or failed to run."""


@dataclass(frozen=True)
class Entity:
    """A named entity found by Frog in one text: character offsets, label and text."""

    start: int
    end: int
    label: str
    text: str


def frog_command() -> str | None:
    """The Frog executable: ``$PEO_FROG`` if set, else ``frog`` on the ``PATH``; None if absent."""
    given = os.environ.get("PEO_FROG")
    if given:
        return given if Path(given).is_file() else None
    return shutil.which("frog")


def available() -> bool:
    """Whether the Frog executable is there."""
    return frog_command() is not None


def _clean(text: str) -> str:
    """One line per answer, offsets kept: line breaks, tabs and our separator become spaces."""
    return re.sub(r"[\r\n\t\v\f\u2028\u2029§]", " ", text)


def _parse(output: str) -> list[list[tuple[str, str]]]:
    """Frog's tab-separated output as answers of ``(token, ner_tag)``, split at the separators.

    A token line is ``index, word, lemma, morphology, (empty), POS, confidence, NER, ...``
    (the skipped modules leave their columns empty); the NER tag is the first field after
    the confidence that reads ``O``, ``B-X`` or ``I-X``.
    """
    answers: list[list[tuple[str, str]]] = [[]]
    run = 0
    for line in output.splitlines():
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) < 2:
            continue
        word = fields[1]
        tag = next((f for f in fields[5:] if re.fullmatch(r"O|[BI]-[A-Z]+", f)), "O")
        if word == "§":
            run += 1
            if run == len(_SEPARATOR):
                answers.append([])
                run = 0
            continue
        run = 0
        answers[-1].append((word, tag))
    return answers


def _align(text: str, tokens: list[tuple[str, str]]) -> tuple[Entity, ...]:
    """Entities with character offsets: each token is looked up in the text from the last one on."""
    out: list[Entity] = []
    pos = 0
    current: list | None = None  # [start, end, label]
    for word, tag in tokens:
        at = text.find(word, pos)
        if at < 0:  # ucto rewrote the token (rare: quotes, ligatures); skip it, keep the place
            if current is not None:
                out.append(Entity(current[0], current[1], current[2], text[current[0] : current[1]]))
                current = None
            continue
        start, end = at, at + len(word)
        pos = end
        if tag.startswith("B-") or (tag.startswith("I-") and (current is None or current[2] != tag[2:])):
            if current is not None:
                out.append(Entity(current[0], current[1], current[2], text[current[0] : current[1]]))
            current = [start, end, tag[2:]]
        elif tag.startswith("I-") and current is not None:
            current[1] = end
        else:
            if current is not None:
                out.append(Entity(current[0], current[1], current[2], text[current[0] : current[1]]))
            current = None
    if current is not None:
        out.append(Entity(current[0], current[1], current[2], text[current[0] : current[1]]))
    return tuple(out)


def entities(texts: Sequence[str]) -> list[tuple[Entity, ...]]:
    """Named entities in each text, by one run of Frog over all texts not seen before.

    Parameters
    ----------
    texts : sequence of str
        The answers. Results are cached per text for the life of the process.

    Returns
    -------
    list of tuple of Entity
        One tuple per text, in order; offsets refer to the text as given.

    Raises
    ------
    NerUnavailableError
        If Frog is not installed, or fails (its last error lines are in the message).
    """
    todo = list(dict.fromkeys(t for t in texts if t not in _CACHE and t.strip()))
    if todo:
        command = frog_command()
        if command is None:
            raise NerUnavailableError(
                f"Frog, the Dutch named-entity recogniser used on open answers, is missing. {INSTALL_HINT}"
            )
        with tempfile.TemporaryDirectory(prefix="peo-frog-") as tmp:
            infile, outfile = Path(tmp) / "in.txt", Path(tmp) / "out.tsv"
            lines = []
            for t in todo:
                lines += [_clean(t), _SEPARATOR]
            infile.write_text("\n".join(lines) + "\n", encoding="utf-8")
            cmd = [command, "-n", "--skip=pacml", "--threads=1", "-t", str(infile), "-o", str(outfile)]
            try:
                done = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, timeout=_TIMEOUT_S, check=False)
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise NerUnavailableError(f"Frog could not be run ({exc}). {INSTALL_HINT}") from None
            if done.returncode != 0 or not outfile.is_file():
                tail = " | ".join(done.stderr.strip().splitlines()[-3:])
                raise NerUnavailableError(f"Frog failed (exit {done.returncode}): {tail}. {INSTALL_HINT}")
            answers = _parse(outfile.read_text(encoding="utf-8"))
        if len(answers) < len(todo):
            raise NerUnavailableError(
                f"Frog returned {len(answers)} answers for {len(todo)} texts; its output could not be aligned. "
                "Report this with the Frog version (frog --version)."
            )
        for t, toks in zip(todo, answers):
            _CACHE[t] = _align(_clean(t), toks)
    return [_CACHE.get(t, ()) for t in texts]
