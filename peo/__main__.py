"""``python -m peo``: see :mod:`peo.cli`."""

from .cli import main

raise SystemExit(main())
