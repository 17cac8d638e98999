"""The same call sends the same request: our client and the official
azure-messaging-webpubsubservice 1.3.0 client (sync with sync, aio with aio) make every call
of the matrix against one capture server on 127.0.0.1, and each pair of requests must agree
on method, raw path, query values, content type and body bytes. A call the official client
refuses must be refused by ours with the same builtin exception class, sending nothing.

The only differences allowed are the ones the README's migration section lists, each
asserted here in its exact form. One of them is the default api-version: ours is the newest in
our spec, the official client's is fixed in its release, so requests are compared without it and
the version each client sent is checked on its own (the one passed, else each one's default)."""

from __future__ import annotations

import io
import itertools
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, parse_qsl

import jwt
import pytest
import webpubsub
import webpubsub.aio
from azure.core.credentials import AzureKeyCredential as CoreKeyCredential
from azure.messaging.webpubsubservice import WebPubSubServiceClient as OfficialClient
from azure.messaging.webpubsubservice.aio import WebPubSubServiceClient as OfficialAsyncClient
from webpubsub_rest.spec_facts import API_VERSIONS, DEFAULT_API_VERSION

#: An api-version other than the default, to see it on the wire.
OLDER_API_VERSION = API_VERSIONS[0]

KEY = "matrix-test-access-key-0123456789abcdef"
HUB = "matrixHub"

#: Message kinds, as factories (file objects are consumed by a send).
MESSAGES: dict[str, Callable[[], Any]] = {
    "str": lambda: "hello",
    "str-unicode": lambda: "héllo ☃",
    "str-json-text": lambda: '{"a": 1}',
    "str-empty": lambda: "",
    "dict": lambda: {"a": 1, "b": "é"},
    "dict-nested": lambda: {"n": {"x": [1, None]}, "t": True},
    "list": lambda: [1, "x", None],
    "int": lambda: 42,
    "float": lambda: 2.5,
    "bool": lambda: False,
    "bytes": lambda: b"\x00\xffbin",
    "bytearray": lambda: bytearray(b"ba"),
    "text-file": lambda: io.StringIO('{"k": "e"}'),
    "text-file-unicode": lambda: io.StringIO('{"k": "é"}'),
    "binary-file": lambda: io.BytesIO(b'{"k": 2}'),
}
CONTENT_TYPES = [None, "text/plain", "application/json", "application/octet-stream"]

#: (operation, positional args before the message, keyword args)
SENDS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("send_to_all", (), {}),
    ("send_to_user", ("user 1",), {"filter": "'g' in groups"}),
    ("send_to_group", ("grp/x",), {"excluded": ["c1", "c 2"]}),
    ("send_to_connection", ("conn1",), {}),
]

Case = tuple[str, str, tuple[Any, ...], Callable[[], dict[str, Any]]]


def _send_cases() -> list[Case]:
    cases: list[Case] = []
    for (op, before, extra), (kind, make), content_type in itertools.product(
        SENDS, MESSAGES.items(), CONTENT_TYPES
    ):
        ct = {} if content_type is None else {"content_type": content_type}

        def kwargs(make: Callable[[], Any] = make, ct: Any = ct, extra: Any = extra) -> Any:
            return {"__message__": make(), **ct, **extra}

        cases.append((f"{op}/{kind}/{content_type}", op, before, kwargs))
    for kind in ("str", "dict", "bytes", "binary-file"):
        make = MESSAGES[kind]
        cases.append(
            (
                f"send_to_all/{kind}/json-charset",
                "send_to_all",
                (),
                lambda make=make: {  # type: ignore[misc]
                    "__message__": make(),
                    "content_type": "application/json; charset=utf-8",
                    "filter": "userId ne 'x'",
                    "excluded": ["c1"],
                },
            )
        )
    return cases


