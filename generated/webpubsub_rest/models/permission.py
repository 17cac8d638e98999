# mypy: ignore-errors
from typing import Literal, cast

Permission = Literal["joinLeaveGroup", "sendToGroup"]

PERMISSION_VALUES: set[Permission] = {
    "joinLeaveGroup",
    "sendToGroup",
}


def check_permission(value: str) -> Permission:
    if value in PERMISSION_VALUES:
        return cast(Permission, value)
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {PERMISSION_VALUES!r}"
    )
