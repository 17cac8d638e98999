"""Pages of ``GET /api/hubs/{hub}/groups/{group}/connections``.

:class:`ConnectionPages` is the I/O-free walk; :class:`ItemPaged` is the sync pager shaped
like azure-core's (``by_page(continuation_token=)``, pages that are iterators, a
``continuation_token``). The async pager lives in :mod:`webpubsub.aio._paging`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import attrs
import httpx

from ._core import Call, Exchange, ServiceCore
from .exceptions import ServiceResponseError

if TYPE_CHECKING:
    # Quoted in base classes: the generated models load with the first page.
    from webpubsub_rest.models import GroupMember


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

    def resume(self, continuation_token: str) -> Exchange[Page]:
        """The exchange for the page a previous walk's ``continuation_token`` points to."""
        return self._exchange(httpx.Request("GET", self._next_url(continuation_token)), None)

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
    # Imported here: the generated models load with the first page, not with the client.
    from webpubsub_rest.models import GroupMemberPage

    try:
        body: Any = json.loads(response.content)
        page = GroupMemberPage.from_dict(body)
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        raise ServiceResponseError(
            f"GET {response.request.url.copy_with(query=None)} returned a page that is not "
            f"{{'value': [{{'connectionId': ...}}], 'nextLink': ...}}: {exc!r}"
        ) from None
    members = page.value
    if remaining is not None:
        members = members[:remaining]
        remaining -= len(members)
    next_link = page.next_link
    return Page(members, next_link if isinstance(next_link, str) and next_link else None, remaining)


#: Runs one page's exchange (with the call's options) and returns the page.
RunPage = Callable[[Exchange[Page]], Page]


class PageIterator(Iterator[Iterator["GroupMember"]]):
    """Iterates pages, each an iterator of :class:`GroupMember`; one ``GET`` per page.

    Attributes:
        continuation_token: the link to the page after the last one returned (``None``
            before the first page and after the last); pass it to ``by_page()`` to resume.
    """

    def __init__(
        self, pages: ConnectionPages, run: RunPage, continuation_token: str | None
    ) -> None:
        self._pages = pages
        self._run = run
        self._last: Page | None = None
        self._started = False
        self.continuation_token = continuation_token

    def __iter__(self) -> Iterator[Iterator[GroupMember]]:
        return self

    def __next__(self) -> Iterator[GroupMember]:
        exchange = next_exchange(self._pages, self._started, self._last, self.continuation_token)
        if exchange is None:
            raise StopIteration
        self._started = True
        self._last = self._run(exchange)
        self.continuation_token = self._last.next_link if self._last.remaining != 0 else None
        return iter(self._last.members)


def next_exchange(
    pages: ConnectionPages, started: bool, last: Page | None, token: str | None
) -> Exchange[Page] | None:
    """The exchange of the next page of a walk, or ``None`` when it is over."""
    if not started:
        return pages.first() if token is None else pages.resume(token)
    return None if last is None else pages.after(last)


class ItemPaged(Iterator["GroupMember"]):
    """Lazily iterates the members of a group across every page of the listing, like
    azure-core's ``ItemPaged``.

    Pages are fetched only as iteration reaches them; :meth:`by_page` iterates page by page.
    Raises the same errors as the client's other calls, at the point a page is fetched.
    """

    def __init__(self, pages: ConnectionPages, run: RunPage) -> None:
        self._pages = pages
        self._run = run
        self._page_iterator: PageIterator | None = None
        self._items: Iterator[GroupMember] | None = None

    def __iter__(self) -> Iterator[GroupMember]:
        return self

    def __next__(self) -> GroupMember:
        if self._items is None:
            self._page_iterator = self.by_page()
            self._items = (member for page in self._page_iterator for member in page)
        return next(self._items)

    @property
    def continuation_token(self) -> str | None:
        """The continuation token of the page being iterated (see :class:`PageIterator`)."""
        return None if self._page_iterator is None else self._page_iterator.continuation_token

    def by_page(self, continuation_token: str | None = None) -> PageIterator:
        """Iterate page by page (each page an iterator of :class:`GroupMember`), starting at
        the first page or at ``continuation_token`` from an earlier walk."""
        return PageIterator(self._pages, self._run, continuation_token)
