"""Every script in ``examples/`` (the chat app has its own test) runs against the emulator:
exit 0, something printed, nothing on stderr, no secret in the output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from webpubsub_emulator import DEFAULT_ACCESS_KEY

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.py"))


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda path: path.name)
def test_example_runs_against_the_emulator(
    script: Path, webpubsub_connection_string: str, webpubsub_hub: str
) -> None:
    env = {
        **os.environ,
        "WEBPUBSUB_CONNECTION_STRING": webpubsub_connection_string,
        "WEBPUBSUB_HUB": webpubsub_hub,
    }
    result = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert result.stderr == ""
    assert DEFAULT_ACCESS_KEY not in result.stdout
    assert "access_token=ey" not in result.stdout
