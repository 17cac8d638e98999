#!/usr/bin/env python3
"""Bootstrap and run: ``python3 dev.py demo``, ``python3 dev.py test`` or ``python3 dev.py bench``.

Creates ``.venv/`` in the repository root on first use and installs the package editable
with what the command needs: ``demo`` only the ``emulator`` extra, ``test`` and ``bench``
the ``dev`` extra as well. Each install is remembered by a stamp keyed on
``pyproject.toml``, so running a command again is cheap and safe.

``python3 dev.py test`` with no arguments runs the whole suite on the interpreter running
this script (the default one), then, through nox, on every other supported CPython found on
``PATH`` or under pyenv. Between the two it runs the api-version bump drill
(``tests/spec/test_bump_drill.py``: the whole suite again, in a scratch copy whose spec has a
new default api-version).
``python3 dev.py test ARGS...`` runs pytest with ``ARGS`` on the default interpreter only.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
SUPPORTED_PYTHONS = ("3.10", "3.11", "3.12", "3.13")
#: What each command installs: extras of the ``webpubsub`` distribution, and whether the
#: ``dev`` dependency group (test and lint tools, the official SDKs compared against) too.
EXTRAS = {"demo": "emulator,client", "test": "emulator,aio,client", "bench": "emulator,aio,client"}
NEEDS_DEV_GROUP = {"test", "bench"}


def _python() -> Path:
    return BIN / ("python.exe" if os.name == "nt" else "python")


def _stamp(what: str) -> Path:
    return VENV / f".webpubsub-installed-{what}"


def _wanted_stamp() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def _say(text: str) -> None:
    print(f"dev.py: {text}", flush=True)


def bootstrap(extra: str, dev_group: bool) -> None:
    """Make ``.venv`` hold the package with ``extra`` (and the ``dev`` dependency group);
    a no-op when it already does."""
    if not _python().exists():
        _say(f"creating virtual environment in {VENV}")
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    what = f"{extra}+dev" if dev_group else extra
    stamp = _stamp(what)
    if stamp.exists() and stamp.read_text() == _wanted_stamp():
        return
    started = time.monotonic()
    pip = [str(_python()), "-m", "pip", "--disable-pip-version-check", "-q"]
    install = [*pip, "install", "-e", f"{ROOT}[{extra}]"]
    if dev_group:
        # Dependency groups (PEP 735) need pip 25.1 or newer.
        _say("upgrading pip in .venv ...")
        subprocess.run([*pip, "install", "--upgrade", "pip>=25.1"], check=True)
        install += ["--group", f"{ROOT / 'pyproject.toml'}:dev"]
    _say(f"installing webpubsub[{extra}] (editable){' and the dev tools' * dev_group} ...")
    subprocess.run(install, check=True)
    stamp.write_text(_wanted_stamp())
    _say(f"installed in {time.monotonic() - started:.0f} s")


def _interpreter(version: str) -> str | None:
    """A working ``pythonX.Y`` for ``version``: on PATH, or under pyenv's versions folder."""
    candidates = [shutil.which(f"python{version}")]
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates += sorted(
        str(path) for path in pyenv_root.glob(f"versions/{version}.*/bin/python{version}")
    )
    for candidate in filter(None, candidates):
        # pyenv shims exist for versions that are not active and fail when run.
        probe = subprocess.run([candidate, "-c", "pass"], capture_output=True, check=False)
        if probe.returncode == 0:
            return candidate
    return None


def run_tests(pytest_args: list[str]) -> int:
    """The whole suite on the default interpreter, then on the other supported ones."""
    default = f"{sys.version_info.major}.{sys.version_info.minor}"
    if default not in SUPPORTED_PYTHONS:
        _say(f"python3 is {default}; webpubsub supports {', '.join(SUPPORTED_PYTHONS)}")
        return 2
    command = [str(_python()), "-m", "pytest", *pytest_args]
    if pytest_args:
        return subprocess.run(command).returncode
    _say(f"full suite on the default interpreter, Python {default}")
    codes = {default: subprocess.run(command).returncode}
    _say("api-version bump drill: the whole suite again after a spec bump and regen")
    drill = [*command, "-m", "bump_drill", "-q", "tests/spec/test_bump_drill.py"]
    codes["bump drill"] = subprocess.run(drill).returncode
    others = {v: _interpreter(v) for v in SUPPORTED_PYTHONS if v != default}
    for version, path in others.items():
        if path is None:
            _say(f"Python {version} is not installed here: skipped")
            continue
        _say(f"full suite on Python {version} ({path}) through nox")
        env = {**os.environ, "PATH": f"{Path(path).parent}{os.pathsep}{os.environ['PATH']}"}
        nox = [str(_python()), "-m", "nox", "--session", f"tests-{version}"]
        codes[version] = subprocess.run(nox, env=env).returncode
    summary = ", ".join(f"{v}: {'ok' if c == 0 else f'exit {c}'}" for v, c in codes.items())
    _say(f"interpreters run: {summary}")
    return max(codes.values())


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in EXTRAS:
        print(f"usage: python3 dev.py {{{'|'.join(EXTRAS)}}} [extra arguments]", file=sys.stderr)
        return 2
    name, extra_args = argv[0], argv[1:]
    bootstrap(EXTRAS[name], name in NEEDS_DEV_GROUP)
    os.chdir(ROOT)
    if name == "test":
        return run_tests(extra_args)
    if name == "demo":
        return subprocess.run([str(BIN / "webpubsub"), "demo", *extra_args]).returncode
    return subprocess.run([str(_python()), "-m", "benchmarks", *extra_args]).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
