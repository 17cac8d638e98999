# mypy: ignore-errors
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.api_version import ApiVersion
from ...models.group_member_page import GroupMemberPage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    hub: str,
    group: str,
    *,
    api_version: ApiVersion,
    maxpagesize: int | Unset = UNSET,
    top: int | Unset = UNSET,
    continuation_token: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_api_version: str = api_version
    params["api-version"] = json_api_version

    params["maxpagesize"] = maxpagesize

    params["top"] = top

    params["continuationToken"] = continuation_token

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/hubs/{hub}/groups/{group}/connections".format(
            hub=quote(str(hub), safe=""),
            group=quote(str(group), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | GroupMemberPage:
    if response.status_code == 200:
        response_200 = GroupMemberPage.from_dict(response.json())

        return response_200

    response_default = cast(Any, None)
    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | GroupMemberPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    hub: str,
    group: str,
    *,
    client: AuthenticatedClient | Client,
    api_version: ApiVersion,
    maxpagesize: int | Unset = UNSET,
    top: int | Unset = UNSET,
    continuation_token: str | Unset = UNSET,
) -> Response[Any | GroupMemberPage]:
    """List the connections in a group, one page per call.

     When the body has `nextLink`, GET that absolute URL (it already carries api-version and
    continuationToken) for the next page.

    Args:
        hub (str):
        group (str):
        api_version (ApiVersion): REST API versions this project supports.
        maxpagesize (int | Unset):
        top (int | Unset):
        continuation_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | GroupMemberPage]
    """

    kwargs = _get_kwargs(
        hub=hub,
        group=group,
        api_version=api_version,
        maxpagesize=maxpagesize,
        top=top,
        continuation_token=continuation_token,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    hub: str,
    group: str,
    *,
    client: AuthenticatedClient | Client,
    api_version: ApiVersion,
    maxpagesize: int | Unset = UNSET,
    top: int | Unset = UNSET,
    continuation_token: str | Unset = UNSET,
) -> Any | GroupMemberPage | None:
    """List the connections in a group, one page per call.

     When the body has `nextLink`, GET that absolute URL (it already carries api-version and
    continuationToken) for the next page.

    Args:
        hub (str):
        group (str):
        api_version (ApiVersion): REST API versions this project supports.
        maxpagesize (int | Unset):
        top (int | Unset):
        continuation_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | GroupMemberPage
    """

    return sync_detailed(
        hub=hub,
        group=group,
        client=client,
        api_version=api_version,
        maxpagesize=maxpagesize,
        top=top,
        continuation_token=continuation_token,
    ).parsed


async def asyncio_detailed(
    hub: str,
    group: str,
    *,
    client: AuthenticatedClient | Client,
    api_version: ApiVersion,
    maxpagesize: int | Unset = UNSET,
    top: int | Unset = UNSET,
    continuation_token: str | Unset = UNSET,
) -> Response[Any | GroupMemberPage]:
    """List the connections in a group, one page per call.

     When the body has `nextLink`, GET that absolute URL (it already carries api-version and
    continuationToken) for the next page.

    Args:
        hub (str):
        group (str):
        api_version (ApiVersion): REST API versions this project supports.
        maxpagesize (int | Unset):
        top (int | Unset):
        continuation_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | GroupMemberPage]
    """

    kwargs = _get_kwargs(
        hub=hub,
        group=group,
        api_version=api_version,
        maxpagesize=maxpagesize,
        top=top,
        continuation_token=continuation_token,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    hub: str,
    group: str,
    *,
    client: AuthenticatedClient | Client,
    api_version: ApiVersion,
    maxpagesize: int | Unset = UNSET,
    top: int | Unset = UNSET,
    continuation_token: str | Unset = UNSET,
) -> Any | GroupMemberPage | None:
    """List the connections in a group, one page per call.

     When the body has `nextLink`, GET that absolute URL (it already carries api-version and
    continuationToken) for the next page.

    Args:
        hub (str):
        group (str):
        api_version (ApiVersion): REST API versions this project supports.
        maxpagesize (int | Unset):
        top (int | Unset):
        continuation_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | GroupMemberPage
    """

    return (
        await asyncio_detailed(
            hub=hub,
            group=group,
            client=client,
            api_version=api_version,
            maxpagesize=maxpagesize,
            top=top,
            continuation_token=continuation_token,
        )
    ).parsed


def request_kwargs(
    hub: str,
    group: str,
    *,
    api_version: ApiVersion,
    maxpagesize: int | Unset = UNSET,
    top: int | Unset = UNSET,
    continuation_token: str | Unset = UNSET,
) -> dict[str, Any]:
    """Keyword arguments of ``httpx.Request`` / ``httpx.Client.request`` for
    ``GET /api/hubs/{hub}/groups/{group}/connections`` (listConnectionsInGroup): ``method``,
    ``url`` (relative to the service endpoint, path parameters percent-encoded), ``params``,
    and ``headers`` / ``content`` / ``json`` when the operation has them.
    """
    return _get_kwargs(
        hub=hub,
        group=group,
        api_version=api_version,
        maxpagesize=maxpagesize,
        top=top,
        continuation_token=continuation_token,
    )


def build_request(
    hub: str,
    group: str,
    *,
    api_version: ApiVersion,
    maxpagesize: int | Unset = UNSET,
    top: int | Unset = UNSET,
    continuation_token: str | Unset = UNSET,
) -> httpx.Request:
    """The ``GET /api/hubs/{hub}/groups/{group}/connections`` request (listConnectionsInGroup),
    with a URL relative to the service endpoint.

    Send it with ``Client`` / ``AuthenticatedClient`` (``get_httpx_client().send``) or any
    ``httpx.Client`` whose base URL is the endpoint; its headers include the body's
    Content-Type.
    """
    return httpx.Request(
        **request_kwargs(
            hub=hub,
            group=group,
            api_version=api_version,
            maxpagesize=maxpagesize,
            top=top,
            continuation_token=continuation_token,
        )
    )
