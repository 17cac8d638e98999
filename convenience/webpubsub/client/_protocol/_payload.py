"""Checking message content against its data type before anything is sent."""

from __future__ import annotations

import json
from typing import Any

from ..models import WebPubSubDataType


def data_type(value: object) -> WebPubSubDataType:
    """``value`` as a ``WebPubSubDataType`` (a member or its name in any case).

    Raises ``ValueError`` naming the value when it is none of text, json, binary, protobuf.
    """
    try:
        return WebPubSubDataType(value)
    except ValueError:
        allowed = ", ".join(member.value for member in WebPubSubDataType)
        raise ValueError(f"data_type {value!r} is not one of {allowed}") from None


def check_content(content: object, kind: WebPubSubDataType) -> None:
    """Raise ``TypeError`` when ``content`` cannot be sent as ``kind``: text needs a ``str``,
    binary a bytes-like object (``bytes``, ``bytearray``, ``memoryview``), json a value
    ``json.dumps`` accepts; protobuf a bytes-like object or a protobuf message."""
    if kind is WebPubSubDataType.TEXT:
        if not isinstance(content, str):
            raise TypeError(f"content must be a str when data_type is text, not {_kind(content)}")
    elif kind is WebPubSubDataType.BINARY:
        if not isinstance(content, (bytes, bytearray, memoryview)):
            raise TypeError(
                "content must be bytes, bytearray or memoryview when data_type is binary, "
                f"not {_kind(content)}"
            )
    elif kind is WebPubSubDataType.JSON:
        try:
            json.dumps(content)
        except (TypeError, ValueError) as error:
            raise TypeError(
                f"content is not JSON-serializable for data_type json: {error}"
            ) from None
    elif not isinstance(content, (bytes, bytearray, memoryview)) and not _is_protobuf(content):
        raise TypeError(
            "content must be a protobuf message or bytes-like when data_type is protobuf, "
            f"not {_kind(content)}"
        )


def _is_protobuf(content: object) -> bool:
    return callable(getattr(content, "SerializeToString", None))


def _kind(content: Any) -> str:
    return type(content).__name__
