# mypy: ignore-errors
from typing import Literal, cast

ClientType = Literal["Default", "MQTT", "SocketIO"]

CLIENT_TYPE_VALUES: set[ClientType] = {
    "Default",
    "MQTT",
    "SocketIO",
}


def check_client_type(value: str) -> ClientType:
    if value in CLIENT_TYPE_VALUES:
        return cast(ClientType, value)
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CLIENT_TYPE_VALUES!r}"
    )
