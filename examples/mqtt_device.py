"""An MQTT device (Eclipse paho-mqtt, MQTT 5.0 over WebSocket) beside a Web PubSub client.

The device connects with the URL the SDK mints for MQTT clients, is subscribed to the topic
``thermostats`` by its token, and publishes a JSON reading to ``telemetry``, which a
dashboard (a ``json.webpubsub.azure.v1`` WebSocket client in the group ``telemetry``)
receives as JSON. The device then receives a setting the server sends to the
``thermostats`` group and a notice sent to its own connection. Run it with a connection
string (``webpubsub emulator`` prints one) and paho-mqtt installed::

    pip install paho-mqtt websockets
    export WEBPUBSUB_CONNECTION_STRING="Endpoint=...;AccessKey=...;Version=1.0;"
    python examples/mqtt_device.py
"""

from __future__ import annotations

import json
import os
import queue
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from webpubsub import WebPubSubServiceClient
from websockets.sync.client import connect
from websockets.typing import Subprotocol

connection_string = os.environ["WEBPUBSUB_CONNECTION_STRING"]
hub = os.environ.get("WEBPUBSUB_HUB", "examples")
DEVICE_ID = "thermostat1"  # the MQTT client id (letters and digits) is the connection id

with WebPubSubServiceClient.from_connection_string(connection_string, hub) as service:
    token = service.get_client_access_token(
        user_id="device-owner",
        client_protocol="MQTT",  # the URL of /clients/mqtt/hubs/{hub}
        groups=["thermostats"],  # subscribed to these topics when it connects
        roles=["webpubsub.sendToGroup.telemetry"],  # may publish to this topic
    )
    url = urlsplit(token["url"])
    dashboard_url = service.get_client_access_token(groups=["telemetry"])["url"]
    dashboard = connect(dashboard_url, subprotocols=[Subprotocol("json.webpubsub.azure.v1")])
    with dashboard:
        json.loads(dashboard.recv(timeout=10))  # its "connected" event

        device = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=DEVICE_ID,
            transport="websockets",
            protocol=MQTTProtocolVersion.MQTTv5,
        )
        device.ws_set_options(path=f"{url.path}?{url.query}")  # the token travels in the query
        if url.scheme == "wss":
            device.tls_set()
        inbox: queue.Queue[mqtt.MQTTMessage] = queue.Queue()
        connected: queue.Queue[str] = queue.Queue()
        device.on_connect = lambda client, userdata, flags, reason, properties: connected.put(
            str(reason)
        )
        device.on_message = lambda client, userdata, message: inbox.put(message)
        device.connect(
            url.hostname or "localhost", url.port or (443 if url.scheme == "wss" else 80)
        )
        device.loop_start()
        try:
            print("device connected:", connected.get(timeout=10))

            reading = Properties(PacketTypes.PUBLISH)
            reading.ContentType = "application/json"  # arrives as JSON at Web PubSub clients
            device.publish(
                "telemetry", '{"celsius": 19.5}', qos=1, properties=reading
            ).wait_for_publish(10)
            print("device published a reading to topic 'telemetry'")
            seen = json.loads(dashboard.recv(timeout=10))
            print(
                f"dashboard got from group {seen['group']!r} ({seen['dataType']}): {seen['data']}"
            )

            service.send_to_group("thermostats", {"target_celsius": 21})
            service.send_to_connection(
                DEVICE_ID, "firmware 2.1 is available", content_type="text/plain"
            )
            for _ in range(2):
                message = inbox.get(timeout=10)
                content_type = getattr(message.properties, "ContentType", None)
                print(
                    f"device got on {message.topic!r} ({content_type}): {message.payload.decode()}"
                )
        finally:
            device.disconnect()
            device.loop_stop()
