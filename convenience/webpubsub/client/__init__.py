"""``webpubsub.client``: a Web PubSub client library (a WebSocket client of the service).

The drop-in for ``azure.messaging.webpubsubclient`` 1.1.0 (same names, arguments and
behaviour; migrating is an import change), plus the protobuf subprotocols and
``invoke_event``; ``webpubsub.client.aio`` is the asyncio form (asyncio only: under trio
use it through ``trio-asyncio``, or the sync client from a thread). Needs
``webpubsub[client]``.

Where the official client is inconsistent, code written for it keeps working and:

- ``CallbackType.STOPPED`` listeners are called with no argument, as in the official client
  (every other listener gets one argument object).
- ``with WebPubSubClient(...) as client`` gives the client (the official sync one gives None).
- ``open()`` returns once the service's ``connected`` message arrived (``connection_id`` is
  known), not when the socket opened.
- A message whose ack did not come is re-sent with the same ack id, so the service can answer
  ``Duplicate`` (counted as success) instead of applying it twice; a message the service
  refused (e.g. ``Forbidden``) raises ``SendMessageError`` at once instead of being re-sent.
- Sends wait for the ack from the moment they are written, so a fast ack is never missed.
- A reliable connection that the service ended on purpose (its ``disconnected`` message came
  first) or for a policy violation (close code 1008) is not resumed: a new one is opened.
- ``sequenceAck`` goes out every second and also every 256 messages, so a fast stream
  never reaches the service's limit of un-acknowledged messages.
- Listeners run one at a time, in arrival order, on one listener thread (the official sync
  client starts a thread per callback); unknown keyword arguments and bad values raise.
"""

from __future__ import annotations

from ._extra import require_client_extra

require_client_extra("websockets")

from ._client import WebPubSubClient  # noqa: E402 (after the check, for its message)
from ._credential import WebPubSubClientCredential  # noqa: E402
from .models import RetryMode  # noqa: E402

__all__ = ["RetryMode", "WebPubSubClient", "WebPubSubClientCredential"]
