# mypy: ignore-errors
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="RemoveFromGroupsRequest")


@_attrs_define
class RemoveFromGroupsRequest:
    """Groups to remove the matching connections from.

    Attributes:
        groups (list[str] | Unset):
        filter_ (str | Unset): OData filter the connections must satisfy.
    """

    groups: list[str] | Unset = UNSET
    filter_: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        groups: list[str] | Unset = UNSET
        if not isinstance(self.groups, Unset):
            groups = self.groups

        filter_ = self.filter_

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if groups is not UNSET:
            field_dict["groups"] = groups
        if filter_ is not UNSET:
            field_dict["filter"] = filter_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        groups = cast(list[str], d.pop("groups", UNSET))

        filter_ = d.pop("filter", UNSET)

        remove_from_groups_request = cls(
            groups=groups,
            filter_=filter_,
        )

        return remove_from_groups_request
