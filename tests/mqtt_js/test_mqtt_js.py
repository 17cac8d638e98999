"""MQTT.js (npm ``mqtt``) from Node and from a headless Chromium page against the emulator.

Each client connects with the URL of ``get_client_access_token(client_protocol="MQTT")``,
subscribes to a topic (joins the group), publishes to it (sends to the group), receives the
REST sends to the group and to its connection, and is refused for a bad token. The package
is installed by this test with npm into ``.cache/npm-tests/`` (gitignored); the browser gets
its bundle from a loopback HTTP server next to the test page.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from webpubsub import WebPubSubServiceClient

from ..events._chromium import Chromium, ensure_chromium

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "npm-tests" / "mqtt-js"
JS = Path(__file__).parent / "js"
PACKAGE = "mqtt@5.16.0"
SERVER_TOPIC = "$webpubsub/server/messages"  # where sends to all / user / connection arrive
ROLES = ["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"]

pytestmark = pytest.mark.skipif(shutil.which("npm") is None, reason="needs node and npm")


@pytest.fixture(scope="module")
def mqtt_js() -> Path:
    """The directory holding node_modules/mqtt and the test scripts."""
    if not (CACHE / "node_modules" / "mqtt" / "dist" / "mqtt.min.js").is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        (CACHE / "package.json").write_text('{"private": true, "type": "module"}')
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", PACKAGE],
            cwd=CACHE,
            check=True,
            timeout=300,
        )
    for script in JS.iterdir():
        shutil.copy(script, CACHE / script.name)
    shutil.copy(CACHE / "node_modules" / "mqtt" / "dist" / "mqtt.min.js", CACHE / "mqtt.min.js")
    return CACHE


@pytest.fixture
def service(webpubsub_connection_string: str, webpubsub_hub: str) -> Iterator[Any]:
    with WebPubSubServiceClient.from_connection_string(
        webpubsub_connection_string, webpubsub_hub
    ) as client:
        yield client


def mqtt_url(service: WebPubSubServiceClient, **kwargs: Any) -> str:
    token = service.get_client_access_token(client_protocol="MQTT", **kwargs)
    return token["url"]


def bad_token_url(url: str) -> str:
    """The same URL with the token's signature flipped: what a forged token looks like."""
    head, _, signature = url.rpartition(".")
    return f"{head}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


def send_rest_messages(service: WebPubSubServiceClient, topic: str, client_id: str) -> None:
    service.send_to_group(topic, "rest to group", content_type="text/plain")
    service.send_to_connection(client_id, "rest to connection", content_type="text/plain")
    service.send_to_all("rest to all", content_type="text/plain")


EXPECTED = {
    # payload: topic it arrives on
    "rest to group": "sensors",
    "rest to connection": SERVER_TOPIC,
    "rest to all": SERVER_TOPIC,
}


def topics(messages: list[dict[str, Any]]) -> dict[str, str]:
    """payload -> the topic it arrived on."""
    return {m["payload"]: m["topic"] for m in messages}


