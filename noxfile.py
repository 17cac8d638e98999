"""nox sessions: the test suite on each supported interpreter.

``python3 dev.py test`` runs the suite on its own interpreter in ``.venv`` and calls
``tests-X.Y`` here for every other supported CPython it finds. Each session's virtual
environment lives under ``.nox/`` and is reinstalled only when ``pyproject.toml`` changes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
SUPPORTED_PYTHONS = ["3.10", "3.11", "3.12", "3.13"]

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True


@nox.session(python=SUPPORTED_PYTHONS)
def tests(session: nox.Session) -> None:
    """The whole suite (``pytest`` arguments after ``--`` narrow it)."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamp = Path(session.virtualenv.location) / ".webpubsub-installed-dev"
    if not stamp.exists() or stamp.read_text() != wanted:
        # pip too: uv's environments have none, and the packaging tests build with it.
        session.install("pip", "-e", ".[emulator,aio,client]", "--group", "dev")
        stamp.write_text(wanted)
    session.run("python", "-m", "pytest", *session.posargs)
