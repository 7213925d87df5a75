"""Tests of the synthetic demo exports (``peo.ingest.synth``).

The exports are read here directly with pyreadstat and pandas, not with the package's own
loader, and the respondents who would survive cleaning are selected here by the rules of
``docs/processed-data.md`` (consent, finished, first occurrence of an id and of an answer
pattern, at least 120 seconds, an employer type). The calibration targets are the figures
published for the 2nd measurement: Rutz, Gilsing & Paulo, *PEO 2022: Quickscan
Professionele Ruimte en Werkdruk* (ISBN 9789083280103), as summarised in DOMAIN.md: 9 in
10 enough space in general, almost half (47%) lack room for the relationship, almost as
many (44%) room to do what is needed, more than a third (36%) room for reflection; GI
most often lacks room for the relationship and to do what is needed, JZ for reflection.
Shares, Spearman correlations and Cronbach's alpha are computed with pandas, scipy and
pingouin.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
import pingouin as pg
import pyreadstat
import pytest
from scipy import stats

from peo.ingest import synth
from peo.ingest.synth import waves as synth_waves

COMMITTED = Path(__file__).resolve().parents[1] / "data" / "raw"
FILES = {
    "2021": "2021/peo2021_export.sav",
    "2022": "2022/peo2022_export.csv",
    "2023": "2023/peo2023_export.csv",
}
#: The administrative columns of each demo export, as the generator specifies them (the
#: wave.yml files must name them; synth.waves.check_config checks that).
ADMIN = synth_waves.ADMIN
N_ANALYSED = {"2021": 180, "2022": 150, "2023": 160}
OPEN = {
    "2021": ["t21_open_rules"],
    "2022": ["t22_open_solution"],
    "2023": ["t23_open_expectations", "t23_open_pressure", "t23_open_wish"],
}
# headline item -> (box codes, published 2022 share)
TARGETS = {
    "ps_general": ([4, 5], 0.90),
    "ps_relation": ([1, 2], 0.47),
    "ps_needed": ([1, 2], 0.44),
    "ps_reflection": ([1, 2], 0.36),
}
SPACE = list(TARGETS)
THEME_LIKERT = {
    "2021": ["t21_admin_time", "t21_rules_help", "t21_deviate"],
    "2022": ["t22_workload_clients", "t22_overtime"],
    "2023": ["t23_expect_realistic"],
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    files = synth.generate(out)
    assert [f.relative_to(out).as_posix() for f in files] == list(FILES.values())
    return out


def read_export(base: Path, wave: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (admin, items): admin has id, consent, finished, duration; items the answers."""
    path = base / FILES[wave]
    if wave == "2021":
        df, _ = pyreadstat.read_sav(path)
        admin = pd.DataFrame(
            {
                "id": df["resp_id"].astype(str),
                "consent": df["consent"] == 1,
                "finished": df["finished"] == 1,
                "duration": (df["end_time"] - df["start_time"]).dt.total_seconds(),
            }
        )
    elif wave == "2022":
        df = pd.read_csv(path, encoding="utf-8-sig", skiprows=[1, 2], dtype=str, keep_default_na=False)
        admin = pd.DataFrame(
            {
                "id": df["ResponseId"],
                "consent": df["Q_consent"] == "1",
                "finished": df["Finished"] == "1",
                "duration": df["Duration (in seconds)"].astype(float),
            }
        )
        df = df.rename(columns={"Q1": "employer_type", "Q2": "function", "Q3": "years_experience"})
    else:
        df = pd.read_csv(path, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
        admin = pd.DataFrame(
            {
                "id": df["respondent"],
                "consent": df["toestemming"] == "ja",
                "finished": df["voltooid"] == "1",
                "duration": (pd.to_datetime(df["beeindigd"]) - pd.to_datetime(df["begonnen"])).dt.total_seconds(),
            }
        )
    items = df.drop(columns=[c for c in ADMIN[wave] if c in df.columns])
    return admin, items


def analysed(base: Path, wave: str) -> pd.DataFrame:
    """The answers of the respondents that cleaning keeps."""
    admin, items = read_export(base, wave)
    group = pd.to_numeric(items["employer_type"], errors="coerce")
    keep = (
        admin["consent"]
        & admin["finished"]
        & ~admin["id"].duplicated()
        & ~items.duplicated()
        & (admin["duration"] >= 120)
        & group.isin([1, 2, 3])
    )
    out = items[keep].copy()
    out["group"] = group[keep].map({1: "GI", 2: "JZ", 3: "LT"})
    return out


def codes(frame: pd.DataFrame, item: str, valid=(1, 2, 3, 4, 5)) -> pd.Series:
    x = pd.to_numeric(frame[item], errors="coerce")
    return x.where(x.isin(valid))


def share(frame: pd.DataFrame, item: str, box: list[int]) -> float:
    x = codes(frame, item).dropna()
    return float(x.isin(box).mean())


def group_shares(frame: pd.DataFrame, item: str, box: list[int]) -> pd.Series:
    x = codes(frame, item)
    ok = x.notna()
    return x[ok].isin(box).groupby(frame.loc[ok, "group"]).mean()


# ----------------------------------------------------------------------------- tests


@pytest.mark.parametrize("wave", list(FILES))
def test_regenerating_gives_the_committed_bytes(generated, wave):
    committed = COMMITTED / FILES[wave]
    assert committed.is_file(), f"{committed} is missing: run `python -m peo synth`"
    assert (generated / FILES[wave]).read_bytes() == committed.read_bytes(), (
        f"{FILES[wave]} differs from a fresh `python -m peo synth`: regenerate and update the manifest"
    )


def test_another_seed_gives_other_bytes(generated, tmp_path):
    synth.generate(tmp_path, seed=synth.DEMO_SEED + 1)
    for rel in FILES.values():
        assert (tmp_path / rel).read_bytes() != (generated / rel).read_bytes(), rel


def test_generate_writes_only_the_exports(tmp_path):
    (tmp_path / "2022").mkdir()
    keep = tmp_path / "2022" / "wave.yml"
    keep.write_text("untouched", encoding="utf-8")
    synth.generate(tmp_path, seed=1)
    assert keep.read_text(encoding="utf-8") == "untouched"
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        [*FILES.values(), "2022/wave.yml"]
    )


