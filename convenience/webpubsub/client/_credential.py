"""Where the client gets its client access URL (``wss://...?access_token=...``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable


class WebPubSubClientCredential:
    """The client access URL, or a callable returning a fresh one for every new connection.

    A plain URL stops working once its token expires, so a long-lived client should pass a
    callable (e.g. one asking the app server, which calls
    ``WebPubSubServiceClient.get_client_access_token``). Raises ``TypeError`` for anything else.
    """

    def __init__(self, client_access_url_provider: str | Callable[[], str]) -> None:
        if isinstance(client_access_url_provider, str):
            url = client_access_url_provider
            self._provider: Callable[[], str] = lambda: url
        elif callable(client_access_url_provider):
            self._provider = client_access_url_provider
        else:
            raise TypeError(
                "client_access_url_provider must be a str or a callable returning one, not "
                f"{type(client_access_url_provider).__name__}"
            )

    def get_client_access_url(self) -> str:
        """Call the provider; raises ``TypeError`` when it returns no ``str``."""
        return _checked(self._provider())

    def __repr__(self) -> str:
        return "WebPubSubClientCredential(<client access URL hidden>)"


class AsyncWebPubSubClientCredential:
    """The asyncio form: the provider is an async callable (a plain URL works too)."""

    def __init__(self, client_access_url_provider: str | Callable[[], Awaitable[str]]) -> None:
        if isinstance(client_access_url_provider, str):
            url = client_access_url_provider

            async def fixed() -> str:
                return url

            self._provider: Callable[[], Awaitable[str]] = fixed
        elif callable(client_access_url_provider):
            self._provider = client_access_url_provider
        else:
            raise TypeError(
                "client_access_url_provider must be a str or an async callable returning one, "
                f"not {type(client_access_url_provider).__name__}"
            )

    async def get_client_access_url(self) -> str:
        """Await the provider; raises ``TypeError`` when it returns no ``str``."""
        return _checked(await self._provider())

    def __repr__(self) -> str:
        return "WebPubSubClientCredential(<client access URL hidden>)"


def _checked(url: object) -> str:
    if not isinstance(url, str):
        raise TypeError(f"the client access URL provider returned {type(url).__name__}, not a str")
    return url
