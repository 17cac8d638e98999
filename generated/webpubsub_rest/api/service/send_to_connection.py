# mypy: ignore-errors
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.api_version import ApiVersion
from ...models.json_message import JsonMessage
from ...models.text_message import TextMessage
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    hub: str,
    connection_id: str,
    *,
    body: TextMessage | JsonMessage | File | Unset = UNSET,
    api_version: ApiVersion,
    message_ttl_seconds: int | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    json_api_version: str = api_version
    params["api-version"] = json_api_version

    params["messageTtlSeconds"] = message_ttl_seconds

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/hubs/{hub}/connections/{connection_id}/:send".format(
            hub=quote(str(hub), safe=""),
            connection_id=quote(str(connection_id), safe=""),
        ),
        "params": params,
    }

    if isinstance(body, TextMessage):
        _kwargs["content"] = body.payload

        headers["Content-Type"] = "text/plain"
    if isinstance(body, JsonMessage):
        _kwargs["content"] = body.payload

        headers["Content-Type"] = "application/json"
    if isinstance(body, File):
        _kwargs["content"] = body.payload

        headers["Content-Type"] = "application/octet-stream"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any:
    if response.status_code == 202:
        return None

    return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    hub: str,
    connection_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: TextMessage | JsonMessage | File | Unset = UNSET,
    api_version: ApiVersion,
    message_ttl_seconds: int | Unset = UNSET,
) -> Response[Any]:
    """Send a message to one connection.

    Args:
        hub (str):
        connection_id (str):
        api_version (ApiVersion): REST API versions this project supports.
        message_ttl_seconds (int | Unset):
        body (TextMessage):
        body (JsonMessage):
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any]
    """

    kwargs = _get_kwargs(
        hub=hub,
        connection_id=connection_id,
        body=body,
        api_version=api_version,
        message_ttl_seconds=message_ttl_seconds,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


async def asyncio_detailed(
    hub: str,
    connection_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: TextMessage | JsonMessage | File | Unset = UNSET,
    api_version: ApiVersion,
    message_ttl_seconds: int | Unset = UNSET,
) -> Response[Any]:
    """Send a message to one connection.

    Args:
        hub (str):
        connection_id (str):
        api_version (ApiVersion): REST API versions this project supports.
        message_ttl_seconds (int | Unset):
        body (TextMessage):
        body (JsonMessage):
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any]
    """

    kwargs = _get_kwargs(
        hub=hub,
        connection_id=connection_id,
        body=body,
        api_version=api_version,
        message_ttl_seconds=message_ttl_seconds,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


def request_kwargs(
    hub: str,
    connection_id: str,
    *,
    body: TextMessage | JsonMessage | File | Unset = UNSET,
    api_version: ApiVersion,
    message_ttl_seconds: int | Unset = UNSET,
) -> dict[str, Any]:
    """Keyword arguments of ``httpx.Request`` / ``httpx.Client.request`` for
    ``POST /api/hubs/{hub}/connections/{connection_id}/:send`` (sendToConnection): ``method``,
    ``url`` (relative to the service endpoint, path parameters percent-encoded), ``params``,
    and ``headers`` / ``content`` / ``json`` when the operation has them.
    """
    return _get_kwargs(
        hub=hub,
        connection_id=connection_id,
        body=body,
        api_version=api_version,
        message_ttl_seconds=message_ttl_seconds,
    )


def build_request(
    hub: str,
    connection_id: str,
    *,
    body: TextMessage | JsonMessage | File | Unset = UNSET,
    api_version: ApiVersion,
    message_ttl_seconds: int | Unset = UNSET,
) -> httpx.Request:
    """The ``POST /api/hubs/{hub}/connections/{connection_id}/:send`` request (sendToConnection),
    with a URL relative to the service endpoint.

    Send it with ``Client`` / ``AuthenticatedClient`` (``get_httpx_client().send``) or any
    ``httpx.Client`` whose base URL is the endpoint; its headers include the body's
    Content-Type.
    """
    return httpx.Request(
        **request_kwargs(
            hub=hub,
            connection_id=connection_id,
            body=body,
            api_version=api_version,
            message_ttl_seconds=message_ttl_seconds,
        )
    )
