"""Credentials accepted by the client.

Three kinds are recognised:

* :class:`AzureKeyCredential` (ours) or any object with a ``key`` attribute holding a ``str``
  (so ``azure.core.credentials.AzureKeyCredential`` works unchanged): requests are signed
  locally with HS256 using that access key.
* A Microsoft Entra ID token credential: any object with ``get_token(*scopes)`` returning an
  object with ``token`` (str) and ``expires_on`` (POSIX seconds). The async client also accepts
  a coroutine ``get_token``.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from .exceptions import InvalidArgumentError, InvalidArgumentTypeError

__all__ = [
    "AccessTokenLike",
    "AsyncCredential",
    "AsyncTokenCredential",
    "AzureKeyCredential",
    "Credential",
    "KeyCredential",
    "TokenCredential",
]

#: OAuth scope requested from Entra ID token credentials.
WEBPUBSUB_SCOPE = "https://webpubsub.azure.com/.default"


class AzureKeyCredential:
    """An access key for a Web PubSub resource, replaceable at runtime with :meth:`update`.

    Args:
        key: the access key (``AccessKey`` of the connection string), a non-empty ``str``.

    Raises:
        InvalidArgumentTypeError: ``key`` is not a ``str``.
        InvalidArgumentError: ``key`` is empty.
    """

    __slots__ = ("_key",)

    def __init__(self, key: str) -> None:
        self._key = _checked_key(key)

    @property
    def key(self) -> str:
        """The current access key."""
        return self._key

    def update(self, key: str) -> None:
        """Replace the key, e.g. after rotating it; later requests are signed with the new one.

        Raises:
            InvalidArgumentTypeError: ``key`` is not a ``str``.
            InvalidArgumentError: ``key`` is empty.
        """
        self._key = _checked_key(key)

    def __repr__(self) -> str:
        return "AzureKeyCredential(key=<redacted>)"


def _checked_key(key: object) -> str:
    if not isinstance(key, str):
        raise InvalidArgumentTypeError(f"access key must be a str, got {type(key).__name__}")
    if not key:
        raise InvalidArgumentError("access key must not be empty")
    return key


@runtime_checkable
class KeyCredential(Protocol):
    """Anything exposing the access key as ``.key``."""

    @property
    def key(self) -> str: ...


class AccessTokenLike(Protocol):
    """What ``get_token`` returns: a bearer token and its expiry (POSIX seconds)."""

    @property
    def token(self) -> str: ...

    @property
    def expires_on(self) -> int: ...


@runtime_checkable
class TokenCredential(Protocol):
    """An Entra ID credential such as ``azure.identity.DefaultAzureCredential``."""

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessTokenLike: ...


@runtime_checkable
class AsyncTokenCredential(Protocol):
    """An async Entra ID credential such as ``azure.identity.aio.DefaultAzureCredential``."""

    async def get_token(self, *scopes: str, **kwargs: Any) -> AccessTokenLike: ...


#: What the sync client accepts as ``credential``.
Credential = KeyCredential | TokenCredential
#: What the async client accepts as ``credential``: also an async token credential.
AsyncCredential = KeyCredential | TokenCredential | AsyncTokenCredential
