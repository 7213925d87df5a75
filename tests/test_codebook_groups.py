"""The groups of every table (employer type and the total) come from the codebook, through
one accessor: peo.survey.codebook.groups."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from peo.errors import CodebookError
from peo.survey.codebook import groups, load_codebook

REPO = Path(__file__).resolve().parent.parent
CORE = REPO / "codebooks" / "core.yml"


def test_core_codebook_gives_order_labels_and_total():
    g = load_codebook(CORE).groups
    assert g.values == ("GI", "JZ", "LT")
    assert g.total == "totaal"
    assert g.label("totaal") == "Totaal" and g.label("totaal", "en") == "Total"
    assert g.label("GI") == "Gecertificeerde instelling (GI)"
    assert g.label("GI", short=True) == "GI" and g.label("totaal", short=True) == "Totaal"
    assert g.label("XX") == "XX"
    assert g.order(["LT", "onbekend", "totaal", "GI"]) == ["totaal", "GI", "LT", "onbekend"]
    assert groups() == g  # without a codebook: the core codebook's


def _codebook(tmp_path, scale_extra: dict, scale_type: str = "categorical") -> Path:
    data = {
        "codebook": "mini",
        "response_scales": {
            "emp": {
                "type": scale_type,
                "codes": [
                    {"code": 1, "value": "A", "nl": "Aa", "en": "Aa"},
                    {"code": 2, "value": "B", "nl": "Bb", "en": "Bb"},
                ],
                **scale_extra,
            },
        },
        "items": [
            {
                "id": "employer_type",
                "role": "group",
                "type": "categorical",
                "response_scale": "emp",
                "text_nl": "Werkgever?",
                "text_en": "Employer?",
            }
        ],
    }
    path = tmp_path / "mini.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_codebook_may_name_its_own_total(tmp_path):
    cb = load_codebook(_codebook(tmp_path, {"total": {"value": "alle", "nl": "Alle", "en": "All"}}))
    g = groups(cb)
    assert g.total == "alle" and g.values == ("A", "B")
    assert g.order(["B", "alle", "A"]) == ["alle", "A", "B"]


def test_a_codebook_without_total_gets_the_core_total(tmp_path):
    g = groups(load_codebook(_codebook(tmp_path, {})))
    assert g.total == "totaal" and g.label("totaal") == "Totaal" and g.label("A") == "Aa"


@pytest.mark.parametrize(
    ("extra", "scale_type", "message"),
    [
        ({"total": {"value": "A", "nl": "Alle", "en": "All"}}, "categorical", "'A' is also a code's value"),
        ({"total": {"value": "alle", "nl": "Alle", "en": "All"}}, "likert", "a likert scale has a total"),
        ({"total": {"value": "alle", "nl": "Alle"}}, "categorical", r"total\.en .*a required key is missing"),
    ],
)
def test_a_wrong_total_is_a_codebook_error(tmp_path, extra, scale_type, message):
    with pytest.raises(CodebookError, match=message):
        load_codebook(_codebook(tmp_path, extra, scale_type))
