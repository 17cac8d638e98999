"""Values returned by the client."""

from __future__ import annotations

import attrs

__all__ = ["GroupMember"]


@attrs.frozen(kw_only=True)
class GroupMember:
    """A connection in a group, as yielded by ``list_connections``.

    Attributes:
        connection_id: the connection's id.
        user_id: the user the connection authenticated as, or ``None`` for anonymous ones.
    """

    connection_id: str
    user_id: str | None = None