@pytest.mark.parametrize("wave", list(FILES))
def test_sizes_and_messy_rows(generated, wave):
    admin, items = read_export(generated, wave)
    kept = analysed(generated, wave)
    assert len(kept) == N_ANALYSED[wave]
    assert (~admin["consent"]).sum() >= 2
    no_consent_items = items[~admin["consent"].to_numpy()]
    assert (no_consent_items.isna() | no_consent_items.eq("")).all().all(), "non-consenters answered"
    assert (admin["consent"] & ~admin["finished"]).sum() >= 3
    assert 2 <= admin["id"].duplicated().sum() <= 3
    dup_pattern = items.duplicated() & ~admin["id"].duplicated()
    assert (dup_pattern & admin["consent"]).sum() in (1, 2)
    assert 2 <= (admin["consent"] & admin["finished"] & (admin["duration"] < 120)).sum() <= 3
    assert (admin["consent"] & pd.to_numeric(items["employer_type"], errors="coerce").isna()).sum() >= 1
    # an incomplete respondent with a required core item missing
    incomplete = items[(admin["consent"] & ~admin["finished"]).to_numpy()]
    assert (pd.to_numeric(incomplete["ps_relation"], errors="coerce").isna()).any()
    # messiness that cleaning sets to missing
    likert_items = [c for c in kept if c.startswith(("ps_", "asp_"))] + ["work_pleasure", "workload", "stay"]
    likert = kept[likert_items + THEME_LIKERT[wave]]
    values = likert.apply(pd.to_numeric, errors="coerce").stack()
    assert (values == 8).sum() >= 3
    assert values.isin([0, 6, 99]).sum() >= 3
    years = kept["years_experience"].astype(str)
    assert (pd.to_numeric(years, errors="coerce") > 50).sum() >= 1
    if wave != "2021":
        assert {"tien", "5 jaar"} <= set(years)


def test_calibration_2022(generated):
    kept = analysed(generated, "2022")
    for item, (box, target) in TARGETS.items():
        assert share(kept, item, box) == pytest.approx(target, abs=0.04), item
    for item in ("ps_relation", "ps_needed"):
        g = group_shares(kept, item, [1, 2])
        assert g.idxmax() == "GI", (item, g.to_dict())
    g = group_shares(kept, "ps_reflection", [1, 2])
    assert g.idxmax() == "JZ", g.to_dict()


@pytest.mark.parametrize("wave", ["2021", "2023"])
def test_other_waves_show_broadly_the_same_picture(generated, wave):
    kept = analysed(generated, wave)
    for item, (box, target) in TARGETS.items():
        assert share(kept, item, box) == pytest.approx(target, abs=0.07), item
    assert group_shares(kept, "ps_relation", [1, 2]).idxmax() == "GI"
    assert group_shares(kept, "ps_needed", [1, 2]).idxmax() == "GI"
    assert group_shares(kept, "ps_reflection", [1, 2]).idxmax() == "JZ"


def test_outcomes_and_scales_are_plausible(generated):
    kept = analysed(generated, "2022")
    space = pd.DataFrame({c: codes(kept, c) for c in SPACE})
    mean = space.mean(axis=1)
    outcomes = (("work_pleasure", 1, range(1, 6)), ("workload", -1, range(1, 6)), ("stay", 1, range(1, 5)))
    for outcome, sign, valid in outcomes:
        y = codes(kept, outcome, tuple(valid))
        ok = y.notna() & mean.notna()
        rho = stats.spearmanr(mean[ok], y[ok]).statistic
        assert 0.2 <= sign * rho <= 0.55, (outcome, rho)
    stays = codes(kept, "stay", (1, 2, 3, 4)).dropna()
    assert 0.75 <= stays.isin([3, 4]).mean() <= 0.85
    assert 0.65 <= pg.cronbach_alpha(space)[0] <= 0.85
    aspects = pd.DataFrame({c: codes(kept, c) for c in kept if c.startswith("asp_")})
    aspects["asp_rules"] = 6 - aspects["asp_rules"]  # reverse-worded
    assert 0.72 <= pg.cronbach_alpha(aspects)[0] <= 0.88


