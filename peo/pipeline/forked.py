"""Python steps in fresh processes forked from one that has already imported what they need.

A Python step (cleaning, the results step, the trend tables) runs in a process of its own,
so that matplotlib, which is not thread-safe, and everything else a step leaves behind stay
out of the build and out of the other waves' steps. Until issue 8 that process was a new
interpreter (``python -c``), which imported pandas, statsmodels, matplotlib, scipy and
``peo`` and loaded deduce's lookup tables before computing anything: 5 to 9 seconds of
processor time per step, seven times per build of the three demo waves.

Now the standard library's ``forkserver`` start method (:mod:`multiprocessing`) starts one
server process per build process, which imports :mod:`peo.pipeline.preload` once (the
modules of the steps and deduce's lookup tables). Each step then runs in a child forked from
that server: a process of its own as before (own memory, own matplotlib state, own exit
code), without the imports. The child gets the build's environment as it is when the step
starts (``PEO_ROOT`` of this build, ``MPLBACKEND=Agg``), works in the root, and writes its
standard output and error to the step's log, as the separate interpreter did.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from peo.errors import PeoError

__all__ = ["PRELOAD", "run_forked", "stop"]

#: Imported once by the fork server (see :mod:`peo.pipeline.preload`).
PRELOAD = ("peo.pipeline.preload",)

_LOCK = threading.Lock()
_CONTEXT: multiprocessing.context.BaseContext | None = None


def _context() -> multiprocessing.context.BaseContext:
    """The forkserver context, with the preload set (the server itself starts on first use)."""
    global _CONTEXT
    with _LOCK:
        if _CONTEXT is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(list(PRELOAD))
            _CONTEXT = ctx
        return _CONTEXT


def _child(module: str, qualname: str, args: Sequence[str], root: str, env: Mapping[str, str], log: str) -> None:
    """Run ``module.qualname(*args)`` in the forked child; output goes to ``log``.

    A :class:`~peo.errors.PeoError` becomes the line ``error: <message>`` and the error's exit
    code; any other exception is printed with its traceback (exit code 1), by multiprocessing.
    """
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(fd, 1)  # the file descriptors, so that C libraries and subprocesses write there too
    os.dup2(fd, 2)
    os.close(fd)
    os.environ.clear()
    os.environ.update(env)
    os.chdir(root)
    try:
        fn = importlib.import_module(module)
        for part in qualname.split("."):
            fn = getattr(fn, part)
        fn(*args)
    except PeoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.stderr.flush()
        sys.exit(exc.exit_code)
    finally:
        sys.stdout.flush()


def run_forked(
    module: str, qualname: str, args: Sequence[str], *, root: Path, env: Mapping[str, str], log: Path
) -> int:
    """Run a step's function in a child of the fork server; return its exit code.

    Parameters
    ----------
    module, qualname : str
        Where the function is (:func:`peo.pipeline.steps.target_ref`).
    args : sequence of str
        Its arguments (the wave id, or none).
    root : pathlib.Path
        The working directory of the child.
    env : mapping
        The child's whole environment.
    log : pathlib.Path
        File that receives the child's standard output and error (appended).
    """
    proc = _context().Process(
        target=_child,
        args=(module, qualname, list(args), str(root), dict(env), str(log)),
        name=f"peo-step {module}:{qualname} {' '.join(args)}".strip(),
    )
    proc.start()
    proc.join()
    return int(proc.exitcode if proc.exitcode is not None else 1)


def stop() -> None:
    """Stop the fork server, if this process started one, and wait for it to exit.

    Waiting for it makes the processor time and peak memory of the steps (its children, which
    it waited for) count among this process's children (``os.wait4``, ``resource.getrusage``),
    as they did when every step was a child of the build. The standard library has no public
    way to stop the server in Python 3.11; ``ForkServer._stop`` is the one its own tests use.
    """
    if _CONTEXT is None:
        return
    from multiprocessing import forkserver

    halt = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if halt is not None:
        halt()
