"""Spec facts are generated (webpubsub_rest.spec_facts), never typed by hand, and the SDK and the
emulator both follow them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import webpubsub
from webpubsub_rest import spec_facts

REPO = Path(__file__).resolve().parents[2]
HAND_WRITTEN = ["convenience", "emulator", "tests", "benchmarks", "scripts", "examples", "dev.py"]
VERSION_SHAPED = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:-preview)?\b")
#: A line may carry a deliberately unknown version-shaped value when it says so.
EXEMPT_MARKER = "not-an-api-version"


def version_literals(root: Path) -> list[str]:
    """``path:line: text`` of every hand-written Python line holding an api-version-shaped
    value (YYYY-MM-DD, optionally -preview) without the exemption marker."""
    found: list[str] = []
    for entry in HAND_WRITTEN:
        base = root / entry
        files = [base] if base.is_file() else sorted(base.rglob("*.py"))
        for path in files:
            if any(part.startswith(".") or part == "__pycache__" for part in path.parts):
                continue
            text = path.read_text(encoding="utf-8")
            for number, line in enumerate(text.splitlines(), 1):
                if VERSION_SHAPED.search(line) and EXEMPT_MARKER not in line:
                    found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return found


def test_no_hand_written_module_or_test_repeats_an_api_version() -> None:
    assert version_literals(REPO) == [], (
        "import api-versions from webpubsub_rest.spec_facts (API_VERSIONS, DEFAULT_API_VERSION) "
        "instead of writing them"
    )


def test_the_literal_guard_catches_a_repeated_version(tmp_path: Path) -> None:
    module = tmp_path / "convenience" / "pinned.py"
    module.parent.mkdir()
    module.write_text(f'VERSION = "{spec_facts.DEFAULT_API_VERSION}"\n', encoding="utf-8")
    assert version_literals(tmp_path) == [
        f'convenience/pinned.py:1: VERSION = "{spec_facts.DEFAULT_API_VERSION}"'
    ]


def test_facts_are_consistent() -> None:
    assert spec_facts.API_VERSIONS[-1] == spec_facts.DEFAULT_API_VERSION
    assert list(spec_facts.API_VERSIONS) == sorted(spec_facts.API_VERSIONS)
    assert set(spec_facts.OPERATION_SINCE.values()) <= set(spec_facts.API_VERSIONS)


def test_clients_default_to_the_spec_default_version(webpubsub_connection_string: str) -> None:
    with webpubsub.WebPubSubServiceClient.from_connection_string(
        webpubsub_connection_string, "hub"
    ) as client:
        assert client.api_version == spec_facts.DEFAULT_API_VERSION


def _send(client: webpubsub.WebPubSubServiceClient, path: str, **params: object) -> int:
    request = webpubsub.HttpRequest(
        "POST",
        f"/api/hubs/{client.hub}{path}",
        params={"api-version": spec_facts.DEFAULT_API_VERSION, **params},
        headers={"Content-Type": "text/plain"},
        content="x",
    )
    return client.send_request(request).status_code


@pytest.fixture
def client(
    webpubsub_connection_string: str, webpubsub_hub: str
) -> Iterator[webpubsub.WebPubSubServiceClient]:
    made = webpubsub.WebPubSubServiceClient.from_connection_string(
        webpubsub_connection_string, webpubsub_hub, retry_total=0
    )
    yield made
    made.close()


@pytest.mark.parametrize("version", spec_facts.API_VERSIONS)
def test_emulator_accepts_every_spec_version(
    client: webpubsub.WebPubSubServiceClient, version: str
) -> None:
    assert _send(client, "/:send", **{"api-version": version}) == 202


def test_emulator_refuses_a_version_the_spec_does_not_list(
    client: webpubsub.WebPubSubServiceClient,
) -> None:
    dropped = "2021-05-01-preview"  # not-an-api-version: never in the spec
    assert dropped not in spec_facts.API_VERSIONS
    assert _send(client, "/:send", **{"api-version": dropped}) == 400


def test_emulator_refuses_a_whitespace_only_group(
    client: webpubsub.WebPubSubServiceClient,
) -> None:
    assert _send(client, "/groups/%20%20/:send") == 400
    assert _send(client, "/groups/ok/:send") == 202


def test_emulator_bounds_maxpagesize_as_the_spec_does(
    client: webpubsub.WebPubSubServiceClient,
) -> None:
    def listing(size: int) -> int:
        request = webpubsub.HttpRequest(
            "GET",
            f"/api/hubs/{client.hub}/groups/g/connections",
            params={"api-version": spec_facts.DEFAULT_API_VERSION, "maxpagesize": size},
        )
        return client.send_request(request).status_code

    assert listing(spec_facts.MAX_PAGE_SIZE_MAX) == 200
    assert listing(spec_facts.MAX_PAGE_SIZE_MAX + 1) == 400
    assert listing(spec_facts.MAX_PAGE_SIZE_MIN - 1) == 400
