"""``get_client_access_token`` tokens per second (signed locally with the key): ours vs official."""

from __future__ import annotations

import contextlib
import statistics
from collections.abc import Mapping
from typing import Any

import jwt

from .results import OFFICIAL, OURS, BenchmarkResult, Check, Series
from .rounds import interleave
from .settings import Settings

HUB = "bench_tokens"
TARGET_VS_OFFICIAL = 1.5
# Offline: the endpoint is never contacted when a token is signed with the access key.
_ENDPOINT = "http://127.0.0.1:9"
ARGUMENTS: dict[str, Any] = {
    "user_id": "user-42",
    "roles": ["webpubsub.sendToGroup.chat", "webpubsub.joinLeaveGroup.chat"],
    "groups": ["chat"],
    "minutes_to_expire": 30,
}


def run(access_key: str, settings: Settings) -> BenchmarkResult:
    """Time ``settings.token_calls`` tokens per round for each client."""
    from azure.messaging.webpubsubservice import WebPubSubServiceClient as OfficialClient
    from webpubsub import WebPubSubServiceClient

    connection_string = f"Endpoint={_ENDPOINT};AccessKey={access_key};Version=1.0;"
    with contextlib.ExitStack() as stack:
        ours = stack.enter_context(
            WebPubSubServiceClient.from_connection_string(connection_string, hub=HUB)
        )
        official = stack.enter_context(
            OfficialClient.from_connection_string(connection_string, hub=HUB)
        )
        notes = _compare_claims(
            ours.get_client_access_token(**ARGUMENTS),
            official.get_client_access_token(**ARGUMENTS),
            access_key,
        )

        def run_ours(n: int) -> None:
            for _ in range(n):
                ours.get_client_access_token(**ARGUMENTS)

        def run_official(n: int) -> None:
            for _ in range(n):
                official.get_client_access_token(**ARGUMENTS)

        rates = interleave(
            {OURS: run_ours, OFFICIAL: run_official},
            operations=settings.token_calls,
            rounds=settings.token_rounds,
            warmup=settings.warmup_calls,
        ).rates
    ratio = statistics.median(rates[OURS]) / statistics.median(rates[OFFICIAL])
    return BenchmarkResult(
        name="tokens",
        title=f"get_client_access_token, {settings.token_calls} tokens x "
        f"{settings.token_rounds} rounds",
        series=tuple(Series(c, "tokens/s", tuple(r)) for c, r in rates.items()),
        checks=(Check("tokens: ours / official tokens/s", ratio, TARGET_VS_OFFICIAL, True),),
        notes=notes,
    )


def _compare_claims(
    ours: Mapping[str, Any], official: Mapping[str, Any], access_key: str
) -> tuple[str, ...]:
    """Both clients must sign the same claims, or the comparison would be unfair."""
    decoded = [
        jwt.decode(token["token"], access_key, algorithms=["HS256"], options={"verify_aud": False})
        for token in (ours, official)
    ]
    for claims in decoded:
        claims.pop("iat", None)
        claims.pop("exp", None)
        claims.pop("nbf", None)
    if decoded[0] != decoded[1]:
        return (f"token claims differ: ours {decoded[0]!r}, official {decoded[1]!r}",)
    return (f"both clients sign the same claims: {sorted(decoded[0])}",)
