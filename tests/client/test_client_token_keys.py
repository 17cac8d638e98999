"""Client access tokens follow the access key: PyJWT's prepared key is reused per key, never
across keys."""

from __future__ import annotations

import jwt
import pytest
import webpubsub

_FIRST_KEY = "first-access-key-0123456789abcdef0123456789"
_SECOND_KEY = "second-access-key-0123456789abcdef012345678"


def _claims(token: str, key: str) -> dict[str, object]:
    decoded: dict[str, object] = jwt.decode(
        token, key, algorithms=["HS256"], options={"verify_aud": False}
    )
    return decoded


def test_tokens_are_signed_with_the_current_key_after_rotation() -> None:
    credential = webpubsub.AzureKeyCredential(_FIRST_KEY)
    with webpubsub.WebPubSubServiceClient("http://127.0.0.1:9", "hub", credential) as client:
        first = client.get_client_access_token(user_id="u1")["token"]
        credential.update(_SECOND_KEY)
        second = client.get_client_access_token(user_id="u1")["token"]
        credential.update(_FIRST_KEY)
        third = client.get_client_access_token(user_id="u1")["token"]
    assert _claims(first, _FIRST_KEY)["sub"] == "u1"
    assert _claims(second, _SECOND_KEY)["sub"] == "u1"
    assert _claims(third, _FIRST_KEY)["sub"] == "u1"
    with pytest.raises(jwt.InvalidSignatureError):
        _claims(second, _FIRST_KEY)


def test_two_clients_with_different_keys_sign_with_their_own() -> None:
    clients = [
        webpubsub.WebPubSubServiceClient(
            "http://127.0.0.1:9", "hub", webpubsub.AzureKeyCredential(key)
        )
        for key in (_FIRST_KEY, _SECOND_KEY)
    ]
    for _ in range(3):  # interleaved, so a cache keyed wrongly would hand over the other key
        for client, key in zip(clients, (_FIRST_KEY, _SECOND_KEY), strict=True):
            token = client.get_client_access_token(roles=["webpubsub.sendToGroup"])["token"]
            assert _claims(token, key)["role"] == ["webpubsub.sendToGroup"]
    for client in clients:
        client.close()
