"""Tests of peo.io: whole-folder replacement, deterministic bytes, checksums."""

from __future__ import annotations

import hashlib
import os

import pandas as pd
import pytest

from peo import io


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pid": pd.array(["X-0001", "X-0002", "X-0003"], dtype="string"),
            "employer_type": pd.Categorical(["JZ", None, "GI"], categories=["GI", "JZ", "LT"], ordered=True),
            "years": pd.array([1.5, None, 30.0], dtype="Float64"),
            "chosen": pd.array([True, None, False], dtype="boolean"),
            "remark": pd.array(["één, twee", None, 'met "aanhalingstekens"\nen een regel'], dtype="string"),
        }
    )


def _old(target):
    target.mkdir(parents=True)
    (target / "a.csv").write_text("old\n")
    (target / "tables").mkdir()
    (target / "tables" / "t.csv").write_text("old table\n")


def test_atomic_dir_replaces_the_folder_whole(tmp_path):
    target = tmp_path / "processed" / "2022"
    _old(target)
    with io.atomic_dir(target) as tmp:
        assert tmp.parent == target.parent and tmp != target
        (tmp / "b.csv").write_text("new\n")
        assert (target / "a.csv").read_text() == "old\n"  # untouched while writing
    assert sorted(p.name for p in target.iterdir()) == ["b.csv"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["2022"]  # no temp or old folder left


def test_atomic_dir_creates_a_new_folder_and_its_parents(tmp_path):
    target = tmp_path / "a" / "b" / "c"
    with io.atomic_dir(target) as tmp:
        (tmp / "x.txt").write_text("x")
    assert (target / "x.txt").read_text() == "x"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o777 & ~umask  # not the private 0o700 of a temp folder
    assert sorted(p.name for p in target.parent.iterdir()) == ["c"]


def test_an_exception_leaves_the_previous_folder_intact(tmp_path):
    target = tmp_path / "processed" / "2022"
    _old(target)
    with pytest.raises(RuntimeError, match="boom"):
        with io.atomic_dir(target) as tmp:
            (tmp / "a.csv").write_text("half-written\n")
            raise RuntimeError("boom")
    assert (target / "a.csv").read_text() == "old\n"
    assert (target / "tables" / "t.csv").read_text() == "old table\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["2022"]  # temp folder removed


def test_an_exception_without_a_previous_folder_leaves_nothing(tmp_path):
    target = tmp_path / "out"
    with pytest.raises(KeyError):
        with io.atomic_dir(target) as tmp:
            (tmp / "x").write_text("x")
            raise KeyError("x")
    assert list(tmp_path.iterdir()) == []


def test_atomic_dir_replaces_a_sub_folder_only(tmp_path):
    wave = tmp_path / "2022"
    _old(wave)
    with io.atomic_dir(wave / "tables") as tmp:
        (tmp / "new.csv").write_text("new table\n")
    assert (wave / "a.csv").read_text() == "old\n"
    assert [p.name for p in (wave / "tables").iterdir()] == ["new.csv"]
    assert sorted(p.name for p in wave.iterdir()) == ["a.csv", "tables"]


def test_write_csv_is_byte_deterministic_with_unix_line_ends(tmp_path):
    df = _frame()
    a = io.write_csv(df, tmp_path / "a.csv")
    b = io.write_csv(df.copy(), tmp_path / "sub" / "b.csv")
    assert a.read_bytes() == b.read_bytes()
    data = a.read_bytes()
    assert b"\r\n" not in data and data.endswith(b"\n")
    assert data.splitlines()[0] == b"pid,employer_type,years,chosen,remark"  # no index
    back = pd.read_csv(a, keep_default_na=False)
    assert back["remark"].tolist() == ["één, twee", "", 'met "aanhalingstekens"\nen een regel']
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "sub"]  # no temp file left


def test_write_csv_index_on_request(tmp_path):
    df = pd.DataFrame({"x": [1, 2]}, index=pd.Index([5, 6], name="raw_row"))
    assert io.write_csv(df, tmp_path / "a.csv", index=True).read_text() == "raw_row,x\n5,1\n6,2\n"


def test_write_parquet_is_byte_deterministic_and_round_trips(tmp_path):
    df = _frame()
    a = io.write_parquet(df, tmp_path / "a.parquet")
    b = io.write_parquet(_frame(), tmp_path / "b.parquet")
    assert a.read_bytes() == b.read_bytes()
    back = pd.read_parquet(a)
    assert list(back.columns) == list(df.columns)
    assert back["employer_type"].cat.ordered and list(back["employer_type"].cat.categories) == ["GI", "JZ", "LT"]
    assert back["years"].dtype == "Float64" and back["chosen"].dtype == "boolean"
    assert back["pid"].dtype == "string"
    pd.testing.assert_frame_equal(back.astype({"employer_type": "object"}), df.astype({"employer_type": "object"}))


def test_sha256_matches_hashlib(tmp_path):
    p = tmp_path / "f.bin"
    p.write_bytes(b"PEO\n" * 1000)
    assert io.sha256(p) == hashlib.sha256(b"PEO\n" * 1000).hexdigest()
    # The SHA-256 of the empty string (FIPS 180-4 test vector).
    (tmp_path / "e").write_bytes(b"")
    assert io.sha256(tmp_path / "e") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
