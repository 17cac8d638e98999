"""The built wheel, installed without extras, must never break a user's project.

The ``pytest11`` entry point makes pytest load our plugin in every project that has
``webpubsub`` installed, so a plugin that needs the ``emulator`` extra would break their
whole test run. This builds the wheel, installs it (no extras) into a fresh virtual
environment and runs pytest in an unrelated project there.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.timeout(300)


def _run(*command: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout."""
    dist = tmp_path_factory.mktemp("dist")
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", dist, ROOT)
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("webpubsub-*.whl")
    return wheel


@pytest.fixture(scope="module")
def bare_install(built_wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv holding the built wheel without extras, plus pytest: its python executable."""
    work = tmp_path_factory.mktemp("bare")
    wheel = built_wheel
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


def test_client_library_without_extra_names_the_install_command(bare_install: Path) -> None:
    result = _run(bare_install, "-c", "import webpubsub.client")
    assert result.returncode == 1
    assert "pip install 'webpubsub[client]'" in result.stderr.splitlines()[-1]


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


def test_listen_without_the_client_extra_is_a_one_line_error(bare_install: Path) -> None:
    connection_string = "Endpoint=http://127.0.0.1:9;AccessKey=unused-key;Version=1.0;"
    result = _run(
        bare_install, "-m", "webpubsub.cli", "listen", "--connection-string", connection_string
    )
    assert result.returncode == 1, result.stderr
    (line,) = result.stderr.splitlines()
    assert "pip install 'webpubsub[client]'" in line
    assert "unused-key" not in line


def test_wheel_holds_the_three_typed_packages_and_nothing_else(built_wheel: Path) -> None:
    with zipfile.ZipFile(built_wheel) as wheel:
        names = wheel.namelist()
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = wheel.read(metadata).decode()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"webpubsub", "webpubsub_rest", "webpubsub_emulator"}
    for package in tops:
        assert f"{package}/py.typed" in names
    assert not any("/tests/" in name or name.startswith("tests/") for name in names)
    # Published metadata: the extras users install, never the pinned official SDKs we test with.
    assert "Provides-Extra: emulator" in meta
    assert "Provides-Extra: client" in meta
    requirements = [line for line in meta.splitlines() if line.startswith("Requires-Dist:")]
    assert requirements and not any("azure-messaging" in line for line in requirements)
    assert "License-Expression: MIT" in meta
    assert "Programming Language :: Python :: 3.13" in meta


def test_sdist_carries_what_a_downstream_packager_needs(tmp_path: Path) -> None:
    built = _run(sys.executable, "-m", "build", "--sdist", "-o", tmp_path, ROOT)
    assert built.returncode == 0, built.stderr
    (sdist,) = tmp_path.glob("webpubsub-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for needed in (
        "LICENSE",
        "README.md",
        "CHANGELOG.md",
        "pyproject.toml",
        "tests/conftest.py",
        "convenience/webpubsub/py.typed",
        "openapi/webpubsub.json",
    ):
        assert needed in names, needed
