"""When a response counts as complete: the ``completion`` rule of ``wave.yml``.

The survey tools record completion differently: Qualtrics has a ``Finished`` flag,
LimeSurvey leaves ``submitdate`` empty for a response that was not submitted, Microsoft and
Google Forms export submitted responses only. ``wave.yml`` says which
(``docs/wave-config.md``); this module reads it. Whatever the rule, the cleaning also
requires an answer to every item the codebook marks ``required``.
"""

from __future__ import annotations

import pandas as pd

from peo.errors import ConfigError
from peo.ingest.load import is_yes

__all__ = ["require_completion", "flag_complete", "expected_text", "not_complete_text"]


def require_completion(wave):
    """The wave's :class:`peo.survey.config.Completion`; a ``ConfigError`` when it has none."""
    if wave.completion is None:
        raise ConfigError(
            f"{wave.config_path or 'wave ' + str(wave.id)}: 'completion' is missing: say when a response counts "
            "as complete, e.g. completion: {rule: yes_value, column: Finished}, {rule: filled, column: submitdate}, "
            "{rule: required_items} or explicitly {rule: every_row} (docs/wave-config.md)."
        )
    return wave.completion


def _filled(values: pd.Series) -> pd.Series:
    if pd.api.types.is_string_dtype(values.dtype) or values.dtype == object:
        s = values.astype("string").str.strip()
        return (s.notna() & s.ne("")).fillna(False).astype(bool)
    return values.notna().astype(bool)


def flag_complete(raw: pd.DataFrame, wave) -> pd.Series:
    """Whether each row is complete by the export's own signal (the ``completion`` rule).

    ``yes_value``: the column holds one of the rule's yes values (compared as
    :func:`peo.ingest.load.is_yes` does); ``filled``: the column is not empty;
    ``required_items`` and ``every_row``: every row (the required items are checked by the
    cleaning whatever the rule).

    Returns
    -------
    pandas.Series
        Boolean, index of ``raw``.

    Raises
    ------
    ConfigError
        If the wave has no completion rule.
    KeyError
        If the rule's column is not in ``raw`` (validation reports it before).
    """
    rule = require_completion(wave)
    if rule.rule == "yes_value":
        return is_yes(raw[rule.column], rule.yes or wave.consent_yes)
    if rule.rule == "filled":
        return _filled(raw[rule.column])
    return pd.Series(True, index=raw.index, dtype=bool)


def expected_text(wave, yes_text: str) -> str:
    """What a complete response holds in the completion column, for the validation report."""
    rule = require_completion(wave)
    if rule.rule == "filled":
        return "a submitted response: the column is not empty"
    return f"a finished response: one of {yes_text}"


def not_complete_text(wave) -> str:
    """The Dutch reason of the exclusion, before the value found ("niet afgerond ...")."""
    from peo.survey.wording import wording

    rule = require_completion(wave)
    return wording("cleaning")["details"]["not_sent" if rule.rule == "filled" else "not_completed"]
