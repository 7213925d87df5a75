"""Typed errors of the ``peo`` package.

Every error that a user can cause (a bad file, a bad codebook, an unknown wave) is a
subclass of :class:`PeoError`. Its message says what is wrong, where, and what to do.
The command line prints the message and exits non-zero; it never shows a traceback for
a ``PeoError``.
"""

from __future__ import annotations


class PeoError(Exception):
    """Base class of every error a user can cause and fix."""

    exit_code = 2


class CodebookError(PeoError):
    """A codebook file is malformed (duplicate id, scale without labels, unknown reference)."""


class ConfigError(PeoError):
    """A wave configuration (``wave.yml``) is missing, malformed or names a missing file."""


class ConfigurationInvalid(ConfigError, CodebookError):
    """Configuration files break their schema (``peo.survey.schema``); every problem is listed.

    Attributes
    ----------
    problems : list of peo.survey.schema.Problem
        One per violation: file, key path, line, value found, what is allowed, why.
    """

    def __init__(self, message: str, problems=()):
        super().__init__(message)
        self.problems = list(problems)


class WaveNotFoundError(ConfigError):
    """A wave id was asked for that has no folder under ``data/raw/``."""


class ReadError(PeoError):
    """A raw export cannot be read at all (empty, truncated, binary, bad encoding, ...)."""


class ValidationError(PeoError):
    """A raw export is readable but unusable: required columns are missing or misspelt.

    Attributes
    ----------
    report : pandas.DataFrame or None
        One row per problem, with the columns of :func:`peo.ingest.validate.validate_frame`.
    """

    def __init__(self, message: str, report=None):
        super().__init__(message)
        self.report = report


class DisclosureError(PeoError):
    """A table was about to be published without passing disclosure control."""


class PackageError(PeoError):
    """A wave's published data package lacks a table, or a table does not match its metadata."""


class ManifestError(PeoError):
    """A raw file changed, appeared or disappeared since ``data/raw/MANIFEST.sha256``."""


class ResearchersTextError(PeoError):
    """The researchers' text of a wave (``data/raw/<wave>/report/*.md``) cannot be used.

    A malformed front matter, a reference to a key figure or table cell that does not exist
    or is hidden, or a file that ``wave.yml`` names but that is missing. The message names the
    file and the line.
    """
