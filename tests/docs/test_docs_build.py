"""The documentation site builds with ``mkdocs build --strict``: every page, link and
API-reference entry resolves, and docstrings parse."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_docs_build_strict(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    reference = (tmp_path / "reference" / "webpubsub" / "index.html").read_text()
    assert "send_to_all" in reference  # the API reference came from the docstrings
