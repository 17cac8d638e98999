"""One client connection: identity, groups, permissions, and its ordered outgoing queue.

Each attached WebSocket has a writer that sends at once when it can and queues behind a
task when the socket is slow, so a slow client only delays itself and a REST send never
awaits a socket. Reliable connections also keep every
data message until the client acknowledges its sequence id, so a reconnect can replay them.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable, Coroutine, Generator, Iterable
from typing import Any

from .direct_send import direct_frame_writer
from .frames import DataMessage, Protocol, SendEvent, control_event, expired
from .outbound import MAX_QUEUED_BYTES, MAX_QUEUED_MESSAGES, OutboundQueue
from .roles import Permissions

AsgiSend = Callable[[dict[str, Any]], Coroutine[Any, Any, None]]

# WebSocket close code the service uses when it ends a connection itself; the official
# clients take it as "do not try to recover".
SERVICE_CLOSE_CODE = 1008
# Close reasons travel in a control frame limited to 123 bytes of UTF-8.
_MAX_REASON_BYTES = 123


class SocketWriter:
    """Sends events to one WebSocket in order, without making a fan-out wait for a socket.

    Fast path: when nothing is queued, the ASGI send runs right away and usually finishes
    without suspending (the socket buffer has room), so a delivery costs no task switch.
    If it does have to wait (a slow reader), a task finishes that send and drains whatever
    queued up meanwhile; only that connection is delayed.
    """

    def __init__(self, send: AsgiSend, abort: Callable[[], None] | None = None) -> None:
        self._send = send
        self._abort = abort
        self._queue = OutboundQueue()
        # The queue passed its bounds: the socket was dropped and nothing more is sent.
        self.overflowed = False
        self._busy: asyncio.Task[None] | None = None
        self._closing = False  # a close event has been handed over or queued
        self._gone = False  # the close went out or the peer disappeared
        # Fan-out fast path (direct_send): None where only the ASGI path applies.
        self._direct = direct_frame_writer(send)

    def push(self, event: SendEvent) -> None:
        if self._gone:
            return
        if event["type"] == "websocket.close":
            self._closing = True
        if self._busy is not None:
            if not self._queue.append(event):
                self._overflow()
            return
        direct = self._direct
        if direct is not None:
            if event["type"] == "websocket.send" and direct.write(event):
                return
            direct.flush()  # frames it still holds go out before this event
        coroutine = self._send(event)
        try:
            waiting = coroutine.send(None)
        except StopIteration:
            self._sent(event)
            return
        except Exception:
            self._gone = True  # the peer is gone; the reader side cleans up
            return
        self._busy = asyncio.get_running_loop().create_task(
            self._drain(_Resumed(coroutine, waiting), event)
        )

    def push_close(self, code: int, reason: str) -> None:
        reason_bytes = reason.encode("utf-8")[:_MAX_REASON_BYTES]
        self.push(
            {
                "type": "websocket.close",
                "code": code,
                "reason": reason_bytes.decode("utf-8", errors="ignore"),
            }
        )

    async def flushed(self) -> None:
        """Return once everything pushed so far has been handed to the socket."""
        if self._direct is not None:
            self._direct.flush()
        if self._busy is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.shield(self._busy)

    async def stop(self) -> None:
        """The socket is finished: let a pending close go out, drop anything else."""
        if self._busy is not None and not self._closing:
            self._busy.cancel()
        await self.flushed()
        self._gone = True

    def _overflow(self) -> None:
        # A close frame would wait behind everything queued: drop the connection instead.
        self.overflowed = self._gone = True
        self._queue.clear()
        if self._abort is not None:
            self._abort()
        if self._busy is not None:
            self._busy.cancel()

    def _sent(self, event: SendEvent) -> None:
        if event["type"] == "websocket.close":
            self._gone = True
            self._queue.clear()

    async def _drain(self, first: _Resumed, event: SendEvent) -> None:
        try:
            await first
            self._sent(event)
            while self._queue and not self._gone:
                event = self._queue.popleft()
                if expired(event):
                    continue
                await self._send(event)
                self._sent(event)
        except Exception:
            self._gone = True
        finally:
            self._busy = None


class _Resumed:
    """Lets a task finish an ASGI send coroutine that was started outside any task.

    The coroutine stopped at ``waiting`` (what it yielded to the event loop); yielding that
    same object from inside a task makes the task wait for it and resume the coroutine,
    exactly as if the task had started the coroutine itself.
    """

    def __init__(self, coroutine: Coroutine[Any, Any, None], waiting: Any) -> None:
        self._coroutine = coroutine
        self._waiting = waiting

    def __await__(self) -> Generator[Any, None, None]:
        waiting = self._waiting
        while True:
            try:
                yield waiting
            except BaseException as exc:  # cancellation or an error from the awaited future
                try:
                    waiting = self._coroutine.throw(exc)
                except StopIteration:
                    return
                continue
            try:
                waiting = self._coroutine.send(None)
            except StopIteration:
                return


class Connection:
    """A client connection as the service tracks it (also a ``odata.Subject``)."""

    def __init__(
        self,
        connection_id: str,
        user_id: str | None,
        protocol: Protocol,
        permissions: Iterable[str],
        reconnection_token: str | None,
    ) -> None:
        self.connection_id = connection_id
        self.user_id = user_id
        self.protocol = protocol
        self.groups: set[str] = set()
        self.permissions = Permissions(permissions)
        self.reconnection_token = reconnection_token
        self.ack_ids = RecentAckIds()
        self.closed = False
        self.close_reason: str | None = None  # why the service closed it (for `disconnected`)
        self.writer: SocketWriter | None = None
        # Set by the hub: closes the connection and removes it (and its session).
        self.evict: Callable[[str], None] | None = None
        self.expiry: asyncio.TimerHandle | None = None
        self._next_sequence_id = 1
        # Unacknowledged (sequence id, message): the message object is shared by every
        # recipient, so a broadcast is stored once, not once per reliable client. Only
        # reliable connections keep any, so the deque is made on the first one.
        self._unacked: deque[tuple[int, DataMessage]] | None = None
        self._unacked_bytes = 0

    def deliver(self, message: DataMessage) -> None:
        """Queue a data message in this connection's protocol."""
        protocol = self.protocol
        if protocol is Protocol.RAW:
            event = message.raw_event
        elif protocol is Protocol.JSON:
            event = message.json_event
        elif protocol is Protocol.PROTOBUF:
            event = message.protobuf_event
        else:
            sequence_id = self._next_sequence_id
            self._next_sequence_id += 1
            event = self._reliable_event(message, sequence_id)
            if not self._buffer(sequence_id, message):
                return
        if self.writer is not None:
            self.writer.push(event)
            if self.writer.overflowed:
                self._evicted("the connection is not reading its messages fast enough")

    def _reliable_event(self, message: DataMessage, sequence_id: int) -> SendEvent:
        if self.protocol is Protocol.RELIABLE_JSON:
            return message.reliable_event(sequence_id)
        return message.reliable_protobuf_event(sequence_id)

    def _buffer(self, sequence_id: int, message: DataMessage) -> bool:
        size = len(message.json_text)
        unacked = self._unacked
        if unacked is None:
            unacked = self._unacked = deque()
        if len(unacked) >= MAX_QUEUED_MESSAGES or self._unacked_bytes + size > MAX_QUEUED_BYTES:
            self._unacked = None
            self._unacked_bytes = 0
            self._evicted("too many messages are waiting for the client's acknowledgement")
            return False
        unacked.append((sequence_id, message))
        self._unacked_bytes += size
        return True

    def _evicted(self, reason: str) -> None:
        if self.evict is not None and not self.closed:
            self.evict(reason)

    def send_control(self, message: dict[str, Any]) -> None:
        """Queue an ack/system/pong message (subprotocols only; never sequenced)."""
        if self.writer is not None and self.protocol is not Protocol.RAW:
            self.writer.push(control_event(message, self.protocol))

    def acknowledge(self, sequence_id: int) -> None:
        """Forget buffered messages up to and including ``sequence_id``."""
        unacked = self._unacked
        while unacked and unacked[0][0] <= sequence_id:
            self._unacked_bytes -= len(unacked.popleft()[1].json_text)

    def attach(self, writer: SocketWriter) -> None:
        """Route output to a (new) socket, replaying what the client has not acknowledged."""
        self.writer = writer
        if self.expiry is not None:
            self.expiry.cancel()
            self.expiry = None
        self.send_control(self.connected_message())
        now = time.monotonic()
        for sequence_id, message in self._unacked or ():
            if message.expires_at is None or message.expires_at > now:
                writer.push(self._reliable_event(message, sequence_id))

    def detach(self) -> None:
        self.writer = None

    def connected_message(self) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "system",
            "event": "connected",
            "userId": self.user_id,
            "connectionId": self.connection_id,
        }
        if self.reconnection_token is not None:
            message["reconnectionToken"] = self.reconnection_token
        return message

    def close(self, reason: str | None) -> None:
        """Tell the client why, then close its socket with the service close code."""
        self.closed = True
        self.close_reason = reason
        if self.expiry is not None:
            self.expiry.cancel()
            self.expiry = None
        if self.writer is None:
            return
        text = reason or ""
        self.send_control({"type": "system", "event": "disconnected", "message": text})
        self.writer.push_close(SERVICE_CLOSE_CODE, text)


class RecentAckIds:
    """The ack ids a connection used most recently, to answer a repeat with ``Duplicate``."""

    LIMIT = 1000

    __slots__ = ("_order", "_seen")

    def __init__(self) -> None:
        # Made on the first ack id: most connections never send one (raw clients cannot).
        self._order: deque[int] | None = None
        self._seen: set[int] = set()

    def first_time(self, ack_id: int) -> bool:
        """Remember ``ack_id``; False if it is among the last ``LIMIT`` ones already."""
        if ack_id in self._seen:
            return False
        order = self._order
        if order is None:
            order = self._order = deque()
        order.append(ack_id)
        self._seen.add(ack_id)
        if len(order) > self.LIMIT:
            self._seen.discard(order.popleft())
        return True
