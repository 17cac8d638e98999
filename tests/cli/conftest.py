"""Run the real ``webpubsub`` CLI as a subprocess, as a user would from a shell."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from typing import IO

import pytest

# The CLI reads these; tests pass everything explicitly so the developer's shell cannot leak in.
_CLI_ENV_VARS = (
    "WEBPUBSUB_CONNECTION_STRING",
    "WEBPUBSUB_HUB",
    "WEBPUBSUB_LOG",
    "NO_COLOR",
    "FORCE_COLOR",
)
_COMMAND = [sys.executable, "-m", "webpubsub.cli"]


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _CLI_ENV_VARS}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def run_cli(
    *args: str, env: dict[str, str] | None = None, stdin: bytes | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``webpubsub ARGS...`` to completion; text stdout/stderr."""
    completed = subprocess.run(
        [*_COMMAND, *args],
        input=stdin,
        capture_output=True,
        env=env or cli_env(),
        timeout=timeout,
    )
    return subprocess.CompletedProcess(
        completed.args,
        completed.returncode,
        completed.stdout.decode("utf-8", "replace"),
        completed.stderr.decode("utf-8", "replace"),
    )


class Listener:
    """``webpubsub listen ...`` running in the background, ready once it says it is connected."""

    def __init__(self, *args: str, sigint_ignored: bool = False) -> None:
        # A shell's background job (``cmd &``) starts with SIGINT ignored; mimic that on demand.
        ignore = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if sigint_ignored else None
        self.process = subprocess.Popen(
            [*_COMMAND, "listen", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=cli_env(),
            text=True,
            preexec_fn=ignore,
        )
        self._stderr_lines: queue.Queue[str] = queue.Queue()
        self._stderr_seen: list[str] = []
        self.ready_line = ""
        assert self.process.stderr is not None
        self._pump_thread = threading.Thread(
            target=self._pump, args=(self.process.stderr,), daemon=True
        )
        self._pump_thread.start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self._stderr_lines.put(line)
        self._stderr_lines.put("")  # end of stream

    def wait_ready(self, timeout: float = 20) -> str:
        """Block until the "listening on ..." line; return it. Fails the test otherwise."""
        while True:
            try:
                line = self._stderr_lines.get(timeout=timeout)
            except queue.Empty:
                pytest.fail(f"listen did not report ready in {timeout} s: {self._stderr_seen}")
            self._stderr_seen.append(line)
            if line.startswith("listening on"):
                self.ready_line = line.strip()
                return self.ready_line
            if line == "":
                pytest.fail(f"listen exited before it was ready: {self._stderr_seen}")

    def finish(self, timeout: float = 30) -> tuple[int, list[str], str]:
        """Wait for exit; return (exit code, stdout lines, the rest of stderr)."""
        self.process.wait(timeout=timeout)
        assert self.process.stdout is not None
        stdout = self.process.stdout.read()
        self._pump_thread.join(timeout)
        rest: list[str] = []
        while not self._stderr_lines.empty():
            rest.append(self._stderr_lines.get())
        return self.process.returncode, stdout.splitlines(), "".join(rest)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``cli("send", "hi", ...)`` runs the CLI to completion (see :func:`run_cli`)."""
    return run_cli


@pytest.fixture
def listeners() -> Iterator[list[Listener]]:
    """Every Listener appended here is killed at teardown if the test left it running."""
    started: list[Listener] = []
    yield started
    for listener in started:
        listener.kill()


@pytest.fixture
def start_listener(listeners: list[Listener]) -> Callable[..., Listener]:
    def start(*args: str, sigint_ignored: bool = False) -> Listener:
        listener = Listener(*args, sigint_ignored=sigint_ignored)
        listeners.append(listener)
        listener.wait_ready()
        return listener

    return start


@pytest.fixture
def make_cli_env() -> Callable[..., dict[str, str]]:
    """``make_cli_env(NO_COLOR="1")``: the clean CLI environment plus the given variables."""
    return cli_env
