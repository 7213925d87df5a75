"""Write environment.yml (for conda users) with exactly the pins of requirements.lock.

Run by `make lock`; tests/test_setup.py checks that both files carry the same pins.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    pins = [
        line.strip()
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    lines = [
        "# Conda environment for peo. Generated from requirements.lock by tools/make_environment_yml.py:",
        "# the same exact pins, installed by pip inside a conda Python 3.11. Do not edit by hand.",
        "name: peo",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python=3.11",
        "  - pip",
        "  - pip:",
        *[f"      - {p}" for p in pins],
        "      - -e .",
        "",
    ]
    (ROOT / "environment.yml").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
