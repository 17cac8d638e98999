"""The cookie store of the HTTP clients the SDK creates itself.

httpx looks for cookies in every response by building urllib views of the response and its
request (measured: 18 us a call, about 3% of a sync ``send_to_all``). The Web PubSub REST API
sets no cookies, so our clients skip that work for responses without ``Set-Cookie`` and keep
httpx's behaviour for any that have one. Clients passed in by the caller are left as they are.
"""

from __future__ import annotations

from typing import Any

import httpx


class CookiesWhenSet(httpx.Cookies):
    """``httpx.Cookies`` that reads a response's cookies only if it has a ``Set-Cookie``."""

    def extract_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers:
            super().extract_cookies(response)


class CookiesWhenSetMixin:
    """Gives an ``httpx.Client`` / ``httpx.AsyncClient`` subclass a :class:`CookiesWhenSet`
    store through the public ``cookies`` property (list it before the httpx class)."""

    def __init__(self, *args: Any, cookies: Any = None, **kwargs: Any) -> None:
        self._cookies_when_set = CookiesWhenSet(cookies)
        super().__init__(*args, **kwargs)

    @property
    def cookies(self) -> httpx.Cookies:
        return self._cookies_when_set

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        self._cookies_when_set = CookiesWhenSet(cookies)


class Client(CookiesWhenSetMixin, httpx.Client):
    """``httpx.Client`` with :class:`CookiesWhenSet`."""


class AsyncClient(CookiesWhenSetMixin, httpx.AsyncClient):
    """``httpx.AsyncClient`` with :class:`CookiesWhenSet`."""
