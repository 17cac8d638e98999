# mypy: ignore-errors
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.api_version import ApiVersion
from ...models.client_token_response import ClientTokenResponse
from ...models.client_type import ClientType
from ...types import UNSET, Response, Unset


def _get_kwargs(
    hub: str,
    *,
    api_version: ApiVersion,
    user_id: str | Unset = UNSET,
    role: list[str] | Unset = UNSET,
    minutes_to_expire: int | Unset = 60,
    group: list[str] | Unset = UNSET,
    client_type: ClientType | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_api_version: str = api_version
    params["api-version"] = json_api_version

    params["userId"] = user_id

    json_role: list[str] | Unset = UNSET
    if not isinstance(role, Unset):
        json_role = role

    params["role"] = json_role

    params["minutesToExpire"] = minutes_to_expire

    json_group: list[str] | Unset = UNSET
    if not isinstance(group, Unset):
        json_group = group

    params["group"] = json_group

    json_client_type: str | Unset = UNSET
    if not isinstance(client_type, Unset):
        json_client_type = client_type

    params["clientType"] = json_client_type

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/hubs/{hub}/:generateToken".format(
            hub=quote(str(hub), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ClientTokenResponse:
    if response.status_code == 200:
        response_200 = ClientTokenResponse.from_dict(response.json())

        return response_200

    response_default = cast(Any, None)
    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | ClientTokenResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    hub: str,
    *,
    client: AuthenticatedClient | Client,
    api_version: ApiVersion,
    user_id: str | Unset = UNSET,
    role: list[str] | Unset = UNSET,
    minutes_to_expire: int | Unset = 60,
    group: list[str] | Unset = UNSET,
    client_type: ClientType | Unset = UNSET,
) -> Response[Any | ClientTokenResponse]:
    """Have the service issue a client access token.

    Args:
        hub (str):
        api_version (ApiVersion): REST API versions this project supports.
        user_id (str | Unset):
        role (list[str] | Unset):
        minutes_to_expire (int | Unset):  Default: 60.
        group (list[str] | Unset):
        client_type (ClientType | Unset): Kind of client a token is issued for.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ClientTokenResponse]
    """

    kwargs = _get_kwargs(
        hub=hub,
        api_version=api_version,
        user_id=user_id,
        role=role,
        minutes_to_expire=minutes_to_expire,
        group=group,
        client_type=client_type,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    hub: str,
    *,
    client: AuthenticatedClient | Client,
    api_version: ApiVersion,
    user_id: str | Unset = UNSET,
    role: list[str] | Unset = UNSET,
    minutes_to_expire: int | Unset = 60,
    group: list[str] | Unset = UNSET,
    client_type: ClientType | Unset = UNSET,
) -> Any | ClientTokenResponse | None:
    """Have the service issue a client access token.

    Args:
        hub (str):
        api_version (ApiVersion): REST API versions this project supports.
        user_id (str | Unset):
        role (list[str] | Unset):
        minutes_to_expire (int | Unset):  Default: 60.
        group (list[str] | Unset):
        client_type (ClientType | Unset): Kind of client a token is issued for.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ClientTokenResponse
    """

    return sync_detailed(
        hub=hub,
        client=client,
        api_version=api_version,
        user_id=user_id,
        role=role,
        minutes_to_expire=minutes_to_expire,
        group=group,
        client_type=client_type,
    ).parsed


async def asyncio_detailed(
    hub: str,
    *,
    client: AuthenticatedClient | Client,
    api_version: ApiVersion,
    user_id: str | Unset = UNSET,
    role: list[str] | Unset = UNSET,
    minutes_to_expire: int | Unset = 60,
    group: list[str] | Unset = UNSET,
    client_type: ClientType | Unset = UNSET,
) -> Response[Any | ClientTokenResponse]:
    """Have the service issue a client access token.

    Args:
        hub (str):
        api_version (ApiVersion): REST API versions this project supports.
        user_id (str | Unset):
        role (list[str] | Unset):
        minutes_to_expire (int | Unset):  Default: 60.
        group (list[str] | Unset):
        client_type (ClientType | Unset): Kind of client a token is issued for.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ClientTokenResponse]
    """

    kwargs = _get_kwargs(
        hub=hub,
        api_version=api_version,
        user_id=user_id,
        role=role,
        minutes_to_expire=minutes_to_expire,
        group=group,
        client_type=client_type,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    hub: str,
    *,
    client: AuthenticatedClient | Client,
    api_version: ApiVersion,
    user_id: str | Unset = UNSET,
    role: list[str] | Unset = UNSET,
    minutes_to_expire: int | Unset = 60,
    group: list[str] | Unset = UNSET,
    client_type: ClientType | Unset = UNSET,
) -> Any | ClientTokenResponse | None:
    """Have the service issue a client access token.

    Args:
        hub (str):
        api_version (ApiVersion): REST API versions this project supports.
        user_id (str | Unset):
        role (list[str] | Unset):
        minutes_to_expire (int | Unset):  Default: 60.
        group (list[str] | Unset):
        client_type (ClientType | Unset): Kind of client a token is issued for.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ClientTokenResponse
    """

    return (
        await asyncio_detailed(
            hub=hub,
            client=client,
            api_version=api_version,
            user_id=user_id,
            role=role,
            minutes_to_expire=minutes_to_expire,
            group=group,
            client_type=client_type,
        )
    ).parsed


def request_kwargs(
    hub: str,
    *,
    api_version: ApiVersion,
    user_id: str | Unset = UNSET,
    role: list[str] | Unset = UNSET,
    minutes_to_expire: int | Unset = 60,
    group: list[str] | Unset = UNSET,
    client_type: ClientType | Unset = UNSET,
) -> dict[str, Any]:
    """Keyword arguments of ``httpx.Request`` / ``httpx.Client.request`` for
    ``POST /api/hubs/{hub}/:generateToken`` (generateClientToken): ``method``,
    ``url`` (relative to the service endpoint, path parameters percent-encoded), ``params``,
    and ``headers`` / ``content`` / ``json`` when the operation has them.
    """
    return _get_kwargs(
        hub=hub,
        api_version=api_version,
        user_id=user_id,
        role=role,
        minutes_to_expire=minutes_to_expire,
        group=group,
        client_type=client_type,
    )


def build_request(
    hub: str,
    *,
    api_version: ApiVersion,
    user_id: str | Unset = UNSET,
    role: list[str] | Unset = UNSET,
    minutes_to_expire: int | Unset = 60,
    group: list[str] | Unset = UNSET,
    client_type: ClientType | Unset = UNSET,
) -> httpx.Request:
    """The ``POST /api/hubs/{hub}/:generateToken`` request (generateClientToken),
    with a URL relative to the service endpoint.

    Send it with ``Client`` / ``AuthenticatedClient`` (``get_httpx_client().send``) or any
    ``httpx.Client`` whose base URL is the endpoint; its headers include the body's
    Content-Type.
    """
    return httpx.Request(
        **request_kwargs(
            hub=hub,
            api_version=api_version,
            user_id=user_id,
            role=role,
            minutes_to_expire=minutes_to_expire,
            group=group,
            client_type=client_type,
        )
    )
