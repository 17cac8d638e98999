"""Turning a message into request bytes plus a content type.

Bodies are always materialised as bytes so a retried request can be replayed: a file-like
message is read exactly once.
"""

from __future__ import annotations

import json
from typing import IO, Any

from .exceptions import InvalidArgumentError, InvalidArgumentTypeError

JSON_TYPE = "application/json"
TEXT_TYPE = "text/plain"
BINARY_TYPE = "application/octet-stream"
CONTENT_TYPES = (JSON_TYPE, BINARY_TYPE, TEXT_TYPE)

#: What ``send_to_*`` accept as ``message``.
Message = str | bytes | bytearray | memoryview | IO[bytes] | IO[str] | dict[str, Any] | list[Any]

_BINARY = (bytes, bytearray, memoryview)


def encode_message(message: object, content_type: str | None) -> tuple[bytes, str]:
    """Return ``(body, content_type_header)`` for a message.

    Without ``content_type`` it is inferred: ``str`` → ``text/plain``; bytes-like or a binary
    file → ``application/octet-stream``; a text file → ``text/plain``; anything else →
    ``application/json``.

    With ``application/json`` a bytes-like or file message is sent as-is (already encoded JSON)
    and anything else, including a ``str``, is serialised with :func:`json.dumps` (as the
    official SDK does). With ``text/plain`` or ``application/octet-stream`` the message must be
    a ``str`` (sent as UTF-8), bytes-like or a file.

    Raises:
        InvalidArgumentError: ``content_type`` is not one of the three allowed media types.
        InvalidArgumentTypeError: ``message`` is ``None``, not JSON-serialisable for JSON, or a
            dict/list for a text or binary content type.
    """
    if message is None:
        raise InvalidArgumentTypeError("message must not be None")
    if hasattr(message, "read"):
        message = message.read()
        if content_type is None:
            content_type = TEXT_TYPE if isinstance(message, str) else BINARY_TYPE
    if content_type is None:
        if isinstance(message, str):
            return message.encode(), TEXT_TYPE
        if isinstance(message, _BINARY):
            return bytes(message), BINARY_TYPE
        return _json_bytes(message), JSON_TYPE
    media_type = _media_type(content_type)
    if isinstance(message, _BINARY):
        return bytes(message), content_type
    if media_type == JSON_TYPE:
        return _json_bytes(message), content_type
    if isinstance(message, str):
        return message.encode(), content_type
    raise InvalidArgumentTypeError(
        f"message of type {type(message).__name__} cannot be sent as {content_type!r}: "
        "use str, bytes or a file, or content_type='application/json'"
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


def _json_bytes(message: object) -> bytes:
    try:
        return json.dumps(message).encode()
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentTypeError(
            f"message of type {type(message).__name__} is not JSON-serialisable: {exc}"
        ) from None
