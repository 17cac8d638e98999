"""Access-key JWT checks for the REST API and the client WebSocket endpoint.

Both kinds of token are HS256 JWTs signed with the hub's access key (the key's UTF-8
bytes, as the official SDKs sign). What tells them apart is the audience:

* a REST token's ``aud`` is the full URL of the request it authorises
  (``http://host/api/hubs/h/:send?api-version=...``);
* a client token's ``aud`` is ``<endpoint>/client/hubs/<hub>``.

The audience's path must equal the path of the request that carries the token, segment by
segment (each percent-decoded, so ``a%2Fb`` stays one segment and never matches ``a/b``),
exactly except for the case-insensitive ``/api/hubs/<hub>`` or ``/client/hubs/<hub>`` prefix
(user ids, group names and connection ids are case-sensitive). So a REST token never opens a
client connection, a client token never authorises a REST call, and a token for one user or
group never works on another. The host and scheme are not compared, so
that a reverse proxy in front of the emulator works (the SDK signs with the origin
endpoint, not the proxy's).
If the audience carries a query string it must match the request's query parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import attrs
import jwt

# Clock skew tolerated on exp/nbf, in seconds.
LEEWAY_SECONDS = 5
_AUDIENCE_SCHEMES = frozenset({"http", "https", "ws", "wss"})
_CASELESS_SEGMENTS = 4


class TokenError(Exception):
    """The token is missing, malformed, badly signed, expired or meant for another URL."""


@attrs.frozen
class ClientIdentity:
    """Who a client token says is connecting."""

    user_id: str | None
    roles: tuple[str, ...]
    groups: tuple[str, ...]


def bearer_token(authorization: str | None) -> str:
    """Extract the token from an ``Authorization: Bearer <token>`` header value."""
    if not authorization:
        raise TokenError("missing Authorization header with a Bearer token")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenError("Authorization header must be 'Bearer <token>'")
    return token.strip()


def verify_rest_token(token: str, access_key: str, path: str, query: str) -> dict[str, Any]:
    """Check a REST token against the request path/query; return its claims."""
    claims = _decode(token, access_key)
    _check_audience(claims.get("aud"), path, query)
    return claims


def verify_client_token(token: str, access_key: str, path: str) -> ClientIdentity:
    """Check a client access token for the client endpoint at ``path``; return the identity."""
    claims = _decode(token, access_key)
    _check_audience(claims.get("aud"), path, None)
    user = claims.get("sub")
    if user is not None and not isinstance(user, str):
        raise TokenError("claim 'sub' must be a string")
    return ClientIdentity(
        user_id=user or None,
        roles=_string_list(claims, "role"),
        groups=_string_list(claims, "webpubsub.group"),
    )


def _decode(token: str, access_key: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            access_key.encode("utf-8"),
            algorithms=["HS256"],
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp"], "verify_aud": False},
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("token has expired") from exc
    except jwt.ImmatureSignatureError as exc:
        raise TokenError("token is not valid yet (nbf)") from exc
    except jwt.InvalidAlgorithmError as exc:
        raise TokenError("token must be signed with HS256") from exc
    except jwt.InvalidSignatureError as exc:
        raise TokenError("token signature does not match the access key") from exc
    except jwt.PyJWTError as exc:
        raise TokenError(f"invalid token: {exc}") from exc
    return claims


def _check_audience(aud: object, path: str, query: str | None) -> None:
    audiences: Sequence[object] = aud if isinstance(aud, list) else [aud]
    if not any(isinstance(a, str) and _audience_matches(a, path, query) for a in audiences):
        raise TokenError(f"token audience {aud!r} does not match the requested path {path!r}")


def _audience_matches(aud: str, path: str, query: str | None) -> bool:
    parts = urlsplit(aud)
    if parts.scheme.lower() not in _AUDIENCE_SCHEMES:
        return False
    if _segments(parts.path) != _segments(path):
        return False
    if parts.query and query is not None:
        return _normal_query(parts.query) == _normal_query(query)
    return True


def _segments(path: str) -> list[str]:
    segments = [unquote(segment) for segment in path.rstrip("/").split("/")]
    # "", "api" or "client", "hubs", the hub name: case-insensitive, like hub names
    # (one more for the "clients", "mqtt" / "socketio" endpoints).
    caseless = _CASELESS_SEGMENTS + (len(segments) > 1 and segments[1].lower() == "clients")
    return [s.lower() for s in segments[:caseless]] + segments[caseless:]


def _normal_query(query: str) -> list[tuple[str, str]]:
    return sorted((k.lower(), v.lower()) for k, v in parse_qsl(query, keep_blank_values=True))


def _string_list(claims: dict[str, Any], name: str) -> tuple[str, ...]:
    value = claims.get(name)
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise TokenError(f"claim {name!r} must be a string or a list of strings")


def issue_client_token(
    access_key: str,
    audience: str,
    *,
    user_id: str | None,
    roles: Sequence[str],
    groups: Sequence[str],
    minutes_to_expire: int,
    now: float,
) -> str:
    """Sign a client access token the way the service's ``:generateToken`` does."""
    claims: dict[str, Any] = {
        "aud": audience,
        "iat": int(now),
        "exp": int(now) + minutes_to_expire * 60,
    }
    if user_id:
        claims["sub"] = user_id
    if roles:
        claims["role"] = list(roles)
    if groups:
        claims["webpubsub.group"] = list(groups)
    return jwt.encode(claims, access_key.encode("utf-8"), algorithm="HS256")
