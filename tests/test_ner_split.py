"""Frog run in the background and split over several processes (peo.tables.ner).

A large wave's open answers are split over up to ``os.cpu_count()`` Frog processes, and the
results step starts Frog before it computes the other tables. Neither may change what Frog
finds: every answer gets the same entities as in one run over all answers.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from planted_corpus import generate  # noqa: E402

from peo.tables import ner  # noqa: E402


def test_a_small_batch_runs_in_one_process(monkeypatch):
    monkeypatch.setattr(ner.os, "cpu_count", lambda: 8)
    texts = ["Ik werk bij Team Zeester in Laakhaven."] * 10
    assert ner._chunks(texts) == [texts]


def test_a_large_batch_is_cut_into_consecutive_parts_of_about_equal_words(monkeypatch):
    monkeypatch.setattr(ner, "WORDS_PER_PROCESS", 100)
    monkeypatch.setattr(ner.os, "cpu_count", lambda: 3)
    texts = [f"antwoord {k} " + "woord " * (k % 7) for k in range(200)]
    parts = ner._chunks(texts)
    assert len(parts) == 3  # no more than the cores
    assert [t for p in parts for t in p] == texts  # every text once, in order
    words = [sum(len(t.split()) + 1 for t in p) for p in parts]
    assert max(words) - min(words) <= 2 * max(len(t.split()) + 1 for t in texts)
    monkeypatch.setattr(ner.os, "cpu_count", lambda: 64)
    total = sum(len(t.split()) + 1 for t in texts)
    assert len(ner._chunks(texts)) == total // 100  # no part below WORDS_PER_PROCESS words


@pytest.mark.slow
def test_split_and_background_runs_find_what_one_run_finds(monkeypatch):
    planted, clean = generate(11, per_kind=4, n_clean=30)
    texts = [a for a, _ in planted] + clean
    monkeypatch.setattr(ner, "_CACHE", {})
    one = ner.entities(texts)
    assert any(one), "Frog found no entity at all: the comparison would prove nothing"

    monkeypatch.setattr(ner, "_CACHE", {})
    monkeypatch.setattr(ner, "WORDS_PER_PROCESS", 50)
    monkeypatch.setattr(ner.os, "cpu_count", lambda: 3)
    assert len(ner._chunks(texts)) == 3
    ner.start(texts)  # in the background, split over three processes
    assert len({id(r) for r in ner._PENDING.values()}) == 3
    assert ner.entities(texts) == one
    assert not ner._PENDING


def test_an_error_in_the_results_step_ends_frog_and_removes_its_files(monkeypatch, tmp_path):
    """A results step that fails after Frog was started in the background leaves no Frog
    running and no file with the answers behind (a step process skips exit handlers)."""
    import tempfile
    from types import SimpleNamespace

    import pandas as pd

    from peo.tables import sections

    frog = tmp_path / "slow-frog"
    frog.write_text("#!/bin/sh\nexec sleep 60\n")  # a Frog that runs on
    frog.chmod(0o755)
    files = tmp_path / "tmp"
    files.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(files))  # Frog's input files go here
    monkeypatch.setattr(ner, "_CACHE", {})
    monkeypatch.setattr(ner, "_PENDING", {})
    monkeypatch.setattr(ner, "frog_command", lambda: str(frog))
    monkeypatch.setattr(sections, "_open_texts", lambda data, items: pd.Series(["Jan werkt in Delft."]))

    runs = []

    def broken(data):
        runs.extend({id(r): r for r in ner._PENDING.values()}.values())
        assert runs and all(r.proc.poll() is None for r in runs)
        assert list(files.glob("peo-frog-*/in.txt"))
        raise RuntimeError("a table failed")

    monkeypatch.setattr(sections, "SECTIONS", {"broken": broken})
    data = SimpleNamespace(codebook=SimpleNamespace(by_type=lambda kind: []), respondents=pd.DataFrame())
    with pytest.raises(RuntimeError, match="a table failed"):
        sections.all_sections(data)
    assert all(r.proc.poll() is not None for r in runs)  # ended, not left running
    assert not ner._PENDING
    assert not list(files.glob("peo-frog-*"))
