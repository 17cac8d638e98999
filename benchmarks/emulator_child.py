"""Child program: run the emulator in the foreground of its own process.

``python -m benchmarks.emulator_child [--profile FILE] [--max-seconds S] [--ack-delay S]``

Prints the connection string as its first stdout line (``webpubsub_emulator.serve`` does
that), then serves on an ephemeral loopback port. It stops by itself when its stdin reaches
end-of-file (the parent closed it or died) or after ``--max-seconds``, whichever comes first,
so a crashed benchmark never leaves an emulator behind. With ``--profile`` the emulator runs
under pyinstrument and a text profile is written to FILE on exit. ``--ack-delay`` replaces
the emulator's delay before each client ack (``client_ws.ACK_DELAY_SECONDS``), to measure a
client without it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from pathlib import Path

from webpubsub_emulator import DEFAULT_ACCESS_KEY, serve

from .file_limit import raise_open_file_limit


def _stop_when_orphaned(max_seconds: float) -> None:
    """Interrupt the main thread (uvicorn shuts down on SIGINT) on stdin EOF or timeout."""

    def watch() -> None:
        with contextlib.suppress(OSError, ValueError):
            sys.stdin.buffer.read()

    reader = threading.Thread(target=watch, name="stdin-watch", daemon=True)
    reader.start()
    reader.join(max_seconds)
    os.kill(os.getpid(), signal.SIGINT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.emulator_child")
    parser.add_argument("--profile", type=Path, help="write a pyinstrument text profile here")
    parser.add_argument("--max-seconds", type=float, default=1800.0)
    parser.add_argument("--ack-delay", type=float, help="seconds before each client ack")
    args = parser.parse_args(argv)
    if args.ack_delay is not None:
        from webpubsub_emulator import client_ws

        client_ws.ACK_DELAY_SECONDS = args.ack_delay
    raise_open_file_limit()
    threading.Thread(
        target=_stop_when_orphaned, args=(args.max_seconds,), name="watchdog", daemon=True
    ).start()
    profiler = None
    if args.profile is not None:
        from pyinstrument import Profiler

        profiler = Profiler(async_mode="disabled")
        profiler.start()
    with contextlib.suppress(KeyboardInterrupt):
        serve("127.0.0.1", 0, DEFAULT_ACCESS_KEY)
    if profiler is not None:
        profiler.stop()
        args.profile.write_text(profiler.output_text(unicode=True, show_all=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
