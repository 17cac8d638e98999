"""openapi/webpubsub.json is a valid OpenAPI 3.1 document that covers the whole data plane."""

import json
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate
from webpubsub_rest.spec_facts import API_VERSIONS, DEFAULT_API_VERSION, OPERATION_SINCE

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "webpubsub.json"
METHODS = ("get", "put", "post", "delete", "head", "patch", "options")
PERMISSION_ROUTE = "/api/hubs/{hub}/permissions/{permission}/connections/{connectionId}"
# operationId -> (method, path) as the convenience layer and the emulator rely on them.
EXPECTED_OPERATIONS = {
    "getServiceStatus": ("head", "/api/health"),
    "sendToAll": ("post", "/api/hubs/{hub}/:send"),
    "sendToUser": ("post", "/api/hubs/{hub}/users/{userId}/:send"),
    "sendToGroup": ("post", "/api/hubs/{hub}/groups/{group}/:send"),
    "sendToConnection": ("post", "/api/hubs/{hub}/connections/{connectionId}/:send"),
    "addConnectionsToGroups": ("post", "/api/hubs/{hub}/:addToGroups"),
    "removeConnectionsFromGroups": ("post", "/api/hubs/{hub}/:removeFromGroups"),
    "closeAllConnections": ("post", "/api/hubs/{hub}/:closeConnections"),
    "closeUserConnections": ("post", "/api/hubs/{hub}/users/{userId}/:closeConnections"),
    "closeGroupConnections": ("post", "/api/hubs/{hub}/groups/{group}/:closeConnections"),
    "closeConnection": ("delete", "/api/hubs/{hub}/connections/{connectionId}"),
    "connectionExists": ("head", "/api/hubs/{hub}/connections/{connectionId}"),
    "userExists": ("head", "/api/hubs/{hub}/users/{userId}"),
    "groupExists": ("head", "/api/hubs/{hub}/groups/{group}"),
    "addUserToGroup": ("put", "/api/hubs/{hub}/users/{userId}/groups/{group}"),
    "removeUserFromGroup": ("delete", "/api/hubs/{hub}/users/{userId}/groups/{group}"),
    "removeUserFromAllGroups": ("delete", "/api/hubs/{hub}/users/{userId}/groups"),
    "addConnectionToGroup": ("put", "/api/hubs/{hub}/groups/{group}/connections/{connectionId}"),
    "removeConnectionFromGroup": (
        "delete",
        "/api/hubs/{hub}/groups/{group}/connections/{connectionId}",
    ),
    "removeConnectionFromAllGroups": (
        "delete",
        "/api/hubs/{hub}/connections/{connectionId}/groups",
    ),
    "listConnectionsInGroup": ("get", "/api/hubs/{hub}/groups/{group}/connections"),
    "grantPermission": ("put", PERMISSION_ROUTE),
    "revokePermission": ("delete", PERMISSION_ROUTE),
    "checkPermission": ("head", PERMISSION_ROUTE),
    "generateClientToken": ("post", "/api/hubs/{hub}/:generateToken"),
}
SEND_OPERATIONS = ("sendToAll", "sendToUser", "sendToGroup", "sendToConnection")


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as f:
        loaded: dict[str, Any] = json.load(f)
    return loaded