OTHER_CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("add_user_to_group", ("grp", "user/1"), {}),
    ("remove_user_from_group", ("grp", "user1"), {}),
    ("remove_user_from_all_groups", ("user 1",), {}),
    ("add_connection_to_group", ("grp x", "conn1"), {}),
    ("remove_connection_from_group", ("grp", "conn1"), {}),
    ("remove_connection_from_all_groups", ("conn1",), {}),
    ("connection_exists", ("conn1",), {}),
    ("user_exists", ("user1",), {}),
    ("group_exists", ("grp",), {}),
    ("close_all_connections", (), {"excluded": ["c1", "c2"], "reason": "maintenance"}),
    ("close_all_connections", (), {}),
    ("close_user_connections", ("user1",), {"excluded": ["c1"], "reason": "r r"}),
    ("close_group_connections", ("grp",), {"reason": "x"}),
    ("close_connection", ("conn1",), {"reason": "bye"}),
    ("close_connection", ("conn1",), {}),
    ("grant_permission", ("sendToGroup", "conn1"), {"target_name": "grp"}),
    ("grant_permission", ("joinLeaveGroup", "conn1"), {}),
    ("revoke_permission", ("joinLeaveGroup", "conn1"), {"target_name": "g 1"}),
    ("has_permission", ("sendToGroup", "conn1"), {"target_name": "grp"}),
    ("list_connections", (), {"group": "grp", "top": 5}),
    ("list_connections", (), {"group": "grp"}),
    ("send_to_all", ("x",), {"headers": {"x-custom": "1"}, "params": {"extra": "v"}}),
]

#: Constructor variants, each exercised with a few calls.
VARIANTS: dict[str, Callable[[str], tuple[str, dict[str, Any]]]] = {
    "default": lambda capture: (capture, {}),
    "api_version": lambda capture: (capture, {"api_version": OLDER_API_VERSION}),
    "port": lambda capture: (
        capture.rsplit(":", 1)[0],
        {"port": int(capture.rsplit(":", 1)[1])},
    ),
    "reverse_proxy": lambda capture: (
        "https://contoso.webpubsub.azure.com",
        {"reverse_proxy_endpoint": capture},
    ),
}
VARIANT_CALLS = [
    ("send_to_all", ("hi",), {}),
    ("send_to_group", ("g", {"a": 1}), {"content_type": "application/json"}),
    ("add_user_to_group", ("g", "u"), {}),
    ("connection_exists", ("c",), {}),
    ("close_connection", ("c",), {"reason": "r"}),
    ("list_connections", (), {"group": "g", "top": 2}),
]


def _all_cases() -> list[tuple[str, str, Case]]:
    """(variant, case id, case) for the whole matrix."""
    cases = [("default", case[0], case) for case in _send_cases()]
    for op, args, kwargs in OTHER_CALLS:
        cases.append(
            ("default", f"{op}{args}{kwargs}", (op, op, args, lambda kwargs=kwargs: dict(kwargs)))
        )
    for variant in VARIANTS:
        for op, args, kwargs in VARIANT_CALLS:
            case_id = f"{variant}:{op}{args}"
            cases.append(
                (variant, case_id, (case_id, op, args, lambda kwargs=kwargs: dict(kwargs)))
            )
    return cases


ALL_CASES = _all_cases()


