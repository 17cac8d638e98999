"""Child program: hold many WebSocket clients open and record what each one receives.

``python -m benchmarks.fanout_clients --url ws://... --clients N [--protocol mqtt]``

Clients are raw WebSocket clients, or with ``--protocol mqtt`` MQTT 5.0 clients (subprotocol
``mqtt``) that send CONNECT, wait for CONNACK, with ``--subscribe TOPIC`` subscribe to it at
QoS 0, and acknowledge each QoS 1 PUBLISH; the payload of a PUBLISH counts as the message.

Talks to its parent in JSON lines. On stdout: ``{"event": "connected", "clients": N}`` once
every handshake is done (or ``{"event": "error", ...}``). On stdin, commands:

* ``{"cmd": "expect", "first": A, "count": M}``: record messages whose text is an integer in
  ``A .. A+M-1``; answers ``{"event": "expecting"}``.
* ``{"cmd": "report", "send_times": [...], "timeout": S}``: wait until every client has every
  expected message (or S seconds), then answer with counts and a latency histogram, latency
  being receive time minus ``send_times[i - A]`` (wall clock, same machine).
* ``{"cmd": "quit"}`` or end of stdin: close every client and exit.

Everything is bounded by ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import threading
import time
from array import array
from typing import Any

from .file_limit import raise_open_file_limit
from .latency_histogram import histogram
from .mini_websocket import MessageHandler, MiniWebSocket, connect
from .mqtt_receiver import MqttReceiver


class Recorder:
    """Which client got which expected message, when; duplicates counted, not recorded."""

    def __init__(self, clients: int) -> None:
        self.clients = clients
        self.expect(0, 0)

    def expect(self, first: int, count: int) -> None:
        self.first = first
        self.count = count
        self.received = [bytearray(count) for _ in range(self.clients)]
        self.indexes = array("l")
        self.times = array("d")
        self.duplicates = 0
        self.complete = asyncio.Event()
        if count == 0:
            self.complete.set()

    def handler(self, client: int) -> MessageHandler:
        def on_message(opcode: int, payload: bytes) -> None:
            try:
                offset = int(payload) - self.first
            except ValueError:
                return  # not one of ours
            if not 0 <= offset < self.count:
                return
            seen = self.received[client]
            if seen[offset]:
                self.duplicates += 1
                return
            seen[offset] = 1
            self.indexes.append(offset)
            self.times.append(time.time())
            if len(self.times) == self.clients * self.count:
                self.complete.set()

        return on_message

    def report(self, send_times: list[float]) -> dict[str, Any]:
        latencies = (
            received - send_times[offset]
            for offset, received in zip(self.indexes, self.times, strict=True)
        )
        return {
            "event": "report",
            "delivered": len(self.times),
            "expected": self.clients * self.count,
            "duplicates": self.duplicates,
            "first_receive": min(self.times, default=0.0),
            "last_receive": max(self.times, default=0.0),
            "histogram": histogram(latencies),
        }


def _emit(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


async def _connect_all(
    url: str, recorder: Recorder, parallelism: int, protocol: str, topic: str | None
) -> list[MiniWebSocket]:
    gate = asyncio.Semaphore(parallelism)

    async def one(client: int) -> MiniWebSocket:
        async with gate:
            if protocol == "raw":
                return await connect(url, recorder.handler(client))
            receiver = MqttReceiver(f"bench{client}", recorder.handler(client))
            socket = await connect(url, receiver.on_frame, subprotocol="mqtt")
            await receiver.start(socket, topic)
            return socket

    return await asyncio.gather(*(one(client) for client in range(recorder.clients)))


def _stdin_lines() -> asyncio.Queue[str]:
    """Lines of stdin ("" at end of file), read by a daemon thread so exit never waits on it."""
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str] = asyncio.Queue()

    def pump() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(lines.put_nowait, line)
        loop.call_soon_threadsafe(lines.put_nowait, "")

    threading.Thread(target=pump, name="stdin", daemon=True).start()
    return lines


async def _serve_commands(recorder: Recorder) -> None:
    lines = _stdin_lines()
    while True:
        line = await lines.get()
        if not line:
            return
        command = json.loads(line)
        if command["cmd"] == "expect":
            recorder.expect(command["first"], command["count"])
            _emit({"event": "expecting"})
        elif command["cmd"] == "report":
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(recorder.complete.wait(), command["timeout"])
            _emit(recorder.report(command["send_times"]))
        elif command["cmd"] == "quit":
            return


async def _main(args: argparse.Namespace) -> int:
    recorder = Recorder(args.clients)
    try:
        sockets = await _connect_all(
            args.url, recorder, args.parallelism, args.protocol, args.subscribe
        )
    except Exception as error:  # any failure is reported, not raised
        _emit({"event": "error", "message": f"{type(error).__name__}: {error}"})
        return 1
    _emit({"event": "connected", "clients": len(sockets)})
    try:
        await _serve_commands(recorder)
    finally:
        for socket in sockets:
            socket.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(s.closed for s in sockets)), 5)
        for socket in sockets:
            socket.abort()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fanout_clients")
    parser.add_argument("--url", required=True, help="ws://127.0.0.1:PORT/client/hubs/HUB?...")
    parser.add_argument("--clients", type=int, required=True)
    parser.add_argument("--protocol", choices=["raw", "mqtt"], default="raw")
    parser.add_argument(
        "--subscribe", metavar="TOPIC", help="with --protocol mqtt: subscribe to TOPIC at QoS 0"
    )
    parser.add_argument("--parallelism", type=int, default=32, help="handshakes at a time")
    parser.add_argument("--max-seconds", type=float, default=600.0)
    args = parser.parse_args(argv)
    raise_open_file_limit(args.clients + 256)

    async def bounded() -> int:
        return await asyncio.wait_for(_main(args), args.max_seconds)

    try:
        return asyncio.run(bounded())
    except TimeoutError:
        _emit({"event": "error", "message": f"gave up after {args.max_seconds} s"})
        return 1


if __name__ == "__main__":
    sys.exit(main())
