"""What a build runs: the step model, the steps of the report and one run spec per wave.

Runs are data: a :class:`Step` says what runs (a Python function, a notebook or the book),
what it needs and what it writes; a :class:`RunSpec` holds one wave's steps with that
wave's parameters and input files (:func:`plan`). There is never a copy of a notebook per
wave.

A Python step's target is the function itself, imported at the top of this module, so that
an import shows what runs. It still runs in its own process (matplotlib is not
thread-safe, and waves run side by side): the engine passes the function's module and
qualified name (``fn.__module__``, ``fn.__qualname__``) to a small runner.

This module imports the step functions, and with them pandas and the statistics: the
engine imports it only once it knows that something must run (see
:mod:`peo.pipeline.state`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peo import paths
from peo.errors import ConfigError
from peo.pipeline.cleaning import clean_wave
from peo.survey import config
from peo.tables.results import write_results
from peo.tables.trends import write_results as write_trend_results

__all__ = [
    "NOTEBOOK",
    "PYTHON",
    "BOOK",
    "EVERY",
    "Step",
    "RunSpec",
    "StepFailed",
    "target_ref",
    "step_definition",
    "check_steps",
    "check_notebooks",
    "plan",
    "WAVE_STEPS",
    "GLOBAL_STEPS",
]

#: Kinds of step.
NOTEBOOK = "notebook"
PYTHON = "python"
BOOK = "book"
#: In ``Step.needs`` of a global step: every step before it, of every wave.
EVERY = "*"


class StepFailed(Exception):
    """A step of the build failed; the message says where and what (printed as it is)."""


def target_ref(fn: Callable[..., Any]) -> str:
    """``module.qualname`` of a step function: what the runner imports and what messages show.

    Raises
    ------
    ValueError
        If the function cannot be imported by name in another process (a lambda, a
        function defined inside another function, or one defined in ``__main__``).
    """
    module = getattr(fn, "__module__", None)
    qualname = getattr(fn, "__qualname__", None)
    if not callable(fn) or not module or not qualname:
        raise ValueError(f"A python step needs a function as its target, not {fn!r}.")
    if "<" in qualname or module == "__main__":
        raise ValueError(
            f"The step function {module}.{qualname} cannot be imported by name in another process: "
            "define it at the top level of an importable module."
        )
    return f"{module}.{qualname}"


@dataclass(frozen=True)
class Step:
    """One step of a run, as data.

    Parameters
    ----------
    name : str
        Unique name of the step, e.g. ``"clean"`` or ``"02_professional_space"``. A
        notebook step's executed notebook is published as ``<name>.ipynb``.
    kind : {"notebook", "python", "book"}
        ``notebook``: run ``target`` (a notebook path relative to the root) under papermill,
        with the run's parameters. ``python``: call ``target`` (a function) in a fresh
        Python process, with the wave id as its only argument (global steps: no argument).
        ``book``: write the book sources and build the book
        (:func:`peo.pipeline.bookbuild.build_book`).
    target : str or callable
        The notebook path or the function; empty for the book.
    needs : tuple of str
        Steps whose outputs this step reads. In a wave, names of earlier steps of the same
        wave. In a global step, names of wave steps (meaning that step in every wave), of
        earlier global steps, or :data:`EVERY`.
    outputs : tuple of str
        Files the step writes besides its executed notebook, relative to the root;
        ``{wave}`` is replaced by the wave id. A step whose outputs are missing reruns.
    publish : str, optional
        Where a notebook step's executed notebook goes, relative to the root; ``{wave}`` is
        replaced by the wave's folder name in the book and ``{name}`` by the step name.
        Default ``book/waves/{wave}/{name}.ipynb``.
    """

    name: str
    kind: str
    target: str | Callable[..., Any] = ""
    needs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    publish: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in (NOTEBOOK, PYTHON, BOOK):
            raise ValueError(
                f"Step {self.name!r}: kind must be {NOTEBOOK!r}, {PYTHON!r} or {BOOK!r}, not {self.kind!r}."
            )
        if self.kind == NOTEBOOK and not (isinstance(self.target, str) and self.target.endswith(".ipynb")):
            raise ValueError(f"Step {self.name!r}: a notebook step needs a target ending in .ipynb.")
        if self.kind == PYTHON:
            target_ref(self.target)  # raises when the function cannot run in another process
        if self.kind == NOTEBOOK and self.publish is None:
            object.__setattr__(self, "publish", "book/waves/{wave}/{name}.ipynb")

    @property
    def ref(self) -> str:
        """What runs, as text: the notebook path, ``module.function``, or ``""`` (book)."""
        return target_ref(self.target) if self.kind == PYTHON else str(self.target)


def step_definition(step: Step) -> dict:
    """The step as plain data (the function by name), for fingerprints and the state file."""
    return {
        "name": step.name,
        "kind": step.kind,
        "target": step.ref,
        "needs": list(step.needs),
        "outputs": list(step.outputs),
        "publish": step.publish,
    }


@dataclass(frozen=True)
class RunSpec:
    """The run of one wave: which steps, with which parameters, on which inputs.

    Attributes
    ----------
    wave : str
        The wave id.
    steps : tuple of Step
        The steps, in the order they run.
    parameters : mapping
        The notebook parameters, ``{"wave": <id>}``.
    inputs : tuple of pathlib.Path
        The wave's own input files: ``wave.yml``, its codebooks and its raw export.
    """

    wave: str
    steps: tuple[Step, ...]
    parameters: Mapping[str, Any] = field(hash=False)
    inputs: tuple[Path, ...] = ()


#: Files the results step writes into ``data/processed/<wave>/tables/`` (besides the tables).
_RESULT_FILES = ("key_figures.json", "datapackage.json", "factsheet.pdf", "factsheet.png")


def _notebook(name: str, **kw: Any) -> Step:
    return Step(name, NOTEBOOK, f"notebooks/{name}.ipynb", **kw)


#: The steps of every wave, in order. ``clean`` (:func:`peo.pipeline.cleaning.clean_wave`)
#: writes ``data/processed/<wave>/``; the notebook ``01_clean`` shows what it did. ``results``
#: writes ``data/processed/<wave>/tables/``: the published tables, ``datapackage.json``,
#: ``key_figures.json`` and the factsheet; the analysis notebooks present them.
WAVE_STEPS: tuple[Step, ...] = (
    Step(
        "clean",
        PYTHON,
        clean_wave,
        outputs=("data/processed/{wave}/respondents.parquet", "data/processed/{wave}/flow.csv"),
    ),
    _notebook("01_clean", needs=("clean",)),
    Step(
        "results",
        PYTHON,
        write_results,
        needs=("clean",),
        outputs=tuple(f"data/processed/{{wave}}/tables/{name}" for name in _RESULT_FILES),
    ),
    _notebook("02_professional_space", needs=("results",)),
    _notebook("03_outcomes", needs=("results",)),
    _notebook("04_theme", needs=("results",)),
    _notebook("05_open_answers", needs=("results",)),
)
#: The steps after all waves, in order: the trend tables (from every wave's published
#: tables), the trends notebook and the book (reading everything).
GLOBAL_STEPS: tuple[Step, ...] = (
    Step(
        "trend_results",
        PYTHON,
        write_trend_results,
        needs=("results",),
        outputs=("data/processed/trends/headline_trend.csv", "data/processed/trends/changes.csv"),
    ),
    _notebook("10_trends", needs=("trend_results",), publish="book/waves/trends.ipynb"),
    Step("book", BOOK, needs=(EVERY,), outputs=("book/_build/html/index.html",)),
)


def check_steps(wave_steps: Sequence[Step], global_steps: Sequence[Step]) -> None:
    """Step lists must have unique names and need only earlier steps (a programming error).

    Raises
    ------
    ValueError
        If a name repeats, a step needs a later or unknown step, or the book is a wave step.
    """
    seen: list[str] = []
    for s in wave_steps:
        if s.kind == BOOK:
            raise ValueError(f"Step {s.name!r}: the book is a global step, not a wave step.")
        if s.name in seen:
            raise ValueError(f"Two wave steps are called {s.name!r}.")
        unknown = [n for n in s.needs if n not in seen]
        if unknown:
            raise ValueError(f"Wave step {s.name!r} needs {unknown}, which are not earlier wave steps.")
        seen.append(s.name)
    wave_names = set(seen)
    done: list[str] = []
    for s in global_steps:
        if s.name in done or s.name in wave_names:
            raise ValueError(f"Two steps are called {s.name!r}.")
        unknown = [n for n in s.needs if n != EVERY and n not in wave_names and n not in done]
        if unknown:
            raise ValueError(f"Global step {s.name!r} needs {unknown}, which are neither wave steps nor earlier steps.")
        done.append(s.name)


def check_notebooks(steps: Sequence[Step], root: Path) -> None:
    """Every notebook of a notebook step exists.

    Raises
    ------
    ConfigError
        Naming the missing notebook and how to restore it.
    """
    for s in steps:
        if s.kind == NOTEBOOK and not (root / s.target).is_file():
            raise ConfigError(
                f"The notebook {root / s.target} (step {s.name}) does not exist. "
                "Restore it from git (git checkout -- notebooks) or pull the latest version of the repository."
            )


def plan(
    waves: Sequence[config.Wave | str],
    root: str | os.PathLike | None = None,
    steps: Sequence[Step] | None = None,
) -> list[RunSpec]:
    """One run spec per wave.

    Parameters
    ----------
    waves : sequence of peo.survey.config.Wave or str
        The waves (configurations, or ids looked up under ``<root>/data/raw``).
    root : path-like, optional
        The repository root (default :func:`peo.paths.root`).
    steps : sequence of Step, optional
        The steps of every wave (default :data:`WAVE_STEPS`).

    Returns
    -------
    list of RunSpec
        In the order of ``waves``.

    Raises
    ------
    WaveNotFoundError
        If a wave id is given that does not exist.
    ConfigError
        If two waves have the same id, or a notebook of a step does not exist.
    ValueError
        If the step list is inconsistent (a step needs a later or unknown step).
    """
    root = Path(root).resolve() if root is not None else paths.root()
    steps = tuple(WAVE_STEPS if steps is None else steps)
    check_steps(steps, ())
    loaded = [w if isinstance(w, config.Wave) else config.load_wave(str(w), root / "data" / "raw") for w in waves]
    seen: dict[str, Path | None] = {}
    for w in loaded:
        if w.id in seen:
            raise ConfigError(
                f"Two waves have the id {w.id!r}: {seen[w.id]} and {w.config_path}. "
                "Give each wave a unique 'id' in its wave.yml."
            )
        seen[w.id] = w.config_path
    check_notebooks(steps, root)
    return [
        RunSpec(
            wave=w.id,
            steps=tuple(steps),
            parameters={"wave": w.id},
            inputs=tuple(Path(p) for p in w.input_files() if p is not None),
        )
        for w in loaded
    ]
