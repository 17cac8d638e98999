"""What the demo's clients record: the messages they received and the acks they got."""

from __future__ import annotations

from typing import Literal

import attrs

DataType = Literal["text", "json", "binary"]
Protocol = Literal["raw", "json", "reliable"]


@attrs.frozen
class Message:
    """A message delivered to a demo client.

    ``data`` is ``str`` for text, ``bytes`` for binary and the decoded value for JSON.
    ``source`` is ``"server"`` (REST send) or ``"group"`` (another client's sendToGroup);
    raw clients cannot tell, so for them it is always ``"server"``.
    """

    data_type: DataType
    data: object
    source: str = "server"
    group: str | None = None
    from_user_id: str | None = None
    sequence_id: int | None = None


@attrs.frozen
class Ack:
    """The service's answer to a client request carrying an ``ackId``."""

    ack_id: int
    success: bool
    error_name: str | None
