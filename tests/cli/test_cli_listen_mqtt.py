"""``webpubsub listen --protocol mqtt`` prints what an MQTT client receives from the emulator."""

from __future__ import annotations

import base64
import json

import pytest
from webpubsub import WebPubSubServiceClient

SERVER_TOPIC = "$webpubsub/server/messages"


@pytest.fixture
def service(webpubsub_connection_string: str, webpubsub_hub: str) -> list[str]:
    return ["--connection-string", webpubsub_connection_string, "--hub", webpubsub_hub]


@pytest.fixture
def rest(webpubsub_connection_string: str, webpubsub_hub: str):
    with WebPubSubServiceClient.from_connection_string(
        webpubsub_connection_string, webpubsub_hub
    ) as client:
        yield client


def connection_id(ready_line: str) -> str:
    # "listening on hub 'h': MQTT 5 connection <id> as user 'u'; Ctrl-C to stop"
    return ready_line.split("connection ")[1].split(";")[0].split(" ")[0]


@pytest.mark.parametrize("version", ["5", "3.1.1"])
def test_group_user_and_connection_sends_arrive_on_their_topics(
    start_listener, service, rest, version: str
) -> None:
    listener = start_listener(
        *service, "--protocol", "mqtt", "--mqtt-version", version, "--user", "ann",
        "--group", "sensors", "--format", "jsonl", "--count", "3", "--timeout", "20",
    )  # fmt: skip
    assert f"MQTT {version} connection" in listener.ready_line
    rest.send_to_group("sensors", "group news", content_type="text/plain")
    rest.send_to_user("ann", {"celsius": 21.5})
    rest.send_to_connection(
        connection_id(listener.ready_line), b"\x00\xff", content_type="application/octet-stream"
    )
    code, lines, stderr = listener.finish()
    assert code == 0, stderr
    records = [json.loads(line) for line in lines]
    v5 = version == "5"  # MQTT 3.1.1 has no content type: everything reads as binary
    assert records == [
        {
            "topic": "sensors",
            "from": "group",
            "dataType": "text" if v5 else "binary",
            "data": "group news" if v5 else base64.b64encode(b"group news").decode(),
            "qos": 1,
        },
        {
            "topic": SERVER_TOPIC,
            "from": "server",
            "dataType": "json" if v5 else "binary",
            "data": {"celsius": 21.5} if v5 else base64.b64encode(b'{"celsius": 21.5}').decode(),
            "qos": 1,
        },
        {
            "topic": SERVER_TOPIC,
            "from": "server",
            "dataType": "binary",
            "data": base64.b64encode(b"\x00\xff").decode(),
            "qos": 1,
        },
    ]


def test_close_connection_reason_is_reported(start_listener, service, rest) -> None:
    listener = start_listener(*service, "--protocol", "mqtt", "--timeout", "20")
    rest.close_connection(connection_id(listener.ready_line), reason="maintenance window")
    code, lines, stderr = listener.finish()
    assert (code, lines) == (1, [])
    (error,) = stderr.splitlines()
    assert error.startswith("webpubsub: error: the service disconnected the client after 0")
    assert "access_token" not in error


def test_a_refused_connect_names_the_code(cli, webpubsub_emulator, webpubsub_hub) -> None:
    wrong_key = webpubsub_emulator.connection_string.replace(
        "AccessKey=", "AccessKey=WRONG"
    )  # tokens signed with another key are refused
    result = cli(
        "listen", "-c", wrong_key, "--hub", webpubsub_hub, "--protocol", "mqtt",
        "--timeout", "10",
    )  # fmt: skip
    assert result.returncode == 1
    assert "refused" in result.stderr
    assert "WRONG" not in result.stderr


def test_mqtt_version_without_mqtt_is_a_usage_error(cli, service) -> None:
    result = cli("listen", *service, "--mqtt-version", "3.1.1", "--timeout", "1")
    assert result.returncode == 1
    assert "--mqtt-version 3.1.1 applies only to --protocol mqtt, not json" in result.stderr
