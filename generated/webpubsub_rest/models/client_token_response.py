# mypy: ignore-errors
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ClientTokenResponse")


@_attrs_define
class ClientTokenResponse:
    """
    Attributes:
        token (str | Unset): Client access token (JWT).
    """

    token: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        token = self.token

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if token is not UNSET:
            field_dict["token"] = token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        token = d.pop("token", UNSET)

        client_token_response = cls(
            token=token,
        )

        return client_token_response
