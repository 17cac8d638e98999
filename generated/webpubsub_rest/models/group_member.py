# mypy: ignore-errors
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="GroupMember")


@_attrs_define
class GroupMember:
    """A connection in a group, as listed by `GET /api/hubs/{hub}/groups/{group}/connections`.

    Attributes:
        connection_id (str): The connection's id.
        user_id (str | Unset): The user the connection authenticated as; absent for an anonymous connection.
    """

    connection_id: str
    user_id: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        connection_id = self.connection_id

        user_id = self.user_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "connectionId": connection_id,
            }
        )
        if user_id is not UNSET:
            field_dict["userId"] = user_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        connection_id = d.pop("connectionId")

        user_id = d.pop("userId", UNSET)

        group_member = cls(
            connection_id=connection_id,
            user_id=user_id,
        )

        return group_member
