"""MQTT 3.1.1 and 5.0 clients over WebSocket, as Azure Web PubSub serves them.

``endpoint`` serves ``/clients/mqtt/hubs/{hub}``; ``session`` makes an MQTT session a hub
connection; ``messages`` maps messages between MQTT and the other protocols; ``rules`` holds
the service's limits and ``codes`` the reason codes. The packet codec is
``webpubsub._mqtt``, shared with the CLI.
"""

from __future__ import annotations

from .endpoint import MqttEndpoint

__all__ = ["MqttEndpoint"]
