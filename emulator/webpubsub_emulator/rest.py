"""REST routes of the data-plane API (the api-versions of openapi/webpubsub.json).

Every operation authenticates, validates all parameters and only then touches the state,
so a rejected request changes nothing. Handlers only parse input, call one ``Hub`` method
and map its errors; the rules (membership, permissions) live in ``state.Hub``.
A request without ``api-version`` is served as the latest version; every response names
the supported versions in ``api-supported-versions``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import validation
from .auth import TokenError, bearer_token, issue_client_token, verify_rest_token
from .encoded_paths import path_param
from .errors import ServiceError, not_found, unauthorized
from .paging import decode_continuation, encode_continuation
from .rest_input import excluded, parse_filter, read_groups_action, read_message
from .state import Hub, NoSuchConnection, Service

DEFAULT_PAGE_SIZE = 100
SUPPORTED_API_VERSIONS = validation.SUPPORTED_API_VERSIONS
LATEST_API_VERSION = SUPPORTED_API_VERSIONS[-1]
_VERSIONS_HEADER = {"api-supported-versions": ", ".join(SUPPORTED_API_VERSIONS)}

Handler = Callable[[Request, Hub], Awaitable[Response]]


def routes() -> list[Route]:
    hub = "/api/hubs/{hub}"
    return [
        Route("/api/health", health, methods=["HEAD"]),
        _op(f"{hub}/:send", "POST", send_to_all),
        _op(f"{hub}/users/{{user}}/:send", "POST", send_to_user),
        _op(f"{hub}/groups/{{group}}/:send", "POST", send_to_group),
        _op(f"{hub}/connections/{{connection}}/:send", "POST", send_to_connection),
        _op(f"{hub}/:addToGroups", "POST", add_to_groups),
        _op(f"{hub}/:removeFromGroups", "POST", remove_from_groups),
        _op(f"{hub}/:closeConnections", "POST", close_all),
        _op(f"{hub}/users/{{user}}/:closeConnections", "POST", close_user),
        _op(f"{hub}/groups/{{group}}/:closeConnections", "POST", close_group),
        _op(f"{hub}/:generateToken", "POST", generate_token),
        _op(f"{hub}/connections/{{connection}}", "DELETE", close_connection),
        _op(f"{hub}/connections/{{connection}}", "HEAD", connection_exists),
        _op(f"{hub}/connections/{{connection}}/groups", "DELETE", remove_connection_from_all),
        _op(f"{hub}/users/{{user}}", "HEAD", user_exists),
        _op(f"{hub}/users/{{user}}/groups", "DELETE", remove_user_from_all),
        _op(f"{hub}/users/{{user}}/groups/{{group}}", "PUT", add_user_to_group),
        _op(f"{hub}/users/{{user}}/groups/{{group}}", "DELETE", remove_user_from_group),
        _op(f"{hub}/groups/{{group}}", "HEAD", group_exists),
        _op(f"{hub}/groups/{{group}}/connections", "GET", list_group_connections),
        _op(f"{hub}/groups/{{group}}/connections/{{connection}}", "PUT", add_connection),
        _op(f"{hub}/groups/{{group}}/connections/{{connection}}", "DELETE", remove_connection),
        _op(f"{hub}/permissions/{{permission}}/connections/{{connection}}", "PUT", grant),
        _op(f"{hub}/permissions/{{permission}}/connections/{{connection}}", "DELETE", revoke),
        _op(f"{hub}/permissions/{{permission}}/connections/{{connection}}", "HEAD", check),
    ]


async def health(request: Request) -> Response:
    return Response(status_code=200)


def _op(path: str, method: str, handler: Handler) -> Route:
    async def endpoint(request: Request) -> Response:
        service: Service = request.app.state.service
        try:
            _authenticate(request, service.access_key)
            version = request.query_params.get("api-version")
            if version is not None:
                validation.api_version(version)
            hub = service.hub(path_param(request.path_params, "hub"))
            hub.requests += 1
            try:
                response = await handler(request, hub)
            finally:
                hub.requests -= 1
                service.release(hub)
        except NoSuchConnection as exc:
            response = _error(request, not_found(str(exc), "connectionId"))
        except ServiceError as error:
            response = _error(request, error)
        response.headers.update(_VERSIONS_HEADER)
        return response

    return Route(path, endpoint, methods=[method], name=handler.__name__)


def _error(request: Request, error: ServiceError) -> Response:
    if request.method == "HEAD":
        return Response(status_code=error.status, headers={"x-ms-error-code": error.code})
    return error.to_response()


def _param(request: Request, name: str) -> str:
    return path_param(request.path_params, name)


def _authenticate(request: Request, access_key: str) -> None:
    try:
        token = bearer_token(request.headers.get("authorization"))
        verify_rest_token(
            token, access_key, request.scope["path"], request.scope["query_string"].decode()
        )
    except TokenError as exc:
        raise unauthorized(str(exc), "Authorization") from exc


def _accepted() -> Response:
    return Response(status_code=202)


def _no_content() -> Response:
    return Response(status_code=204)


def _exists(found: bool) -> Response:
    if found:
        return Response(status_code=200)
    return Response(status_code=404, headers={"x-ms-error-code": "NotFound"})


# -- sends -------------------------------------------------------------------------------------


async def send_to_all(request: Request, hub: Hub) -> Response:
    predicate = parse_filter(request.query_params.get("filter"))
    hub.send_to_all(await read_message(request), excluded(request), predicate)
    return _accepted()


async def send_to_user(request: Request, hub: Hub) -> Response:
    user = _param(request, "user")
    predicate = parse_filter(request.query_params.get("filter"))
    hub.send_to_user(user, await read_message(request), predicate)
    return _accepted()


async def send_to_group(request: Request, hub: Hub) -> Response:
    group = _param(request, "group")
    predicate = parse_filter(request.query_params.get("filter"))
    message = await read_message(request)
    message.topic = group
    hub.send_to_group(group, message, excluded(request), predicate)
    return _accepted()


async def send_to_connection(request: Request, hub: Hub) -> Response:
    connection = _param(request, "connection")
    hub.send_to_connection(connection, await read_message(request))
    return _accepted()


# -- groups ------------------------------------------------------------------------------------


async def add_to_groups(request: Request, hub: Hub) -> Response:
    groups, predicate = await read_groups_action(request)
    hub.add_to_groups(groups, predicate)
    return Response(status_code=200)


async def remove_from_groups(request: Request, hub: Hub) -> Response:
    groups, predicate = await read_groups_action(request)
    hub.remove_from_groups(groups, predicate)
    return Response(status_code=200)


async def group_exists(request: Request, hub: Hub) -> Response:
    return _exists(_param(request, "group") in hub.groups)


async def add_connection(request: Request, hub: Hub) -> Response:
    group = _param(request, "group")
    hub.join_connection(_param(request, "connection"), group)
    return Response(status_code=200)


async def remove_connection(request: Request, hub: Hub) -> Response:
    group = _param(request, "group")
    hub.leave_connection(_param(request, "connection"), group)
    return _no_content()


async def remove_connection_from_all(request: Request, hub: Hub) -> Response:
    hub.leave_connection(_param(request, "connection"), None)
    return _no_content()


async def add_user_to_group(request: Request, hub: Hub) -> Response:
    user, group = _param(request, "user"), _param(request, "group")
    hub.add_user_to_group(user, group)
    return Response(status_code=200)


async def remove_user_from_group(request: Request, hub: Hub) -> Response:
    user, group = _param(request, "user"), _param(request, "group")
    hub.remove_user_from_group(user, group)
    return _no_content()


async def remove_user_from_all(request: Request, hub: Hub) -> Response:
    hub.remove_user_from_all_groups(_param(request, "user"))
    return _no_content()


async def list_group_connections(request: Request, hub: Hub) -> Response:
    group = _param(request, "group")
    query = request.query_params
    page_size = validation.integer(
        query.get("maxpagesize"), "maxpagesize", low=1, high=validation.MAX_PAGE_SIZE
    )
    top = validation.integer(query.get("top"), "top", low=1, high=validation.MAX_TOP)
    after, left = decode_continuation(query.get("continuationToken"), top)
    members = hub.members(group)
    remaining = [c for c in members if after is None or c.connection_id > after]
    limit = page_size or DEFAULT_PAGE_SIZE
    if left is not None:
        limit = min(limit, left)
    page = remaining[:limit]
    body: dict[str, Any] = {
        "value": [{"connectionId": c.connection_id, "userId": c.user_id} for c in page]
    }
    still_left = None if left is None else left - len(page)
    if len(remaining) > len(page) and page and still_left != 0:
        token = encode_continuation(page[-1].connection_id, still_left)
        version = query.get("api-version", LATEST_API_VERSION)
        params = {"api-version": version, "continuationToken": token}
        if page_size is not None:
            params["maxpagesize"] = str(page_size)
        base = str(request.url.replace(query=""))
        body["nextLink"] = base.rstrip("?") + "?" + urlencode(params)
    return JSONResponse(body)


# -- connections and users ---------------------------------------------------------------------


async def connection_exists(request: Request, hub: Hub) -> Response:
    return _exists(_param(request, "connection") in hub.connections)


async def user_exists(request: Request, hub: Hub) -> Response:
    return _exists(_param(request, "user") in hub.users)


async def close_connection(request: Request, hub: Hub) -> Response:
    hub.close_connection(_param(request, "connection"), request.query_params.get("reason"))
    return _no_content()


async def close_all(request: Request, hub: Hub) -> Response:
    reason = request.query_params.get("reason")
    hub.close_where(hub.connections.values(), excluded(request), reason)
    return _no_content()


async def close_user(request: Request, hub: Hub) -> Response:
    user = _param(request, "user")
    reason = request.query_params.get("reason")
    hub.close_where(hub.users.get(user, {}).values(), excluded(request), reason)
    return _no_content()


async def close_group(request: Request, hub: Hub) -> Response:
    group = _param(request, "group")
    reason = request.query_params.get("reason")
    hub.close_where(hub.groups.get(group, {}).values(), excluded(request), reason)
    return _no_content()


# -- permissions -------------------------------------------------------------------------------


def _permission(request: Request) -> tuple[str, str | None]:
    action = validation.permission(_param(request, "permission"))
    target = request.query_params.get("targetName")
    if target is not None:
        validation.group_name(target, "targetName")
    return action, target


async def grant(request: Request, hub: Hub) -> Response:
    action, target = _permission(request)
    hub.grant(_param(request, "connection"), action, target)
    return Response(status_code=200)


async def revoke(request: Request, hub: Hub) -> Response:
    action, target = _permission(request)
    hub.revoke(_param(request, "connection"), action, target)
    return _no_content()


async def check(request: Request, hub: Hub) -> Response:
    action, target = _permission(request)
    return _exists(hub.has_permission(_param(request, "connection"), action, target))


# -- client tokens -----------------------------------------------------------------------------


async def generate_token(request: Request, hub: Hub) -> Response:
    query = request.query_params
    minutes = validation.integer(query.get("minutesToExpire"), "minutesToExpire", low=1, high=None)
    groups = [validation.group_name(g) for g in query.getlist("group")]
    client_type = validation.client_type(query.get("clientType"))
    path = {
        "Default": "client",
        "MQTT": "clients/mqtt",
        "SocketIO": "clients/socketio",
    }[client_type]
    base = f"{request.url.scheme}://{request.url.netloc}".lower()
    token = issue_client_token(
        request.app.state.service.access_key,
        f"{base}/{path}/hubs/{hub.name}",
        user_id=query.get("userId"),
        roles=query.getlist("role"),
        groups=groups,
        minutes_to_expire=60 if minutes is None else minutes,
        now=time.time(),
    )
    return JSONResponse({"token": token})
