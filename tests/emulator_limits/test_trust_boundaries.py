"""Trust boundaries of a local service whose default key is public, and hubs that are freed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import httpx
import pytest
import websockets
from webpubsub._log_redaction import install as redact_tokens_in_logs
from webpubsub_emulator import EmulatorServer
from websockets.asyncio.client import ClientConnection

from .conftest import JSON, client_url, connect, rest_headers, rest_url, sign


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname} {self.format(record)}")


@pytest.fixture
def records() -> Iterator[Records]:
    handler = Records()
    loggers = [logging.getLogger(name) for name in ("uvicorn.error", "websockets", "httpx")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield handler
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


async def test_token_audience_is_compared_exactly(
    server: EmulatorServer, hub: str, http: httpx.AsyncClient, opened: list[ClientConnection]
) -> None:
    ws = await connect(opened, client_url(server, hub, sub="ALICE"), JSON)
    connection_id = (await ws.recv()).split('"connectionId":"')[1].split('"')[0]
    alice = rest_url(server, hub, "/users/ALICE")
    token_for_lower = sign(server, rest_url(server, hub, "/users/alice"))
    response = await http.head(alice, headers={"Authorization": f"Bearer {token_for_lower}"})
    assert response.status_code == 401
    assert (await http.head(alice, headers=rest_headers(server, alice))).status_code == 200

    plain = rest_url(server, hub, f"/groups/x/connections/{connection_id}")
    encoded = sign(server, rest_url(server, hub, f"/groups/x%2Fconnections%2F{connection_id}"))
    response = await http.put(plain, headers={"Authorization": f"Bearer {encoded}"})
    assert response.status_code == 401
    assert server.service.groups_of(hub, connection_id) == set()


async def test_rest_requests_for_a_foreign_host_are_refused(
    server: EmulatorServer, hub: str, http: httpx.AsyncClient
) -> None:
    url = rest_url(server, hub, "/users/u")
    refused = await http.head(url, headers={**rest_headers(server, url), "Host": "evil.example"})
    assert refused.status_code == 403
    for name in ("localhost", "127.0.0.1", "[::1]"):
        answered = await http.head(url, headers={**rest_headers(server, url), "Host": name})
        assert answered.status_code == 404, name  # authorised; the user does not exist


async def test_websocket_from_a_foreign_origin_is_refused_without_an_error_log(
    server: EmulatorServer, hub: str, records: Records, opened: list[ClientConnection]
) -> None:
    url = client_url(server, hub)
    with pytest.raises(websockets.InvalidStatus) as refused:
        await connect(opened, url, JSON, origin="https://evil.example")
    assert refused.value.response.status_code == 403
    # uvicorn logs the refused path at INFO, query string included: never the token.
    assert any("WebSocket" in line for line in records.lines)
    assert not any(url.split("access_token=")[1] in line for line in records.lines)
    assert server.service.connection_ids(hub) == []
    local = await connect(opened, client_url(server, hub), JSON, origin="http://localhost:3000")
    assert "connected" in await local.recv()
    assert not [line for line in records.lines if line.startswith(("ERROR", "CRITICAL"))]


async def test_more_origins_and_hosts_can_be_allowed(hub: str) -> None:
    allowed = EmulatorServer(allowed_origins=["https://app.example"], allowed_hosts=["devbox"])
    with allowed:
        ws = await websockets.connect(
            client_url(allowed, hub), subprotocols=[JSON], origin="https://app.example"
        )  # type: ignore[list-item]
        assert "connected" in str(await ws.recv())
        await ws.close()
        url = rest_url(allowed, hub, "/users/u")
        async with httpx.AsyncClient() as http:
            headers = {**rest_headers(allowed, url), "Host": "devbox"}
            assert (await http.head(url, headers=headers)).status_code == 404


async def test_hubs_without_connections_groups_or_users_are_freed(
    server: EmulatorServer, http: httpx.AsyncClient, opened: list[ClientConnection]
) -> None:
    before = server.service.hub_count()
    for n in range(200):
        url = rest_url(server, f"once{n}", "/:send")
        headers = rest_headers(server, url, **{"Content-Type": "text/plain"})
        assert (await http.post(url, content="x", headers=headers)).status_code == 202
    for n in range(20):
        ws = await connect(opened, client_url(server, f"ws{n}"), JSON)
        await ws.recv()
        await ws.close()
    user_group = rest_url(server, "kept", "/users/u/groups/g")
    assert (await http.put(user_group, headers=rest_headers(server, user_group))).status_code == 200

    async def settled() -> None:
        while server.service.hub_count() != before + 1:  # only "kept" holds something
            await asyncio.sleep(0.02)

    await asyncio.wait_for(settled(), 10)


async def test_client_tokens_never_reach_log_output_even_at_debug(
    server: EmulatorServer, hub: str, records: Records, opened: list[ClientConnection]
) -> None:
    redact_tokens_in_logs()  # what the CLI installs
    url = client_url(server, hub)
    token = url.split("access_token=")[1]
    ws = await connect(opened, url, JSON)
    await ws.recv()
    logging.getLogger("websockets.client").debug("opening %s", url)
    assert any("access_token=***" in line for line in records.lines)
    assert not any(token in line for line in records.lines)


def test_access_keys_and_bearer_credentials_never_reach_log_output() -> None:
    redact_tokens_in_logs()  # what the CLI and the emulator install
    key = "c2VjcmV0LWtleS1mb3ItbG9ncw+/="
    handler = Records()
    logger = logging.getLogger("webpubsub_emulator.upstream")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        logger.debug("using %s", f"Endpoint=http://127.0.0.1:8080;AccessKey={key};Version=1.0;")
        logger.debug("request headers: %s", {"Authorization": f"Bearer {key}"})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert len(handler.lines) == 2
    assert "AccessKey=***;" in handler.lines[0]
    assert "Bearer ***" in handler.lines[1]
    assert not any(key in line for line in handler.lines)
