"""The protobuf subprotocols against the running emulator, spoken by a real protobuf client
built from the emulator's own .proto (the same messages a protobuf client library encodes)."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from webpubsub._proto import webpubsub_client_pb2
from websockets.asyncio.client import ClientConnection

from .conftest import RECEIVE_TIMEOUT, Clients, Rest

PROTO: Any = webpubsub_client_pb2
ROOT = Path(__file__).resolve().parents[2]
PROTOBUF = "protobuf.webpubsub.azure.v1"
RELIABLE_PROTOBUF = "protobuf.reliable.webpubsub.azure.v1"


async def open_protobuf(clients: Clients, url: str, subprotocol: str) -> ClientConnection:
    ws = await websockets.connect(url, subprotocols=[subprotocol], open_timeout=30)  # type: ignore[list-item]
    clients.opened.append(ws)
    return ws


async def receive(ws: ClientConnection) -> Any:
    frame = await asyncio.wait_for(ws.recv(), RECEIVE_TIMEOUT)
    assert isinstance(frame, bytes), f"expected a binary frame, got {frame!r}"
    message = PROTO.DownstreamMessage()
    message.ParseFromString(frame)
    return message


async def send(ws: ClientConnection, **fields: Any) -> None:
    ((name, inner),) = fields.items()
    message = PROTO.UpstreamMessage()
    getattr(message, name).CopyFrom(inner)
    await ws.send(message.SerializeToString())


Up = PROTO.UpstreamMessage


async def test_protobuf_client_joins_sends_and_receives(rest: Rest, clients: Clients) -> None:
    token = clients.token(user="pb", roles=["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"])
    ws = await open_protobuf(clients, clients.url(token), PROTOBUF)
    assert ws.subprotocol == PROTOBUF
    connected = (await receive(ws)).system_message.connected_message
    assert connected.user_id == "pb" and connected.connection_id

    await send(ws, join_group_message=Up.JoinGroupMessage(group="g", ack_id=7))
    ack = (await receive(ws)).ack_message
    assert (ack.ack_id, ack.success) == (7, True)

    await rest.send_text("/groups/g/:send", "hello")
    await rest.send_binary("/groups/g/:send", b"\x00\xff")
    await rest.send_json("/groups/g/:send", {"k": 1})
    text, binary, as_json = [(await receive(ws)).data_message for _ in range(3)]
    # A REST send is "from server", whatever its target, in both encodings.
    assert (getattr(text, "from"), text.data.text_data) == ("server", "hello")
    assert binary.data.binary_data == b"\x00\xff"
    assert json.loads(as_json.data.text_data) == {"k": 1}

    listener = await clients.connect("json", groups=["g"])
    data = PROTO.MessageData(text_data="from protobuf")
    await send(
        ws,
        send_to_group_message=Up.SendToGroupMessage(group="g", data=data, ack_id=8, no_echo=True),
    )
    assert (await receive(ws)).ack_message.ack_id == 8
    received = await listener.recv_json()
    assert (received["dataType"], received["data"], received["fromUserId"]) == (
        "text",
        "from protobuf",
        "pb",
    )

    await send(ws, ping_message=Up.PingMessage())
    assert (await receive(ws)).WhichOneof("message") == "pong_message"

    await send(ws, join_group_message=Up.JoinGroupMessage(group="g", ack_id=7))
    duplicate = (await receive(ws)).ack_message
    assert (duplicate.success, duplicate.error.name) == (False, "Duplicate")


async def test_protobuf_client_without_permission_gets_forbidden_ack(clients: Clients) -> None:
    ws = await open_protobuf(clients, clients.url(clients.token(user="x")), PROTOBUF)
    await receive(ws)
    await send(ws, join_group_message=Up.JoinGroupMessage(group="g", ack_id=1))
    ack = (await receive(ws)).ack_message
    assert (ack.success, ack.error.name) == (False, "Forbidden")


async def test_reliable_protobuf_sequences_and_replays_after_resume(
    rest: Rest, clients: Clients
) -> None:
    ws = await open_protobuf(clients, clients.url(clients.token(groups=["g"])), RELIABLE_PROTOBUF)
    connected = (await receive(ws)).system_message.connected_message
    assert connected.reconnection_token
    for n in (1, 2):
        await rest.send_text("/groups/g/:send", f"m{n}")
    first = [(await receive(ws)).data_message for _ in range(2)]
    assert [m.sequence_id for m in first] == [1, 2]
    await send(ws, sequence_ack_message=Up.SequenceAckMessage(sequence_id=1))
    await send(ws, ping_message=Up.PingMessage())
    await receive(ws)  # the pong: the sequence ack has been handled
    ws.transport.abort()

    base = clients.server.endpoint.replace("http://", "ws://")
    query = httpx.QueryParams(
        {
            "awps_connection_id": connected.connection_id,
            "awps_reconnection_token": connected.reconnection_token,
        }
    )
    resumed = await open_protobuf(
        clients, f"{base}/client/hubs/{clients.hub}?{query}", RELIABLE_PROTOBUF
    )
    again = (await receive(resumed)).system_message.connected_message
    assert again.connection_id == connected.connection_id
    replayed = (await receive(resumed)).data_message
    assert (replayed.sequence_id, replayed.data.text_data) == (2, "m2")


def test_the_committed_protobuf_module_matches_the_proto(tmp_path: Path) -> None:
    if importlib.util.find_spec("grpc_tools") is None:
        pytest.skip("grpcio-tools (dev extra) is not installed")
    proto_dir = ROOT / "convenience" / "webpubsub" / "_proto"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            f"-I{proto_dir}",
            f"--python_out={tmp_path}",
            str(proto_dir / "webpubsub_client.proto"),
        ],
        check=True,
    )
    generated = (tmp_path / "webpubsub_client_pb2.py").read_text()
    assert generated == (proto_dir / "webpubsub_client_pb2.py").read_text(), (
        "run scripts/regen_protobuf.sh"
    )
