"""webpubsub.rest: the product documentation's low-level example runs with only its import
line changed, and the generated typed operations work with WebPubSubAuth."""

from __future__ import annotations

import asyncio
import code
import contextlib
import io
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import webpubsub
import webpubsub.aio
from webpubsub import rest
from webpubsub_emulator.server import EmulatorServer
from webpubsub_rest.api.service import send_to_all, send_to_group
from webpubsub_rest.client import Client
from webpubsub_rest.models import TextMessage
from webpubsub_rest.spec_facts import DEFAULT_API_VERSION, OPERATION_SINCE

from .conftest import Peer, open_peer

#: The api-version the official documentation shows; ours is the spec default instead.
DOCUMENTED_VERSION = "2020-10-01"  # not-an-api-version: quoted from the official documentation
# The first example of the official package's documentation; only the import line differs
# (azure.messaging.webpubsubservice.rest -> webpubsub.rest).
DOCUMENTATION_EXAMPLE = """\
>>> from webpubsub.rest import build_send_to_all_request
>>> request = build_send_to_all_request('default', json={ 'Hello':  'webpubsub!' })
>>> request
<HttpRequest [POST], url: '/api/hubs/default/:send?api-version={DOCUMENTED_VERSION}'>
>>> response = client.send_request(request)
>>> response.status_code
202
>>> with open('file.json', 'r') as f:
>>>    request = build_send_to_all_request('ahub', content=f, content_type='application/json')
>>>    response = client.send_request(request)
""".replace("{DOCUMENTED_VERSION}", DOCUMENTED_VERSION)


def run_console_session(session: str, namespace: dict[str, Any]) -> list[tuple[str, str]]:
    """Feed each ``>>>`` line to an interactive console; return (expected, printed) output
    pairs, one per input line that has an expected output."""
    console = code.InteractiveConsole(namespace)
    lines = session.splitlines()
    results: list[tuple[str, str]] = []
    for index, line in enumerate(lines):
        if not line.startswith(">>>"):
            continue
        source = line[4:]
        following = lines[index + 1] if index + 1 < len(lines) else ">>>"
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            more = console.push(source)
            if more and not following.startswith(">>>    "):
                more = console.push("")  # the end of an indented block
        assert not more or following.startswith(">>>    "), f"incomplete input at {line!r}"
        if not following.startswith(">>>"):
            results.append((following, printed.getvalue().strip()))
        elif printed.getvalue().strip():
            pytest.fail(f"{line!r} printed {printed.getvalue()!r}")
    return results


def matches_ignoring_version(expected: str, printed: str) -> bool:
    """The official default api-version differs from ours; everything else must be equal."""
    pattern = re.escape(expected).replace(re.escape(DOCUMENTED_VERSION), "[^']+")
    return re.fullmatch(pattern, printed) is not None


async def json_peer(server: EmulatorServer, hub: str) -> Peer:
    client = webpubsub.WebPubSubServiceClient.from_connection_string(server.connection_string, hub)
    with client:
        token = client.get_client_access_token()
    return await open_peer(token["url"])