def _split(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    if "__message__" in kwargs:
        kwargs = dict(kwargs)
        return (*args, kwargs.pop("__message__")), kwargs
    return args, kwargs


def _call_sync(client: Any, op: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    result = getattr(client, op)(*args, **kwargs)
    return [(m.connection_id, m.user_id) for m in result] if op == "list_connections" else result


async def _call_async(client: Any, op: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if op == "list_connections":
        return [(m.connection_id, m.user_id) async for m in client.list_connections(**kwargs)]
    return await getattr(client, op)(*args, **kwargs)


def _signature(captured: list[Any]) -> list[tuple[Any, ...]]:
    """Each request as compared; its api-version is checked apart (see the module's note)."""
    return [
        (
            r.method,
            r.path,
            sorted(
                (name, value)
                for name, value in parse_qsl(r.query, keep_blank_values=True)
                if name != "api-version"
            ),
            r.content_type,
            r.body,
        )
        for r in captured
    ]


def _api_versions(captured: list[Any]) -> set[str]:
    return {value for r in captured for value in parse_qs(r.query).get("api-version", [])}


def _outcome(error: BaseException | None, result: Any, captured: list[Any]) -> tuple[Any, ...]:
    if error is not None:
        kind = "TypeError" if isinstance(error, TypeError) else type(error).__mro__[1].__name__
        if isinstance(error, ValueError):
            kind = "ValueError"
        return ("refused", kind, _signature(captured))
    return ("sent", result, _signature(captured))


def _assert_ours_signed_for_the_origin(captured: list[Any], origin: str) -> None:
    for request in captured:
        token = request.headers["authorization"].removeprefix("Bearer ")
        claims = jwt.decode(token, KEY, algorithms=["HS256"], options={"verify_aud": False})
        url = origin.rstrip("/") + request.path + (f"?{request.query}" if request.query else "")
        assert claims["aud"] == url
        assert 0 < claims["exp"] - time.time() <= 61


def _allowed_difference(kind: str, case_id: str, ours: Any, theirs: Any) -> bool:
    """The differences the README lists (see "Migrating from the official SDK"): the
    official client sends some non-ASCII text with a Content-Length counted in characters
    (sync: text files; aio: a str with a text or binary content type),
    so the service gets the UTF-8 body cut short; ours sends it whole."""
    parts = case_id.split("/", 2)
    if len(parts) != 3:
        return False
    _, message_kind, content_type = parts
    cut_short = (kind == "sync" and message_kind == "text-file-unicode") or (
        kind == "async"
        and message_kind == "str-unicode"
        and content_type in ("text/plain", "application/octet-stream")
    )
    if not cut_short:
        return False
    ((*head, our_body),), ((*their_head, their_body),) = ours[2], theirs[2]
    return head == their_head and our_body.startswith(their_body) and our_body != their_body


def _variant_clients(kind: str, variant: str, capture: str) -> tuple[Any, Any, str]:
    endpoint, options = VARIANTS[variant](capture)
    ours_cls = (
        webpubsub.WebPubSubServiceClient if kind == "sync" else webpubsub.aio.WebPubSubServiceClient
    )
    theirs_cls = OfficialClient if kind == "sync" else OfficialAsyncClient
    ours = ours_cls(endpoint, HUB, webpubsub.AzureKeyCredential(KEY), retry_total=0, **options)
    theirs = theirs_cls(endpoint, HUB, CoreKeyCredential(KEY), retry_total=0, **options)
    origin = endpoint if "port" not in options else f"{endpoint}:{options['port']}"
    return ours, theirs, origin


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_the_whole_matrix_puts_the_same_requests_on_the_wire(kind: str, capture: Any) -> None:
    assert len(ALL_CASES) >= 150
    differences: list[str] = []
    allowed: list[str] = []
    clients: dict[str, tuple[Any, Any, str]] = {}
    #: (variant, "ours" or "official") -> the api-versions its requests carried
    versions: dict[tuple[str, str], set[str]] = {}
    try:
        for variant, case_id, (_, op, args, make_kwargs) in ALL_CASES:
            if variant not in clients:
                clients[variant] = _variant_clients(kind, variant, capture.endpoint)
            ours, theirs, origin = clients[variant]
            outcomes = []
            for client in (ours, theirs):
                call_args, call_kwargs = _split(args, make_kwargs())
                error: BaseException | None = None
                result: Any = None
                try:
                    if kind == "sync":
                        result = _call_sync(client, op, call_args, call_kwargs)
                    else:
                        result = await _call_async(client, op, call_args, call_kwargs)
                except (TypeError, ValueError) as exc:
                    error = exc
                captured = capture.take()
                if client is ours:
                    _assert_ours_signed_for_the_origin(captured, origin)
                side = "ours" if client is ours else "official"
                versions.setdefault((variant, side), set()).update(_api_versions(captured))
                outcomes.append(_outcome(error, result, captured))
            mine, official = outcomes
            if mine == official:
                continue
            if _allowed_difference(kind, case_id, mine, official):
                allowed.append(case_id)
            else:
                differences.append(f"{case_id}:\n  ours:     {mine}\n  official: {official}")
    finally:
        for ours, theirs, _ in clients.values():
            if kind == "sync":
                ours.close()
                theirs.close()
            else:
                await ours.close()
                await theirs.close()
    assert not differences, f"{len(differences)} differences:\n" + "\n".join(differences)
    # The api-version: the one passed, on both sides; else ours is our spec's default and the
    # official client's is its own fixed default, one that our spec also lists.
    assert versions.pop(("api_version", "ours")) == {OLDER_API_VERSION}
    assert versions.pop(("api_version", "official")) == {OLDER_API_VERSION}
    official_defaults = set().union(*(v for (_, side), v in versions.items() if side == "official"))
    assert len(official_defaults) == 1 and official_defaults <= set(API_VERSIONS)
    ours_defaults = set().union(*(v for (_, side), v in versions.items() if side == "ours"))
    assert ours_defaults == {DEFAULT_API_VERSION}
    # Exactly the README-listed cases differ: sync, 4 operations x a text file with non-ASCII
    # content x 4 content types; aio, 4 operations x a non-ASCII str x text/octet-stream.
    assert len(allowed) == (16 if kind == "sync" else 8)


async def test_the_listed_differences_are_as_the_readme_says(capture: Any) -> None:
    ours = webpubsub.WebPubSubServiceClient(
        capture.endpoint, HUB, webpubsub.AzureKeyCredential(KEY), retry_total=0
    )
    theirs = OfficialClient(capture.endpoint, HUB, CoreKeyCredential(KEY), retry_total=0)

    # message=None: refused by ours, an empty JSON request from the official client.
    with pytest.raises(TypeError):
        ours.send_to_all(None)  # type: ignore[arg-type]
    assert capture.take() == []
    theirs.send_to_all(None)
    (sent,) = capture.take()
    assert (sent.content_type, sent.body) == ("application/json", b"")

    # message_ttl_seconds: sent by ours, a TypeError from the official 1.3.0 client.
    ours.send_to_all("x", message_ttl_seconds=5)
    assert dict(parse_qsl(capture.take()[0].query))["messageTtlSeconds"] == "5"
    with pytest.raises(TypeError):
        theirs.send_to_all("x", message_ttl_seconds=5)

    # roles / groups as one str: a one-item list claim; the official client's bare string.
    claims = [
        jwt.decode(
            client.get_client_access_token(roles="admin", groups="g1")["token"],
            KEY,
            algorithms=["HS256"],
            options={"verify_aud": False},
        )
        for client in (ours, theirs)
    ]
    assert [(c["role"], c["webpubsub.group"]) for c in claims] == [
        (["admin"], ["g1"]),
        ("admin", "g1"),
    ]

    # headers={"Content-Type": ...}: refused by ours, read as the content type by theirs.
    with pytest.raises(webpubsub.InvalidArgumentError, match="content_type="):
        ours.send_to_all("x", headers={"Content-Type": "text/plain"})
    theirs.send_to_all("x", headers={"Content-Type": "text/plain"})
    (sent,) = capture.take()
    assert (sent.content_type, sent.body) == ("text/plain", b"x")
    ours.close()
    theirs.close()

    # port= with an endpoint that already has one: ours replaces it, theirs appends another.
    port = int(capture.endpoint.rsplit(":", 1)[1])
    replaced = webpubsub.WebPubSubServiceClient(
        "http://127.0.0.1:1", HUB, webpubsub.AzureKeyCredential(KEY), port=port
    )
    assert replaced.endpoint == capture.endpoint
    replaced.close()
    appended = OfficialClient("http://127.0.0.1:1", HUB, CoreKeyCredential(KEY), port=port)
    assert appended._config.endpoint == f"http://127.0.0.1:1:{port}"
    appended.close()
