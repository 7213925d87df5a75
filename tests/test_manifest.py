"""Tests of peo.ingest.manifest: data/raw/MANIFEST.sha256 and `python -m peo verify/manifest`."""

from __future__ import annotations

import hashlib
import subprocess

import pytest

from peo.ingest import manifest


@pytest.fixture
def raw(tmp_path, monkeypatch):
    """A repository root in tmp_path (PEO_ROOT) with a small data/raw."""
    monkeypatch.setenv("PEO_ROOT", str(tmp_path))
    base = tmp_path / "data" / "raw"
    (base / "2021").mkdir(parents=True)
    (base / "2022" / "sub").mkdir(parents=True)
    (base / "2021" / "export.sav").write_bytes(b"$FL2 binary")
    (base / "2022" / "export.csv").write_text("a,b\n1,2\n")
    (base / "2022" / "sub" / "extra.xlsx").write_bytes(b"PK\x03\x04 xlsx")
    # not covered: text configuration, documentation, hidden and lock files
    (base / "2022" / "wave.yml").write_text("id: '2022'\n")
    (base / "2022" / "theme.yml").write_text("items: []\n")
    (base / "README.md").write_text("# raw\n")
    (base / ".DS_Store").write_bytes(b"x")
    (base / "2022" / "~$export.xlsx").write_bytes(b"lock")
    (base / ".hidden").mkdir()
    (base / ".hidden" / "x.csv").write_text("x")
    return base


def test_manifest_is_in_sha256sum_format(raw):
    path = manifest.write_manifest()
    assert path == raw / "MANIFEST.sha256"
    lines = path.read_text().splitlines()
    expected = ["2021/export.sav", "2022/export.csv", "2022/sub/extra.xlsx"]
    assert [line.split("  ", 1)[1] for line in lines] == expected
    for line, rel in zip(lines, expected):
        assert line.split("  ", 1)[0] == hashlib.sha256((raw / rel).read_bytes()).hexdigest()
    assert path.read_bytes().endswith(b"\n") and b"\r" not in path.read_bytes()


def test_manifest_checks_with_gnu_sha256sum(raw):
    manifest.write_manifest()
    res = subprocess.run(["sha256sum", "--strict", "-c", "MANIFEST.sha256"], cwd=raw, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    (raw / "2022" / "export.csv").write_text("a,b\n1,3\n")
    res = subprocess.run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=raw, capture_output=True, text=True)
    assert res.returncode == 1


def test_verify_ok(raw):
    manifest.write_manifest()
    report = manifest.verify_manifest()
    assert list(report.columns) == ["path", "status"]
    assert report["status"].tolist() == ["ok", "ok", "ok"]


def test_verify_detects_changed_missing_and_new(raw):
    manifest.write_manifest()
    (raw / "2022" / "export.csv").write_text("a,b\n1,3\n")
    (raw / "2021" / "export.sav").unlink()
    (raw / "2023").mkdir()
    (raw / "2023" / "export.csv").write_text("new")
    (raw / "2022" / "wave.yml").write_text("id: '2022'\ntitle: edited\n")  # not covered
    report = manifest.verify_manifest().set_index("path")["status"].to_dict()
    assert report == {
        "2021/export.sav": "missing",
        "2022/export.csv": "changed",
        "2022/sub/extra.xlsx": "ok",
        "2023/export.csv": "new",
    }


def test_verify_without_a_manifest_raises(raw):
    with pytest.raises(manifest.ManifestError, match="python -m peo manifest"):
        manifest.verify_manifest()


def test_a_malformed_manifest_names_the_line(raw):
    manifest.write_manifest()
    with open(raw / "MANIFEST.sha256", "a") as fh:
        fh.write("not a checksum line\n")
    with pytest.raises(manifest.ManifestError, match="line 4"):
        manifest.verify_manifest()


def test_cli_exit_codes(raw, run_cli):
    code, out, err = run_cli("verify")
    assert code == 1 and "python -m peo manifest" in err and "Traceback" not in out + err

    code, out, err = run_cli("manifest")
    assert code == 0 and "3 file(s)" in out

    code, out, err = run_cli("verify")
    assert code == 0, err
    assert "3 raw file(s) match" in out

    (raw / "2022" / "export.csv").write_bytes(b"a,b\r\n1,2\r\n")
    code, out, err = run_cli("verify")
    assert code == 1
    assert "changed: 2022/export.csv" in err and "restore the original export" in err

    (raw / "2022" / "export.csv").unlink()
    (raw / "2022" / "export2.csv").write_text("x")
    code, out, err = run_cli("verify")
    assert code == 1 and "missing: 2022/export.csv" in err and "new: 2022/export2.csv" in err


def test_cli_without_a_raw_folder(tmp_path, monkeypatch, run_cli):
    monkeypatch.setenv("PEO_ROOT", str(tmp_path))
    code, out, err = run_cli("verify")
    assert code == 1 and "python -m peo manifest" in err
    code, out, err = run_cli("manifest")
    assert code == 2 and "does not exist" in err and "Traceback" not in err
