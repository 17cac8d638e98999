"""``python -m benchmarks``: run the benchmarks and write RESULTS.md and results.png."""

from __future__ import annotations

import sys

from .cli import main

sys.exit(main())
