"""Parent side of ``emulator_child``: the emulator in another process, as a context manager.

The emulator gets its own interpreter (its own GIL), so the client being measured and the
server answering it never compete for one lock; on a 2-core machine each gets a core.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from types import TracebackType

import httpx
from webpubsub_emulator import DEFAULT_ACCESS_KEY

from .child_process import Lines, finish, spawn

_START_TIMEOUT_SECONDS = 30.0
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class EmulatorProcess:
    """A running ``python -m benchmarks.emulator_child``.

    Attributes (set on ``__enter__``): ``connection_string``, ``endpoint``
    (``http://127.0.0.1:PORT``) and ``access_key``. With ``profile_path`` the emulator runs
    under pyinstrument and writes a text profile there when it stops; ``ack_delay`` replaces
    its delay before each client ack (seconds).

    Raises:
        RuntimeError: the child exits or prints no connection string within 30 s.
    """

    def __init__(self, profile_path: Path | None = None, *, ack_delay: float | None = None) -> None:
        self._profile_path = profile_path
        self._ack_delay = ack_delay
        self._process: subprocess.Popen[bytes] | None = None
        self.connection_string = ""
        self.endpoint = ""
        self.access_key = DEFAULT_ACCESS_KEY

    def __enter__(self) -> EmulatorProcess:
        extra = [] if self._profile_path is None else ["--profile", str(self._profile_path)]
        if self._ack_delay is not None:
            extra += ["--ack-delay", repr(self._ack_delay)]
        self._process = spawn("benchmarks.emulator_child", *extra)
        try:
            line = Lines(self._process, "emulator").next(_START_TIMEOUT_SECONDS)
            if not line.startswith("Endpoint="):
                raise RuntimeError(f"emulator printed {line!r} instead of its connection string")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self.connection_string = line
        fields = dict(part.split("=", 1) for part in line.split(";") if "=" in part)
        self.endpoint = fields["Endpoint"]
        try:
            _wait_until_healthy(self.endpoint, _START_TIMEOUT_SECONDS)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def cpu_seconds(self) -> float | None:
        """CPU seconds (user + system) the emulator process has used, or None if unknown.

        Read from ``/proc/<pid>/stat``, so only on Linux; elsewhere always None.
        """
        return None if self._process is None else process_cpu_seconds(self._process.pid)

    def rss_bytes(self) -> int | None:
        """Resident memory of the emulator process in bytes, or None if unknown.

        Read from ``/proc/<pid>/status`` (``VmRSS``), so only on Linux.
        """
        if self._process is None:
            return None
        try:
            status = Path(f"/proc/{self._process.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        process, self._process = self._process, None
        if process is not None:
            finish(process)


def process_cpu_seconds(pid: int) -> float | None:
    """CPU seconds (user + system) process ``pid`` has used, or None where ``/proc`` is not."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def _wait_until_healthy(endpoint: str, timeout: float) -> None:
    """Poll ``HEAD /api/health``: the connection string is printed before the port listens."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.head(f"{endpoint}/api/health", timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"emulator at {endpoint} not healthy after {timeout:.0f} s")
        time.sleep(0.05)
