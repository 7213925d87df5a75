"""Tests of peo.report.format: one rounding rule (half up) for every number a reader sees.

Reference values: rounding half away from zero as defined by Python's ``decimal.ROUND_HALF_UP``
(IEEE 754 "roundTiesToAway"), applied to the number as written in decimal; worked by hand.
"""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from peo.report import format as fmt


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (0.125, "13%"),  # banker's rounding (round()) gave 12%: the 2021 case of issue 8
        (0.145, "15%"),  # 14.499999... in binary; as written it is 14.5
        (0.135, "14%"),
        (0.8986, "90%"),
        (0.005, "1%"),
        (0.004999, "0%"),
        (0.0, "0%"),
        (1.0, "100%"),
        (0.995, "100%"),
        (2 / 3, "67%"),
        (None, "–"),
        (math.nan, "–"),
    ],
)
def test_pct_half_up(share, text):
    assert fmt.pct(share) == text


def test_pct_of_pandas_missing():
    import pandas as pd

    assert fmt.pct(pd.NA) == "–"
    assert fmt.pct(pd.NaT) == "–"


def test_ci_and_decimal():
    assert fmt.ci(0.84, 0.94) == "84–94%"
    assert fmt.ci(0.125, 0.375) == "13–38%"
    assert fmt.ci(None, 0.5) == "–"
    assert fmt.decimal(-0.351) == "−0,35"
    assert fmt.decimal(0.125) == "0,13"
    assert fmt.decimal(-0.125) == "−0,13"  # half away from zero
    assert fmt.decimal(0.0495, 3) == "0,050"
    assert fmt.decimal(1.5, 0) == "2"
    assert fmt.decimal(2.5, 0) == "3"  # round() gives 2


def test_no_negative_zero():
    assert fmt.decimal(-0.001) == "0,00"
    assert fmt.decimal(-0.0) == "0,00"
    assert fmt.points(-0.003) == "0"
    assert fmt.points(0.004) == "0"
    assert fmt.points(-0.0) == "0"


def test_points_signed_half_up():
    assert fmt.points(0.052) == "+5"
    assert fmt.points(-0.031) == "−3"
    assert fmt.points(0.005) == "+1"
    assert fmt.points(-0.005) == "−1"
    assert fmt.points(-0.125) == "−13"
    assert fmt.points(None) == "–"


def test_whole_integer_tenths():
    assert fmt.whole(16.5) == 17
    assert fmt.whole(-16.5) == -17
    assert fmt.integer(12.0) == "12"
    assert fmt.integer(None) == "–"
    assert fmt.integer("n.v.t.") == "n.v.t."
    assert fmt.tenths(0.85) == 9
    assert fmt.tenths(0.849) == 8
    assert fmt.percent(0.125) == 13


def test_dates():
    assert fmt.date_nl("2022-02-14") == "14 februari 2022"
    assert fmt.date_nl(None) == "onbekend"
    assert fmt.date_nl("later") == "later"
    assert fmt.fieldwork({"start": "2022-02-14", "end": "2022-04-01"}) == "14 februari tot en met 1 april 2022"
    assert fmt.fieldwork({"start": "2021-12-14", "end": "2022-01-10"}) == "14 december 2021 tot en met 10 januari 2022"
    assert fmt.fieldwork({"end": "2022-01-10"}) == "10 januari 2022"
    assert fmt.fieldwork(None) == "onbekend"


def test_importable_without_pandas():
    """The Sphinx extension imports this module; it must not pull in pandas or matplotlib."""
    code = (
        "import sys; import peo.report.format; "
        "bad = [m for m in ('pandas', 'numpy', 'matplotlib') if m in sys.modules]; "
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