@pytest.mark.parametrize("version", [4, 5], ids=["mqtt-3.1.1", "mqtt-5"])
def test_node_client_subscribes_publishes_and_receives_rest_sends(
    mqtt_js: Path, service: WebPubSubServiceClient, version: int
) -> None:
    client_id = f"node{uuid.uuid4().hex[:12]}"
    url = mqtt_url(service, user_id="device-1", roles=ROLES)
    expected = {**EXPECTED, "from node": "sensors"}
    node = subprocess.Popen(
        ["node", str(mqtt_js / "mqtt_node.mjs"), "session", url, str(version), client_id,
         "sensors", json.dumps(sorted(expected))],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert node.stdout is not None
        ready = json.loads(node.stdout.readline() or '{"event": "no output"}')
        assert ready == {"event": "ready", "granted": [1]}, node.stderr and node.stderr.read()
        assert service.connection_exists(client_id)  # the client id is the connection id
        send_rest_messages(service, "sensors", client_id)
        out, err = node.communicate(timeout=30)
    finally:
        node.kill()
    assert node.returncode == 0, err
    messages = [json.loads(line) for line in out.splitlines()]
    assert topics(messages) == expected
    assert len(messages) == len(expected)  # each exactly once
    if version == 5:  # text/plain is the Text data type; 3.1.1 has no content type
        assert {message["contentType"] for message in messages} == {"text/plain"}


def node(mqtt_js: Path, *args: str) -> dict[str, Any]:
    """Run one short scenario of mqtt_node.mjs; its first output line."""
    done = subprocess.run(
        ["node", str(mqtt_js / "mqtt_node.mjs"), *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    first: dict[str, Any] = json.loads(done.stdout.splitlines()[0])
    return first


# CONNACK codes: MQTT 3.1.1 return code / MQTT 5.0 reason code.
NOT_AUTHORIZED = {4: 5, 5: 0x87}
CLIENT_ID_NOT_VALID = {4: 2, 5: 0x85}


@pytest.mark.parametrize("version", [4, 5], ids=["mqtt-3.1.1", "mqtt-5"])
def test_node_client_is_refused_for_a_bad_token_or_client_id(
    mqtt_js: Path, service: WebPubSubServiceClient, version: int
) -> None:
    client_id = f"node{uuid.uuid4().hex[:12]}"
    forged = bad_token_url(mqtt_url(service, user_id="intruder"))
    outcome = node(mqtt_js, "refused", forged, str(version), client_id)
    assert (outcome["event"], outcome["code"]) == ("error", NOT_AUTHORIZED[version])
    assert not service.connection_exists(client_id)

    outcome = node(mqtt_js, "refused", mqtt_url(service), str(version), "not-alphanumeric")
    assert (outcome["event"], outcome["code"]) == ("error", CLIENT_ID_NOT_VALID[version])


def test_node_subscribe_without_role_or_with_wildcards_is_refused_in_suback(
    mqtt_js: Path, service: WebPubSubServiceClient
) -> None:
    url = mqtt_url(service, roles=["webpubsub.joinLeaveGroup.allowed"])
    filters = ["allowed", "forbidden", "sensors/+", "#", "$share/g/allowed"]
    client_id = f"node{uuid.uuid4().hex[:12]}"
    outcome = node(mqtt_js, "suback", url, "5", client_id, json.dumps(filters))
    # granted QoS 1; not authorized; wildcard and shared subscriptions not supported
    assert outcome == {"event": "suback", "codes": [1, 0x87, 0xA2, 0xA2, 0x9E]}


class _PageFiles(SimpleHTTPRequestHandler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(CACHE), **kwargs)


@pytest.fixture
async def browser() -> AsyncIterator[Chromium]:
    chromium = Chromium(ensure_chromium())
    try:
        await chromium.start()
        yield chromium
    finally:
        await chromium.close()


async def test_browser_client_pubsub_rest_sends_and_refusal(
    mqtt_js: Path,
    browser: Chromium,
    service: WebPubSubServiceClient,
    loopback_http_server: Any,
) -> None:
    page = await browser.open_page(f"{loopback_http_server(_PageFiles)}/mqtt_page.html")
    client_id = f"browser{uuid.uuid4().hex[:12]}"
    url = mqtt_url(service, user_id="browser-1", roles=ROLES)
    granted = await page.evaluate(f"mqttSession({json.dumps(url)}, 5, '{client_id}', 'sensors')")
    assert granted == [1]
    send_rest_messages(service, "sensors", client_id)
    expected = {**EXPECTED, "from the browser": "sensors"}
    messages = await page.evaluate(f"mqttReceived({json.dumps(sorted(expected))})")
    assert topics(messages) == expected
    assert {message["contentType"] for message in messages} == {"text/plain"}

    refused_id = f"browser{uuid.uuid4().hex[:12]}"
    forged = bad_token_url(mqtt_url(service, user_id="intruder"))
    outcome = await page.evaluate(f"mqttAttempt({json.dumps(forged)}, 5, '{refused_id}')")
    assert (outcome["event"], outcome["code"]) == ("error", NOT_AUTHORIZED[5])
    assert not service.connection_exists(refused_id)
