"""Our requests match the official azure-messaging-webpubsubservice 1.3.0 client's on the
wire: both clients talk to the same recording server on 127.0.0.1 and every request pair
must agree on method, path, query, content type, body and the signed JWT."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qsl

import jwt
import pytest
import webpubsub
from azure.core.credentials import AzureKeyCredential as AzureCoreKeyCredential
from azure.messaging.webpubsubservice import WebPubSubServiceClient as OfficialClient
from webpubsub_rest.spec_facts import DEFAULT_API_VERSION

KEY = "parity-test-access-key-0123456789abcdef"
HUB = "parityHub"

# (operation, positional args, keyword args) called identically on both clients.
CASES: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("send_to_all", ("hello",), {"content_type": "text/plain"}),
    ("send_to_all", ({"a": [1, 2], "b": "é"},), {}),
    ("send_to_all", (b"\x00\x01binary",), {"content_type": "application/octet-stream"}),
    (
        "send_to_all",
        ("x",),
        {"content_type": "text/plain", "excluded": ["c1", "c 2"], "filter": "userId eq 'a b'"},
    ),
    ("send_to_user", ("user 1", {"k": "v"}), {"filter": "'g' in groups"}),
    ("send_to_group", ("a b/c", "text"), {"content_type": "text/plain", "excluded": ["c1"]}),
    ("send_to_connection", ("conn1", {"x": 1}), {}),
    ("add_user_to_group", ("grp", "user/1"), {}),
    ("remove_user_from_group", ("grp", "user1"), {}),
    ("remove_user_from_all_groups", ("user1",), {}),
    ("add_connection_to_group", ("grp", "conn1"), {}),
    ("remove_connection_from_group", ("grp", "conn1"), {}),
    ("remove_connection_from_all_groups", ("conn1",), {}),
    ("connection_exists", ("conn1",), {}),
    ("user_exists", ("user1",), {}),
    ("group_exists", ("grp",), {}),
    ("close_all_connections", (), {"excluded": ["c1", "c2"], "reason": "maintenance"}),
    ("close_user_connections", ("user1",), {"excluded": ["c1"], "reason": "r r"}),
    ("close_group_connections", ("grp",), {"reason": "x"}),
    ("close_connection", ("conn1",), {"reason": "bye"}),
    ("grant_permission", ("sendToGroup", "conn1"), {"target_name": "grp"}),
    ("revoke_permission", ("joinLeaveGroup", "conn1"), {}),
    ("has_permission", ("sendToGroup", "conn1"), {"target_name": "grp"}),
    ("list_connections", (), {"group": "grp", "top": 5}),
]


def _call(client: Any, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    result = getattr(client, name)(*args, **kwargs)
    return list(result) if name == "list_connections" else result


async def _call_ours(kind: str, client: Any, name: str, args: Any, kwargs: Any) -> Any:
    if kind == "sync":
        return _call(client, name, args, kwargs)
    if name == "list_connections":
        return [member async for member in client.list_connections(**kwargs)]
    return await getattr(client, name)(*args, **kwargs)


def _normalised_body(content_type: str | None, body: bytes) -> Any:
    return json.loads(body) if content_type == "application/json" else body


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_every_operation_matches_the_official_client(kind: str, recorder: Any) -> None:
    ours_cls = (
        webpubsub.WebPubSubServiceClient if kind == "sync" else webpubsub.aio.WebPubSubServiceClient
    )
    ours = ours_cls(recorder.endpoint, HUB, webpubsub.AzureKeyCredential(KEY), retry_total=0)
    # Same api-version on both sides: ours follows the spec, which may be ahead of 1.3.0.
    official = OfficialClient(
        recorder.endpoint,
        HUB,
        AzureCoreKeyCredential(KEY),
        retry_total=0,
        api_version=DEFAULT_API_VERSION,
    )
    try:
        for name, args, kwargs in CASES:
            ours_result = await _call_ours(kind, ours, name, args, kwargs)
            official_result = _call(official, name, args, kwargs)
            if name == "list_connections":
                assert [(m.connection_id, m.user_id) for m in ours_result] == [
                    (m.connection_id, m.user_id) for m in official_result
                ]
            else:
                assert ours_result == official_result, name
    finally:
        if kind == "sync":
            ours.close()
        else:
            await ours.close()
        official.close()

    assert len(recorder.requests) == 2 * len(CASES)
    for (name, _, _), mine, theirs in zip(
        CASES, recorder.requests[0::2], recorder.requests[1::2], strict=True
    ):
        assert (mine.method, mine.path) == (theirs.method, theirs.path), name
        assert sorted(parse_qsl(mine.query)) == sorted(parse_qsl(theirs.query)), name
        assert mine.content_type == theirs.content_type, name
        assert _normalised_body(mine.content_type, mine.body) == _normalised_body(
            theirs.content_type, theirs.body
        ), name
        for request in (mine, theirs):
            _assert_signed_for(request, recorder.endpoint)


def _assert_signed_for(request: Any, endpoint: str) -> None:
    token = request.authorization.removeprefix("Bearer ")
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = jwt.decode(token, KEY, algorithms=["HS256"], options={"verify_aud": False})
    url = endpoint + request.path + (f"?{request.query}" if request.query else "")
    assert claims["aud"] == url
    assert 0 < claims["exp"] - time.time() <= 61


async def test_message_ttl_is_sent_as_a_query_parameter(recorder: Any) -> None:
    # The official 1.3.0 send methods drop message_ttl_seconds, so this is checked on its own.
    client = webpubsub.aio.WebPubSubServiceClient(
        recorder.endpoint, HUB, webpubsub.AzureKeyCredential(KEY)
    )
    async with client:
        await client.send_to_connection("c1", "x", message_ttl_seconds=0)
        await client.send_to_group("g", "x", message_ttl_seconds=300)
    assert [dict(parse_qsl(r.query)).get("messageTtlSeconds") for r in recorder.requests] == [
        "0",
        "300",
    ]


def test_client_access_token_claims_match_the_official_client() -> None:
    endpoint = "https://Contoso.WebPubSub.Azure.com/"
    kwargs: dict[str, Any] = {
        "user_id": "alice",
        "roles": ["webpubsub.sendToGroup", "webpubsub.joinLeaveGroup.g1"],
        "groups": ["g1", "g2"],
        "minutes_to_expire": 5,
    }
    ours = webpubsub.WebPubSubServiceClient(endpoint, HUB, webpubsub.AzureKeyCredential(KEY))
    official = OfficialClient(endpoint, HUB, AzureCoreKeyCredential(KEY))
    for protocol in ("Default", "MQTT", "SocketIO"):
        mine = ours.get_client_access_token(client_protocol=protocol, **kwargs)
        theirs = official.get_client_access_token(client_protocol=protocol, **kwargs)
        assert mine["baseUrl"] == theirs["baseUrl"]
        mine_claims, their_claims = (
            jwt.decode(t["token"], KEY, algorithms=["HS256"], options={"verify_aud": False})
            for t in (mine, theirs)
        )
        for claims in (mine_claims, their_claims):
            assert claims["exp"] - claims["iat"] == 300
        for name in ("aud", "sub", "role", "webpubsub.group"):
            assert mine_claims[name] == their_claims[name], name
    with_headers = ours.get_client_access_token(jwt_headers={"kid": "key-1"})
    assert jwt.get_unverified_header(with_headers["token"])["kid"] == "key-1"
    ours.close()
    official.close()
