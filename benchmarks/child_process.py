"""Start ``python -m benchmarks.<module>`` children and read their stdout lines with timeouts."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
_STOP_TIMEOUT_SECONDS = 20.0


def spawn(module: str, *args: str) -> subprocess.Popen[bytes]:
    """Start ``module`` (e.g. ``benchmarks.emulator_child``) in a new interpreter.

    stdin and stdout are pipes; stderr is inherited so a crashing child is visible. The
    repository root is put on ``PYTHONPATH`` so the ``benchmarks`` package imports from any
    working directory.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )


def finish(process: subprocess.Popen[bytes]) -> None:
    """Close the child's stdin (every child here exits on EOF), wait, kill if it hangs."""
    if process.stdin is not None:
        process.stdin.close()
    try:
        process.wait(_STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()


class Lines:
    """The child's stdout as lines, read by a daemon thread so waits can time out."""

    def __init__(self, process: subprocess.Popen[bytes], name: str) -> None:
        self._name = name
        self._lines: queue.Queue[str | None] = queue.Queue()
        stdout = process.stdout
        assert stdout is not None

        def pump() -> None:
            for raw in stdout:
                self._lines.put(raw.decode().rstrip("\n"))
            self._lines.put(None)

        threading.Thread(target=pump, name=f"{name}-stdout", daemon=True).start()

    def next(self, timeout: float) -> str:
        """The next line. Raises ``RuntimeError`` if the child exits or is silent too long."""
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError(f"{self._name} printed nothing for {timeout:.0f} s") from None
        if line is None:
            raise RuntimeError(f"{self._name} exited unexpectedly")
        return line
