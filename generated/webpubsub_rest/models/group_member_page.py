# mypy: ignore-errors
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.group_member import GroupMember


T = TypeVar("T", bound="GroupMemberPage")


@_attrs_define
class GroupMemberPage:
    """
    Attributes:
        value (list[GroupMember]):
        next_link (str | Unset): Absolute URL of the next page; absent on the last page.
    """

    value: list[GroupMember]
    next_link: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        value = []
        for value_item_data in self.value:
            value_item = value_item_data.to_dict()
            value.append(value_item)

        next_link = self.next_link

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "value": value,
            }
        )
        if next_link is not UNSET:
            field_dict["nextLink"] = next_link

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.group_member import GroupMember

        d = dict(src_dict)
        value = []
        _value = d.pop("value")
        for value_item_data in _value:
            value_item = GroupMember.from_dict(value_item_data)

            value.append(value_item)

        next_link = d.pop("nextLink", UNSET)

        group_member_page = cls(
            value=value,
            next_link=next_link,
        )

        return group_member_page
