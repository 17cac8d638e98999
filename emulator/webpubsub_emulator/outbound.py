"""Bounds on what the emulator holds for one client: its outbound queue and replay buffer.

As Microsoft's emulator states them: at most ``MAX_QUEUED_MESSAGES`` messages or
``MAX_QUEUED_BYTES`` bytes wait to be written to one socket, and a reliable connection keeps
at most as many unacknowledged messages. A client past either bound is closed instead of
growing the emulator's memory without end.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any, cast

MAX_QUEUED_MESSAGES = 1000
MAX_QUEUED_BYTES = 16 * 1024 * 1024

SendEvent = dict[str, Any]


def event_size(event: SendEvent) -> int:
    """Approximate size in bytes of an ASGI send event's payload (characters for text)."""
    data = event.get("text")
    if data is None:
        data = event.get("bytes")
    return 0 if data is None else len(data)


class OutboundQueue:
    """A FIFO of send events that refuses to grow past the bounds (``append`` returns False).

    Most sockets never queue anything, so the deque (about 600 bytes even when empty) is made
    on the first ``append``.
    """

    __slots__ = ("_bytes", "_events", "_max_bytes", "_max_messages")

    def __init__(
        self, max_messages: int = MAX_QUEUED_MESSAGES, max_bytes: int = MAX_QUEUED_BYTES
    ) -> None:
        self._events: deque[SendEvent] | None = None
        self._bytes = 0
        self._max_messages = max_messages
        self._max_bytes = max_bytes

    def __len__(self) -> int:
        return 0 if self._events is None else len(self._events)

    @property
    def queued_bytes(self) -> int:
        return self._bytes

    def append(self, event: SendEvent) -> bool:
        """Queue ``event``; False (nothing queued) when that would pass either bound."""
        size = event_size(event)
        events = self._events
        if events is None:
            events = self._events = deque()
        if len(events) >= self._max_messages or self._bytes + size > self._max_bytes:
            return False
        events.append(event)
        self._bytes += size
        return True

    def popleft(self) -> SendEvent:
        """The oldest event; raises IndexError when empty."""
        if self._events is None:
            raise IndexError("pop from an empty OutboundQueue")
        event = self._events.popleft()
        self._bytes -= event_size(event)
        return event

    def clear(self) -> None:
        self._events = None
        self._bytes = 0


def transport_aborter(receive: Callable[..., Any]) -> Callable[[], None] | None:
    """A function that drops the client's TCP connection at once, when served by uvicorn.

    uvicorn's ASGI ``receive`` is a bound method of the protocol object holding the
    transport; any other server gets None (the socket can then only be closed politely).
    """
    transport = getattr(getattr(receive, "__self__", None), "transport", None)
    abort = getattr(transport, "abort", None)
    return cast("Callable[[], None]", abort) if callable(abort) else None
