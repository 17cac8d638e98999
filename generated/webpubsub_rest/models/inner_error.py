# mypy: ignore-errors
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="InnerError")


@_attrs_define
class InnerError:
    """
    Attributes:
        code (str | Unset):
        inner (InnerError | Unset):
    """

    code: str | Unset = UNSET
    inner: InnerError | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        inner: dict[str, Any] | Unset = UNSET
        if not isinstance(self.inner, Unset):
            inner = self.inner.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if code is not UNSET:
            field_dict["code"] = code
        if inner is not UNSET:
            field_dict["inner"] = inner

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code", UNSET)

        _inner = d.pop("inner", UNSET)
        inner: InnerError | Unset
        if isinstance(_inner, Unset):
            inner = UNSET
        else:
            inner = InnerError.from_dict(_inner)

        inner_error = cls(
            code=code,
            inner=inner,
        )

        return inner_error
