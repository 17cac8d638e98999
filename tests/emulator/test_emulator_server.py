"""Running the emulator: EmulatorServer lifecycle, serve() / python -m, pytest fixtures."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import subprocess
import sys
import time

import httpx
import jwt
import pytest
import websockets
from webpubsub_emulator import DEFAULT_ACCESS_KEY, EmulatorServer, create_app
from webpubsub_rest.spec_facts import DEFAULT_API_VERSION

CUSTOM_KEY = "Y3VzdG9tLWtleS1mb3ItdGVzdHMtb25seS0xMjM0NTY3ODkw"


def test_default_key_is_documented_and_long_enough() -> None:
    import webpubsub_emulator

    assert len(DEFAULT_ACCESS_KEY) >= 32
    assert DEFAULT_ACCESS_KEY in (webpubsub_emulator.__doc__ or "")


def test_server_reports_where_it_listens_without_leaking_the_key() -> None:
    server = EmulatorServer(access_key=CUSTOM_KEY)
    with server:
        assert server.port > 0
        assert server.endpoint == f"http://127.0.0.1:{server.port}"
        assert server.connection_string == (
            f"Endpoint=http://127.0.0.1:{server.port};AccessKey={CUSTOM_KEY};Version=1.0;"
        )
        assert server.access_key == CUSTOM_KEY
        assert CUSTOM_KEY not in repr(server)
        assert CUSTOM_KEY not in repr(server.service)
        assert httpx.head(f"{server.endpoint}/api/health").status_code == 200
        with pytest.raises(RuntimeError, match="already started"):
            server.start()
    server.stop()  # idempotent
    with pytest.raises(httpx.ConnectError):
        httpx.head(f"{server.endpoint}/api/health")


def test_custom_key_is_the_only_key_accepted() -> None:
    with EmulatorServer(access_key=CUSTOM_KEY) as server:
        url = f"{server.endpoint}/api/hubs/h/users/u?api-version={DEFAULT_API_VERSION}"
        for key, status in ((DEFAULT_ACCESS_KEY, 401), (CUSTOM_KEY, 404)):
            token = jwt.encode({"aud": url, "exp": time.time() + 60}, key.encode())
            response = httpx.head(url, headers={"authorization": f"Bearer {token}"})
            assert response.status_code == status


def test_empty_access_key_is_refused() -> None:
    with pytest.raises(ValueError, match="access_key"):
        create_app(access_key="")


async def test_stop_disconnects_clients_cleanly() -> None:
    server = EmulatorServer().start()
    try:
        aud = f"{server.endpoint}/client/hubs/h"
        token = jwt.encode({"aud": aud, "exp": time.time() + 60}, server.access_key.encode())
        url = f"ws://127.0.0.1:{server.port}/client/hubs/h?access_token={token}"
        async with websockets.connect(url, subprotocols=["json.webpubsub.azure.v1"]) as ws:
            assert json.loads(await ws.recv())["event"] == "connected"
            stopping = asyncio.create_task(asyncio.to_thread(server.stop))
            message = json.loads(await asyncio.wait_for(ws.recv(), 10))
            assert (message["type"], message["event"]) == ("system", "disconnected")
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 10)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
            await stopping
    finally:
        server.stop()


def test_python_m_serves_and_prints_the_connection_string_first() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "webpubsub_emulator", "--port", "0", "--access-key", CUSTOM_KEY],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.fullmatch(
            rf"Endpoint=http://127\.0\.0\.1:(\d+);AccessKey={CUSTOM_KEY};Version=1\.0;\n", line
        )
        assert match, line
        endpoint = f"http://127.0.0.1:{match.group(1)}"
        for _ in range(200):
            try:
                assert httpx.head(f"{endpoint}/api/health").status_code == 200
                break
            except httpx.ConnectError:
                time.sleep(0.05)
        else:
            pytest.fail("the emulator did not answer its health check")
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0


def test_hub_fixture_gives_valid_distinct_names(webpubsub_hub: str) -> None:
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,127}", webpubsub_hub)
    assert webpubsub_hub not in SEEN_HUBS
    SEEN_HUBS.append(webpubsub_hub)


def test_hub_fixture_differs_between_tests(webpubsub_hub: str) -> None:
    assert webpubsub_hub not in SEEN_HUBS
    SEEN_HUBS.append(webpubsub_hub)


SEEN_HUBS: list[str] = []


def test_fresh_emulator_is_separate_from_the_session_one(
    webpubsub_emulator: EmulatorServer,
    fresh_webpubsub_emulator: EmulatorServer,
    webpubsub_connection_string: str,
) -> None:
    assert fresh_webpubsub_emulator.port != webpubsub_emulator.port
    assert webpubsub_connection_string == webpubsub_emulator.connection_string
    assert fresh_webpubsub_emulator.service is not webpubsub_emulator.service


def test_ipv6_loopback_host_is_bracketed_in_the_endpoint() -> None:
    try:
        server = EmulatorServer(host="::1")
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    with server:
        assert server.endpoint == f"http://[::1]:{server.port}"
        assert httpx.head(f"{server.endpoint}/api/health").status_code == 200
