# mypy: ignore-errors
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="JsonMessage")


@_attrs_define
class JsonMessage:
    """
    Attributes:
        payload (str): Message as JSON text, already serialized by the caller; sent as application/json.
    """

    payload: str

    def to_dict(self) -> dict[str, Any]:
        payload = self.payload

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "payload": payload,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        payload = d.pop("payload")

        json_message = cls(
            payload=payload,
        )

        return json_message
