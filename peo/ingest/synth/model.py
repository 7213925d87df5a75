"""The latent model of the synthetic answers: one latent professional space per respondent.

Every respondent gets a latent *experienced professional space* ``S ~ N(mu_g, 1)`` whose mean
depends on the employer type, and a latent workload that falls as ``S`` rises; each ordinal
item is a noisy copy of its driver, cut into codes at the quantiles of the target shares
(:data:`ITEM_MODEL`, :data:`WAVE_TARGETS`); multiple-choice options are logistic in the latent
variables (:data:`MULTI_MODEL`); numeric items come from plausible distributions.
:func:`answers` draws the substantive answers of a wave's respondents.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from peo.survey.codebook import Codebook

__all__ = [
    "GROUPS",
    "SPACE_MEAN",
    "WORKLOAD_SPACE_CORR",
    "OrdinalModel",
    "ITEM_MODEL",
    "WAVE_TARGETS",
    "MultiModel",
    "MULTI_MODEL",
    "FUNCTION_PROBS",
    "CASELOAD",
    "answers",
]

GROUPS = ("GI", "JZ", "LT")  # employer types, codes 1, 2, 3 of the codebook's group item


# Mean of the latent professional space per employer type.
SPACE_MEAN = {"GI": -0.15, "JZ": 0.0, "LT": 0.10}
# Correlation of the latent workload with the latent space (less space, more workload).
WORKLOAD_SPACE_CORR = -0.55


@dataclass(frozen=True)
class OrdinalModel:
    """Latent model of one ordinal item.

    ``driver`` is ``"space"`` or ``"workload"``; ``probs`` are the target shares of the
    substantive codes in scale order (they sum to 1); ``shift`` adds a group effect on
    the latent scale.
    """

    driver: str
    loading: float
    probs: tuple[float, ...]
    shift: dict[str, float] = field(default_factory=dict)


ITEM_MODEL: dict[str, OrdinalModel] = {
    # core: professional space (probs here are the 2022 targets; see WAVE_TARGETS)
    "ps_general": OrdinalModel("space", 0.70, (0.01, 0.03, 0.06, 0.58, 0.32), {"GI": -0.10, "LT": 0.05}),
    "ps_relation": OrdinalModel("space", 0.78, (0.11, 0.36, 0.19, 0.28, 0.06), {"GI": -0.50, "JZ": 0.10, "LT": 0.15}),
    "ps_needed": OrdinalModel("space", 0.78, (0.09, 0.35, 0.21, 0.29, 0.06), {"GI": -0.55, "JZ": 0.15, "LT": 0.05}),
    "ps_reflection": OrdinalModel("space", 0.70, (0.07, 0.29, 0.22, 0.34, 0.08), {"GI": 0.15, "JZ": -0.50, "LT": 0.20}),
    # core: the aspects (asp_rules is worded the other way round: negative loading)
    "asp_autonomy": OrdinalModel("space", 0.62, (0.03, 0.15, 0.22, 0.45, 0.15)),
    "asp_learning": OrdinalModel("space", 0.58, (0.04, 0.16, 0.22, 0.44, 0.14)),
    "asp_competence": OrdinalModel("space", 0.55, (0.02, 0.10, 0.20, 0.50, 0.18)),
    "asp_craft": OrdinalModel("space", 0.65, (0.04, 0.20, 0.25, 0.40, 0.11)),
    "asp_fit": OrdinalModel("space", 0.65, (0.05, 0.22, 0.25, 0.38, 0.10), {"GI": -0.20}),
    "asp_reflection": OrdinalModel("space", 0.58, (0.07, 0.27, 0.23, 0.34, 0.09), {"JZ": -0.30}),
    "asp_change": OrdinalModel("space", 0.55, (0.08, 0.30, 0.30, 0.27, 0.05)),
    "asp_rules": OrdinalModel("space", -0.55, (0.04, 0.16, 0.25, 0.37, 0.18), {"GI": 0.20}),
    # outcomes
    "work_pleasure": OrdinalModel("space", 0.50, (0.03, 0.12, 0.35, 0.40, 0.10)),
    "workload": OrdinalModel("workload", 0.95, (0.01, 0.04, 0.35, 0.42, 0.18)),
    "stay": OrdinalModel("space", 0.45, (0.05, 0.13, 0.42, 0.40), {"GI": -0.15}),
    # theme 2021
    "t21_admin_time": OrdinalModel("space", -0.40, (0.02, 0.08, 0.18, 0.45, 0.27)),
    "t21_rules_help": OrdinalModel("space", 0.40, (0.08, 0.30, 0.30, 0.27, 0.05)),
    "t21_deviate": OrdinalModel("space", 0.45, (0.08, 0.27, 0.25, 0.33, 0.07), {"GI": -0.25}),
    # theme 2022
    "t22_workload_clients": OrdinalModel("workload", 0.60, (0.04, 0.14, 0.20, 0.45, 0.17)),
    "t22_overtime": OrdinalModel("workload", 0.50, (0.05, 0.17, 0.18, 0.40, 0.20)),
    # theme 2023
    "t23_expect_realistic": OrdinalModel("space", 0.30, (0.20, 0.45, 0.20, 0.13, 0.02)),
}
"""Latent model of every ordinal item; items not listed get a generic model."""

_GENERIC_ORDINAL = OrdinalModel("space", 0.40, (0.06, 0.20, 0.30, 0.34, 0.10))

# Per-wave target shares of the headline items (2022: the published figures; the other
# waves "broadly the same picture", with small differences).
WAVE_TARGETS: dict[str, dict[str, tuple[float, ...]]] = {
    "2021": {
        "ps_general": (0.02, 0.04, 0.06, 0.57, 0.31),  # agree 88%
        "ps_relation": (0.10, 0.35, 0.20, 0.29, 0.06),  # disagree 45%
        "ps_needed": (0.08, 0.33, 0.22, 0.30, 0.07),  # disagree 41%
        "ps_reflection": (0.08, 0.30, 0.21, 0.33, 0.08),  # disagree 38%
    },
    "2022": {
        "ps_general": (0.01, 0.03, 0.06, 0.58, 0.32),  # agree 90%
        "ps_relation": (0.11, 0.36, 0.19, 0.28, 0.06),  # disagree 47%
        "ps_needed": (0.09, 0.35, 0.21, 0.29, 0.06),  # disagree 44%
        "ps_reflection": (0.07, 0.29, 0.22, 0.34, 0.08),  # disagree 36%
    },
    "2023": {
        "ps_general": (0.01, 0.04, 0.06, 0.57, 0.32),  # agree 89%
        "ps_relation": (0.12, 0.37, 0.18, 0.27, 0.06),  # disagree 49%
        "ps_needed": (0.10, 0.36, 0.20, 0.28, 0.06),  # disagree 46%
        "ps_reflection": (0.07, 0.27, 0.23, 0.35, 0.08),  # disagree 34%
    },
}


@dataclass(frozen=True)
class MultiModel:
    """Choice probabilities of the options of a multiple-choice item.

    Option ``k`` is chosen with probability ``logistic(logit(base_k) + beta_k * driver +
    shift_kg)``.
    """

    base: dict[int, float]
    driver: str = "space"
    beta: dict[int, float] = field(default_factory=dict)
    shift: dict[int, dict[str, float]] = field(default_factory=dict)


MULTI_MODEL: dict[str, MultiModel] = {
    "t21_rule_source": MultiModel(
        base={1: 0.45, 2: 0.42, 3: 0.35, 4: 0.20, 5: 0.30},
        beta={1: -0.4, 2: -0.3},
        shift={3: {"GI": 0.8}, 4: {"GI": 0.4}, 2: {"LT": 0.6}, 5: {"JZ": 0.5}},
    ),
    "t22_barriers": MultiModel(
        base={1: 0.62, 2: 0.58, 3: 0.52, 4: 0.30, 5: 0.36},
        driver="workload",
        beta={1: 0.3, 2: 0.5, 3: 0.5, 5: 0.3},
        shift={3: {"GI": 0.5, "LT": 0.3}, 4: {"JZ": 0.6, "LT": 0.4}},
    ),
    "t22_solutions": MultiModel(
        base={1: 0.56, 2: 0.50, 3: 0.52, 4: 0.30},
        driver="workload",
        beta={3: 0.5, 2: 0.3},
        shift={3: {"GI": 0.5}, 1: {"JZ": 0.3}},
    ),
}
_GENERIC_MULTI = 0.35

# Function (codes 1-5 of the codebook) by employer type.
FUNCTION_PROBS = {
    "GI": (0.75, 0.05, 0.12, 0.00, 0.08),
    "JZ": (0.00, 0.55, 0.35, 0.00, 0.10),
    "LT": (0.02, 0.20, 0.08, 0.62, 0.08),
}
# Caseload (number of clients) by employer type: mean and standard deviation.
CASELOAD = {"GI": (16.0, 4.0), "JZ": (14.0, 5.0), "LT": (22.0, 6.0)}


def _ordinal(y: np.ndarray, y_ref: np.ndarray, probs: tuple[float, ...]) -> np.ndarray:
    """Cut latent values into codes 1..k at the quantiles of ``y_ref`` at the cumulative ``probs``."""
    cum = np.cumsum(probs)[:-1]
    thresholds = np.quantile(y_ref, cum)
    return 1 + np.searchsorted(thresholds, y, side="right")


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: float) -> float:
    return float(np.log(p / (1.0 - p)))


def _latents(rng: np.random.Generator, groups: np.ndarray) -> dict[str, np.ndarray]:
    n = len(groups)
    space = rng.standard_normal(n) + np.array([SPACE_MEAN[g] for g in groups])
    r = WORKLOAD_SPACE_CORR
    workload = r * space + np.sqrt(1 - r * r) * rng.standard_normal(n)
    return {"space": space, "workload": workload}


def answers(rng: np.random.Generator, codebook: Codebook, wave: str, groups: np.ndarray, n_valid: int) -> list[dict]:
    """Substantive answers of ``len(groups)`` respondents; the first ``n_valid`` set the thresholds."""
    n = len(groups)
    lat = _latents(rng, groups)
    cols: dict[str, list] = {}
    group_item = codebook.group_item
    group_code = {c.value: c.code for c in group_item.response_scale.codes}
    for item in codebook.items:
        if item is group_item:
            cols[item.id] = [group_code[g] for g in groups]
        elif item.id == "function":
            codes = [c.code for c in item.response_scale.codes]
            cols[item.id] = [int(codes[rng.choice(len(codes), p=FUNCTION_PROBS[g])]) for g in groups]
        elif item.id == "years_experience":
            lo, hi = item.bounds
            yrs = np.clip(np.round(rng.gamma(1.8, 5.0, n)), lo, 40)
            cols[item.id] = [int(v) for v in yrs]
        elif item.type == "likert":
            model = ITEM_MODEL.get(item.id, _GENERIC_ORDINAL)
            probs = WAVE_TARGETS.get(wave, {}).get(item.id, model.probs)
            k = len(item.response_scale.valid_codes)
            if len(probs) != k:
                probs = tuple(np.full(k, 1.0 / k))
            d = lat[model.driver]
            shift = np.array([model.shift.get(g, 0.0) for g in groups])
            y = model.loading * d + shift + np.sqrt(1 - model.loading**2) * rng.standard_normal(n)
            idx = _ordinal(y, y[:n_valid], probs) - 1
            valid = item.response_scale.valid_codes
            cols[item.id] = [int(valid[i]) for i in idx]
        elif item.type == "categorical":
            codes = [c.code for c in item.response_scale.codes]
            cols[item.id] = [int(codes[i]) for i in rng.integers(0, len(codes), n)]
        elif item.type == "multi":
            model = MULTI_MODEL.get(item.id)
            chosen_any = np.zeros(n, dtype=bool)
            per_option = {}
            for c in item.response_scale.codes:
                if model is None:
                    p = np.full(n, _GENERIC_MULTI)
                else:
                    eta = _logit(model.base.get(c.code, _GENERIC_MULTI))
                    eta = eta + model.beta.get(c.code, 0.0) * lat[model.driver]
                    eta = eta + np.array([model.shift.get(c.code, {}).get(g, 0.0) for g in groups])
                    p = _logistic(eta)
                per_option[c.code] = rng.random(n) < p
                chosen_any |= per_option[c.code]
            for c in item.response_scale.codes:
                cols[f"{item.id}_{c.code}"] = [1 if v else None for v in per_option[c.code]]
        elif item.type == "numeric":
            lo, hi = item.bounds
            if item.id == "t22_caseload":
                m = np.array([CASELOAD[g][0] for g in groups])
                s = np.array([CASELOAD[g][1] for g in groups])
                vals = np.maximum(np.round(m + s * rng.standard_normal(n) - 2.0 * lat["space"]), 1)
            elif item.id == "t21_hours_admin":
                vals = np.round(rng.gamma(3.0, 3.0, n) - 1.0 * lat["space"])
            else:
                vals = np.round(lo + (hi - lo) * rng.beta(2.0, 4.0, n))
            vals = np.clip(vals, lo, hi)
            cols[item.id] = [int(v) for v in vals]
        elif item.type == "open":
            cols[item.id] = [None] * n  # filled by open_answers (peo.ingest.synth.open_answers)
    return [{c: cols[c][i] for c in cols} for i in range(n)]
