"""Reading YAML text: PyYAML's safe loader, in C when PyYAML was built with libyaml.

``yaml.safe_load`` always uses the pure-Python loader. The C loader (``CSafeLoader``) builds
the same Python objects with the same (YAML 1.1) rules about ten times faster, which matters
because codebooks, ``analysis.yml`` and ``wording.yml`` are read in every step and notebook.
Errors are the same ``yaml.YAMLError`` with a ``problem_mark`` (line and column).
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["SafeLoader", "load_yaml"]

#: The safe loader: libyaml's when available, else PyYAML's own.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """Parse YAML text with the safe loader (as ``yaml.safe_load`` does, faster)."""
    return yaml.load(text, Loader=SafeLoader)
