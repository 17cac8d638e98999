"""Oversized and deeply nested input gets the service's 4xx answer, never a 5xx or a
traceback, and is not read further than needed."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import httpx
import pytest
import websockets
from webpubsub_emulator import EmulatorServer, create_app
from webpubsub_emulator.faults import ADMIN_PATH
from websockets.asyncio.client import ClientConnection

from .conftest import JSON, Sender, client_url, connect, rest_headers, rest_url

MIB = 1024 * 1024


def assert_service_error(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"code", "message", "target", "details", "inner"}
    assert response.headers["x-ms-error-code"] == body["code"]


async def test_a_declared_100_mb_body_is_refused_with_413_before_it_is_sent(
    server: EmulatorServer, hub: str
) -> None:
    url = rest_url(server, hub, "/:send")
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    head = (
        f"POST {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Authorization: {rest_headers(server, url)['Authorization']}\r\n"
        f"Content-Type: text/plain\r\nContent-Length: {100 * 1000 * 1000}\r\n\r\n"
    )
    writer.write(head.encode())  # and not one byte of the body
    status_line = await asyncio.wait_for(reader.readline(), 10)
    writer.close()
    assert status_line.split()[1] == b"413"


async def test_a_streamed_body_past_1_mib_is_refused_with_413_without_reading_the_rest(
    server: EmulatorServer, hub: str, http: httpx.AsyncClient
) -> None:
    sent = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(200):  # 200 MiB if it were all read
            sent += MIB
            yield b"z" * MIB

    url = rest_url(server, hub, "/:send")
    headers = rest_headers(server, url, **{"Content-Type": "text/plain"})
    try:
        response = await http.post(url, content=endless(), headers=headers)
    except httpx.HTTPError:  # the server may close while the client is still writing
        assert sent < 50 * MIB
        return
    assert_service_error(response, 413)
    assert sent < 50 * MIB


async def test_a_client_message_over_1_mib_is_refused_and_not_fanned_out(
    server: EmulatorServer, hub: str, opened: list[ClientConnection]
) -> None:
    roles = ["webpubsub.sendToGroup", "webpubsub.joinLeaveGroup"]
    sender = await connect(opened, client_url(server, hub, role=roles), JSON, max_size=None)
    member = await connect(opened, client_url(server, hub, **{"webpubsub.group": ["g"]}), JSON)
    await sender.recv()
    await member.recv()
    big = json.dumps(
        {"type": "sendToGroup", "group": "g", "dataType": "text", "data": "q" * 2 * MIB}
    )
    # The service may close while the 2 MiB frame is still being written, so the send itself
    # can be the call that sees the close.
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await sender.send(big)
        await asyncio.wait_for(sender.recv(), 10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
    small = {"type": "sendToGroup", "group": "g", "dataType": "text", "data": "after"}
    other = await connect(opened, client_url(server, hub, role=roles), JSON)
    await other.recv()
    await other.send(json.dumps(small))
    assert json.loads(await asyncio.wait_for(member.recv(), 10))["data"] == "after"


async def test_deeply_nested_json_body_gets_400(server: EmulatorServer, sender: Sender) -> None:
    nested = "[" * 200_000 + "]" * 200_000
    response = await sender.send("/:send", nested, "application/json")
    assert_service_error(response, 400)


async def test_deeply_nested_continuation_token_gets_400(
    server: EmulatorServer, hub: str, http: httpx.AsyncClient
) -> None:
    token = base64.urlsafe_b64encode(b"[" * 20_000 + b"]" * 20_000).decode()
    url = rest_url(server, hub, "/groups/g/connections") + f"&continuationToken={token}"
    response = await http.get(url, headers=rest_headers(server, url))
    assert_service_error(response, 400)


async def test_deeply_nested_filter_gets_400(
    server: EmulatorServer, hub: str, http: httpx.AsyncClient
) -> None:
    odata = "(" * 5000 + "userId eq 'a'" + ")" * 5000
    url = rest_url(server, hub, "/:send") + "&filter=" + odata
    headers = rest_headers(server, url, **{"Content-Type": "text/plain"})
    response = await http.post(url, content="x", headers=headers)
    assert_service_error(response, 400)


async def test_a_deeply_nested_client_message_leaves_the_connection_working(
    server: EmulatorServer, hub: str, opened: list[ClientConnection]
) -> None:
    ws = await connect(opened, client_url(server, hub), JSON)
    await ws.recv()
    await ws.send("[" * 200_000 + "]" * 200_000)
    await ws.send(json.dumps({"type": "ping"}))
    assert json.loads(await asyncio.wait_for(ws.recv(), 10)) == {"type": "pong"}


async def test_fault_admin_needs_its_header_and_reads_nothing_from_a_non_loopback_client() -> None:
    app = create_app(faults=True)
    read = False

    async def body() -> AsyncIterator[bytes]:
        nonlocal read
        read = True
        yield b'{"kind": "drop"}'

    remote = httpx.ASGITransport(app=app, client=("192.0.2.7", 40000))
    async with httpx.AsyncClient(transport=remote, base_url="http://127.0.0.1") as http:
        response = await http.post(ADMIN_PATH, content=body(), headers={"X-Emulator-Admin": "1"})
    assert response.status_code == 403 and not read

    local = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    async with httpx.AsyncClient(transport=local, base_url="http://127.0.0.1") as http:
        no_header = await http.post(ADMIN_PATH, json={"kind": "drop"})
        assert no_header.status_code == 403
        assert app.state.faults.pending() == []
        with_header = await http.post(
            ADMIN_PATH, json={"kind": "drop"}, headers={"X-Emulator-Admin": "1"}
        )
        assert with_header.status_code == 200
