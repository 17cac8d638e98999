"""What WebSocket clients receive is the same whichever client sent: every message kind and
content type goes through the emulator once from our client and once from the official
1.3.0 client, and a ``json.webpubsub.azure.v1`` client and a raw client must receive the same
frames (data type and data) both times."""

from __future__ import annotations

import asyncio
import io
import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest
import webpubsub
import webpubsub.aio
import websockets
from azure.core.credentials import AzureKeyCredential as CoreKeyCredential
from azure.core.exceptions import HttpResponseError as CoreHttpResponseError
from azure.messaging.webpubsubservice import WebPubSubServiceClient as OfficialClient
from webpubsub_emulator import EmulatorServer

#: The kinds of the wire matrix, less a text file with non-ASCII content, which the official
#: sync client cuts short (listed in the README, asserted by test_wire_matrix.py).
MESSAGES: dict[str, Callable[[], Any]] = {
    "str": lambda: "hello",
    "str-unicode": lambda: "héllo ☃",
    "str-json-text": lambda: '{"a": 1}',
    "str-empty": lambda: "",
    "dict": lambda: {"a": 1, "b": "é"},
    "list": lambda: [1, "x", None],
    "int": lambda: 42,
    "float": lambda: 2.5,
    "bool": lambda: False,
    "bytes": lambda: b"\x00\xffbin",
    "bytearray": lambda: bytearray(b"ba"),
    "text-file": lambda: io.StringIO('{"k": "e"}'),
    "binary-file": lambda: io.BytesIO(b'{"k": 2}'),
    "binary-file-not-json": lambda: io.BytesIO(b"\x01\x02"),
}
CONTENT_TYPES = [None, "text/plain", "application/json", "application/octet-stream"]
RECEIVE_TIMEOUT = 5.0


def _send(client: Any, make: Callable[[], Any], content_type: str | None) -> str:
    kwargs = {} if content_type is None else {"content_type": content_type}
    try:
        client.send_to_all(make(), **kwargs)
    except TypeError:
        return "refused: TypeError"
    except (webpubsub.HttpResponseError, CoreHttpResponseError) as exc:
        return f"refused by the service: {exc.status_code}"
    return "sent"


async def _frame(ws: Any) -> Any:
    frame = await asyncio.wait_for(ws.recv(), RECEIVE_TIMEOUT)
    if isinstance(frame, bytes):
        return ("binary frame", frame)
    message = json.loads(frame) if ws.subprotocol else None
    if message is None:
        return ("text frame", frame)
    return (message["dataType"], message["data"])


async def test_json_and_raw_clients_receive_the_same_from_both_clients(
    webpubsub_emulator: EmulatorServer, webpubsub_hub: str
) -> None:
    server = webpubsub_emulator
    ours = webpubsub.WebPubSubServiceClient(
        server.endpoint, webpubsub_hub, webpubsub.AzureKeyCredential(server.access_key)
    )
    official = OfficialClient(server.endpoint, webpubsub_hub, CoreKeyCredential(server.access_key))
    url = ours.get_client_access_token()["url"]
    async with (
        websockets.connect(url, subprotocols=["json.webpubsub.azure.v1"]) as json_ws,  # type: ignore[list-item]
        websockets.connect(url) as raw_ws,
    ):
        assert json.loads(await json_ws.recv())["event"] == "connected"
        differences = []
        cases = list(itertools.product(MESSAGES.items(), CONTENT_TYPES))
        for (kind, make), content_type in cases:
            received = []
            for client in (ours, official):
                outcome = await asyncio.to_thread(_send, client, make, content_type)
                frames = (await _frame(json_ws), await _frame(raw_ws)) if outcome == "sent" else ()
                received.append((outcome, frames))
            if received[0] != received[1]:
                differences.append(
                    f"{kind} / {content_type}: ours {received[0]}, official {received[1]}"
                )
        ours.close()
        official.close()
    assert len(cases) == 56
    assert not differences, "\n".join(differences)


@pytest.mark.parametrize(
    ("message", "content_type", "json_frame", "raw_frame"),
    [
        ("hello", None, ("json", "hello"), ("text frame", '"hello"')),
        (b"\x00\xff", None, ("json", "AP8="), ("text frame", '"AP8="')),
        ("hello", "text/plain", ("text", "hello"), ("text frame", "hello")),
        (
            b"\x00\xff",
            "application/octet-stream",
            ("binary", "AP8="),
            ("binary frame", b"\x00\xff"),
        ),
    ],
)
async def test_what_a_migrating_app_s_clients_see(
    webpubsub_emulator: EmulatorServer,
    webpubsub_hub: str,
    message: Any,
    content_type: str | None,
    json_frame: Any,
    raw_frame: Any,
) -> None:
    # The official defaults, spelled out: without content_type a str or bytes goes as JSON.
    server = webpubsub_emulator
    client = webpubsub.aio.WebPubSubServiceClient(
        server.endpoint, webpubsub_hub, webpubsub.AzureKeyCredential(server.access_key)
    )
    async with client:
        url = (await client.get_client_access_token())["url"]
        async with (
            websockets.connect(url, subprotocols=["json.webpubsub.azure.v1"]) as json_ws,  # type: ignore[list-item]
            websockets.connect(url) as raw_ws,
        ):
            await json_ws.recv()
            kwargs = {} if content_type is None else {"content_type": content_type}
            await client.send_to_all(message, **kwargs)
            assert await _frame(json_ws) == json_frame
            assert await _frame(raw_ws) == raw_frame
