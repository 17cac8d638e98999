"""Each keyword the official client takes is honoured (checked on the wire, against a
capture server on 127.0.0.1) or refused before sending with an error naming it and saying
what to use instead; plus the User-Agent and x-ms-client-request-id headers."""

from __future__ import annotations

import logging
import re
import time
from typing import Any
from urllib.parse import parse_qsl

import httpx
import jwt
import pytest
import webpubsub
import webpubsub.aio
from azure.core.pipeline.policies import RetryMode
from azure.core.pipeline.transport import RequestsTransport
from webpubsub_rest.spec_facts import API_VERSIONS

#: An api-version other than the default, to see it on the wire.
OLDER_API_VERSION = API_VERSIONS[0]

KEY = "keyword-test-access-key-0123456789abcdef"
UA = re.compile(r"^webpubsub/\S+ Python/\d+\.\d+ \(.+\)$")
KINDS = pytest.mark.parametrize("kind", ["sync", "async"])


def _client(kind: str, endpoint: str, **kwargs: Any) -> Any:
    cls = (
        webpubsub.WebPubSubServiceClient if kind == "sync" else webpubsub.aio.WebPubSubServiceClient
    )
    kwargs.setdefault("retry_backoff_factor", 0.01)
    return cls(endpoint, "hub", webpubsub.AzureKeyCredential(KEY), **kwargs)


