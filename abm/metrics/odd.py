"""Rewrite the metrics tables of ``docs/ODD.md`` from the catalogue.

Usage: ``python -m abm.metrics.odd [docs/ODD.md]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from abm.metrics.catalogue import render_docs

if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/ODD.md")
    path.write_text(render_docs(path.read_text()))
