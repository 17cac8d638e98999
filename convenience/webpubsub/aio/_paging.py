"""The async pager, shaped like azure-core's ``AsyncItemPaged``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TYPE_CHECKING

from .._core import Exchange
from .._paging import ConnectionPages, Page, next_exchange

if TYPE_CHECKING:
    # Quoted in base classes: the generated models load with the first page.
    from webpubsub_rest.models import GroupMember

#: Runs one page's exchange (with the call's options) and returns the page.
RunPage = Callable[[Exchange[Page]], Awaitable[Page]]


class _Members(AsyncIterator["GroupMember"]):
    """The members of one fetched page, as an async iterator."""

    def __init__(self, members: list[GroupMember]) -> None:
        self._members: Iterator[GroupMember] = iter(members)

    async def __anext__(self) -> GroupMember:
        try:
            return next(self._members)
        except StopIteration:
            raise StopAsyncIteration from None


class AsyncPageIterator(AsyncIterator[AsyncIterator["GroupMember"]]):
    """Iterates (``async for``) pages, each an async iterator of :class:`GroupMember`.

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

    async def __anext__(self) -> AsyncIterator[GroupMember]:
        exchange = next_exchange(self._pages, self._started, self._last, self.continuation_token)
        if exchange is None:
            raise StopAsyncIteration
        self._started = True
        self._last = await self._run(exchange)
        self.continuation_token = self._last.next_link if self._last.remaining != 0 else None
        return _Members(self._last.members)


class AsyncItemPaged(AsyncIterator["GroupMember"]):
    """Lazily iterates (``async for``) the members of a group across every page."""

    def __init__(self, pages: ConnectionPages, run: RunPage) -> None:
        self._pages = pages
        self._run = run
        self._page_iterator: AsyncPageIterator | None = None
        self._current: AsyncIterator[GroupMember] | None = None

    async def __anext__(self) -> GroupMember:
        if self._page_iterator is None:
            self._page_iterator = self.by_page()
        while True:
            if self._current is not None:
                try:
                    return await self._current.__anext__()
                except StopAsyncIteration:
                    pass
            self._current = await self._page_iterator.__anext__()

    @property
    def continuation_token(self) -> str | None:
        """The continuation token of the page being iterated (see :class:`AsyncPageIterator`)."""
        return None if self._page_iterator is None else self._page_iterator.continuation_token

    def by_page(self, continuation_token: str | None = None) -> AsyncPageIterator:
        """Iterate page by page (each page an async iterator of :class:`GroupMember`),
        starting at the first page or at ``continuation_token`` from an earlier walk."""
        return AsyncPageIterator(self._pages, self._run, continuation_token)
