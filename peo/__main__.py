"""``python -m peo``: see :mod:`peo.cli`."""

from peo.cli import main

raise SystemExit(main())
