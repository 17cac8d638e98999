# mypy: ignore-errors
from typing import Literal, cast

ApiVersion = Literal[
    "2020-10-01",
    "2021-08-01-preview",
    "2021-10-01",
    "2022-11-01",
    "2023-07-01",
    "2024-01-01",
    "2024-12-01",
]

API_VERSION_VALUES: set[ApiVersion] = {
    "2020-10-01",
    "2021-08-01-preview",
    "2021-10-01",
    "2022-11-01",
    "2023-07-01",
    "2024-01-01",
    "2024-12-01",
}


def check_api_version(value: str) -> ApiVersion:
    if value in API_VERSION_VALUES:
        return cast(ApiVersion, value)
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {API_VERSION_VALUES!r}"
    )
