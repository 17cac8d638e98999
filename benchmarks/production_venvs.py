"""Production-like virtual environments for the import benchmark (no dev extras).

The dev environment holds test tools whose presence changes what libraries import (httpx
imports its command line when click, rich and pygments are installed), so import times are
measured in two small venvs instead, created once and reused while their requirements stay
the same:

* ``ours``: only the SDK's runtime dependencies (``[project].dependencies``); the SDK itself
  is put on ``PYTHONPATH`` from this checkout, so the code measured is the code here;
* ``official``: ``azure-messaging-webpubsubservice`` at the version compared against.

Installs go through pip from the configured package index.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from importlib import metadata
from pathlib import Path

import attrs

from .child_process import REPO_ROOT

CACHE = REPO_ROOT / ".venv-bench"
OFFICIAL_REQUIREMENT = "azure-messaging-webpubsubservice==1.3.0"
# Its aio module imports aiohttp, which only its ``aio`` extra installs.
OFFICIAL_CLIENT_REQUIREMENT = "azure-messaging-webpubsubclient[aio]==1.1.0"


@attrs.frozen
class Interpreter:
    """A Python executable and the extra environment a child run with it needs."""

    python: Path
    env: dict[str, str]

    def run_probe(self, code: str, what: str) -> list[str]:
        """The words ``code`` prints when run in a new interpreter; RuntimeError naming
        ``what`` if the child fails."""
        completed = subprocess.run(
            [str(self.python), "-c", code],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={**os.environ, **self.env},
        )
        if completed.returncode != 0:
            raise RuntimeError(f"{what} failed: {completed.stderr.strip()[-500:]}")
        return completed.stdout.split()


def ours() -> Interpreter:
    """A venv with only the runtime dependencies; the SDK imported from this checkout."""
    python = _venv("ours", runtime_requirements())
    env = {"PYTHONPATH": os.pathsep.join(str(REPO_ROOT / d) for d in ("generated", "convenience"))}
    return Interpreter(python, env)


def official() -> Interpreter:
    """A venv with the official package (and what it depends on) only."""
    return Interpreter(_venv("official", [OFFICIAL_REQUIREMENT]), {})


def ours_client() -> Interpreter:
    """Like :func:`ours`, plus the ``client`` extra's requirements (``webpubsub[client]``)."""
    python = _venv("ours-client", runtime_requirements() + extra_requirements("client"))
    return Interpreter(python, ours().env)


def official_client() -> Interpreter:
    """A venv with the official client library (and what it depends on) only."""
    return Interpreter(_venv("official-client", [OFFICIAL_CLIENT_REQUIREMENT]), {})


def extra_requirements(extra: str) -> list[str]:
    """The requirements ``webpubsub[extra]`` adds, markers dropped, from the installed
    distribution's metadata."""
    markers = (f"extra == '{extra}'", f'extra == "{extra}"')
    return sorted(
        requirement.split(";", 1)[0].strip()
        for requirement in metadata.requires("webpubsub") or []
        if any(marker in requirement for marker in markers)
    )


def runtime_requirements() -> list[str]:
    """``webpubsub``'s requirements without an extra marker (what ``pip install webpubsub``
    installs), read from the installed distribution's metadata."""
    return sorted(
        requirement
        for requirement in metadata.requires("webpubsub") or []
        if "extra ==" not in requirement
    )


def _venv(name: str, requirements: list[str]) -> Path:
    directory = CACHE / name
    python = directory / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    stamp = directory / ".requirements"
    wanted = hashlib.sha256("\n".join([sys.version, *requirements]).encode()).hexdigest()
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    print(f"benchmarks: creating {directory} ({', '.join(requirements)})", flush=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(directory)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *requirements],
        check=True,
    )
    stamp.write_text(wanted)
    return python
