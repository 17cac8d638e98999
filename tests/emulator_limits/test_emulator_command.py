"""``webpubsub emulator`` and ``python -m webpubsub_emulator`` as a user runs them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from webpubsub_emulator.faults import ADMIN_PATH

COMMANDS = {
    "webpubsub emulator": [sys.executable, "-m", "webpubsub.cli", "emulator"],
    "python -m webpubsub_emulator": [sys.executable, "-m", "webpubsub_emulator"],
}
SECRET_KEY = "a-key-that-must-not-show-in-ps-" + "x" * 16


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(params=sorted(COMMANDS))
def emulator_process(request: pytest.FixtureRequest) -> Iterator[subprocess.Popen[str]]:
    env = {**os.environ, "WEBPUBSUB_EMULATOR_ACCESS_KEY": SECRET_KEY}
    command = [*COMMANDS[request.param], "--port", str(free_port()), "--faults"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    yield process
    process.send_signal(signal.SIGINT)
    try:
        process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


def test_the_connection_string_is_printed_once_connections_are_accepted(
    emulator_process: subprocess.Popen[str],
) -> None:
    assert emulator_process.stdout is not None
    line = emulator_process.stdout.readline()
    fields = dict(part.split("=", 1) for part in line.strip().rstrip(";").split(";"))
    # Right away, with no retry: the socket must already accept.
    health = httpx.head(fields["Endpoint"] + "/api/health", timeout=10)  # HEAD, as the spec has it
    assert health.status_code == 200
    # The key came from the environment, so it is not in the command line.
    assert fields["AccessKey"] == SECRET_KEY
    assert SECRET_KEY not in " ".join(emulator_process.args)  # type: ignore[arg-type]
    # --faults: the admin endpoint exists.
    admin = httpx.get(fields["Endpoint"] + ADMIN_PATH, headers={"X-Emulator-Admin": "1"})
    assert admin.status_code == 200


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_binding_beyond_loopback_with_the_default_key_warns(command: str) -> None:
    # 192.0.2.1 (TEST-NET-1) is not an address of this machine: the bind fails after the
    # warning, so nothing ever listens beyond loopback.
    env = {k: v for k, v in os.environ.items() if k != "WEBPUBSUB_EMULATOR_ACCESS_KEY"}
    completed = subprocess.run(
        [*COMMANDS[command], "--host", "192.0.2.1", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert "default access key" in completed.stderr
    assert "--access-key" in completed.stderr
    assert "Endpoint=" not in completed.stdout
