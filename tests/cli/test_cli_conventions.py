"""Conventions a shell user expects: colours that honour NO_COLOR, debug logs without
secrets, and a send that fails fast (saying what it waits for) when nobody answers."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from webpubsub_emulator import DEFAULT_ACCESS_KEY

BAD_CONNECTION = "Endpoint=http://127.0.0.1:9;AccessKey=" + DEFAULT_ACCESS_KEY + ";Version=1.0;"
ESC = "\x1b["


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """A loopback port that accepts TCP connections and never answers a request."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        port = listener.getsockname()[1]
        yield f"Endpoint=http://127.0.0.1:{port};AccessKey={DEFAULT_ACCESS_KEY};Version=1.0;"


def test_errors_are_red_only_when_forced(cli, make_cli_env) -> None:
    plain = cli("send", "hi", "-c", "Endpoint=nope", env=make_cli_env())
    forced = cli("send", "hi", "-c", "Endpoint=nope", env=make_cli_env(FORCE_COLOR="1"))
    opted_out = cli(
        "send", "hi", "-c", "Endpoint=nope", env=make_cli_env(FORCE_COLOR="1", NO_COLOR="1")
    )
    assert plain.returncode == forced.returncode == opted_out.returncode == 1
    assert ESC not in plain.stderr  # captured output is not a terminal
    assert f"{ESC}31merror:{ESC}0m" in forced.stderr
    assert ESC not in opted_out.stderr


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_debug_logs_requests_without_key_or_token(
    cli, make_cli_env, webpubsub_connection_string, webpubsub_hub, how: str
) -> None:
    args = ["send", "hello", "-c", webpubsub_connection_string, "--hub", webpubsub_hub]
    if how == "flag":
        result = cli(*args, "--debug")
    else:
        result = cli(*args, env=make_cli_env(WEBPUBSUB_LOG="debug"))
    assert result.returncode == 0, result.stderr
    assert "DEBUG webpubsub: POST http://127.0.0.1:" in result.stderr
    assert DEFAULT_ACCESS_KEY not in result.stderr + result.stdout
    assert "Bearer ey" not in result.stderr
    assert "access_token=ey" not in result.stderr


def test_debug_listen_masks_the_client_token_in_library_logs(
    cli, webpubsub_connection_string, webpubsub_hub
) -> None:
    result = cli(
        "listen",
        "--debug",
        "--timeout",
        "0.5",
        "-c",
        webpubsub_connection_string,
        "--hub",
        webpubsub_hub,
    )
    assert result.returncode == 0, result.stderr
    assert "access_token=***" in result.stderr  # the websockets client logged its URL
    assert "access_token=ey" not in result.stderr


def test_unknown_log_level_is_a_one_line_error(cli, make_cli_env) -> None:
    result = cli("token", "-c", BAD_CONNECTION, env=make_cli_env(WEBPUBSUB_LOG="loud"))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "webpubsub: error: WEBPUBSUB_LOG='loud' is not a log level: use debug or info"
    ]


def test_send_to_a_silent_endpoint_says_what_it_waits_for_and_gives_up(
    cli, silent_endpoint
) -> None:
    started = time.monotonic()
    result = cli("send", "hi", "-c", silent_endpoint, "--timeout", "3")
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("webpubsub: waiting for http://127.0.0.1:")
    assert lines[-1].startswith("webpubsub: error: ")
    assert len(lines) == 2
    assert "timed out" in lines[-1].lower()
    # A send whose request went out is not retried on a timeout (it may have been delivered);
    # the attempt is bounded by --timeout, not by the SDK's default of 60 s.
    assert elapsed < 15


def test_send_to_a_closed_port_fails_at_once(cli) -> None:
    result = cli("send", "hi", "-c", BAD_CONNECTION)
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("webpubsub: error: ")


def test_a_short_emulator_key_is_refused_without_showing_it(cli) -> None:
    result = cli("emulator", "--port", "0", "--access-key", "tooshort-secret")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "webpubsub: error: the access key is 15 bytes long; it must be at least 32 bytes "
        "(HS256 needs a 256-bit secret)"
    ]
    assert "tooshort-secret" not in result.stderr


def test_a_short_key_gives_no_pyjwt_warning(cli) -> None:
    short = "Endpoint=http://127.0.0.1:9;AccessKey=short;Version=1.0;"
    result = cli("token", "-c", short, "--url-only")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
