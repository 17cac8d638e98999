"""Run-time shape checks that also tell the type checker what the value is.

``isinstance(value, dict)`` on an ``object`` leaves the key and value types unknown to pyright
(likewise for ``list``, ``Mapping`` and ``memoryview``), which its strict mode rejects. These
checks are the same ``isinstance`` calls, typed: items not checked yet are ``Any``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeGuard

BytesLike = bytes | bytearray | memoryview

_BYTES_LIKE = (bytes, bytearray, memoryview)


def is_bytes_like(value: object) -> TypeGuard[BytesLike]:
    """Whether ``value`` is ``bytes``, ``bytearray`` or ``memoryview``."""
    return isinstance(value, _BYTES_LIKE)


def is_mapping(value: object) -> TypeGuard[Mapping[Any, Any]]:
    """Whether ``value`` is a ``Mapping`` (its keys and values are for the caller to check)."""
    return isinstance(value, Mapping)


def is_json_object(value: object) -> TypeGuard[dict[str, Any]]:
    """Whether ``value``, returned by ``json.loads``, is a JSON object (a dict: its keys are
    always ``str``)."""
    return isinstance(value, dict)


def is_json_array(value: object) -> TypeGuard[list[Any]]:
    """Whether ``value``, returned by ``json.loads``, is a JSON array (a list)."""
    return isinstance(value, list)
