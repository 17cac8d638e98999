"""No access key and no full token ever shows up in log output (DEBUG, ``webpubsub`` and
root loggers, request logging on) or in the repr/str of clients, credentials and exceptions,
through a run with successful calls, retries, refused and failing calls."""

from __future__ import annotations

import asyncio
import logging
import re
import traceback
from collections.abc import Iterator
from typing import Any

import pytest
import webpubsub
import webpubsub.aio
import websockets
from webpubsub_emulator import EmulatorServer

SECRET_KEY = "c2VjcmV0LWtleS1mb3ItdGhlLXNlY3JldHMtdGVzdC0xMjM0NTY3ODkwYWJjZA=="
OTHER_KEY = "b3RoZXIta2V5LXRoYXQtdGhlLWVtdWxhdG9yLWRvZXMtbm90LWtub3ctMDAwMDA="
# Any compact JWS: three base64url parts, the first one a JSON header ('{"' -> 'eyJ').
JWT_PATTERN = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # The test's own WebSocket peer (the websockets client library) logs the URL it opens,
        # token included; that is the harness, not code under test.
        if not record.name.startswith("websockets.client"):
            self.lines.append(self.format(record))


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    handler = Collect()
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root, sdk = logging.getLogger(), logging.getLogger("webpubsub")
    saved = root.level, sdk.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    sdk.setLevel(logging.DEBUG)
    yield handler.lines
    root.removeHandler(handler)
    root.setLevel(saved[0])
    sdk.setLevel(saved[1])


@pytest.fixture(scope="module")
def secret_emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(access_key=SECRET_KEY, faults=True) as server:
        yield server


def texts_of(value: object) -> list[str]:
    """Everything a user might print of ``value``: repr, str and, for exceptions, the full
    formatted traceback with its chained causes."""
    found = [repr(value), str(value)]
    if isinstance(value, BaseException):
        found.append("".join(traceback.format_exception(value)))
    return found


async def exercise(kind: str, server: EmulatorServer, shown: list[object]) -> list[str]:
    """Run successful, retried, refused and failing calls; collect what could be printed.
    Returns the client access tokens handed out (they must not be logged either)."""
    cls: Any = (
        webpubsub.WebPubSubServiceClient if kind == "sync" else webpubsub.aio.WebPubSubServiceClient
    )

    async def run(client: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        method = getattr(client, name)
        if kind == "sync":
            return await asyncio.to_thread(method, *args, **kwargs)
        return await method(*args, **kwargs)

    async def expect_failure(client: Any, name: str, *args: Any, **kwargs: Any) -> None:
        with pytest.raises(webpubsub.WebPubSubError) as caught:
            await run(client, name, *args, **kwargs)
        shown.append(caught.value)

    good = cls.from_connection_string(
        server.connection_string, "hub", logging_enable=True, retry_backoff_factor=0.01
    )
    quick = cls.from_connection_string(
        server.connection_string, "hub", logging_enable=True, retry_total=0
    )
    wrong_key = cls(server.endpoint, "hub", webpubsub.AzureKeyCredential(OTHER_KEY))
    shown += [good, quick, wrong_key, good._core, webpubsub.AzureKeyCredential(SECRET_KEY)]
    tokens = []
    try:
        token = await run(good, "get_client_access_token", user_id="u", groups=["g"])
        tokens.append(token["token"])
        ws = await websockets.connect(token["url"], subprotocols=["json.webpubsub.azure.v1"])
        await ws.recv()
        server.faults.fail_requests(429, retry_after=0, count=2)
        server.faults.fail_requests(503, count=1)
        await run(good, "send_to_group", "g", {"hello": "world"})
        await ws.recv()
        await ws.close()
        assert await run(good, "user_exists", "nobody") is False
        await expect_failure(wrong_key, "send_to_all", "x")  # 401
        await expect_failure(good, "add_connection_to_group", "g", "no-such-connection")  # 404
        server.faults.fail_requests(429, retry_after=1)
        await expect_failure(quick, "send_to_all", "throttled")
        server.faults.drop_requests()
        await expect_failure(quick, "send_to_all", "dropped")
        await expect_failure(good, "send_to_all", "x", message_ttl_seconds=999)
        with pytest.raises(webpubsub.InvalidConnectionStringError) as bad_string:
            cls.from_connection_string(f"Endpoint={server.endpoint}", "hub")
        shown.append(bad_string.value)
    finally:
        for client in (good, quick, wrong_key):
            if kind == "sync":
                client.close()
            else:
                await client.close()
    return tokens


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_no_key_or_token_in_logs_reprs_or_exceptions(
    kind: str, secret_emulator: EmulatorServer, log_lines: list[str]
) -> None:
    shown: list[object] = []
    tokens = await exercise(kind, secret_emulator, shown)

    printed = [text for value in shown for text in texts_of(value)]
    assert len(shown) >= 10 and any("401" in text for text in printed)  # the run did run
    assert any("webpubsub DEBUG" in line for line in log_lines)
    assert any("<redacted>" in line for line in log_lines)  # request headers were logged
    everything = log_lines + printed
    for text in everything:
        assert SECRET_KEY not in text and OTHER_KEY not in text, text
        for token in tokens:
            assert token not in text, text
        assert not JWT_PATTERN.search(text), text


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_connection_string_missing_the_access_key_name_does_not_echo_the_key(
    kind: str,
) -> None:
    """A key pasted without ``AccessKey=`` in front is a segment without ``=``: the error must
    say where, without quoting any part of the key."""
    cls: Any = (
        webpubsub.WebPubSubServiceClient if kind == "sync" else webpubsub.aio.WebPubSubServiceClient
    )
    key = SECRET_KEY.rstrip("=")  # a key without '=' padding looks like this
    with pytest.raises(webpubsub.InvalidConnectionStringError) as caught:
        cls.from_connection_string(f"Endpoint=http://127.0.0.1:9;{key};Version=1.0;", "hub")
    message = "".join(texts_of(caught.value))
    assert "key=value" in message
    leaked = [key[i : i + 8] for i in range(len(key) - 7) if key[i : i + 8] in message]
    assert leaked == [], f"the error quotes part of the access key: {leaked}"
