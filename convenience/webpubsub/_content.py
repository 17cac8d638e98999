"""Turning a message into request bytes plus a content type, as the official SDK does.

The rules follow what azure-messaging-webpubsubservice 1.3.0 puts on the wire (measured by
tests/fidelity/test_wire_matrix.py), so a migrating app's clients receive the same data:

* no ``content_type``, or a JSON one: the message is JSON-encoded (``"hello"`` for a ``str``,
  bytes-like values become a base64 JSON string); a file object is read and sent as-is.
* ``text/plain`` or ``application/octet-stream``: a ``str`` goes as UTF-8, bytes-like values
  and files as-is, a ``dict`` as ``application/x-www-form-urlencoded`` pairs.

Bodies are always materialised as bytes so a retried request can be replayed: a file-like
message is read exactly once.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import IO, Any, Protocol, cast
from urllib.parse import urlencode

from ._narrowing import is_bytes_like, is_mapping
from .exceptions import InvalidArgumentError, InvalidArgumentTypeError

JSON_TYPE = "application/json"
TEXT_TYPE = "text/plain"
BINARY_TYPE = "application/octet-stream"
CONTENT_TYPES = (JSON_TYPE, BINARY_TYPE, TEXT_TYPE)

#: What ``send_to_*`` accept as ``message``.
Message = (
    str
    | bytes
    | bytearray
    | memoryview
    | IO[bytes]
    | IO[str]
    | dict[str, Any]
    | list[Any]
    | int
    | float
    | bool
)


class _Readable(Protocol):
    """A file-like message: only its ``read()`` is used."""

    def read(self) -> object: ...


def encode_message(message: object, content_type: str | None) -> tuple[bytes, str]:
    """Return ``(body, content_type_header)`` for a message.

    ``content_type`` (default ``application/json``) is sent exactly as given; its media type
    must be ``application/json``, ``text/plain`` or ``application/octet-stream``.

    Raises:
        InvalidArgumentError: ``content_type`` is not one of the three allowed media types.
        InvalidArgumentTypeError: ``message`` is ``None``; not JSON-serialisable for a JSON
            content type; or a list, number or bool for a text or binary content type.
    """
    if message is None:
        raise InvalidArgumentTypeError("message must not be None")
    header = JSON_TYPE if content_type is None else content_type
    media_type = _media_type(header)
    if hasattr(message, "read"):
        return _as_bytes(cast(_Readable, message).read()), header
    if media_type == JSON_TYPE:
        return _json_bytes(message), header
    if isinstance(message, str) or is_bytes_like(message):
        return _as_bytes(message), header
    if is_mapping(message):
        return _form_bytes(message), header
    raise InvalidArgumentTypeError(
        f"message of type {type(message).__name__} cannot be sent as {header!r}: "
        "use str, bytes, a dict or a file, or content_type='application/json'"
    )


def _as_bytes(data: object) -> bytes:
    if isinstance(data, str):
        return data.encode()
    if is_bytes_like(data):
        return bytes(data)
    raise InvalidArgumentTypeError(
        f"message.read() returned {type(data).__name__}: a file must yield str or bytes"
    )


def _media_type(content_type: object) -> str:
    if not isinstance(content_type, str):
        raise InvalidArgumentTypeError(
            f"content_type must be a str, got {type(content_type).__name__}"
        )
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type not in CONTENT_TYPES:
        raise InvalidArgumentError(
            f"content_type {content_type!r} is invalid: "
            f"it must be one of {', '.join(CONTENT_TYPES)}"
        )
    return media_type


def _base64_default(value: object) -> str:
    if is_bytes_like(value):
        return base64.b64encode(value).decode()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _json_bytes(message: object) -> bytes:
    try:
        return json.dumps(message, default=_base64_default).encode()
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentTypeError(
            f"message of type {type(message).__name__} is not JSON-serialisable: {exc}"
        ) from None


def _form_bytes(message: Mapping[Any, Any]) -> bytes:
    """``key=value&...`` as the official client's transports encode a dict body: a value
    that is iterable (list, dict...) repeats its key once per item, ``None`` is left out."""
    pairs: list[tuple[Any, Any]] = []
    for key, value in message.items():
        iterable = hasattr(value, "__iter__") and not isinstance(value, (str, bytes))
        pairs.extend((key, item) for item in (value if iterable else [value]) if item is not None)
    return urlencode(pairs, doseq=True).encode()
