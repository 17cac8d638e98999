"""What the interop tests install for themselves: pinned npm package sets and Debian's
chromium.

Each npm set has its own folder under ``.cache/npm-tests/`` (gitignored) and is installed
once, again only when its pinned list changes. Parallel test workers (pytest-xdist) may ask
for the same set or for chromium at the same moment, so every install runs under an
exclusive file lock and checks again once it holds it.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NPM_CACHE = REPO / ".cache" / "npm-tests"
CHROMIUM = "/usr/bin/chromium"


@contextmanager
def install_lock(name: str) -> Iterator[None]:
    """Hold ``.cache/locks/<name>.lock`` exclusively (other processes wait)."""
    locks = REPO / ".cache" / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    with open(locks / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def npm_packages(name: str, packages: Sequence[str]) -> Path:
    """The folder ``.cache/npm-tests/<name>`` whose ``node_modules`` holds exactly the
    pinned ``packages``, installed with npm when missing or when the list changed. Fails
    the test (never skips) when node or npm is missing or the install fails."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("node and npm are needed for the JS interop tests", pytrace=False)
    folder = NPM_CACHE / name
    stamp = folder / "installed.txt"
    wanted = "\n".join(packages)
    with install_lock(f"npm-{name}"):
        if stamp.exists() and stamp.read_text() == wanted and (folder / "node_modules").is_dir():
            return folder
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "package.json").write_text(json.dumps({"name": name, "private": True}) + "\n")
        completed = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--no-save", *packages],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if completed.returncode != 0:
            pytest.fail(f"npm install failed:\n{completed.stderr[-2000:]}", pytrace=False)
        stamp.write_text(wanted)
    return folder


def ensure_chromium() -> str:
    """Path of Debian's chromium; installed with apt-get when missing and running as root.
    Fails (never skips, also under CI=true) when it cannot be had."""
    with install_lock("chromium"):
        if os.path.exists(CHROMIUM):
            return CHROMIUM
        if os.geteuid() != 0:
            pytest.fail(
                "chromium is missing; install it with: apt-get install -y chromium",
                pytrace=False,
            )
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "chromium"]
        completed = subprocess.run(install, capture_output=True, text=True, env=env, timeout=900)
        if completed.returncode != 0:
            update = subprocess.run(
                ["apt-get", "update"], capture_output=True, env=env, timeout=300
            )
            completed = subprocess.run(
                install, capture_output=True, text=True, env=env, timeout=900
            )
            if update.returncode != 0 or completed.returncode != 0:
                pytest.fail(
                    f"apt-get install -y chromium failed:\n{completed.stderr[-2000:]}",
                    pytrace=False,
                )
    return CHROMIUM
