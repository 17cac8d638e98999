"""HS256 JSON Web Tokens signed with the access key, through PyJWT.

PyJWT is imported on first use: it costs ~45 ms to import and many programs import
``webpubsub`` without ever signing (Entra ID credentials, CLI ``--help``).
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Mapping
from typing import Any

#: Lifetime of the per-request service token, as the official SDK uses.
SERVICE_TOKEN_LIFETIME_SECONDS = 60
#: A cached service token is reused only while it still has this much life left, so clock
#: skew and slow networks never present an expired token.
_REUSE_MARGIN_SECONDS = 30
_CACHE_LIMIT = 1024


#: Prepared HMAC keys kept at most (one per access key in use; rotation adds one).
_PREPARED_KEYS_LIMIT = 16


@functools.cache
def _jws() -> Any:
    """PyJWT's JWS layer with HS256 only, its key preparation done once per access key.

    PyJWT prepares the key on every ``encode`` (it checks the secret is not a PEM, SSH, DER or
    JWK key): measured, that is a quarter of the cost of a client access token, for a result
    that never changes while the key does not.
    """
    from jwt import PyJWS
    from jwt.algorithms import HMACAlgorithm

    class PreparedKeyHS256(HMACAlgorithm):
        def __init__(self) -> None:
            super().__init__(HMACAlgorithm.SHA256)
            self._prepared: dict[str | bytes, bytes] = {}

        def prepare_key(self, key: str | bytes) -> bytes:
            prepared = self._prepared.get(key)
            if prepared is None:
                prepared = super().prepare_key(key)  # raises as PyJWT does for a bad key
                if len(self._prepared) >= _PREPARED_KEYS_LIMIT:
                    self._prepared.clear()
                self._prepared[key] = prepared
            return prepared

        def check_key_length(self, key: bytes) -> str | None:
            # The service issues the access key and checks the signature; PyJWT's warning
            # about a short HMAC key would only reach users as noise from inside the SDK.
            return None

        def __repr__(self) -> str:
            return "PreparedKeyHS256(keys=<redacted>)"

    jws = PyJWS(algorithms=["HS256"])
    jws.unregister_algorithm("HS256")
    jws.register_algorithm("HS256", PreparedKeyHS256())
    return jws


def encode_hs256(
    claims: Mapping[str, Any], key: str, extra_headers: Mapping[str, Any] | None = None
) -> str:
    """Return a compact JWS of ``claims`` signed with HMAC-SHA256 over ``key`` (UTF-8).

    The claims are serialised here and signed through PyJWT's JWS layer: our claims are plain
    JSON values, so PyJWT's JWT layer (claim type checks, datetime conversion, a copy of the
    payload) would only add a third to the cost of every client access token.
    """
    payload = json.dumps(claims, separators=(",", ":")).encode()
    token: str = _jws().encode(
        payload, key, algorithm="HS256", headers=dict(extra_headers) if extra_headers else None
    )
    return token


class ServiceTokenSigner:
    """Signs the ``Authorization`` token of REST calls, caching one token per audience.

    The audience is the full request URL, so repeated identical calls (the common case in a
    hot loop) reuse a token for up to ``SERVICE_TOKEN_LIFETIME_SECONDS - _REUSE_MARGIN_SECONDS``.
    Rotating the key (``credential.update``) empties the cache.
    """

    __slots__ = ("_cache", "_cached_key", "_credential")

    def __init__(self, credential: Any) -> None:
        self._credential = credential
        self._cached_key: str | None = None
        self._cache: dict[str, tuple[str, float]] = {}

    def token_for(self, audience: str) -> str:
        key: str = self._credential.key
        now = time.time()
        if key is not self._cached_key:
            self._cache.clear()
            self._cached_key = key
        else:
            hit = self._cache.get(audience)
            if hit is not None and hit[1] > now:
                return hit[0]
        expires = int(now) + SERVICE_TOKEN_LIFETIME_SECONDS
        token = encode_hs256({"aud": audience, "exp": expires}, key)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[audience] = (token, expires - _REUSE_MARGIN_SECONDS)
        return token

    def __repr__(self) -> str:
        return "ServiceTokenSigner(key=<redacted>)"
