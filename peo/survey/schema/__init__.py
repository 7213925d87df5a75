"""Schemas of the hand-written configuration files, and their checks.

One pydantic model per kind of file (``wave.yml``, codebooks, ``open_themes.yml``,
``analysis.yml``, ``wording.yml``), published as JSON Schema in ``docs/schema/`` and as the
reference page ``docs/configuration.md`` (both generated: ``python -m peo schema-docs``).

Why pydantic rather than hand-written checks or a JSON Schema validator (jsonschema): the
models are the single source of both the checks and the published JSON Schema, every error
comes with its location (``loc``) so that all problems are reported at once, and checks that
JSON Schema cannot express (references between files, dates in order, valid regular
expressions) are validators of the same models.
"""

from peo.errors import ConfigurationInvalid
from peo.survey.schema.check import (
    KINDS,
    check_codebooks,
    check_configuration,
    check_file,
    check_for_validate,
    check_settings,
    check_wave,
    json_schema,
    raise_for,
    valid_message,
)
from peo.survey.schema.report import Problem

__all__ = [
    "KINDS",
    "ConfigurationInvalid",
    "Problem",
    "check_codebooks",
    "check_configuration",
    "check_file",
    "check_for_validate",
    "check_settings",
    "check_wave",
    "json_schema",
    "raise_for",
    "valid_message",
]
