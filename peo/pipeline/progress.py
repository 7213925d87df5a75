"""How a build reports: progress lines while it runs, a summary when it ends.

Standard library only: the no-op rebuild reports through this module too.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

__all__ = ["Progress", "summary"]


class Progress:
    """Progress of a build: plain lines, or in a terminal a live status line below them.

    Plain (not a terminal, or ``$CI`` set): one line when a step starts running and one
    when it ends, ``[ 3/17] 2022 02_professional_space ... done (4.2 s)``. Live: only the
    end lines, and a status line (which steps are running, for how long) that is redrawn.

    Parameters
    ----------
    jobs : sequence of (key, label, step name)
        The steps of the build, in plan order.
    stream : text stream
    live : bool
    """

    def __init__(self, jobs: Sequence[tuple[str, str, str]], stream: TextIO, live: bool):
        self.stream = stream
        self.live = live
        self.names = {key: (label, name) for key, label, name in jobs}
        self.total = len(jobs)
        self.width = len(str(self.total))
        self.label_width = max((len(label) for _, label, _ in jobs), default=0)
        self.step_width = max((len(name) for _, _, name in jobs), default=0)
        self.count = 0
        self.finished = 0
        self.running: dict[str, tuple[int, str, float]] = {}
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker = None
        if live:
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()

    def _head(self, number: int, key: str) -> str:
        label, name = self.names[key]
        return f"[{number:>{self.width}}/{self.total}] {label:<{self.label_width}} {name:<{self.step_width}} ..."

    def _write(self, line: str) -> None:
        if self.live:
            self.stream.write("\r\033[K")
        self.stream.write(line + "\n")
        if self.live:
            self.stream.write(self._status())
        self.stream.flush()

    def _status(self) -> str:
        now = time.monotonic()
        parts = [f"{text} {now - t0:.0f} s" for _, text, t0 in sorted(self.running.values())]
        return f"[{self.finished}/{self.total} finished] running: {', '.join(parts)}" if parts else ""

    def _tick(self) -> None:
        while not self._stop.wait(1.0):
            with self.lock:
                if self.running:
                    self.stream.write("\r\033[K" + self._status())
                    self.stream.flush()

    def start(self, key: str) -> int:
        """A step starts running; returns its number in the output."""
        with self.lock:
            self.count += 1
            label, name = self.names[key]
            self.running[key] = (self.count, f"{label} {name}", time.monotonic())
            if not self.live:
                self._write(f"{self._head(self.count, key)} running")
            return self.count

    def end(self, key: str, text: str, number: int | None = None) -> None:
        """A step ended (``text`` says how); ``number`` from :meth:`start`, if it ran."""
        with self.lock:
            if number is None:
                self.count += 1
                number = self.count
            self.running.pop(key, None)
            self.finished += 1
            self._write(f"{self._head(number, key)} {text}")

    def close(self) -> None:
        """Stop the live status line."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            with self.lock:
                self.stream.write("\r\033[K")
                self.stream.flush()


def summary(report: Any, root: Path, seconds: float, *, book_steps: set[str], stream: TextIO) -> None:
    """Print the end of a build: counts, notes, where the book is; failures on standard error.

    Parameters
    ----------
    report : peo.pipeline.engine.BuildReport
    root : pathlib.Path
    seconds : float
        How long the build took.
    book_steps : set of str
        Names of the book steps of the build (empty: no book was asked for).
    stream : text stream
        Where the summary of a successful build goes.
    """
    counts = {s: sum(r["status"] == s for r in report.records) for s in ("ran", "skipped", "failed", "blocked")}
    text = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    html = root / "book" / "_build" / "html"
    for note in report.notes:
        print(f"note: {note}", file=stream)
    if report.ok:
        print(f"Build finished in {seconds:.0f} s: {text}.", file=stream)
        if book_steps and (html / "index.html").is_file():
            print(f"The book: {html / 'index.html'}", file=stream)
        stream.flush()
        return
    stream.flush()
    print(f"error: the build failed ({text}):", file=sys.stderr)
    for message in report.failures:
        print(f"  {message}", file=sys.stderr)
    if book_steps and not any(r["step"] in book_steps and r["status"] == "ran" for r in report.records):
        where = f"the previous book in {html} was left as it was" if html.exists() else "no book was built"
        print(f"The book was not rebuilt: {where}.", file=sys.stderr)
