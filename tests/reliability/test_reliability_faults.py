"""Message streams through our sync and async clients while the emulator injects faults.

Each sender sends its own numbered stream to its own group, so a fault rule per sender
(``every=3``) fails that sender's 3rd, 6th, 9th, ... request: a retry never meets a second
fault in a row, and the counts are deterministic. Every listener must receive every message
exactly once and, per sender, in order.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import webpubsub
import webpubsub.aio
from webpubsub_emulator import EmulatorServer
from webpubsub_emulator.faults import FaultInjector

SENDERS = 3
PER_SENDER = 14
FAULTS_PER_SENDER = 4

# fault name -> how to arm it for one sender's path
ARM: dict[str, Callable[[FaultInjector, str], None]] = {
    "throttled-429": lambda f, path: f.fail_requests(
        429, retry_after=0, count=FAULTS_PER_SENDER, every=3, path=path
    ),
    # No Retry-After: the client's default exponential backoff applies.
    "unavailable-503": lambda f, path: f.fail_requests(
        503, count=FAULTS_PER_SENDER, every=3, path=path
    ),
    "dropped-connection": lambda f, path: f.drop_requests(
        count=FAULTS_PER_SENDER, every=3, path=path
    ),
    "delayed-0.3s": lambda f, path: f.delay_requests(
        0.3, count=FAULTS_PER_SENDER, every=3, path=path
    ),
}


def sender_path(sender: int) -> str:
    return rf"/groups/g{sender}/:send$"


async def send_stream(api: Any, sender: int) -> tuple[int, int]:
    """Send this sender's numbered messages in order; return (calls that succeeded, calls
    that raised ServiceResponseError and were sent again).

    A POST whose connection drops is not retried by the client (it cannot know whether the
    service performed it), so the caller decides; the emulator drops before performing the
    operation, so sending again is what keeps the stream exactly-once here.
    """
    sent = resent = 0
    for seq in range(PER_SENDER):
        message = {"sender": sender, "seq": seq}
        while True:
            try:
                await api("send_to_group", f"g{sender}", message)
            except webpubsub.ServiceResponseError:
                resent += 1
                continue
            sent += 1
            break
    return sent, resent


def assert_exactly_once_in_order(listener: Any) -> tuple[int, int]:
    """Return (lost, duplicated) after asserting both are zero and each sender is in order."""
    keys = [(m["sender"], m["seq"]) for m in listener.received]
    counts = Counter(keys)
    expected = {(s, q) for s in range(SENDERS) for q in range(PER_SENDER)}
    lost = len(expected - counts.keys())
    duplicated = sum(n - 1 for n in counts.values())
    assert (lost, duplicated) == (0, 0), f"lost {lost}, duplicated {duplicated}: {keys}"
    for sender in range(SENDERS):
        order = [seq for s, seq in keys if s == sender]
        assert order == list(range(PER_SENDER)), f"sender {sender} arrived as {order}"
    return lost, duplicated


KINDS = pytest.mark.parametrize("kind", ["sync", "async"])


@KINDS
@pytest.mark.parametrize("fault", list(ARM))
async def test_every_message_arrives_once_and_in_order_under_faults(
    kind: str, fault: str, faults: FaultInjector, api_factory: Any, listen: Any, tally: Any
) -> None:
    api = api_factory(kind)
    groups = [f"g{s}" for s in range(SENDERS)]
    listeners = [await listen(api, groups=groups) for _ in range(2)]
    for sender in range(SENDERS):
        ARM[fault](faults, sender_path(sender))

    results = await asyncio.gather(*(send_stream(api, s) for s in range(SENDERS)))
    for listener in listeners:
        await listener.wait_for(SENDERS * PER_SENDER)
    await asyncio.sleep(0.3)  # room for a stray duplicate to show up

    injected = sum(faults.injected().values())
    sent = sum(ok for ok, _ in results)
    resent = sum(again for _, again in results)
    assert injected == SENDERS * FAULTS_PER_SENDER
    assert sent == SENDERS * PER_SENDER
    # Only dropped connections surface to the caller; throttling, outages and delays are
    # absorbed by the client's default retries.
    assert resent == (injected if fault == "dropped-connection" else 0)
    assert faults.pending() == []
    for index, listener in enumerate(listeners):
        lost, duplicated = assert_exactly_once_in_order(listener)
        row = (f"{kind}/{fault}/listener{index}", injected, sent, len(listener.received))
        tally.append((*row, lost, duplicated))


# -- with retries off, the fault surfaces as the right exception --------------------------

# fault name -> (arm it, exception type expected, HTTP status, counter in injected())
RAISES: dict[str, tuple[Callable[[FaultInjector], None], type[Exception], int | None, str]] = {
    "throttled-429": (
        lambda f: f.fail_requests(429, retry_after=1),
        webpubsub.TooManyRequestsError,
        429,
        "status",
    ),
    "unavailable-503": (
        lambda f: f.fail_requests(503),
        webpubsub.HttpResponseError,
        503,
        "status",
    ),
    "dropped-connection": (
        lambda f: f.drop_requests(),
        webpubsub.ServiceResponseError,
        None,
        "drop",
    ),
}


@KINDS
@pytest.mark.parametrize("fault", list(RAISES))
async def test_without_retries_the_fault_raises_and_nothing_is_delivered(
    kind: str, fault: str, faults: FaultInjector, api_factory: Any, listen: Any, tally: Any
) -> None:
    arm, error_type, status, counter = RAISES[fault]
    api = api_factory(kind, retry_total=0)
    listener = await listen(api)
    arm(faults)
    with pytest.raises(error_type) as caught:
        await api("send_to_all", "faulted")
    await api("send_to_all", "marker")
    await listener.wait_for(1)
    await asyncio.sleep(0.2)

    assert type(caught.value) is error_type
    if status is not None:
        assert isinstance(caught.value, webpubsub.HttpResponseError)
        assert caught.value.status_code == status
        assert str(status) in str(caught.value)
    assert faults.injected()[counter] == 1
    # Messages keep their order, so the marker arriving alone proves the faulted send was
    # never performed.
    assert listener.received == ["marker"]
    tally.append((f"{kind}/{fault}/retry_total=0", 1, 1, 1, 0, 0))


@KINDS
async def test_a_send_that_times_out_is_not_retried_so_it_arrives_once(
    kind: str, faults: FaultInjector, api_factory: Any, listen: Any, tally: Any
) -> None:
    """The emulator performs a delayed send after the client gave up waiting; with default
    retries the client must not send it again, or the message would arrive twice."""
    api = api_factory(kind, timeout=0.3)
    listener = await listen(api)
    faults.delay_requests(1.0, path=r"/:send$")
    with pytest.raises(webpubsub.ServiceResponseError, match="Timeout"):
        await api("send_to_all", "late")
    await listener.wait_for(1)
    await api("send_to_all", "marker")
    await listener.wait_for(2)
    await asyncio.sleep(0.2)

    assert faults.injected()["delay"] == 1
    assert listener.received == ["late", "marker"]
    tally.append((f"{kind}/timeout-after-delay", 1, 2, 2, 0, 0))


@KINDS
async def test_idempotent_calls_are_retried_through_dropped_connections(
    kind: str,
    faulty_emulator: EmulatorServer,
    webpubsub_hub: str,
    faults: FaultInjector,
    api_factory: Any,
    listen: Any,
) -> None:
    api = api_factory(kind, retry_backoff_factor=0.05)
    listener = await listen(api, user_id="alice")
    faults.drop_requests(count=2, method="HEAD")
    faults.drop_requests(count=2, method="PUT")
    assert await api("user_exists", "alice") is True
    await api("add_user_to_group", "room", "alice")
    assert await api("group_exists", "room") is True

    assert faults.injected()["drop"] == 4
    groups = faulty_emulator.service.groups_of(webpubsub_hub, listener.connection_id)
    assert groups == {"room"}


@KINDS
async def test_an_unreachable_service_raises_service_request_error(kind: str) -> None:
    with EmulatorServer() as server:
        connection_string = server.connection_string
    # The server is stopped: its port refuses connections.
    options: dict[str, Any] = {"retry_total": 1, "retry_backoff_factor": 0.01}
    with pytest.raises(webpubsub.ServiceRequestError) as caught:
        if kind == "sync":
            with webpubsub.WebPubSubServiceClient.from_connection_string(
                connection_string, "hub", **options
            ) as client:
                client.send_to_all("nobody listens")
        else:
            async with webpubsub.aio.WebPubSubServiceClient.from_connection_string(
                connection_string, "hub", **options
            ) as aclient:
                await aclient.send_to_all("nobody listens")
    assert type(caught.value) is webpubsub.ServiceRequestError
    assert "after 2 attempts" in str(caught.value)
