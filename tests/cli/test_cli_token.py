"""``webpubsub token`` prints a token a real client can connect with."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import jwt
from webpubsub_emulator import DEFAULT_ACCESS_KEY
from websockets.sync.client import connect


def test_token_url_connects_as_the_user(cli, webpubsub_connection_string, webpubsub_hub) -> None:
    result = cli(
        "token", "-c", webpubsub_connection_string, "--hub", webpubsub_hub,
        "--user", "zoe", "--group", "g1", "--group", "g2",
        "--role", "webpubsub.sendToGroup", "--minutes", "5",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert DEFAULT_ACCESS_KEY not in result.stdout
    token = json.loads(result.stdout)
    assert token["url"] == f"{token['baseUrl']}?access_token={token['token']}"
    assert token["baseUrl"].endswith(f"/client/hubs/{webpubsub_hub}")
    claims = jwt.decode(token["token"], options={"verify_signature": False})
    assert claims["sub"] == "zoe"
    assert claims["webpubsub.group"] == ["g1", "g2"]
    assert claims["role"] == ["webpubsub.sendToGroup"]
    assert claims["exp"] - claims["iat"] == 300

    with connect(token["url"], subprotocols=["json.webpubsub.azure.v1"]) as websocket:
        connected = json.loads(websocket.recv(timeout=10))
    assert (connected["type"], connected["event"], connected["userId"]) == (
        "system",
        "connected",
        "zoe",
    )


def test_url_only_prints_just_the_url(cli, webpubsub_connection_string, webpubsub_hub) -> None:
    result = cli("token", "--url-only", "-c", webpubsub_connection_string, "--hub", webpubsub_hub)
    assert result.returncode == 0, result.stderr
    (url,) = result.stdout.splitlines()
    assert url.startswith("ws://127.0.0.1:")
    with connect(url) as websocket:  # raw protocol: the handshake succeeding is the proof
        assert websocket.protocol.state.name == "OPEN"


def test_settings_come_from_the_environment(webpubsub_connection_string, webpubsub_hub) -> None:
    env = {
        **os.environ,
        "WEBPUBSUB_CONNECTION_STRING": webpubsub_connection_string,
        "WEBPUBSUB_HUB": webpubsub_hub,
    }
    result = subprocess.run(
        [sys.executable, "-m", "webpubsub.cli", "token", "--url-only"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert f"/client/hubs/{webpubsub_hub}?access_token=" in result.stdout


def test_mqtt_token_points_at_the_mqtt_endpoint(
    cli, webpubsub_connection_string, webpubsub_hub
) -> None:
    result = cli(
        "token", "-c", webpubsub_connection_string, "--hub", webpubsub_hub,
        "--client-protocol", "mqtt", "--user", "dev1",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    token = json.loads(result.stdout)
    assert token["baseUrl"].endswith(f"/clients/mqtt/hubs/{webpubsub_hub}")
    claims = jwt.decode(token["token"], options={"verify_signature": False})
    assert claims["aud"].endswith(f"/clients/mqtt/hubs/{webpubsub_hub}")
    assert claims["sub"] == "dev1"
