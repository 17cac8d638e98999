"""Retries against a real fault-injecting reverse proxy in front of the emulator: throttled
and unavailable answers are retried, ``Retry-After`` is honoured, and the message reaches the
WebSocket peer exactly once."""

from __future__ import annotations

import base64
import email.utils
import io
import socket
import time
from typing import Any

import httpx
import pytest
import webpubsub
from webpubsub._retry import retry_after_seconds

KINDS = pytest.mark.parametrize("kind", ["sync", "async"])


@KINDS
@pytest.mark.parametrize(
    ("faults", "minimum_wait"),
    [
        ([(429, {"Retry-After": "1"}), (503, {})], 0.95),
        ([(429, {"retry-after-ms": "400"})], 0.38),
        ([(503, {}), (504, {}), (500, {})], 0.0),
    ],
    ids=["retry-after-seconds", "retry-after-ms", "server-errors"],
)
async def test_faults_are_retried_and_the_message_arrives_once(
    kind: str,
    faults: list[tuple[int, dict[str, str]]],
    minimum_wait: float,
    fault_proxy: Any,
    service_factory: Any,
    peer_factory: Any,
) -> None:
    proxy = fault_proxy(faults)
    service = service_factory(
        kind, reverse_proxy_endpoint=proxy.endpoint, retry_backoff_factor=0.01
    )
    peer = await peer_factory(service)

    started = time.monotonic()
    await service("send_to_all", "exactly once")
    elapsed = time.monotonic() - started

    assert minimum_wait <= elapsed < 10
    assert (proxy.seen, proxy.forwarded) == (len(faults) + 1, 1)
    assert (await peer.next_message())["data"] == "exactly once"
    await peer.assert_silent(0.5)


@KINDS
@pytest.mark.parametrize("status", [408, 502])
async def test_a_post_is_not_resent_after_a_status_the_service_may_have_acted_on(
    kind: str, status: int, fault_proxy: Any, service_factory: Any, peer_factory: Any
) -> None:
    # As azure-core's RetryPolicy: a POST is retried on 500/503/504 (or when asked to with
    # Retry-After), not on 408 or 502, where the send may already have been performed.
    proxy = fault_proxy([(status, {})])
    service = service_factory(
        kind, reverse_proxy_endpoint=proxy.endpoint, retry_backoff_factor=0.01
    )
    await peer_factory(service)

    with pytest.raises(webpubsub.HttpResponseError) as caught:
        await service("send_to_all", "maybe performed")
    assert caught.value.status_code == status
    assert (proxy.seen, proxy.forwarded) == (1, 0)
    # A PUT is idempotent, so the same status is retried.
    proxy.faults = [(status, {})]
    await service("add_user_to_group", "g", "u")
    assert (proxy.seen, proxy.forwarded) == (3, 1)


@KINDS
async def test_retry_total_zero_raises_the_throttling_error(
    kind: str, fault_proxy: Any, service_factory: Any, peer_factory: Any
) -> None:
    proxy = fault_proxy([(429, {"Retry-After": "1", "x-ms-error-code": "Throttled"})])
    service = service_factory(kind, reverse_proxy_endpoint=proxy.endpoint, retry_total=0)
    peer = await peer_factory(service)

    started = time.monotonic()
    with pytest.raises(webpubsub.TooManyRequestsError) as caught:
        await service("send_to_all", "never")
    assert time.monotonic() - started < 0.9  # did not wait for Retry-After
    assert (caught.value.status_code, caught.value.error_code) == (429, "Throttled")
    assert (proxy.seen, proxy.forwarded) == (1, 0)
    await peer.assert_silent(0.3)


@KINDS
async def test_persistent_unavailability_gives_up_after_retry_total(
    kind: str, fault_proxy: Any, service_factory: Any
) -> None:
    proxy = fault_proxy([(503, {})] * 5)
    service = service_factory(
        kind, reverse_proxy_endpoint=proxy.endpoint, retry_total=2, retry_backoff_factor=0.01
    )
    with pytest.raises(webpubsub.HttpResponseError) as caught:
        await service("user_exists", "u")
    assert caught.value.status_code == 503
    assert proxy.seen == 3


@KINDS
async def test_unreachable_service_raises_service_request_error_after_retries(
    kind: str, service_factory: Any
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    service = service_factory(
        kind,
        reverse_proxy_endpoint=f"http://127.0.0.1:{closed_port}",
        retry_total=2,
        retry_backoff_factor=0.01,
    )
    with pytest.raises(webpubsub.ServiceRequestError, match="after 3 attempts"):
        await service("send_to_all", "x")


@KINDS
async def test_timeout_applies_and_a_send_is_not_repeated_after_it(
    kind: str, service_factory: Any
) -> None:
    # A listening socket that never answers: the connection is accepted by the kernel, the
    # response never comes. A POST may have been processed, so it must not be retried.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        service = service_factory(
            kind,
            reverse_proxy_endpoint=f"http://127.0.0.1:{silent.getsockname()[1]}",
            timeout=0.3,
            retry_backoff_factor=0.01,
        )
        started = time.monotonic()
        with pytest.raises(webpubsub.ServiceResponseError, match="ReadTimeout") as caught:
            await service("send_to_all", "x")
        assert time.monotonic() - started < 1.5
        assert "attempts" not in str(caught.value)


def test_retry_after_forms_are_understood() -> None:
    soon = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert retry_after_seconds(httpx.Headers({"Retry-After": "2"})) == 2.0
    assert retry_after_seconds(httpx.Headers({"retry-after-ms": "250"})) == 0.25
    assert retry_after_seconds(httpx.Headers({"x-ms-retry-after-ms": "10"})) == 0.01
    assert 28 <= (retry_after_seconds(httpx.Headers({"Retry-After": soon})) or 0) <= 30
    assert retry_after_seconds(httpx.Headers({"Retry-After": "soonish"})) is None
    assert retry_after_seconds(httpx.Headers({})) is None


@KINDS
async def test_a_file_message_is_replayed_whole_on_retry(
    kind: str, fault_proxy: Any, service_factory: Any, peer_factory: Any
) -> None:
    proxy = fault_proxy([(503, {}), (503, {})])
    service = service_factory(
        kind, reverse_proxy_endpoint=proxy.endpoint, retry_backoff_factor=0.01
    )
    peer = await peer_factory(service)

    await service("send_to_all", io.BytesIO(b"file body"), content_type="application/octet-stream")

    message = await peer.next_message()
    assert (message["dataType"], base64.b64decode(message["data"])) == ("binary", b"file body")
    assert proxy.forwarded == 1
    await peer.assert_silent(0.3)
