"""Node.js and CLI subprocesses for the interop tests: npm packages installed once into a
gitignored cache, and a reader that waits for JSON lines on a process's stdout."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any

from tests._installs import npm_packages

REPO = Path(__file__).resolve().parents[2]
# Pinned so a new release cannot change what the tests prove.
NPM_PACKAGES = (
    "@azure/web-pubsub-client@1.0.4",
    "@azure/web-pubsub-express@1.0.6",
    "express@4.21.2",
)
JS_DIR = Path(__file__).parent / "js"


def node_modules() -> Path:
    """The pinned npm packages' node_modules (installed once, see tests/_installs.py)."""
    return npm_packages("events", NPM_PACKAGES) / "node_modules"


class LineProcess:
    """A subprocess whose stdout lines are collected by a thread, to be waited on."""

    def __init__(self, args: list[str], env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.strip())

    def next_line(self, timeout: float = 20.0) -> str:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            self.stop()
            stderr = self.process.stderr.read() if self.process.stderr else ""
            raise AssertionError(
                f"{self.process.args!r} printed nothing; stderr: {stderr[-2000:]}"
            ) from None

    def next_json(self, timeout: float = 20.0) -> dict[str, Any]:
        while True:
            line = self.next_line(timeout)
            if line.startswith("{"):
                value: dict[str, Any] = json.loads(line)
                return value

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
