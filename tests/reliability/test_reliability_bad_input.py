"""Every input error a user can make is refused with a message naming the bad value and the
rule, before anything is sent: a capture server standing in for the service must see zero
requests."""

from __future__ import annotations

from typing import Any

import pytest
import webpubsub
import webpubsub.aio
from webpubsub import InvalidArgumentError, InvalidArgumentTypeError, InvalidConnectionStringError
from webpubsub_rest.spec_facts import DEFAULT_API_VERSION

KEY = "bad-input-test-key-0123456789abcdefghijklmnop"

# (id, connection string, fragment the message must contain)
BAD_CONNECTION_STRINGS = [
    ("missing-endpoint", f"AccessKey={KEY};Version=1.0;", "Endpoint"),
    ("missing-access-key", "Endpoint=http://127.0.0.1:9;Version=1.0;", "AccessKey"),
    ("empty-access-key", "Endpoint=http://127.0.0.1:9;AccessKey=;Version=1.0;", "AccessKey"),
    ("segment-without-equals", f"Endpoint=http://127.0.0.1:9;{KEY};Version=1.0;", "key=value"),
    ("empty-string", "", "Endpoint"),
    ("port-not-a-number", f"Endpoint=http://127.0.0.1;AccessKey={KEY};Port=eighty;", "eighty"),
    ("port-out-of-range", f"Endpoint=http://127.0.0.1;AccessKey={KEY};Port=70000;", "70000"),
]


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(
    ("text", "fragment"),
    [case[1:] for case in BAD_CONNECTION_STRINGS],
    ids=[case[0] for case in BAD_CONNECTION_STRINGS],
)
def test_malformed_connection_strings_are_refused(kind: str, text: str, fragment: str) -> None:
    cls = client_class(kind)
    with pytest.raises(InvalidConnectionStringError) as caught:
        cls.from_connection_string(text, "hub")
    assert fragment in str(caught.value)
    assert KEY not in str(caught.value)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_an_endpoint_with_an_unknown_scheme_is_refused(kind: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        client_class(kind).from_connection_string(f"Endpoint=ftp://host;AccessKey={KEY};", "hub")
    assert "ftp://host" in str(caught.value)
    assert "http" in str(caught.value)


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(
    "hub", ["", "1starts_with_digit", "has-hyphen", "has space", "h" * 129, "_x"]
)
def test_bad_hub_names_are_refused(kind: str, hub: str, capture: Any) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        client_class(kind).from_connection_string(connection_string(capture), hub)
    assert "hub" in str(caught.value)
    assert repr(hub)[:40] in str(caught.value)
    assert capture.requests == []


TOO_LONG_GROUP = "g" * 1025

# (id, method, args, kwargs, error type, fragment the message must contain)
BAD_CALLS: list[tuple[str, str, tuple[Any, ...], dict[str, Any], type[Exception], str]] = [
    ("empty-group", "send_to_group", ("", "m"), {}, InvalidArgumentError, "group ''"),
    ("long-group", "send_to_group", (TOO_LONG_GROUP, "m"), {}, InvalidArgumentError, "1024"),
    ("blank-group", "add_user_to_group", ("   ", "u"), {}, InvalidArgumentError, "'   '"),
    (
        "long-group-join",
        "add_connection_to_group",
        (TOO_LONG_GROUP, "c"),
        {},
        InvalidArgumentError,
        "1024",
    ),
    (
        "empty-group-list",
        "add_connections_to_groups",
        ([], "userId eq 'a'"),
        {},
        InvalidArgumentError,
        "groups",
    ),
    (
        "str-as-group-list",
        "add_connections_to_groups",
        ("g1", "userId eq 'a'"),
        {},
        InvalidArgumentTypeError,
        "'g1'",
    ),
    ("empty-user", "send_to_user", ("", "m"), {}, InvalidArgumentError, "user_id"),
    (
        "empty-connection",
        "send_to_connection",
        ("", "m"),
        {},
        InvalidArgumentError,
        "connection_id",
    ),
    (
        "empty-connection-close",
        "close_connection",
        ("",),
        {},
        InvalidArgumentError,
        "connection_id",
    ),
    ("empty-user-exists", "user_exists", ("",), {}, InvalidArgumentError, "user_id"),
    ("empty-user-join", "add_user_to_group", ("g", ""), {}, InvalidArgumentError, "user_id"),
    (
        "unsupported-content-type",
        "send_to_all",
        ("m",),
        {"content_type": "text/html"},
        InvalidArgumentError,
        "text/html",
    ),
    (
        "not-json-serialisable",
        "send_to_all",
        ({"when": object()},),
        {},
        InvalidArgumentTypeError,
        "JSON",
    ),
    ("set-not-json", "send_to_all", ({1, 2},), {}, InvalidArgumentTypeError, "set"),
    (
        # A dict is form-encoded as text, as the official SDK sends it; a list cannot be.
        "list-as-text",
        "send_to_all",
        ([1, 2],),
        {"content_type": "text/plain"},
        InvalidArgumentTypeError,
        "text/plain",
    ),
    ("none-message", "send_to_all", (None,), {}, InvalidArgumentTypeError, "None"),
    (
        "negative-ttl",
        "send_to_all",
        ("m",),
        {"message_ttl_seconds": -1},
        InvalidArgumentError,
        "-1",
    ),
    (
        "over-limit-ttl",
        "send_to_group",
        ("g", "m"),
        {"message_ttl_seconds": 301},
        InvalidArgumentError,
        "301",
    ),
    (
        "float-ttl",
        "send_to_user",
        ("u", "m"),
        {"message_ttl_seconds": 1.5},
        InvalidArgumentTypeError,
        "message_ttl_seconds",
    ),
    ("unknown-permission", "grant_permission", ("admin", "c"), {}, InvalidArgumentError, "'admin'"),
    (
        "str-excluded",
        "send_to_all",
        ("m",),
        {"excluded": "conn1"},
        InvalidArgumentTypeError,
        "excluded",
    ),
    ("zero-top", "list_connections", (), {"group": "g", "top": 0}, InvalidArgumentError, "top"),
    (
        "zero-page-size",
        "list_connections",
        (),
        {"group": "g", "maxpagesize": 0},
        InvalidArgumentError,
        "maxpagesize",
    ),
]
BAD_TOKEN_LIFETIMES: list[tuple[str, Any, type[Exception]]] = [
    ("zero", 0, InvalidArgumentError),
    ("negative", -5, InvalidArgumentError),
    ("float", 1.5, InvalidArgumentTypeError),
    ("string", "60", InvalidArgumentTypeError),
    ("bool", True, InvalidArgumentTypeError),
]


def client_class(kind: str) -> Any:
    return (
        webpubsub.WebPubSubServiceClient if kind == "sync" else webpubsub.aio.WebPubSubServiceClient
    )


def connection_string(capture: Any) -> str:
    return f"Endpoint={capture.endpoint};AccessKey={KEY};Version=1.0;"


async def invoke(kind: str, capture: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    """Call ``name`` on a fresh client of ``kind`` aimed at the capture server (no retries,
    so an accidental request would show up once and fail fast)."""
    client = client_class(kind).from_connection_string(
        connection_string(capture), "hub", retry_total=0
    )
    try:
        result = getattr(client, name)(*args, **kwargs)
        if name == "list_connections":  # lazy: refusals must come before the first page
            return result
        return await result if kind == "async" else result
    finally:
        if kind == "async":
            await client.close()
        else:
            client.close()


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(
    ("name", "args", "kwargs", "error", "fragment"),
    [case[1:] for case in BAD_CALLS],
    ids=[case[0] for case in BAD_CALLS],
)
async def test_bad_arguments_are_refused_before_sending(
    kind: str,
    name: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    error: type[Exception],
    fragment: str,
    capture: Any,
) -> None:
    with pytest.raises(error) as caught:
        await invoke(kind, capture, name, *args, **kwargs)
    assert isinstance(caught.value, webpubsub.WebPubSubError)
    assert fragment in str(caught.value), str(caught.value)
    assert capture.requests == []


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(
    ("minutes", "error"),
    [case[1:] for case in BAD_TOKEN_LIFETIMES],
    ids=[case[0] for case in BAD_TOKEN_LIFETIMES],
)
async def test_bad_token_lifetimes_are_refused(
    kind: str, minutes: Any, error: type[Exception], capture: Any
) -> None:
    with pytest.raises(error) as caught:
        await invoke(kind, capture, "get_client_access_token", minutes_to_expire=minutes)
    assert "minutes_to_expire" in str(caught.value)
    assert capture.requests == []


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_the_capture_server_does_see_a_valid_call(kind: str, capture: Any) -> None:
    """The control: the same setup with valid arguments does reach the capture server, so
    the zero counts above are meaningful."""
    with pytest.raises(webpubsub.HttpResponseError):
        await invoke(kind, capture, "send_to_group", "g", "m")
    assert capture.requests == [
        f"POST /api/hubs/hub/groups/g/:send?api-version={DEFAULT_API_VERSION}"
    ]