async def _call(kind: str, client: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    result = getattr(client, name)(*args, **kwargs)
    return result if kind == "sync" else await result


async def _close(kind: str, client: Any) -> None:
    if kind == "sync":
        client.close()
    else:
        await client.close()


@KINDS
async def test_headers_per_call_and_per_client(kind: str, capture: Any) -> None:
    client = _client(kind, capture.endpoint, headers={"x-tenant": "t1"})
    await _call(kind, client, "send_to_all", "x", headers={"x-trace": "abc"})
    await _call(kind, client, "group_exists", "g")
    await _close(kind, client)
    first, second = capture.take()
    assert (first.headers["x-trace"], first.headers["x-tenant"]) == ("abc", "t1")
    assert "x-trace" not in second.headers and second.headers["x-tenant"] == "t1"


@KINDS
async def test_params_are_added_to_the_query_and_signed(kind: str, capture: Any) -> None:
    client = _client(kind, capture.endpoint)
    await _call(kind, client, "close_connection", "c1", params={"extra": "v 1"})
    await _close(kind, client)
    (request,) = capture.take()
    assert dict(parse_qsl(request.query))["extra"] == "v 1"
    claims = jwt.decode(
        request.headers["authorization"][7:],
        KEY,
        algorithms=["HS256"],
        options={"verify_aud": False},
    )
    assert claims["aud"].endswith("?" + request.query)


@KINDS
async def test_logging_enable_per_call_logs_headers_without_the_token(
    kind: str, capture: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = _client(kind, capture.endpoint)
    with caplog.at_level(logging.DEBUG, logger="webpubsub"):
        await _call(kind, client, "send_to_all", "quiet")
        assert "request headers" not in caplog.text
        await _call(kind, client, "send_to_all", "loud", logging_enable=True)
    await _close(kind, client)
    assert "request headers" in caplog.text
    assert "<redacted>" in caplog.text and "Bearer" not in caplog.text


@KINDS
async def test_user_agent_format_and_extension(kind: str, capture: Any) -> None:
    plain = _client(kind, capture.endpoint)
    app = _client(kind, capture.endpoint, user_agent="myapp/1.0")
    await _call(kind, plain, "send_to_all", "x")
    await _call(kind, app, "send_to_all", "x")
    await _call(kind, app, "send_to_all", "x", user_agent="call/2")
    await _call(kind, app, "send_to_all", "x", user_agent="only/3", user_agent_overwrite=True)
    for client in (plain, app):
        await _close(kind, client)
    agents = [r.headers["user-agent"] for r in capture.take()]
    assert UA.match(agents[0]), agents[0]
    assert agents[1] == f"myapp/1.0 {agents[0]}"
    # As azure-core: a per-call value goes in front of the client's.
    assert agents[2] == f"call/2 myapp/1.0 {agents[0]}"
    assert agents[3] == "only/3"


@KINDS
async def test_request_id_is_one_per_call_and_kept_across_retries(kind: str, capture: Any) -> None:
    client = _client(kind, capture.endpoint)
    capture.failures = [503, 503]
    await _call(kind, client, "add_user_to_group", "g", "u")
    await _call(kind, client, "add_user_to_group", "g", "u")
    await _call(kind, client, "add_user_to_group", "g", "u", request_id="my-id")
    await _close(kind, client)
    ids = [r.headers["x-ms-client-request-id"] for r in capture.take()]
    assert len(ids) == 5
    assert ids[0] == ids[1] == ids[2]
    assert ids[3] != ids[0]
    assert ids[4] == "my-id"


@KINDS
async def test_read_timeout_per_call_and_per_client(kind: str, capture: Any) -> None:
    capture.stall = 0.5
    client = _client(kind, capture.endpoint, retry_total=0)
    started = time.monotonic()
    with pytest.raises(webpubsub.ServiceResponseError):
        await _call(kind, client, "group_exists", "g", read_timeout=0.1)
    assert time.monotonic() - started < 0.45
    assert await _call(kind, client, "group_exists", "g") is True  # default timeout: waits
    await _close(kind, client)
    slow = _client(kind, capture.endpoint, retry_total=0, read_timeout=0.1)
    with pytest.raises(webpubsub.ServiceResponseError):
        await _call(kind, slow, "group_exists", "g")
    with pytest.raises(webpubsub.ServiceResponseError):
        await _call(kind, slow, "group_exists", "g", timeout=0.1)
    await _close(kind, slow)


class RecordingTransport(httpx.HTTPTransport):
    """A real HTTP transport that remembers the timeouts each request carried."""

    def __init__(self) -> None:
        super().__init__()
        self.timeouts: list[dict[str, float | None]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.timeouts.append(request.extensions["timeout"])
        return super().handle_request(request)


def test_transport_and_connection_timeout_are_used(capture: Any) -> None:
    transport = RecordingTransport()
    client = _client("sync", capture.endpoint, transport=transport, connection_timeout=2.5)
    client.send_to_all("x")
    client.send_to_all("x", connection_timeout=1.5, read_timeout=7)
    client.close()
    assert len(capture.take()) == 2
    assert transport.timeouts[0]["connect"] == 2.5
    assert (transport.timeouts[1]["connect"], transport.timeouts[1]["read"]) == (1.5, 7)


@KINDS
async def test_retry_total_per_call(kind: str, capture: Any) -> None:
    client = _client(kind, capture.endpoint, retry_total=5)
    capture.failures = [503, 503, 503]
    with pytest.raises(webpubsub.HttpResponseError):
        await _call(kind, client, "group_exists", "g", retry_total=1)
    assert len(capture.take()) == 2
    capture.failures = [503, 503]
    assert await _call(kind, client, "group_exists", "g") is True
    assert len(capture.take()) == 3
    await _close(kind, client)


@KINDS
async def test_retry_mode_backoff_and_status_codes(kind: str, capture: Any) -> None:
    client = _client(kind, capture.endpoint, retry_mode=RetryMode.Fixed, retry_backoff_factor=0.2)
    capture.failures = [503, 503, 503]
    started = time.monotonic()
    await _call(kind, client, "group_exists", "g")
    fixed = time.monotonic() - started  # 3 waits of 0.2 s (±20%)
    assert 0.45 < fixed < 1.2
    capture.failures = [503, 503, 503]
    started = time.monotonic()
    await _call(kind, client, "group_exists", "g", retry_backoff_max=0.01, retry_mode="exponential")
    assert time.monotonic() - started < 0.3
    capture.failures = [418]
    assert await _call(kind, client, "group_exists", "g", retry_on_status_codes=[418]) is True
    assert len(capture.take()) == 4 + 4 + 2
    await _close(kind, client)


def test_http_client_is_used_and_left_open(capture: Any) -> None:
    seen: list[str] = []
    http = httpx.Client(event_hooks={"request": [lambda r: seen.append(r.method)]})
    client = _client("sync", capture.endpoint, http_client=http)
    client.send_to_all("x")
    client.close()
    assert seen == ["POST"]
    assert not http.is_closed
    http.close()


REFUSED_PER_CALL = [
    ("cls", lambda *a: a, "return value"),
    ("error_map", {404: KeyError}, "catch the webpubsub exception"),
    ("stream", True, "send_request()"),
    ("api_version", OLDER_API_VERSION, "constructor"),
    ("retry_connect", 2, "retry_total"),
    ("raw_response_hook", print, "event_hooks"),
]


@KINDS
@pytest.mark.parametrize(
    ("name", "value", "advice"), REFUSED_PER_CALL, ids=[c[0] for c in REFUSED_PER_CALL]
)
async def test_azure_core_machinery_is_refused_per_call(
    kind: str, name: str, value: Any, advice: str, capture: Any
) -> None:
    client = _client(kind, capture.endpoint)
    with pytest.raises(webpubsub.InvalidArgumentTypeError) as caught:
        await _call(kind, client, "send_to_all", "x", **{name: value})
    await _close(kind, client)
    assert repr(name) in str(caught.value) and advice in str(caught.value)
    assert isinstance(caught.value, TypeError)
    assert capture.take() == []


REFUSED_IN_CONSTRUCTOR = [
    ("per_call_policies", [], "no azure-core pipeline"),
    ("policies", [], "no azure-core pipeline"),
    ("authentication_policy", object(), "no azure-core pipeline"),
    ("proxies", {"http": "http://127.0.0.1:1"}, "httpx.Client(proxy="),
    ("transport", RequestsTransport(), "azure-core transports are not supported"),
]


@pytest.mark.parametrize(
    ("name", "value", "advice"), REFUSED_IN_CONSTRUCTOR, ids=[c[0] for c in REFUSED_IN_CONSTRUCTOR]
)
def test_azure_core_machinery_is_refused_by_the_constructor(
    name: str, value: Any, advice: str, capture: Any
) -> None:
    with pytest.raises(webpubsub.InvalidArgumentTypeError) as caught:
        _client("sync", capture.endpoint, **{name: value})
    assert name in str(caught.value) and advice in str(caught.value)


def test_unknown_keywords_and_content_type_headers_are_refused(capture: Any) -> None:
    client = _client("sync", capture.endpoint)
    with pytest.raises(TypeError, match="'colour'"):
        client.send_to_all("x", colour="red")
    with pytest.raises(webpubsub.InvalidArgumentError, match="content_type="):
        client.send_to_all("x", headers={"Content-Type": "text/plain"})
    with pytest.raises(TypeError, match="'colour'"):
        _client("sync", capture.endpoint, colour="red")
    client.close()
    assert capture.take() == []


@KINDS
async def test_roles_and_groups_as_a_single_str(kind: str, capture: Any) -> None:
    client = _client(kind, capture.endpoint)
    token = (await _call(kind, client, "get_client_access_token", roles="admin", groups="g1"))[
        "token"
    ]
    await _close(kind, client)
    claims = jwt.decode(token, KEY, algorithms=["HS256"], options={"verify_aud": False})
    assert (claims["role"], claims["webpubsub.group"]) == (["admin"], ["g1"])


def test_http_client_keywords_with_your_own_http_client_are_refused(capture: Any) -> None:
    http = httpx.Client()
    with pytest.raises(webpubsub.InvalidArgumentError, match="read_timeout"):
        _client("sync", capture.endpoint, http_client=http, read_timeout=1)
    http.close()
