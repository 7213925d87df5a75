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

Frog then reads about 1,800 words a second on one core, and ``--threads`` does not make
one run faster. So :func:`start` can run it in the background, as soon as the answers are
known, while the caller computes other things; :func:`entities` then waits for that run.
A batch of more than :data:`WORDS_PER_PROCESS` words is split over up to ``os.cpu_count()``
Frog processes side by side: each sentence is tagged on its own, so where an answer is
tagged does not change its entities (``tests/test_ner_split.py`` checks that).

Entity labels are Frog's: ``PER`` (person), ``ORG`` (organisation), ``LOC`` (location),
``PRO`` (product), ``EVE`` (event), ``MISC`` (other).
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from peo.errors import PeoError

__all__ = [
    "Entity",
    "NerUnavailableError",
    "frog_command",
    "available",
    "start",
    "entities",
    "stop_pending",
    "distinct_texts",
    "WORDS_PER_PROCESS",
    "INSTALL_HINT",
]

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

#: A batch is split over several Frog processes only above this many words per process:
#: each process pays Frog's start (about 7 s) again, and 20,000 words take Frog about 11 s.
#: A demo wave (a few thousand words) runs in one process, as its three waves already run
#: side by side in a build.
WORDS_PER_PROCESS = 20_000


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


def distinct_texts(values: Sequence) -> list[str]:
    """The distinct non-empty answers among ``values``, in order: what Frog is given."""
    return list(dict.fromkeys(str(v) for v in values if isinstance(v, str) and v.strip()))


def _chunks(texts: list[str], processes: int | None = None) -> list[list[str]]:
    """``texts`` cut into consecutive parts of about equal words, one per Frog process:
    one part up to :data:`WORDS_PER_PROCESS` words per process, at most ``os.cpu_count()``."""
    words = [len(t.split()) + 1 for t in texts]
    total = sum(words)
    n = max(1, min(processes or os.cpu_count() or 1, total // WORDS_PER_PROCESS, len(texts)))
    out: list[list[str]] = [[]]
    done = 0
    for t, w in zip(texts, words):
        if out[-1] and done >= total * len(out) / n:
            out.append([])
        out[-1].append(t)
        done += w
    return out


@dataclass
class _Run:
    """One Frog process started by :func:`start`: its texts and files."""

    texts: list[str]
    proc: subprocess.Popen
    tmp: tempfile.TemporaryDirectory = field(repr=False)

    @property
    def outfile(self) -> Path:
        return Path(self.tmp.name) / "out.tsv"


#: Frog processes started and not yet read, by text.
_PENDING: dict[str, _Run] = {}


def start(texts: Sequence[str]) -> None:
    """Start Frog in the background on the texts not seen or started before.

    Returns at once; :func:`entities` waits for the run and reads it. Call this as soon as
    the answers are known, so that Frog works while the caller computes other things.

    Raises
    ------
    NerUnavailableError
        If Frog is not installed or cannot be started.
    """
    todo = [t for t in distinct_texts(texts) if t not in _CACHE and t not in _PENDING]
    if not todo:
        return
    command = frog_command()
    if command is None:
        raise NerUnavailableError(
            f"Frog, the Dutch named-entity recogniser used on open answers, is missing. {INSTALL_HINT}"
        )
    for part in _chunks(todo):
        tmp = tempfile.TemporaryDirectory(prefix="peo-frog-")
        infile, outfile = Path(tmp.name) / "in.txt", Path(tmp.name) / "out.tsv"
        lines = []
        for t in part:
            lines += [_clean(t), _SEPARATOR]
        infile.write_text("\n".join(lines) + "\n", encoding="utf-8")
        cmd = [command, "-n", "--skip=pacml", "--threads=1", "-t", str(infile), "-o", str(outfile)]
        try:
            with open(Path(tmp.name) / "stderr.txt", "wb") as err:
                proc = subprocess.Popen(cmd, cwd=tmp.name, stdout=subprocess.DEVNULL, stderr=err)
        except OSError as exc:
            tmp.cleanup()
            raise NerUnavailableError(f"Frog could not be run ({exc}). {INSTALL_HINT}") from None
        run = _Run(part, proc, tmp)
        for t in part:
            _PENDING[t] = run


def _finish(run: _Run) -> None:
    """Wait for one started Frog process and cache its entities."""
    for t in run.texts:
        _PENDING.pop(t, None)
    try:
        try:
            code = run.proc.wait(timeout=_TIMEOUT_S)
        except subprocess.TimeoutExpired as exc:
            run.proc.kill()
            run.proc.wait()
            raise NerUnavailableError(f"Frog could not be run ({exc}). {INSTALL_HINT}") from None
        if code != 0 or not run.outfile.is_file():
            stderr = (Path(run.tmp.name) / "stderr.txt").read_text(encoding="utf-8", errors="replace")
            tail = " | ".join(stderr.strip().splitlines()[-3:])
            raise NerUnavailableError(f"Frog failed (exit {code}): {tail}. {INSTALL_HINT}")
        answers = _parse(run.outfile.read_text(encoding="utf-8"))
    finally:
        run.tmp.cleanup()
    if len(answers) < len(run.texts):
        raise NerUnavailableError(
            f"Frog returned {len(answers)} answers for {len(run.texts)} texts; its output could not be aligned. "
            "Report this with the Frog version (frog --version)."
        )
    for t, toks in zip(run.texts, answers):
        _CACHE[t] = _align(_clean(t), toks)


def stop_pending() -> None:
    """End the Frog processes started and not waited for, and remove their files (which hold
    the answers). Called when an error stops the caller, and at exit."""
    for run in {id(r): r for r in _PENDING.values()}.values():
        if run.proc.poll() is None:
            run.proc.kill()
            run.proc.wait()
        run.tmp.cleanup()
    _PENDING.clear()


atexit.register(stop_pending)


def entities(texts: Sequence[str]) -> list[tuple[Entity, ...]]:
    """Named entities in each text, by Frog over all texts not seen before.

    Texts given to :func:`start` earlier are taken from that run (waiting for it); the
    others are run now (split over several processes when there are many words).

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
    start(texts)
    runs = {id(_PENDING[t]): _PENDING[t] for t in dict.fromkeys(texts) if t in _PENDING}
    for run in runs.values():
        _finish(run)
    return [_CACHE.get(t, ()) for t in texts]
