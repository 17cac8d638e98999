"""A real WebSocket client for the demo that records everything the service sends it."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from webpubsub.cli._client_protocol import (
    SUBPROTOCOLS,
    Ack,
    Connected,
    Disconnected,
    Message,
    Protocol,
    decode_json,
    decode_raw,
    send_to_group,
    sequence_ack,
)


class DemoClient:
    """One connection of the demo: who it is, and every message, ack and close it saw.

    ``messages`` grows as frames arrive; :meth:`wait_until` lets the scenario wait for a
    condition on that state instead of sleeping.
    """

    def __init__(self, user_id: str, protocol: Protocol) -> None:
        self.user_id = user_id
        self.protocol: Protocol = protocol
        self.label = f"{user_id} ({protocol})"
        self.connection_id: str | None = None
        self.messages: list[Message] = []
        self.acks: dict[int, Ack] = {}
        self.goodbye: str | None = None  # the message of the "disconnected" system event
        self.closed = False
        self._changed = asyncio.Condition()
        self._ack_ids = itertools.count(1)
        self._websocket: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None

    async def connect(self, url: str, timeout: float) -> None:
        """Open the WebSocket to the client URL (which carries the access token).

        JSON-protocol clients also wait for the ``connected`` event, which gives their
        connection id. Raises the websockets/OS error when the connection is refused.
        """
        subprotocol = SUBPROTOCOLS[self.protocol]
        self._websocket = await connect(
            url,
            subprotocols=[Subprotocol(subprotocol)] if subprotocol else None,
            open_timeout=timeout,
        )
        self._reader = asyncio.create_task(self._read(self._websocket))
        if self.protocol != "raw":
            await self.wait_until(lambda: self.connection_id is not None or self.closed, timeout)

    async def _read(self, websocket: ClientConnection) -> None:
        try:
            async for frame in websocket:
                event = decode_raw(frame) if self.protocol == "raw" else decode_json(frame)
                await self._record(event)
                if isinstance(event, Message) and event.sequence_id is not None:
                    await websocket.send(sequence_ack(event.sequence_id))
        except ConnectionClosed:
            pass  # an abnormal close is still a close; the scenario checks how it ended
        finally:
            self.closed = True
            async with self._changed:
                self._changed.notify_all()

    async def _record(self, event: Message | Connected | Disconnected | Ack | None) -> None:
        if isinstance(event, Message):
            self.messages.append(event)
        elif isinstance(event, Connected):
            self.connection_id = event.connection_id
        elif isinstance(event, Disconnected):
            self.goodbye = event.message
        elif isinstance(event, Ack):
            self.acks[event.ack_id] = event
        async with self._changed:
            self._changed.notify_all()

    @property
    def close_reason(self) -> str:
        """Why the connection ended: the disconnected event, else the close frame's reason."""
        if self.goodbye:
            return self.goodbye
        websocket = self._websocket
        return (websocket.close_reason or "") if websocket is not None else ""

    async def wait_until(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``condition()`` holds; False if it still does not after ``timeout`` s."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(condition), timeout)
            except asyncio.TimeoutError:
                return False
        return True

    async def send_to_group(self, group: str, text: str, timeout: float) -> Ack | None:
        """Ask the service to deliver ``text`` to ``group``; the ack, or None if none came."""
        assert self._websocket is not None, "connect() first"
        ack_id = next(self._ack_ids)
        await self._websocket.send(send_to_group(group, text, ack_id))
        await self.wait_until(lambda: ack_id in self.acks or self.closed, timeout)
        return self.acks.get(ack_id)

    async def send_event(self, event: str, value: object, timeout: float) -> Ack | None:
        """Send the user event ``event`` with JSON data; the ack, or None if none came."""
        assert self._websocket is not None, "connect() first"
        ack_id = next(self._ack_ids)
        frame = {"type": "event", "event": event, "dataType": "json", "data": value}
        await self._websocket.send(json.dumps({**frame, "ackId": ack_id}))
        await self.wait_until(lambda: ack_id in self.acks or self.closed, timeout)
        return self.acks.get(ack_id)

    async def close(self) -> None:
        """Close the connection (if still open) and stop reading."""
        if self._websocket is not None:
            await self._websocket.close()
        if self._reader is not None:
            await self._reader
