# mypy: ignore-errors
from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.api_version import ApiVersion
from ...types import UNSET, Response


def _get_kwargs(
    *,
    api_version: ApiVersion,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_api_version: str = api_version
    params["api-version"] = json_api_version

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "head",
        "url": "/api/health",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any:
    if response.status_code == 200:
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
    *,
    client: AuthenticatedClient | Client,
    api_version: ApiVersion,
) -> Response[Any]:
    """Check that the service is healthy.

    Args:
        api_version (ApiVersion): REST API versions this project supports.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any]
    """

    kwargs = _get_kwargs(
        api_version=api_version,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    api_version: ApiVersion,
) -> Response[Any]:
    """Check that the service is healthy.

    Args:
        api_version (ApiVersion): REST API versions this project supports.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any]
    """

    kwargs = _get_kwargs(
        api_version=api_version,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


def request_kwargs(
    *,
    api_version: ApiVersion,
) -> dict[str, Any]:
    """Keyword arguments of ``httpx.Request`` / ``httpx.Client.request`` for
    ``HEAD /api/health`` (getServiceStatus): ``method``,
    ``url`` (relative to the service endpoint, path parameters percent-encoded), ``params``,
    and ``headers`` / ``content`` / ``json`` when the operation has them.
    """
    return _get_kwargs(
        api_version=api_version,
    )


def build_request(
    *,
    api_version: ApiVersion,
) -> httpx.Request:
    """The ``HEAD /api/health`` request (getServiceStatus),
    with a URL relative to the service endpoint.

    Send it with ``Client`` / ``AuthenticatedClient`` (``get_httpx_client().send``) or any
    ``httpx.Client`` whose base URL is the endpoint; its headers include the body's
    Content-Type.
    """
    return httpx.Request(
        **request_kwargs(
            api_version=api_version,
        )
    )
