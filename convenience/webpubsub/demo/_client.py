"""A real WebSocket client for the demo that records everything the service sends it.

The json and reliable clients are ``webpubsub.client.aio.WebPubSubClient``; the raw one (no
subprotocol: every frame is a message) is a plain WebSocket.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, cast

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from webpubsub.client.aio import WebPubSubClient
from webpubsub.client.models import (
    CallbackType,
    OnConnectedArgs,
    OnDisconnectedArgs,
    OnGroupDataMessageArgs,
    OnServerDataMessageArgs,
    SendMessageError,
    WebPubSubDataType,
    WebPubSubProtocolType,
)
from webpubsub.demo._changes import Changes
from webpubsub.demo._messages import Ack, DataType, Message, Protocol

_SUBPROTOCOLS = {
    "json": WebPubSubProtocolType.JSON,
    "reliable": WebPubSubProtocolType.JSON_RELIABLE,
}
# Errors that mean no ack came (the connection went away, or nothing arrived in time).
_UNCONFIRMED = frozenset({"Timeout", "NotConnected", "NoAckMessageReceivedFromServer"})


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
        self.goodbye: str | None = None  # the message of the "disconnected" system event
        self.closed = False
        self._changed = Changes()
        self._client: WebPubSubClient | None = None
        self._websocket: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None

    async def connect(self, url: str, timeout: float) -> None:
        """Open the WebSocket to the client URL (which carries the access token).

        JSON-protocol clients also wait for the ``connected`` event, which gives their
        connection id. Raises when the connection is refused (``OpenClientError`` for the
        subprotocol clients, the websockets/OS error for the raw one).
        """
        if self.protocol == "raw":
            self._websocket = await connect(url, open_timeout=timeout)
            self._reader = asyncio.create_task(self._read_raw(self._websocket))
            return
        client = WebPubSubClient(
            url,
            protocol_type=_SUBPROTOCOLS[self.protocol],
            # The demo checks how each connection ends: a closed one is not replaced.
            reconnect_retry_total=0,
            message_retry_total=0,
            ack_timeout=timeout,
            start_timeout=timeout,
        )
        client.subscribe(CallbackType.CONNECTED, self._on_connected)
        client.subscribe(CallbackType.GROUP_MESSAGE, self._on_message)
        client.subscribe(CallbackType.SERVER_MESSAGE, self._on_message)
        client.subscribe(CallbackType.DISCONNECTED, self._on_disconnected)
        client.subscribe(CallbackType.STOPPED, self._on_stopped)
        self._client = client
        await client.open()
        await self.wait_until(lambda: self.connection_id is not None or self.closed, timeout)

    async def _on_connected(self, args: OnConnectedArgs) -> None:
        self.connection_id = args.connection_id
        await self._changed.notify()

    async def _on_message(self, args: OnGroupDataMessageArgs | OnServerDataMessageArgs) -> None:
        value: object = args.data
        data = bytes(cast("memoryview", value)) if isinstance(value, memoryview) else value
        kind = cast("DataType", args.data_type.value)
        if isinstance(args, OnGroupDataMessageArgs):
            message = Message(kind, data, "group", args.group, args.from_user_id, args.sequence_id)
        else:
            message = Message(kind, data, sequence_id=args.sequence_id)
        self.messages.append(message)
        await self._changed.notify()

    async def _on_disconnected(self, args: OnDisconnectedArgs) -> None:
        self.goodbye = args.message

    async def _on_stopped(self) -> None:
        self.closed = True
        await self._changed.notify()

    async def _read_raw(self, websocket: ClientConnection) -> None:
        try:
            async for frame in websocket:
                if isinstance(frame, bytes):
                    self.messages.append(Message("binary", frame))
                else:
                    self.messages.append(Message("text", frame))
                await self._changed.notify()
        except ConnectionClosed:
            pass  # an abnormal close is still a close; the scenario checks how it ended
        finally:
            self.closed = True
            await self._changed.notify()

    @property
    def close_reason(self) -> str:
        """Why the connection ended: the disconnected event, else the close frame's reason."""
        if self.goodbye:
            return self.goodbye
        websocket = self._websocket
        return (websocket.close_reason or "") if websocket is not None else ""

    async def wait_until(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``condition()`` holds; False if it still does not after ``timeout`` s."""
        return await self._changed.wait_until(condition, timeout)

    async def send_to_group(self, group: str, text: str, timeout: float) -> Ack | None:
        """Ask the service to deliver ``text`` to ``group``; the ack, or None if none came
        within ``timeout`` seconds (the client's ``ack_timeout``)."""
        client = self._subprotocol_client()
        return await _acked(client.send_to_group(group, text, WebPubSubDataType.TEXT))

    async def send_event(self, event: str, value: object, timeout: float) -> Ack | None:
        """Send the user event ``event`` with JSON data; the ack, or None if none came."""
        client = self._subprotocol_client()
        return await _acked(client.send_event(event, value, WebPubSubDataType.JSON))

    def _subprotocol_client(self) -> WebPubSubClient:
        assert self._client is not None, "connect() a json or reliable client first"
        return self._client

    async def close(self) -> None:
        """Close the connection (if still open) and stop reading."""
        if self._client is not None:
            await self._client.close()
        if self._websocket is not None:
            await self._websocket.close()
        if self._reader is not None:
            await self._reader


async def _acked(send: Any) -> Ack | None:
    try:
        await send
    except SendMessageError as error:
        detail = error.error_detail
        if detail is None or detail.name in _UNCONFIRMED or error.ack_id is None:
            return None
        return Ack(error.ack_id, False, detail.name)
    return Ack(0, True, None)
