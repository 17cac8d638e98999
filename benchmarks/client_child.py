"""Child program: one Web PubSub client library (ours or the official 1.1.0) under load.

``python -m benchmarks.client_child --package ours|official --face sync|aio --connection-string
CS --hub H --mode work|idle ...``

Both libraries are driven through the same public names (``WebPubSubClient``,
``WebPubSubClientCredential``, ``models.CallbackType`` ...), so the code measured differs only
in the import. Each measurement is printed as one JSON line on stdout:

* ``--mode work``: ``{"event": "send", "in_flight": K, "sends": N, "seconds": s, "cpu": s}``
  for each width in ``--in-flight`` (N = ``--serial-sends`` at 1 in flight, else ``--sends``
  acked ``send_to_group`` calls; the sync face keeps K
  calls in flight with K threads, as the official sync client sends one at a time per
  thread), then ``--receive-rounds`` times:
  ``{"event": "receiving"}``, the parent stops this process (SIGSTOP), queues ``--backlog``
  server messages through REST, resumes it and writes its ``time.monotonic()`` at resuming
  on stdin; the child answers ``{"event": "received", "seconds": s, "cpu": s}`` once all
  arrived. So the client drains a backlog at its own pace, not at the REST sender's.
* ``--mode idle``: ``{"event": "idle", "clients": N, "rss_bytes": delta}`` after opening
  ``--clients`` connected clients (resident memory growth, from ``/proc/self/status``).

CPU is process CPU time (every thread). Everything is bounded by ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import webpubsub

PACKAGES = {"ours": "webpubsub.client", "official": "azure.messaging.webpubsubclient"}
ROLES = ["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"]
GROUP = "bench"
WARMUP_SENDS = 20
# Seconds the official sync client may wait for its own "opened" notification when the
# handshake beats it (see tests/webclient_parity/conftest.py); bounds start-up only.
START_TIMEOUT = 5.0


def main() -> None:
    args = _parser().parse_args()
    timer = threading.Timer(args.max_seconds, _give_up, args=(args.max_seconds,))
    timer.daemon = True
    timer.start()
    name = PACKAGES[args.package]
    library = importlib.import_module(name if args.face == "sync" else f"{name}.aio")
    models = importlib.import_module(f"{name}.models")
    service = webpubsub.WebPubSubServiceClient.from_connection_string(
        args.connection_string, args.hub
    )

    def url() -> str:
        return str(service.get_client_access_token(roles=ROLES, minutes_to_expire=60)["url"])

    try:
        if args.face == "sync":
            _SyncRun(library, models, url, args).run()
        else:
            asyncio.run(_AioRun(library, models, url, args).run())
    except Exception as error:
        _emit({"event": "error", "message": f"{type(error).__name__}: {error}"})
        os._exit(1)
    _emit({"event": "done"})
    # Exit without waiting for the threads official sync clients leave behind.
    os._exit(0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.client_child")
    parser.add_argument("--package", choices=sorted(PACKAGES), required=True)
    parser.add_argument("--face", choices=["sync", "aio"], required=True)
    parser.add_argument("--connection-string", required=True)
    parser.add_argument("--hub", required=True)
    parser.add_argument("--mode", choices=["work", "idle"], default="work")
    parser.add_argument("--sends", type=int, default=500)
    parser.add_argument("--serial-sends", type=int, default=100, help="sends at 1 in flight")
    parser.add_argument("--in-flight", type=int, nargs="+", default=[1, 64])
    parser.add_argument("--backlog", type=int, default=800)
    parser.add_argument("--receive-rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--max-seconds", type=float, default=300.0)
    return parser


def _emit(event: dict[str, Any]) -> None:
    print(json.dumps(event), flush=True)


def _give_up(seconds: float) -> None:
    _emit({"event": "error", "message": f"gave up after {seconds:.0f} s"})
    os._exit(3)


def rss_bytes() -> int:
    """Resident set size of this process (Linux ``/proc``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


class _Backlog:
    """Counts server messages and times the drain of one backlog: wall time from the moment
    the parent resumed this process (``time.monotonic`` is system-wide on Linux, so the
    parent's reading is comparable) to the ``expected``-th message, CPU time from just before
    the parent stopped it. Thread-safe: the official sync client calls back on a new thread
    per message."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.lock = threading.Lock()
        self.arm()

    def arm(self) -> None:
        """Start a round; call before telling the parent to stop and fill this process."""
        with self.lock:
            self.count = 0
            self.cpu = time.process_time()
            self.finished = (0.0, 0.0)
            self.done = threading.Event()

    def result(self, resumed_at: float, timeout: float) -> dict[str, Any]:
        """Raises RuntimeError if the backlog is not in after ``timeout`` seconds."""
        if not self.done.wait(timeout):
            raise RuntimeError(f"{self.count} of {self.expected} messages in {timeout:.0f} s")
        wall, cpu = self.finished
        return {"event": "received", "seconds": wall - resumed_at, "cpu": cpu - self.cpu}

    def on_message(self, _args: object) -> None:
        with self.lock:
            self.count += 1
            if self.count == self.expected:
                self.finished = (time.monotonic(), time.process_time())
                self.done.set()


def _count(args: Any, width: int) -> int:
    """Sends to time at ``width`` in flight: fewer one at a time, where each waits its ack."""
    return int(args.serial_sends if width == 1 else args.sends)


def _sent(width: int, count: int, seconds: float, cpu: float) -> dict[str, Any]:
    return {"event": "send", "in_flight": width, "sends": count, "seconds": seconds, "cpu": cpu}


def _timed(run: Any) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


class _SyncRun:
    def __init__(self, library: ModuleType, models: ModuleType, url: Any, args: Any) -> None:
        self.library, self.models, self.url, self.args = library, models, url, args

    def client(self, **kwargs: Any) -> Any:
        credential = self.library.WebPubSubClientCredential(client_access_url_provider=self.url)
        return self.library.WebPubSubClient(credential, start_timeout=START_TIMEOUT, **kwargs)

    def run(self) -> None:
        if self.args.mode == "idle":
            self.idle()
            return
        text = self.models.WebPubSubDataType.TEXT
        sender = self.client()
        # The official sync client's __enter__ returns None, so no "as" here.
        with sender:

            def send(_: int = 0) -> None:
                sender.send_to_group(GROUP, "m", text)

            for _ in range(WARMUP_SENDS):
                send()
            for width in self.args.in_flight:
                count = _count(self.args, width)
                seconds, cpu = self.send_many(send, width, count)
                _emit(_sent(width, count, seconds, cpu))
        self.receive()

    @staticmethod
    def send_many(send: Callable[[int], None], width: int, count: int) -> tuple[float, float]:
        """(seconds, CPU seconds) for ``count`` sends by ``width`` threads (this one if 1)."""
        if width == 1:
            return _timed(lambda: list(map(send, range(count))))
        with ThreadPoolExecutor(width) as pool:
            list(pool.map(send, range(width)))  # start the threads untimed
            return _timed(lambda: list(pool.map(send, range(count))))

    def receive(self) -> None:
        backlog = _Backlog(self.args.backlog)
        receiver = self.client(protocol_type=self.models.WebPubSubProtocolType.JSON)
        receiver.subscribe(self.models.CallbackType.SERVER_MESSAGE, backlog.on_message)
        with receiver:
            for _ in range(self.args.receive_rounds):
                backlog.arm()
                _emit({"event": "receiving"})
                resumed_at = float(sys.stdin.readline())
                _emit(backlog.result(resumed_at, self.args.max_seconds / 2))

    def idle(self) -> None:
        self.client().open()  # the first client pays for lazy imports, untimed
        before = rss_bytes()
        clients = [self.client() for _ in range(self.args.clients)]
        for client in clients:
            client.open()
        _emit({"event": "idle", "clients": len(clients), "rss_bytes": rss_bytes() - before})


class _AioRun:
    def __init__(self, library: ModuleType, models: ModuleType, url: Any, args: Any) -> None:
        self.library, self.models, self.args = library, models, args

        async def provider() -> str:
            return await asyncio.to_thread(url)

        self.provider = provider

    def client(self, **kwargs: Any) -> Any:
        credential = self.library.WebPubSubClientCredential(
            client_access_url_provider=self.provider
        )
        return self.library.WebPubSubClient(credential, start_timeout=START_TIMEOUT, **kwargs)

    async def run(self) -> None:
        if self.args.mode == "idle":
            await self.idle()
            return
        text = self.models.WebPubSubDataType.TEXT
        sender = self.client()
        async with sender:
            for _ in range(WARMUP_SENDS):
                await sender.send_to_group(GROUP, "m", text)
            for width in self.args.in_flight:
                count = _count(self.args, width)
                seconds, cpu = await self.send_many(sender, width, count)
                _emit(_sent(width, count, seconds, cpu))
        await self.receive()

    async def send_many(self, sender: Any, width: int, count: int) -> tuple[float, float]:
        """(seconds, CPU seconds) for ``count`` acked sends by ``width`` tasks."""
        text = self.models.WebPubSubDataType.TEXT
        remaining = count

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                await sender.send_to_group(GROUP, "m", text)

        wall, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker() for _ in range(width)))
        return time.perf_counter() - wall, time.process_time() - cpu

    async def receive(self) -> None:
        backlog = _Backlog(self.args.backlog)

        async def on_message(args: object) -> None:
            backlog.on_message(args)

        receiver = self.client(protocol_type=self.models.WebPubSubProtocolType.JSON)
        await receiver.subscribe(self.models.CallbackType.SERVER_MESSAGE, on_message)
        async with receiver:
            for _ in range(self.args.receive_rounds):
                backlog.arm()
                _emit({"event": "receiving"})
                resumed_at = float(await asyncio.to_thread(sys.stdin.readline))
                timeout = self.args.max_seconds / 2
                _emit(await asyncio.to_thread(backlog.result, resumed_at, timeout))

    async def idle(self) -> None:
        await self.client().open()
        before = rss_bytes()
        clients = [self.client() for _ in range(self.args.clients)]
        for client in clients:
            await client.open()
        _emit({"event": "idle", "clients": len(clients), "rss_bytes": rss_bytes() - before})


if __name__ == "__main__":
    main()
