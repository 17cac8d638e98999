"""Ack bookkeeping: the ack ids in flight and what each one's waiter is told.

Generic over the waiter the face uses (a thread event, an asyncio future). A ``Duplicate``
error means the service already applied this ack id (a re-send after a lost ack), so it counts
as success, as in the official client.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from ..models import AckMessageError
from ._messages import Ack

W = TypeVar("W")

#: ``error_detail.name`` when the connection went away before the ack came.
NO_ACK = "NoAckMessageReceivedFromServer"


def connection_lost_error() -> AckMessageError:
    return AckMessageError(
        name=NO_ACK,
        message="The connection was lost before the service acknowledged the message.",
    )


class AckBook(Generic[W]):
    """Ack ids are allocated from 1 upwards for the client's whole life (never reused, so a
    re-send after a reconnect keeps its id and the service can de-duplicate it)."""

    def __init__(self) -> None:
        self._last_id = 0
        self._pending: dict[int, W] = {}

    def next_id(self) -> int:
        self._last_id += 1
        return self._last_id

    def add(self, ack_id: int, waiter: W) -> None:
        """Raises ``ValueError`` when ``ack_id`` is already waiting for its ack."""
        if ack_id in self._pending:
            raise ValueError(f"ack_id {ack_id} is already in flight; give each message its own")
        self._pending[ack_id] = waiter

    def discard(self, ack_id: int) -> None:
        self._pending.pop(ack_id, None)

    def settle(self, ack: Ack) -> tuple[W, AckMessageError | None] | None:
        """The waiter of ``ack`` with its error (None on success or ``Duplicate``); None when
        nobody waits for this id (an ack after a timeout)."""
        waiter = self._pending.pop(ack.ack_id, None)
        if waiter is None:
            return None
        if ack.success or (ack.error is not None and ack.error.name == "Duplicate"):
            return waiter, None
        return waiter, ack.error or AckMessageError(name="", message="the service refused it")

    def drain(self) -> list[W]:
        """Every waiter still pending (the connection is gone), removed from the book."""
        waiters = list(self._pending.values())
        self._pending.clear()
        return waiters

    def __len__(self) -> int:
        return len(self._pending)
