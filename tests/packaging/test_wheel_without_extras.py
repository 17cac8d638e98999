"""The built wheel, installed without extras, must never break a user's project.

The ``pytest11`` entry point makes pytest load our plugin in every project that has
``webpubsub`` installed, so a plugin that needs the ``emulator`` extra would break their
whole test run. This builds the wheel, installs it (no extras) into a fresh virtual
environment and runs pytest in an unrelated project there.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.timeout(300)


def _run(*command: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def bare_install(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv holding the built wheel without extras, plus pytest: its python executable."""
    work = tmp_path_factory.mktemp("bare")
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", work / "dist", ROOT)
    assert built.returncode == 0, built.stderr
    (wheel,) = (work / "dist").glob("webpubsub-*.whl")
    venv.EnvBuilder(with_pip=True).create(work / "venv")
    python = work / "venv" / "bin" / "python"
    installed = _run(python, "-m", "pip", "install", "-q", wheel, "pytest")
    assert installed.returncode == 0, installed.stderr
    return python


def test_wheel_without_extras_leaves_pytest_working(bare_install: Path, tmp_path: Path) -> None:
    project = tmp_path / "unrelated"
    project.mkdir()
    (project / "test_unrelated.py").write_text("def test_arithmetic():\n    assert 1 + 1 == 2\n")
    result = _run(bare_install, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert (
        "webpubsub_emulator"
        in _run(bare_install, "-m", "pytest", "--trace-config", "--co", "-q", cwd=project).stdout
    )


def test_wheel_without_extras_imports_both_clients(bare_install: Path) -> None:
    script = textwrap.dedent(
        """
        import webpubsub, webpubsub.aio, webpubsub_emulator
        assert webpubsub.WebPubSubServiceClient and webpubsub.aio.WebPubSubServiceClient
        print(webpubsub_emulator.DEFAULT_ACCESS_KEY[:4])
        """
    )
    result = _run(bare_install, "-c", script)
    assert result.returncode == 0, result.stderr


def test_emulator_fixture_without_extra_names_the_install_command(
    bare_install: Path, tmp_path: Path
) -> None:
    project = tmp_path / "uses_fixture"
    project.mkdir()
    (project / "test_uses.py").write_text(
        "def test_needs_emulator(webpubsub_connection_string):\n    pass\n"
    )
    result = _run(bare_install, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "pip install 'webpubsub[emulator]'" in result.stdout
    assert "Traceback" not in result.stdout


def test_emulator_without_extra_is_a_one_line_error(bare_install: Path) -> None:
    for module in ("webpubsub_emulator", "webpubsub.cli"):
        args = ["--port", "0"] if module == "webpubsub_emulator" else ["emulator", "--port", "0"]
        result = _run(bare_install, "-m", module, *args)
        assert result.returncode == 1, result.stderr
        (line,) = result.stderr.splitlines()
        assert "pip install 'webpubsub[emulator]'" in line
