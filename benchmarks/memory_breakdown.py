"""Where an idle client connection's memory goes: tracemalloc per allocation site.

``python -m benchmarks.memory_breakdown [--connections N] [--frames F] [--top K]``

Runs the emulator in this process (uvicorn in a background thread) under tracemalloc, connects
a warm-up batch of raw clients (load generators in child processes, as in ``emulator_memory``),
takes a snapshot, connects ``N`` more idle clients, takes another, and prints the growth per
connection in bytes: first by package (the first frame's file), then the ``K`` largest
allocation sites (``F`` frames of traceback each, innermost first). A suspended coroutine's
frame shows up at the line that created the coroutine (its caller's ``await`` line).

The numbers are Python allocations only; the ``memory`` benchmark measures RSS, which adds the
allocator's overhead. tracemalloc slows the emulator and its own bookkeeping inflates RSS,
so this is for reading, not for the results.
"""

from __future__ import annotations

import argparse
import gc
import linecache
import sys
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Sequence

from webpubsub_emulator import EmulatorServer

from .fanout import client_url, load_generators
from .file_limit import raise_open_file_limit

_WARMUP_CLIENTS = 200
# Handshakes settle (registration, buffers) shortly after the last one; snapshots wait this.
_SETTLE_SECONDS = 1.0
_PACKAGES = ("uvicorn", "starlette", "websockets", "asyncio", "webpubsub_emulator")
_IGNORED = (tracemalloc.__file__, "<frozen importlib._bootstrap>", linecache.__file__)


def snapshots(connections: int, frames: int) -> tuple[tracemalloc.Snapshot, tracemalloc.Snapshot]:
    """Snapshots before and after ``connections`` idle raw clients connected."""
    raise_open_file_limit()
    tracemalloc.start(frames)
    try:
        with EmulatorServer() as server:
            url = client_url(server.endpoint, server.access_key)
            with load_generators(url, _WARMUP_CLIENTS):
                before = _settled_snapshot()
                with load_generators(url, connections):
                    after = _settled_snapshot()
    finally:
        tracemalloc.stop()
    return before, after


def _settled_snapshot() -> tracemalloc.Snapshot:
    time.sleep(_SETTLE_SECONDS)
    gc.collect()
    ignored = [tracemalloc.Filter(False, name) for name in _IGNORED]
    return tracemalloc.take_snapshot().filter_traces(ignored)


def report(
    before: tracemalloc.Snapshot, after: tracemalloc.Snapshot, connections: int, top: int
) -> str:
    """The growth per connection as text: total, by package, then the largest sites."""
    growth = after.compare_to(before, "traceback")
    total = sum(stat.size_diff for stat in growth)
    by_package: defaultdict[str, int] = defaultdict(int)
    for stat in growth:
        by_package[_package(stat.traceback[0].filename)] += stat.size_diff
    lines = [f"traced growth per connection: {total / connections:,.0f} bytes", "", "by package:"]
    for package, size in sorted(by_package.items(), key=lambda item: -item[1]):
        if abs(size) >= connections:  # at least a byte per connection
            lines.append(f"  {size / connections:8,.0f}  {package}")
    lines += ["", f"largest {top} allocation sites (bytes, blocks per connection):"]
    for stat in growth[:top]:
        per_size, per_blocks = stat.size_diff / connections, stat.count_diff / connections
        lines.append(f"  {per_size:8,.0f}  {per_blocks:5.2f}")
        for frame in stat.traceback:
            source = linecache.getline(frame.filename, frame.lineno).strip()
            lines.append(f"      {_short(frame.filename)}:{frame.lineno}  {source[:80]}")
    return "\n".join(lines)


def _package(filename: str) -> str:
    for package in _PACKAGES:
        if f"/{package}/" in filename:
            return package
    return _short(filename)


def _short(filename: str) -> str:
    """``filename`` from its package on (site-packages or the standard library)."""
    for marker in ("site-packages/", f"/lib/python{sys.version_info[0]}.{sys.version_info[1]}/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory_breakdown")
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--frames", type=int, default=1, help="traceback depth per site")
    parser.add_argument("--top", type=int, default=40, help="allocation sites to list")
    args = parser.parse_args(argv)
    if args.connections < 1 or args.frames < 1 or args.top < 0:
        parser.error("--connections and --frames must be at least 1, --top at least 0")
    before, after = snapshots(args.connections, args.frames)
    print(report(before, after, args.connections, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
