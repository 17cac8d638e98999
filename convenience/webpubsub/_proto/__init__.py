"""The protobuf subprotocols' messages, generated from ``webpubsub_client.proto``.

Shared by the client library (``webpubsub.client``) and the emulator, so both encode the same
wire format; needs the ``protobuf`` runtime (the ``client`` and ``emulator`` extras).
Regenerate ``webpubsub_client_pb2.py`` with ``scripts/regen_protobuf.sh``.
"""
