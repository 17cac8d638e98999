"""The same calls put the same frames on the wire: the official client and ours each make one
sequence of calls through the frame-recording proxy, and the frames they sent must agree (as
JSON values; the timer-driven ``sequenceAck`` frames are compared apart, by their last id)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from azure.messaging.webpubsubservice import WebPubSubServiceClient

from .conftest import (
    OFFICIAL,
    OURS,
    START_TIMEOUT,
    ClientPackage,
    FrameRecorder,
    load_package,
    url_provider,
)


def _calls(models: Any) -> list[tuple[str, tuple[Any, ...], dict[str, Any]]]:
    """(method, args, kwargs): every frame kind a client sends, with and without acks. Each
    unacknowledged send comes before an acknowledged one, so the frame is on the wire by the
    time the next call returns."""
    kind = models.WebPubSubDataType
    return [
        ("join_group", ("g",), {}),
        ("send_to_group", ("g", "text é", kind.TEXT), {}),
        ("send_to_group", ("g", {"a": [1, None]}, kind.JSON), {"no_echo": True}),
        ("send_to_group", ("g", memoryview(b"\x00\x01\xff"), kind.BINARY), {"ack": False}),
        ("send_to_group", ("g", "explicit id", kind.TEXT), {"ack_id": 900}),
        ("send_event", ("ev", "t", kind.TEXT), {"ack": False}),
        ("send_event", ("ev", {"n": 1}, kind.JSON), {"ack": False}),
        ("send_event", ("ev", memoryview(b"\x02"), kind.BINARY), {"ack": False}),
        ("leave_group", ("g",), {}),
    ]


def _split(frames: list[str | bytes]) -> tuple[list[Any], list[int]]:
    """(the frames other than sequenceAck as JSON values, the sequence ids acknowledged)."""
    others: list[Any] = []
    sequence_acks: list[int] = []
    for frame in frames:
        assert isinstance(frame, str), f"a JSON subprotocol client sent a binary frame {frame!r}"
        message = json.loads(frame)
        if message.get("type") == "sequenceAck":
            sequence_acks.append(message["sequenceId"])
        else:
            others.append(message)
    return others, sequence_acks


def _run_sync(package: ClientPackage, url: Any, protocol: Any) -> None:
    client = package.sync.WebPubSubClient(
        credential=package.sync.WebPubSubClientCredential(client_access_url_provider=url),
        protocol_type=protocol,
        start_timeout=START_TIMEOUT,
    )
    with client:
        for name, args, kwargs in _calls(package.models):
            getattr(client, name)(*args, **kwargs)


def _run_aio(package: ClientPackage, url: Any, protocol: Any) -> None:
    async def provider() -> str:
        return str(url())

    async def run() -> None:
        client = package.aio.WebPubSubClient(
            credential=package.aio.WebPubSubClientCredential(client_access_url_provider=provider),
            protocol_type=protocol,
            start_timeout=START_TIMEOUT,
        )
        async with client:
            for name, args, kwargs in _calls(package.models):
                await getattr(client, name)(*args, **kwargs)

    asyncio.run(run())


@pytest.mark.parametrize("face", ["sync", "aio"])
@pytest.mark.parametrize("protocol", ["JSON", "JSON_RELIABLE"])
def test_same_calls_send_the_same_frames(
    face: str,
    protocol: str,
    service: WebPubSubServiceClient,
    frame_recorder: FrameRecorder,
) -> None:
    sent: dict[str, tuple[list[Any], list[int], list[str]]] = {}
    for name in (OFFICIAL, OURS):
        package = load_package(name)
        frame_recorder.frames.clear()
        frame_recorder.offered.clear()
        provider = url_provider(service, user_id="wire")

        def url(provider: Any = provider) -> str:
            return frame_recorder.url(provider())

        run = _run_sync if face == "sync" else _run_aio
        run(package, url, getattr(package.models.WebPubSubProtocolType, protocol))
        others, sequence_acks = _split(frame_recorder.up())
        [offered] = frame_recorder.offered
        sent[name] = (others, sequence_acks, offered)

    official, ours = sent[OFFICIAL], sent[OURS]
    assert ours[2] == official[2], "offered subprotocols differ"
    assert ours[0] == official[0]
    if protocol == "JSON_RELIABLE":
        # Timer-driven, so how many differ; what each acknowledges never goes backwards and
        # never names a message that was not delivered (7 group messages echo back here).
        for _, acks, _ in (official, ours):
            assert acks == sorted(acks) and all(1 <= a <= 7 for a in acks)
    else:
        assert ours[1] == official[1] == []