@pytest.fixture(scope="module")
def operations(spec: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    found: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                op = item[method]
                assert op["operationId"] not in found, f"duplicate operationId {op['operationId']}"
                found[op["operationId"]] = (method, path, op)
    return found


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow local "#/..." $refs until a concrete node is reached."""
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def parameters_of(spec: dict[str, Any], op: dict[str, Any]) -> dict[tuple[str, str], Any]:
    params = [resolve(spec, p) for p in op.get("parameters", [])]
    return {(p["in"], p["name"]): p for p in params}


def test_spec_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.1")
    validate(spec)


def test_every_operation_is_present_with_its_exact_id_and_route(
    operations: dict[str, tuple[str, str, dict[str, Any]]],
) -> None:
    routes = {op_id: (method, path) for op_id, (method, path, _) in operations.items()}
    assert routes == EXPECTED_OPERATIONS


def test_every_operation_has_the_single_service_tag(
    operations: dict[str, tuple[str, str, dict[str, Any]]],
) -> None:
    untagged = {op_id for op_id, (_, _, op) in operations.items() if op.get("tags") != ["service"]}
    assert untagged == set()


def test_every_operation_requires_api_version_from_the_supported_list(
    spec: dict[str, Any], operations: dict[str, tuple[str, str, dict[str, Any]]]
) -> None:
    for op_id, (_, _, op) in operations.items():
        param = parameters_of(spec, op).get(("query", "api-version"))
        assert param is not None, f"{op_id} lacks the api-version query parameter"
        assert param["required"] is True, op_id
        schema = resolve(spec, param["schema"])
        assert schema["enum"] == list(API_VERSIONS), op_id
        # The newest version is the default: a bump appends one and makes it the default.
        assert schema["enum"] == sorted(schema["enum"]), op_id
        assert schema["default"] == schema["enum"][-1] == DEFAULT_API_VERSION, op_id


def test_every_operation_names_a_supported_first_version(
    operations: dict[str, tuple[str, str, dict[str, Any]]],
) -> None:
    for op_id, (_, _, op) in operations.items():
        assert op.get("x-webpubsub-since") in API_VERSIONS, op_id
        assert OPERATION_SINCE[op_id] == op["x-webpubsub-since"], op_id


def test_send_operations_accept_text_json_and_binary_bodies(
    spec: dict[str, Any], operations: dict[str, tuple[str, str, dict[str, Any]]]
) -> None:
    for op_id in SEND_OPERATIONS:
        body = resolve(spec, operations[op_id][2]["requestBody"])
        assert body["required"] is True
        content = body["content"]
        assert set(content) == {"text/plain", "application/json", "application/octet-stream"}
        assert content["text/plain"]["schema"] == {"type": "string"}
        # Any JSON value: the empty schema constrains nothing.
        assert content["application/json"]["schema"] == {}
        assert content["application/octet-stream"]["schema"]["format"] == "binary"


def test_send_query_parameters_match_the_service(
    spec: dict[str, Any], operations: dict[str, tuple[str, str, dict[str, Any]]]
) -> None:
    expected = {
        "sendToAll": {"api-version", "excluded", "filter", "messageTtlSeconds"},
        "sendToUser": {"api-version", "filter", "messageTtlSeconds"},
        "sendToGroup": {"api-version", "excluded", "filter", "messageTtlSeconds"},
        "sendToConnection": {"api-version", "messageTtlSeconds"},
    }
    for op_id, names in expected.items():
        params = parameters_of(spec, operations[op_id][2])
        assert {name for where, name in params if where == "query"} == names, op_id
        ttl = resolve(spec, params["query", "messageTtlSeconds"]["schema"])
        assert (ttl["minimum"], ttl["maximum"]) == (0, 300)
        if ("query", "excluded") in params:
            excluded = params["query", "excluded"]
            assert excluded["schema"]["type"] == "array"
            assert (excluded["style"], excluded["explode"]) == ("form", True)


def test_path_parameter_rules(
    spec: dict[str, Any], operations: dict[str, tuple[str, str, dict[str, Any]]]
) -> None:
    hub_pattern = "^[A-Za-z][A-Za-z0-9_`,.[\\]]{0,127}$"
    for op_id, (_, path, op) in operations.items():
        params = parameters_of(spec, op)
        declared = {name for where, name in params if where == "path"}
        in_template = {part[1:-1] for part in path.split("/") if part.startswith("{")}
        assert declared == in_template, op_id
        if "hub" in declared:
            assert resolve(spec, params["path", "hub"]["schema"])["pattern"] == hub_pattern
        if "group" in declared:
            group = resolve(spec, params["path", "group"]["schema"])
            assert (group["minLength"], group["maxLength"]) == (1, 1024)
        for name in ("userId", "connectionId"):
            if name in declared:
                assert resolve(spec, params["path", name]["schema"])["minLength"] == 1
        if "permission" in declared:
            permission = resolve(spec, params["path", "permission"]["schema"])
            assert permission["enum"] == ["sendToGroup", "joinLeaveGroup"]


def test_generate_token_and_list_parameters(
    spec: dict[str, Any], operations: dict[str, tuple[str, str, dict[str, Any]]]
) -> None:
    token = parameters_of(spec, operations["generateClientToken"][2])
    for repeated in ("role", "group"):
        assert token["query", repeated]["explode"] is True
    minutes = resolve(spec, token["query", "minutesToExpire"]["schema"])
    assert (minutes["minimum"], minutes["default"]) == (1, 60)
    client_type = resolve(spec, token["query", "clientType"]["schema"])
    assert client_type["enum"] == ["Default", "MQTT", "SocketIO"]

    listing = parameters_of(spec, operations["listConnectionsInGroup"][2])
    assert {"maxpagesize", "top", "continuationToken"} <= {name for _, name in listing}
    page = resolve(
        spec,
        operations["listConnectionsInGroup"][2]["responses"]["200"]["content"]["application/json"][
            "schema"
        ],
    )
    assert set(page["properties"]) == {"value", "nextLink"}
    member = resolve(spec, page["properties"]["value"]["items"])
    assert set(member["properties"]) == {"connectionId", "userId"}


def test_responses_document_success_codes_and_the_error_body(
    spec: dict[str, Any], operations: dict[str, tuple[str, str, dict[str, Any]]]
) -> None:
    expected_success = {
        "getServiceStatus": {"200"},
        "connectionExists": {"200", "404"},
        "userExists": {"200", "404"},
        "groupExists": {"200", "404"},
        "checkPermission": {"200", "404"},
        "addConnectionsToGroups": {"200"},
        "removeConnectionsFromGroups": {"200"},
        "addUserToGroup": {"200"},
        "addConnectionToGroup": {"200"},
        "grantPermission": {"200"},
        "listConnectionsInGroup": {"200"},
        "generateClientToken": {"200"},
        **{op_id: {"202"} for op_id in SEND_OPERATIONS},
    }
    error_detail = spec["components"]["schemas"]["ErrorDetail"]
    assert set(error_detail["properties"]) == {"code", "message", "target", "details", "inner"}
    for op_id, (method, _, op) in operations.items():
        responses = op["responses"]
        assert set(responses) - {"default"} == expected_success.get(op_id, {"204"}), op_id
        default = resolve(spec, responses["default"])
        assert "x-ms-error-code" in default["headers"], op_id
        if method == "head":
            # A HEAD answer never has a body.
            assert "content" not in default, op_id
        else:
            body_schema = default["content"]["application/json"]["schema"]
            assert resolve(spec, body_schema) is error_detail, op_id


def test_bearer_jwt_security_applies_to_all_operations(spec: dict[str, Any]) -> None:
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
    assert spec["security"] == [{"bearerAuth": []}]
