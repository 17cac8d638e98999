"""The api-version bump drill (CONTRIBUTING.md, "Bumping the api-version"), run for real.

In a scratch copy of the repository: append a made-up api-version (``BUMP``) to the spec's list
and make it the default, run scripts/regen.sh, and then, with no other edit,

* the clients send ``api-version=<BUMP>`` and the emulator accepts it;
* the whole test suite passes in the copy, skipping nothing.

It runs the suite once more, so it is not part of the suite itself (the ``bump_drill`` marker,
deselected by pyproject.toml's ``addopts``): ``python3 dev.py test`` runs it as its own stage
after the suite, on the default interpreter, and CI with it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUMP = "2099-01-01"  # not-an-api-version: the drill's made-up next version
TOOLCHAIN_UNAVAILABLE = 3  # scripts/regen.sh's exit status when the generator cannot install

PROBE = """
import httpx
from webpubsub import WebPubSubServiceClient
from webpubsub_emulator.server import EmulatorServer

sent = []
with EmulatorServer() as server:
    http = httpx.Client(event_hooks={"request": [lambda request: sent.append(request.url)]})
    client = WebPubSubServiceClient.from_connection_string(
        server.connection_string, "drill", http_client=http
    )
    client.send_to_all("after the bump")
    print(client.api_version, sent[0].params["api-version"])
"""


#: Skipped when copying a checkout that is not a git work tree.
UNTRACKED = shutil.ignore_patterns(".*", "__pycache__", "*.egg-info", "build", "dist")


def scratch_copy(target: Path) -> None:
    """The repository's tracked files as they are now (uncommitted edits included)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=False)
    if listed.returncode != 0:  # e.g. an unpacked source archive
        shutil.copytree(REPO, target, ignore=UNTRACKED)
        return
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def bump(spec_path: Path, version: str) -> None:
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    schema = spec["components"]["schemas"]["ApiVersion"]
    schema["enum"].append(version)
    schema["default"] = version
    spec_path.write_text(json.dumps(spec, indent=2) + "\n", encoding="utf-8")


def scratch_env(scratch: Path) -> dict[str, str]:
    """This interpreter, importing the scratch copy's packages instead of the installed ones."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        str(scratch / part) for part in ("generated", "convenience", "emulator")
    )
    env["WEBPUBSUB_REGEN_VENV"] = str(REPO / ".venv-regen")  # reuse the toolchain cache
    env.pop("PYTEST_ADDOPTS", None)
    return env


@pytest.mark.bump_drill
@pytest.mark.timeout(1200)
def test_bumping_the_api_version_needs_only_the_spec_and_regen(tmp_path: Path) -> None:
    scratch = tmp_path / "repo"
    scratch_copy(scratch)
    # The tests read the reference files from ../shared beside the repository.
    shared = REPO.parent / "shared"
    if shared.is_dir():
        (tmp_path / "shared").symlink_to(shared, target_is_directory=True)
    bump(scratch / "openapi" / "webpubsub.json", BUMP)
    env = scratch_env(scratch)

    regen = subprocess.run(
        ["bash", str(scratch / "scripts" / "regen.sh")],
        cwd=scratch,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if regen.returncode == TOOLCHAIN_UNAVAILABLE:
        pytest.skip(f"generator toolchain could not be installed: {regen.stderr.strip()}")
    assert regen.returncode == 0, regen.stderr

    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=scratch,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split() == [BUMP, BUMP]

    suite = subprocess.run(
        # The copy's own pyproject.toml deselects this drill, so the run does not recurse.
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=scratch,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert suite.returncode == 0, suite.stdout[-8000:] + suite.stderr[-2000:]
    summary = suite.stdout.splitlines()[-1]
    assert " passed" in summary and "skipped" not in summary, suite.stdout[-4000:]
