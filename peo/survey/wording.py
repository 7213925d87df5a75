"""The report's wording: Dutch (and English) phrases as data, loaded once.

The phrases live in ``peo/data/wording.yml``, one top-level section per part of the report
(``groups``, ``suppression``, ``plots``, ``book``, ...). A researcher adjusts the wording there,
never in code. Statement templates and analysis settings stay in ``peo/data/analysis.yml``.
"""

from __future__ import annotations

import functools
from typing import Any

import yaml

from peo import paths
from peo.errors import ConfigError
from peo.yamltext import load_yaml

__all__ = ["WORDING_FILE", "wording", "phrase"]

#: The wording file shipped with the package.
WORDING_FILE = paths.package_data("wording.yml")


@functools.cache
def _load() -> dict[str, Any]:
    try:
        data = load_yaml(WORDING_FILE.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{WORDING_FILE}: cannot read the wording file ({exc}).") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{WORDING_FILE}: the wording file must be a mapping of sections.")
    return data


def wording(section: str | None = None) -> Any:
    """The whole wording (``section=None``) or one of its sections.

    Raises
    ------
    ConfigError
        When the section does not exist (the message names the file and the section).
    """
    data = _load()
    if section is None:
        return data
    if section not in data:
        raise ConfigError(f"{WORDING_FILE}: no section '{section}' (sections: {', '.join(sorted(data))}).")
    return data[section]


def phrase(section: str, key: str, lang: str = "nl", **values: Any) -> str:
    """One phrase, with ``{placeholders}`` filled in.

    An entry is either a string (Dutch only) or a mapping ``{nl: ..., en: ...}``.
    """
    entry = wording(section).get(key)
    if entry is None:
        raise ConfigError(f"{WORDING_FILE}: section '{section}' has no phrase '{key}'.")
    if isinstance(entry, dict):
        entry = entry.get(lang, entry.get("nl"))
    return str(entry).format(**values) if values else str(entry)
