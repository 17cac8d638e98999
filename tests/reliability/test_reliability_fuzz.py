"""Schemathesis drives the emulator's REST API from ``openapi/webpubsub.json`` with valid
authentication (each request's JWT signed for its exact URL): no 5xx, and every response
matches the spec (status, content type, headers, body schema)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import jwt
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from webpubsub_emulator import EmulatorServer

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "webpubsub.json"
MAX_EXAMPLES_PER_OPERATION = 15
PROTOCOL_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
]

schema = schemathesis.openapi.from_path(str(SPEC))


class SignedForItsUrl(requests.auth.AuthBase):
    """Signs each prepared request with aud = its exact URL, as the service requires."""

    def __init__(self, access_key: str) -> None:
        self.access_key = access_key

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        claims = {"aud": request.url, "exp": int(time.time()) + 60}
        token = jwt.encode(claims, self.access_key, algorithm="HS256")
        request.headers["Authorization"] = f"Bearer {token}"
        return request


FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)


def call_signed(case: Any, server: EmulatorServer, fuzz_stats: Any) -> Any:
    session = requests.Session()
    session.auth = SignedForItsUrl(server.access_key)
    response = case.call(base_url=server.endpoint, session=session)
    fuzz_stats[(case.method.upper(), case.path, response.status_code)] += 1
    return response


@schema.parametrize()
@FUZZ_SETTINGS
def test_fuzzed_requests_get_no_5xx_and_documented_statuses_and_headers(
    case: Any, webpubsub_emulator: EmulatorServer, fuzz_stats: Any
) -> None:
    response = call_signed(case, webpubsub_emulator, fuzz_stats)
    case.validate_response(response, checks=PROTOCOL_CHECKS)


@schema.parametrize()
@FUZZ_SETTINGS
def test_fuzzed_responses_have_bodies_that_match_the_spec_schemas(
    case: Any, webpubsub_emulator: EmulatorServer, fuzz_stats: Any
) -> None:
    response = call_signed(case, webpubsub_emulator, fuzz_stats)
    case.validate_response(response, checks=[response_schema_conformance])
