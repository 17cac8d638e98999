"""The hand-written packages stay `mypy --strict`, `pyright` and `ruff` clean (config in
pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HAND_WRITTEN = ["convenience/webpubsub", "emulator/webpubsub_emulator"]


@pytest.mark.parametrize(
    "command",
    [
        ["mypy", *HAND_WRITTEN],
        # Settings in pyproject.toml: strict on the SDK core, basic on the emulator. The
        # packages to resolve imports against are this interpreter's, wherever its venv is.
        ["pyright", "--pythonpath", sys.executable],
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
    ],
    ids=["mypy-strict", "pyright", "ruff-check", "ruff-format"],
)
def test_static_check_passes(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
