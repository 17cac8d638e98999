"""What a client should receive, how that compares with what it got, and how both read."""

from __future__ import annotations

import json

import attrs

from webpubsub.cli._client_protocol import DataType, Message, Protocol


@attrs.frozen
class Expected:
    """A message a client should receive; group fields are set for client-to-group messages."""

    data_type: DataType
    data: object
    group: str | None = None
    from_user_id: str | None = None


def matches(expected: Expected, got: Message, protocol: Protocol) -> bool:
    """Whether ``got`` is ``expected`` as seen through ``protocol``.

    A raw client sees JSON as a text frame and cannot see which group a message came
    through, so for it the JSON is compared parsed and the group fields are not compared.
    """
    if protocol == "raw":
        if expected.data_type == "json":
            return got.data_type == "text" and _parses_to(got.data, expected.data)
        return (got.data_type, got.data) == (expected.data_type, expected.data)
    return (got.data_type, got.data, got.group, got.from_user_id) == (
        expected.data_type,
        expected.data,
        expected.group,
        expected.from_user_id,
    )


def all_match(expected: list[Expected], got: list[Message], protocol: Protocol) -> bool:
    """Exactly the expected messages, in order, and nothing else."""
    return len(expected) == len(got) and all(
        matches(e, g, protocol) for e, g in zip(expected, got, strict=True)
    )


def _parses_to(text: object, value: object) -> bool:
    try:
        return isinstance(text, str) and json.loads(text) == value
    except ValueError:
        return False


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
