"""I/O-free walk over the pages of ``GET /api/hubs/{hub}/groups/{group}/connections``.

The sync and async pagers drive a :class:`ConnectionPages` with their own runner.
"""

from __future__ import annotations

import json
from typing import Any

import attrs
import httpx

from ._core import Call, Exchange, ServiceCore
from .exceptions import ServiceResponseError
from .models import GroupMember


@attrs.frozen
class Page:
    """One page: its members, the link to the next page (``None`` on the last) and how many
    more members the walk may yield (``None``: no ``top`` limit)."""

    members: list[GroupMember]
    next_link: str | None
    remaining: int | None


class ConnectionPages:
    """Produces the exchange for each page, following ``nextLink`` and stopping after ``top``
    members (even if the service keeps offering pages). Holds no walk state, so several
    walks (e.g. two ``by_page()`` loops) may run over one instance."""

    def __init__(
        self,
        core: ServiceCore,
        first_request: httpx.Request,
        top: int | None,
    ) -> None:
        self._core = core
        self._first_request = first_request
        self._top = top

    def first(self) -> Exchange[Page]:
        return self._exchange(self._first_request, self._top)

    def after(self, page: Page) -> Exchange[Page] | None:
        """The exchange for the page after ``page``, or ``None`` when the walk is over."""
        if page.next_link is None or page.remaining == 0:
            return None
        return self._exchange(httpx.Request("GET", self._next_url(page.next_link)), page.remaining)

    def _exchange(self, request: httpx.Request, remaining: int | None) -> Exchange[Page]:
        return self._core.exchange(
            Call(request, (200,), lambda response: _page(response, remaining))
        )

    def _next_url(self, next_link: str) -> httpx.URL:
        # Only the path and query of the link are used: the request always goes to our own
        # base URL, so a signed token is never sent to another host.
        link = httpx.URL(next_link)
        url = httpx.URL(self._core.base_url + link.raw_path.decode("ascii"))
        if "api-version" not in url.params:
            url = url.copy_add_param("api-version", self._core.api_version)
        return url


def _page(response: httpx.Response, remaining: int | None) -> Page:
    try:
        body: Any = json.loads(response.content)
        members = [_member(item) for item in body.get("value", [])]
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        raise ServiceResponseError(
            f"GET {response.request.url.copy_with(query=None)} returned a page that is not "
            f"{{'value': [{{'connectionId': ...}}], 'nextLink': ...}}: {exc!r}"
        ) from None
    if remaining is not None:
        members = members[:remaining]
        remaining -= len(members)
    next_link = body.get("nextLink")
    return Page(members, next_link if isinstance(next_link, str) and next_link else None, remaining)


def _member(item: dict[str, Any]) -> GroupMember:
    return GroupMember(connection_id=item["connectionId"], user_id=item.get("userId"))