def test_every_planted_detail_occurs_in_an_open_answer(generated):
    answers = []
    for wave in FILES:
        _, items = read_export(generated, wave)
        for col in OPEN[wave]:
            answers += [a for a in items[col].astype(str) if a and a != "nan"]
    text = "\n".join(answers)
    missing = [v for values in synth.PII.values() for v in values if v not in text]
    assert not missing
    for formula in ('=HYPERLINK("http://example.org","klik")', "=1+1", "@SUM(A1:A2)"):
        assert any(a.startswith(formula) for a in answers), formula  # a formula only at the start of a cell
    for html in ("<script>alert('x')</script>", "<b>vet</b>"):
        assert any(html in a for a in answers), html
    assert any(";" in a and '"' in a and "\n" in a for a in answers)


@pytest.mark.parametrize("wave", list(FILES))
def test_employer_types_evenly_split(generated, wave):
    shares = analysed(generated, wave)["group"].value_counts(normalize=True)
    assert sorted(shares.index) == ["GI", "JZ", "LT"]
    assert shares.between(0.30, 0.37).all(), shares.to_dict()


def test_export_shapes(generated):
    sav = generated / FILES["2021"]
    head = sav.read_bytes()[:109]
    assert head[92:109] == b"30 Apr 2100:00:00"  # fieldwork end, not the time of writing
    _, meta = pyreadstat.read_sav(sav, metadataonly=True)
    assert meta.variable_value_labels["ps_general"][8] == "Weet niet"
    assert meta.column_names_to_labels["ps_general"].startswith("In het algemeen heb ik")

    raw = (generated / FILES["2022"]).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfStartDate,EndDate,") and b"\r\n" not in raw
    header = pd.read_csv(generated / FILES["2022"], encoding="utf-8-sig", nrows=2, dtype=str)
    assert list(header.columns[:16]) == [*ADMIN["2022"], "Q1", "Q2", "Q3"]
    assert json.loads(header.loc[1, "Q1"])["ImportId"].startswith("QID")
    assert "t22_barriers_1" in header.columns

    raw = (generated / FILES["2023"]).read_bytes()
    assert raw.startswith(b"respondent;toestemming;voltooid;begonnen;beeindigd;ip;naam;email;")
    raw.decode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really cp1252, not UTF-8


def test_cli_writes_to_out(tmp_path, capsys):
    assert synth.main(argparse.Namespace(out=str(tmp_path), seed=None)) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(tmp_path / rel) for rel in FILES.values()]
    assert (tmp_path / FILES["2022"]).read_bytes() == (COMMITTED / FILES["2022"]).read_bytes()


def test_never_overwrites_a_real_export(tmp_path, monkeypatch):
    import shutil

    from peo.errors import ConfigError

    root = tmp_path / "repo"
    shutil.copytree(COMMITTED.parent.parent / "codebooks", root / "codebooks")
    for wave in FILES:
        shutil.copytree(COMMITTED / wave, root / "data" / "raw" / wave, ignore=shutil.ignore_patterns("peo20*"))
    cfg = root / "data" / "raw" / "2022" / "wave.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("synthetic: true", "synthetic: false"), encoding="utf-8")
    real = root / "data" / "raw" / FILES["2022"]
    real.write_text("real export", encoding="utf-8")
    monkeypatch.setenv("PEO_ROOT", str(root))
    with pytest.raises(ConfigError, match="synthetic: true"):
        synth.generate()
    assert real.read_text(encoding="utf-8") == "real export"
    assert not (root / "data" / "raw" / FILES["2021"]).exists()  # nothing written before the refusal
    synth.generate(tmp_path / "elsewhere")  # --out elsewhere is fine


def test_a_scaled_wave_has_n_rows_and_cleans_with_a_flow_that_adds_up(tmp_path, monkeypatch):
    import shutil

    from peo.pipeline import cleaning as pipeline
    from peo.survey.config import load_wave_dir
    from peo.ingest.load import read_wave
    from peo.ingest.synth import generate_scaled

    repo = Path(__file__).resolve().parent.parent
    monkeypatch.setenv("PEO_ROOT", str(tmp_path))
    shutil.copytree(repo / "codebooks", tmp_path / "codebooks")
    (tmp_path / "data" / "raw" / "2022").mkdir(parents=True)
    for name in ("wave.yml", "theme.yml"):
        shutil.copy(repo / "data" / "raw" / "2022" / name, tmp_path / "data" / "raw" / "2022" / name)
    wave_dir = generate_scaled(tmp_path / "data" / "raw", wave_template="2022", n=600, wave_id="9001")
    wave = load_wave_dir(wave_dir)
    assert len(read_wave(wave)) == 600
    result = pipeline.clean_wave(wave.id)
    n = result.flow["n"].tolist()
    excluded = result.flow["excluded"].tolist()
    assert n[0] == 600
    assert all(n[i] == n[i - 1] - excluded[i] for i in range(1, len(n)))
    assert len(result.exclusions) == n[0] - n[-1]