async def test_documentation_example_runs_against_the_emulator(
    fresh_webpubsub_emulator: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = fresh_webpubsub_emulator
    default_peer = await json_peer(server, "default")
    ahub_peer = await json_peer(server, "ahub")
    (tmp_path / "file.json").write_text('{"from": "file.json", "n": [1, 2]}', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    client = webpubsub.WebPubSubServiceClient.from_connection_string(
        server.connection_string, "default"
    )
    namespace: dict[str, Any] = {"client": client}
    try:
        outputs = await asyncio.to_thread(run_console_session, DOCUMENTATION_EXAMPLE, namespace)
    finally:
        client.close()

    assert [expected for expected, _ in outputs] == [
        f"<HttpRequest [POST], url: '/api/hubs/default/:send?api-version={DOCUMENTED_VERSION}'>",
        "202",
    ]
    for expected, printed in outputs:
        assert matches_ignoring_version(expected, printed), (expected, printed)
    assert f"api-version={DEFAULT_API_VERSION}'" in outputs[0][1]
    assert namespace["response"].status_code == 202

    first = await default_peer.next_message()
    assert (first["type"], first["from"], first["dataType"]) == ("message", "server", "json")
    assert first["data"] == {"Hello": "webpubsub!"}
    second = await ahub_peer.next_message()
    assert (second["type"], second["dataType"]) == ("message", "json")
    assert second["data"] == {"from": "file.json", "n": [1, 2]}
    await default_peer.assert_silent()
    for peer in (default_peer, ahub_peer):
        await peer.ws.close()


def test_builders_take_bytes_str_and_binary_files(tmp_path: Path) -> None:
    as_bytes = rest.build_send_to_user_request("hub", "alice", content=b"\x00\x01")
    assert as_bytes.content == b"\x00\x01"
    assert dict(as_bytes.headers or {})["Content-Type"] == "application/octet-stream"
    as_str = rest.build_send_to_group_request("hub", "g", content="hi", excluded=["c1", "c2"])
    assert dict(as_str.headers or {})["Content-Type"] == "text/plain"
    assert as_str.url == (
        f"/api/hubs/hub/groups/g/:send?api-version={DEFAULT_API_VERSION}&excluded=c1&excluded=c2"
    )
    path = tmp_path / "blob.bin"
    path.write_bytes(b"\xff" * 3)
    with path.open("rb") as f:
        from_file = rest.build_send_to_connection_request("hub", "c1", content=f)
    assert from_file.content == b"\xff\xff\xff"
    assert repr(rest.build_group_exists_request("hub", "g")) == (
        f"<HttpRequest [HEAD], url: '/api/hubs/hub/groups/g?api-version={DEFAULT_API_VERSION}'>"
    )


def test_builders_refuse_bad_arguments_before_anything_is_sent() -> None:
    with pytest.raises(webpubsub.InvalidArgumentError, match="hub 'no-dash'"):
        rest.build_send_to_all_request("no-dash", json={})
    with pytest.raises(webpubsub.InvalidArgumentError, match="not only whitespace"):
        rest.build_group_exists_request("hub", "   ")
    with pytest.raises(webpubsub.InvalidArgumentError, match="either json= or content="):
        rest.build_send_to_all_request("hub", json={}, content="x")


def test_every_operation_has_a_builder_under_the_official_name() -> None:
    official = [name for name in dir(rest) if name.startswith("build_web_pub_sub_service_")]
    assert len(official) == 22
    for name in official:
        short = "build_" + name.removeprefix("build_web_pub_sub_service_")
        assert getattr(rest, name) is getattr(rest, short)


async def test_async_send_request_runs_a_built_request(
    webpubsub_connection_string: str, webpubsub_hub: str
) -> None:
    async with webpubsub.aio.WebPubSubServiceClient.from_connection_string(
        webpubsub_connection_string, webpubsub_hub
    ) as client:
        token = await client.get_client_access_token(groups=["g"])
        peer = await open_peer(token["url"])
        request = rest.build_send_to_group_request(webpubsub_hub, "g", content="plain")
        response = await client.send_request(request)
        assert response.status_code == 202
        message = await peer.next_message()
        assert (message["dataType"], message["data"]) == ("text", "plain")
        await peer.ws.close()
        missing = await client.send_request(rest.build_connection_exists_request("x", "nobody"))
        assert missing.status_code == 404
        with pytest.raises(httpx.HTTPStatusError):
            missing.raise_for_status()


async def test_generated_operations_authenticate_with_webpubsub_auth(
    webpubsub_connection_string: str, webpubsub_hub: str
) -> None:
    sdk = webpubsub.WebPubSubServiceClient.from_connection_string(
        webpubsub_connection_string, webpubsub_hub
    )
    with sdk:
        token = sdk.get_client_access_token(groups=["g"])
    peer = await open_peer(token["url"])
    key = webpubsub_connection_string.split("AccessKey=")[1].split(";")[0]
    auth = rest.WebPubSubAuth(webpubsub.AzureKeyCredential(key))
    assert key not in repr(auth)
    generated = Client(base_url=sdk.endpoint, httpx_args={"auth": auth})
    with generated:
        sent = send_to_all.sync_detailed(
            webpubsub_hub,
            client=generated,
            body=TextMessage(payload="to all"),
            api_version=DEFAULT_API_VERSION,
        )
    assert sent.status_code == 202
    assert (await peer.next_message())["data"] == "to all"
    async with Client(base_url=sdk.endpoint, httpx_args={"auth": auth}) as generated_async:
        sent = await send_to_group.asyncio_detailed(
            webpubsub_hub,
            "g",
            client=generated_async,
            body=TextMessage(payload="to g"),
            api_version=DEFAULT_API_VERSION,
        )
    assert sent.status_code == 202
    assert (await peer.next_message())["data"] == "to g"
    unsigned = Client(base_url=sdk.endpoint)
    with unsigned:
        refused = send_to_all.sync_detailed(
            webpubsub_hub,
            client=unsigned,
            body=TextMessage(payload="x"),
            api_version=DEFAULT_API_VERSION,
        )
    assert refused.status_code == 401
    await peer.ws.close()


#: operationId -> builder name where the official package names the operation differently.
OFFICIAL_NAMES = {
    "checkPermission": "has_permission",
    "generateClientToken": "get_client_access_token",
    "listConnectionsInGroup": "list_connections",
}


def test_every_spec_operation_has_a_builder() -> None:
    missing = []
    for operation_id in OPERATION_SINCE:
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()
        name = f"build_{OFFICIAL_NAMES.get(operation_id, snake)}_request"
        if not callable(getattr(rest, name, None)) or name not in rest.__all__:
            missing.append(name)
    assert missing == []
