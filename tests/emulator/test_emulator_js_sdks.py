"""Microsoft's JS SDKs (``@azure/web-pubsub``, ``@azure/web-pubsub-client``) against the
emulator: the README filter, ``stop()`` ending a reliable session at once, and a resume of a
removed session closing with 1008 (the client then stops instead of retrying for 30 s).

The packages are installed by this test with npm into ``.cache/npm-tests/`` (gitignored).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from webpubsub_emulator import EmulatorServer

from tests._installs import NPM_CACHE, npm_packages

CACHE = NPM_CACHE / "emulator-fidelity"
SCRIPT = Path(__file__).parent / "js" / "fidelity.mjs"
PACKAGES = ("@azure/web-pubsub@1.2.0", "@azure/web-pubsub-client@1.0.4")

pytestmark = pytest.mark.skipif(shutil.which("npm") is None, reason="needs node and npm")


@pytest.fixture(scope="module")
def node_modules() -> Path:
    folder = npm_packages("emulator-fidelity", PACKAGES)
    shutil.copy(SCRIPT, folder / SCRIPT.name)
    return folder / "node_modules"


def run(scenario: str, server: EmulatorServer, hub: str) -> list[dict[str, Any]]:
    done = subprocess.run(
        ["node", str(CACHE / SCRIPT.name), scenario, server.connection_string, hub],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def test_readme_filter_length_of_user_id(
    node_modules: Path, webpubsub_emulator: EmulatorServer, webpubsub_hub: str
) -> None:
    (result,) = run("filter", webpubsub_emulator, webpubsub_hub)  # the README's example
    assert sorted(result["got"]) == ["Bob", "alice"]


def test_stop_ends_a_reliable_session_at_once(
    node_modules: Path, webpubsub_emulator: EmulatorServer, webpubsub_hub: str
) -> None:
    results = run("stop", webpubsub_emulator, webpubsub_hub)
    connection_id = results[0]["connectionId"]
    deadline = time.monotonic() + 3
    while connection_id in webpubsub_emulator.service.connection_ids(webpubsub_hub):
        assert time.monotonic() < deadline, "the stopped client's session is still kept"
        time.sleep(0.02)


def test_resume_of_a_removed_session_is_closed_with_1008(
    node_modules: Path, webpubsub_hub: str
) -> None:
    # A grace period this short removes the session before the client's resume arrives.
    with EmulatorServer(reconnect_grace_seconds=0.0) as server:
        results = run("resume-removed", server, webpubsub_hub)
    last = results[-1]
    # Refused with 1008, the client gives up the old session at once and starts a new one
    # (an HTTP error before the upgrade made it retry the resume for 30 s).
    assert last["newConnectionAfterMs"] is not None and last["newConnectionAfterMs"] < 5000
    assert last["newConnectionId"] != last["connectionId"]
