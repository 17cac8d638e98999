"""What a client should receive, how that compares with what it got, and how both read."""

from __future__ import annotations

import json

import attrs

from webpubsub.demo._messages import DataType, Message, Protocol


@attrs.frozen
class Expected:
    """A message a client should receive; group fields are set for client-to-group messages."""

    data_type: DataType
    data: object
    group: str | None = None
    from_user_id: str | None = None


def seen_through(expected: Expected, protocol: Protocol) -> Expected:
    """What a client on ``protocol`` should receive for ``expected``.

    A raw client has no data types and no group envelope: JSON reaches it as a text frame
    holding the body exactly as the REST call sent it (Python's default ``json.dumps``
    separators), and it cannot see which group a message came through.
    """
    if protocol != "raw":
        return expected
    if expected.data_type == "json":
        return Expected("text", json.dumps(expected.data))
    return Expected(expected.data_type, expected.data)


def matches(expected: Expected, got: Message) -> bool:
    """Whether ``got`` is ``expected``: same data type, same data, same group fields."""
    return (got.data_type, got.data, got.group, got.from_user_id) == (
        expected.data_type,
        expected.data,
        expected.group,
        expected.from_user_id,
    )


def all_match(expected: list[Expected], got: list[Message]) -> bool:
    """Exactly the expected messages, in order, and nothing else."""
    return len(expected) == len(got) and all(
        matches(e, g) for e, g in zip(expected, got, strict=True)
    )


def show(items: list[Expected] | list[Message]) -> str:
    """A short readable rendering of a list of messages; ``-`` for none."""
    return ", ".join(_show_one(item) for item in items) or "-"


def _show_one(item: Expected | Message) -> str:
    if isinstance(item.data, bytes):
        text = "binary " + item.data.hex(" ")
    elif item.data_type == "json":
        text = "json " + json.dumps(item.data, separators=(",", ":"))
    else:
        text = f"text {item.data!r}"
    if item.group is not None:
        text += f" via {item.group} from {item.from_user_id}"
    return text
