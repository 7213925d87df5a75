"""Tests of peo.tables.likert: the published Likert tables are counted by peo.stats.shares.box_shares.

``box_shares`` carries the reference values (Newcombe 1998, Table I, in ``tests/test_shares.py``);
here the published tables must give back exactly what it gives, so that no second copy of the
arithmetic decides a published number.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from peo.stats.shares import box_shares
from peo.survey.codebook import categories, load_codebook
from peo.tables.likert import REST, headlines, likert_tables
from peo.tables.wavedata import GROUP, TOTAL, WaveData

REPO = Path(__file__).resolve().parent.parent
ITEMS = ["ps_general", "ps_relation"]


@pytest.fixture(scope="module")
def data() -> WaveData:
    """120 respondents, 40 per employer type, answers drawn at random (some missing)."""
    cb = load_codebook(REPO / "codebooks" / "core.yml")
    rng = np.random.default_rng(2022)
    n = 120
    frame = {GROUP: pd.Categorical(np.repeat(categories(cb.group_item), n // 3), categories=categories(cb.group_item))}
    for item_id in ITEMS:
        labels = categories(cb.item(item_id))
        values = rng.choice([*labels, None], size=n, p=[0.1, 0.2, 0.2, 0.3, 0.15, 0.05])
        frame[item_id] = pd.Categorical(values, categories=labels, ordered=True)
    wave = SimpleNamespace(id="7777", threshold=10)
    return WaveData(wave, cb, pd.DataFrame(frame), threshold=1)


def test_by_group_rows_are_box_shares(data):
    dist, by_group = likert_tables(data, ITEMS)
    expected = box_shares(data.respondents, data.codebook, ITEMS, by=GROUP)
    got = headlines(by_group)
    cols = ["item", "box", "group", "n", "count", "share", "ci_low", "ci_high"]
    pd.testing.assert_frame_equal(
        pd.DataFrame(got[cols]).astype({"n": "int64", "count": "int64"}).reset_index(drop=True),
        expected[cols].reset_index(drop=True),
        check_dtype=False,
    )
    # the rest of the valid answers is the complement of the headline box
    rest = by_group[by_group["box"] == REST].reset_index(drop=True)
    assert (rest["count"].to_numpy() == expected["n"].to_numpy() - expected["count"].to_numpy()).all()


def test_distribution_rows_are_box_shares_of_the_collapsed_categories(data):
    dist, _ = likert_tables(data, ITEMS)
    assert set(dist["group"]) == {TOTAL}
    for item_id in ITEMS:
        part = dist[dist["item"] == item_id]
        scale = data.codebook.item(item_id).response_scale
        assert part["count"].sum() == part["n"].iloc[0]  # the categories cover every valid answer once
        for box in scale.boxes:
            ref = box_shares(data.respondents, data.codebook, item_id, box=box).iloc[0]
            row = part[part["box"] == box].iloc[0]
            assert (int(row["count"]), int(row["n"])) == (ref["count"], ref["n"])
            assert row["share"] == ref["share"] and row["ci_low"] == ref["ci_low"] and row["ci_high"] == ref["ci_high"]
