"""The fault-injection switchboard: its HTTP admin endpoint, its Python API's validation,
and that it does not exist on an emulator created without faults."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import webpubsub
from webpubsub_emulator import EmulatorServer, create_app
from webpubsub_emulator.faults import ADMIN_PATH, FaultInjector

ADMIN_HEADERS = {"X-Emulator-Admin": "1"}


async def test_rules_posted_over_http_fire_and_are_counted(
    faulty_emulator: EmulatorServer, faults: FaultInjector, api_factory: Any
) -> None:
    admin = faulty_emulator.endpoint + ADMIN_PATH
    async with httpx.AsyncClient(headers=ADMIN_HEADERS) as http:
        posted = await http.post(
            admin, json={"kind": "status", "status": 503, "count": 1, "path": "/users/"}
        )
        assert posted.status_code == 200
        assert posted.json()["pending"][0]["status"] == 503

        api = api_factory("async", retry_total=0)
        with pytest.raises(webpubsub.HttpResponseError, match="503"):
            await api("user_exists", "someone")
        assert await api("user_exists", "someone") is False  # the rule fired once

        state = (await http.get(admin)).json()
        assert state == {
            "injected": {
                "status": 1,
                "drop": 0,
                "delay": 0,
                "performThenStatus": 0,
                "performThenDrop": 0,
                "dropClients": 0,
            },
            "pending": [],
        }
        await http.post(admin, json={"kind": "drop", "count": 5})
        cleared = (await http.delete(admin)).json()
        assert cleared["pending"] == [] and cleared["injected"]["status"] == 0
    assert await api("user_exists", "someone") is False  # nothing left to fire


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ({"kind": "status", "status": 99}, "status 99"),
        ({"kind": "status", "status": 429, "retryAfter": -1}, "retry_after -1"),
        ({"kind": "drop", "count": 0}, "count 0"),
        ({"kind": "delay", "seconds": 1000}, "seconds 1000"),
        ({"kind": "delay", "seconds": 1, "path": "("}, "regular expression"),
        ({"kind": "drop", "method": "GET POST"}, "method"),
        ({"kind": "dropClients", "hub": 5}, "hub 5"),
        ({"kind": "explode"}, "kind 'explode'"),
        (["not", "an", "object"], "JSON object"),
    ],
)
async def test_bad_rules_are_refused_with_the_rule_they_broke(
    faulty_emulator: EmulatorServer, faults: FaultInjector, rule: Any, fragment: str
) -> None:
    async with httpx.AsyncClient(headers=ADMIN_HEADERS) as http:
        response = await http.post(faulty_emulator.endpoint + ADMIN_PATH, json=rule)
    assert response.status_code == 400
    assert fragment in response.json()["error"]
    assert faults.pending() == []


def test_the_python_api_refuses_bad_values() -> None:
    injector = FaultInjector()
    with pytest.raises(ValueError, match="status 302"):
        injector.fail_requests(302)
    with pytest.raises(ValueError, match=r"status 404 is invalid: .* in 500\.\.599"):
        injector.fail_after_performing(404)  # only a server error can follow the operation
    with pytest.raises(ValueError, match="every 0"):
        injector.drop_requests(every=0)
    with pytest.raises(ValueError, match="seconds -1"):
        injector.delay_requests(-1)
    assert injector.pending() == []


async def test_the_admin_endpoint_refuses_non_loopback_clients() -> None:
    app = create_app(faults=True)
    transport = httpx.ASGITransport(app=app, client=("192.0.2.7", 40000))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://127.0.0.1", headers=ADMIN_HEADERS
    ) as http:
        response = await http.post(ADMIN_PATH, json={"kind": "drop"})
    assert response.status_code == 403
    assert app.state.faults.pending() == []


async def test_an_emulator_without_faults_has_no_admin_endpoint(
    webpubsub_emulator: EmulatorServer,
) -> None:
    async with httpx.AsyncClient(headers=ADMIN_HEADERS) as http:
        response = await http.post(webpubsub_emulator.endpoint + ADMIN_PATH, json={"kind": "drop"})
    assert response.status_code == 404
    with pytest.raises(RuntimeError, match="faults=True"):
        _ = webpubsub_emulator.faults


# Starlette's TestClient warns that it will move to another HTTP library; irrelevant here.
@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_clients_still_connect_when_served_by_something_other_than_uvicorn() -> None:
    """Under another ASGI server the injector cannot reach sockets, but must not get in the
    way: a client connects and receives its ``connected`` message."""
    import time

    import jwt
    from starlette.testclient import TestClient
    from webpubsub_emulator import DEFAULT_ACCESS_KEY

    app = create_app(faults=True)
    token = jwt.encode(
        {"aud": "http://testserver/client/hubs/hub", "exp": int(time.time()) + 60},
        DEFAULT_ACCESS_KEY,
        algorithm="HS256",
    )
    with (
        TestClient(app) as client,
        client.websocket_connect(
            f"/client/hubs/hub?access_token={token}", subprotocols=["json.webpubsub.azure.v1"]
        ) as ws,
    ):
        assert ws.receive_json()["event"] == "connected"
        assert app.state.faults.drop_clients() == 0
