"""Recall of the de-identification on a planted corpus generated from parts.

``tests/planted_corpus.py`` builds answers with 280 identifying details of 14 kinds from
random combinations of parts (names, syllables, nouns, digits) in random sentences, and
200 clean answers. The de-identification (deduce + region list + Frog + shape rules) runs
once over all of them, as it does over a wave. Measured: recall (share of details of
which no identifying part is left), per kind and overall, and the clean answers changed.
Targets (issue 11): 100% for names, contact details and numbers, at least 98% overall.
The figures are printed (``pytest -s``) and reported in the README.

Set ``PEO_CORPUS_SEED`` to draw another corpus.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from planted_corpus import KINDS, STRICT, generate, survives  # noqa: E402

from peo.tables.text import code_themes, deidentify, example_quotes, residual_identifiers  # noqa: E402


SEED = int(os.environ.get("PEO_CORPUS_SEED", "11"))

# Frog and deduce over 480 answers: about a minute alone, several on a busy machine.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus():
    planted, clean = generate(SEED)
    texts = [a for a, _ in planted] + clean
    out = deidentify(pd.Series(texts)).text.tolist()
    missed = Counter()
    total = Counter(p.kind for _, p in planted)
    misses = []
    for (answer, p), o in zip(planted, out):
        if any(survives(part, o) for part in p.must_go):
            missed[p.kind] += 1
            misses.append((p.kind, answer, o))
    changed = [(c, o) for c, o in zip(clean, out[len(planted) :]) if c != o]
    recall = {k: 1 - missed[k] / total[k] for k in KINDS}
    overall = 1 - sum(missed.values()) / sum(total.values())
    print(
        f"\nplanted corpus (seed {SEED}): {sum(total.values())} details of {len(total)} kinds, "
        f"{len(clean)} clean answers"
    )
    for k in KINDS:
        print(f"  {k:26} {total[k] - missed[k]:3d}/{total[k]}")
    print(f"  overall recall {overall:.1%}; clean answers changed: {len(changed)}/{len(clean)}")
    for kind, a, o in misses:
        print(f"  missed {kind}: {a!r} -> {o!r}")
    for c, o in changed:
        print(f"  changed: {c!r} -> {o!r}")
    return {
        "planted": planted,
        "clean": clean,
        "out": out,
        "recall": recall,
        "overall": overall,
        "changed": changed,
        "total": total,
    }


def test_corpus_is_large_and_varied(corpus):
    assert sum(corpus["total"].values()) >= 200
    assert len(corpus["total"]) >= 12
    # Generated from parts: most details are distinct strings, not a short list repeated.
    texts = {p.text for _, p in corpus["planted"]}
    assert len(texts) >= 0.8 * len(corpus["planted"])


def test_every_name_contact_detail_and_number_is_removed(corpus):
    short = {k: corpus["recall"][k] for k in STRICT if corpus["recall"][k] < 1}
    assert not short, f"recall below 100% for {short}"


def test_overall_recall_at_least_98_percent(corpus):
    assert corpus["overall"] >= 0.98, corpus["recall"]


def test_few_clean_answers_are_changed(corpus):
    # A changed clean answer is a false alarm: its words are replaced by a tag and it is
    # not quoted. Measured, and held below 5% so that a rule that eats ordinary words fails.
    assert len(corpus["changed"]) <= 0.05 * len(corpus["clean"]), corpus["changed"]


def test_residual_check_sees_the_raw_details():
    """The check before quoting finds what the de-identification removes (on the raw answers)."""
    planted, _ = generate(SEED + 1)
    # Kinds the shape rules and lists cover (Frog's full names are deduce's and Frog's job).
    rule_kinds = set(KINDS) - {"person_full", "person_capital_after_cue"}
    flagged = Counter()
    total = Counter()
    for answer, p in planted:
        if p.kind in rule_kinds:
            total[p.kind] += 1
            flagged[p.kind] += bool(residual_identifiers(answer))
    short = {k: f"{flagged[k]}/{total[k]}" for k in total if flagged[k] < total[k]}
    assert not short, f"the residual check misses raw details: {short}"


def test_no_quote_is_taken_from_an_answer_with_a_detail_left():
    """Quotes drawn from raw (not de-identified) planted answers: none may be published."""
    planted, clean = generate(SEED + 2, per_kind=3, n_clean=0)
    rule_kinds = {
        "person_lower_after_cue",
        "email",
        "phone_mobile",
        "postcode",
        "date_of_birth",
        "case_number",
        "street_address",
        "neighbourhood",
        "team",
        "school",
        "organisation",
    }
    texts = pd.Series(
        [a for a, p in planted if p.kind in rule_kinds],
        index=[f"r{i}" for i, (a, p) in enumerate(planted) if p.kind in rule_kinds],
    )
    coded = code_themes(texts, "barriers")
    assert len(coded)  # the answers are coded (into "overig" at least), so they are candidates
    quotes = example_quotes(texts, coded, per_theme=50)
    assert quotes.empty, quotes["quote"].tolist()
