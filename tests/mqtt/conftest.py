"""Real paho-mqtt clients (3.1.1 and 5.0, websockets transport) against the emulator.

Each ``Paho`` client runs paho's own network thread; what it receives lands in thread-safe
queues that tests wait on (never sleeps).
"""

from __future__ import annotations

import queue
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode
from webpubsub import WebPubSubServiceClient
from webpubsub_emulator import EmulatorServer

WAIT_SECONDS = 10.0
VERSIONS = {"3.1.1": paho.MQTTv311, "5.0": paho.MQTTv5}


class Paho:
    """One paho-mqtt client connected over WebSocket to the URL it is given."""

    def __init__(
        self, url: str, version: str, client_id: str | None = None, clean: bool = True
    ) -> None:
        self.version = version
        self.clean = clean
        self.client_id = client_id if client_id is not None else uuid.uuid4().hex
        self.client = paho.Client(
            CallbackAPIVersion.VERSION2,
            client_id=self.client_id,
            protocol=VERSIONS[version],
            transport="websockets",
            # MQTT 3.1.1 takes it here, MQTT 5.0 as clean_start in connect().
            clean_session=clean if version == "3.1.1" else None,
        )
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        self.client.ws_set_options(path=path)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self.connacks: queue.Queue[tuple[int, bool, Any]] = queue.Queue()
        self.messages: queue.Queue[paho.MQTTMessage] = queue.Queue()
        self.subacks: queue.Queue[list[int]] = queue.Queue()
        self.unsubacks: queue.Queue[int] = queue.Queue()
        self.pubacks: queue.Queue[tuple[int, int]] = queue.Queue()
        self.disconnects: queue.Queue[tuple[int, Any]] = queue.Queue()
        self.client.on_connect = self._on_connect
        self.client.on_message = lambda _c, _u, message: self.messages.put(message)
        self.client.on_subscribe = self._on_subscribe
        self.client.on_unsubscribe = lambda _c, _u, mid, _codes, _p: self.unsubacks.put(mid)
        self.client.on_publish = lambda _c, _u, mid, code, _p: self.pubacks.put((mid, _int(code)))
        self.client.on_disconnect = self._on_disconnect

    # A refused or ended connection stops paho's thread: no automatic reconnect (which would
    # race the test's checks), and no one-second reconnect wait at teardown.
    def _on_connect(self, _c: Any, _u: Any, flags: Any, code: ReasonCode, props: Any) -> None:
        if _int(code):
            self.client.loop_stop()
        self.connacks.put((_int(code), bool(flags.session_present), props))

    def _on_disconnect(self, _c: Any, _u: Any, _f: Any, code: ReasonCode, props: Any) -> None:
        self.client.loop_stop()
        self.disconnects.put((_int(code), props))

    def _on_subscribe(self, _c: Any, _u: Any, _mid: int, codes: list[Any], _p: Any) -> None:
        self.subacks.put([_int(code) for code in codes])

    def connect(self, properties: Properties | None = None) -> int:
        """Connect and wait for the CONNACK; return its code (0 = accepted)."""
        kwargs: dict[str, Any] = {"keepalive": 60}
        if self.version == "5.0":
            kwargs["clean_start"] = self.clean
            kwargs["properties"] = properties
        self.client.connect(self._host, self._port, **kwargs)
        self.client.loop_start()
        code, self.session_present, self.connack_properties = self.connacks.get(
            timeout=WAIT_SECONDS
        )
        return code

    def subscribe(self, topic: str, qos: int = 1) -> list[int]:
        self.client.subscribe(topic, qos)
        return self.subacks.get(timeout=WAIT_SECONDS)

    def unsubscribe(self, topic: str) -> None:
        self.client.unsubscribe(topic)
        self.unsubacks.get(timeout=WAIT_SECONDS)

    def publish(
        self, topic: str, payload: bytes | str, qos: int = 1, properties: Properties | None = None
    ) -> int:
        """Publish; for QoS > 0 wait for the acknowledgement and return its reason code."""
        info = self.client.publish(topic, payload, qos, properties=properties)
        if qos == 0:
            return 0
        mid, code = self.pubacks.get(timeout=WAIT_SECONDS)
        assert mid == info.mid
        return code

    def receive(self) -> paho.MQTTMessage:
        return self.messages.get(timeout=WAIT_SECONDS)

    def nothing_more(self) -> bool:
        """True if no message is waiting (call after a later message has arrived)."""
        return self.messages.empty()

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def _int(code: Any) -> int:
    return int(code.value) if isinstance(code, ReasonCode) else int(code)


class MqttWorld:
    """A hub on the session emulator, its SDK client, and paho clients to open."""

    def __init__(self, server: EmulatorServer, hub: str) -> None:
        self.server = server
        self.hub = hub
        self.service = WebPubSubServiceClient.from_connection_string(server.connection_string, hub)
        self.clients: list[Paho] = []

    def url(self, **token: Any) -> str:
        access = self.service.get_client_access_token(client_protocol="MQTT", **token)
        return str(access["url"])

    def client(
        self, version: str, client_id: str | None = None, clean: bool = True, **token: Any
    ) -> Paho:
        client = Paho(self.url(**token), version, client_id, clean)
        self.clients.append(client)
        return client

    def connected(self, version: str, client_id: str | None = None, **token: Any) -> Paho:
        client = self.client(version, client_id, **token)
        assert client.connect() == 0
        return client

    def close(self) -> None:
        for client in self.clients:
            client.close()
        self.service.close()


@pytest.fixture
def world(webpubsub_emulator: EmulatorServer, webpubsub_hub: str) -> Iterator[MqttWorld]:
    found = MqttWorld(webpubsub_emulator, webpubsub_hub)
    yield found
    found.close()


@pytest.fixture(params=sorted(VERSIONS))
def version(request: pytest.FixtureRequest) -> str:
    return str(request.param)
