# mypy: ignore-errors
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.inner_error import InnerError


T = TypeVar("T", bound="ErrorDetail")


@_attrs_define
class ErrorDetail:
    """Error body the service returns with a failure status.

    Attributes:
        code (str | Unset): The service's error code, e.g. `InvalidArgument`.
        message (str | Unset): A human-readable description of the error.
        target (str | Unset): What the error is about, e.g. a parameter's name.
        details (list[ErrorDetail] | Unset):
        inner (InnerError | Unset):
    """

    code: str | Unset = UNSET
    message: str | Unset = UNSET
    target: str | Unset = UNSET
    details: list[ErrorDetail] | Unset = UNSET
    inner: InnerError | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        target = self.target

        details: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.details, Unset):
            details = []
            for details_item_data in self.details:
                details_item = details_item_data.to_dict()
                details.append(details_item)

        inner: dict[str, Any] | Unset = UNSET
        if not isinstance(self.inner, Unset):
            inner = self.inner.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if code is not UNSET:
            field_dict["code"] = code
        if message is not UNSET:
            field_dict["message"] = message
        if target is not UNSET:
            field_dict["target"] = target
        if details is not UNSET:
            field_dict["details"] = details
        if inner is not UNSET:
            field_dict["inner"] = inner

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.inner_error import InnerError

        d = dict(src_dict)
        code = d.pop("code", UNSET)

        message = d.pop("message", UNSET)

        target = d.pop("target", UNSET)

        _details = d.pop("details", UNSET)
        details: list[ErrorDetail] | Unset = UNSET
        if _details is not UNSET:
            details = []
            for details_item_data in _details:
                details_item = ErrorDetail.from_dict(details_item_data)

                details.append(details_item)

        _inner = d.pop("inner", UNSET)
        inner: InnerError | Unset
        if isinstance(_inner, Unset):
            inner = UNSET
        else:
            inner = InnerError.from_dict(_inner)

        error_detail = cls(
            code=code,
            message=message,
            target=target,
            details=details,
            inner=inner,
        )

        return error_detail
