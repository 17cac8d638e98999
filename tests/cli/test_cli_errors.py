"""Bad input and unreachable services: one line on stderr, non-zero exit, no traceback, no key."""

from __future__ import annotations

import subprocess
import sys

import pytest
from webpubsub_emulator import DEFAULT_ACCESS_KEY

SECRET = "c2VjcmV0LWtleS10aGF0LW11c3Qtbm90LWxlYWs="


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def assert_no_key(result, key: str) -> None:
    assert key not in result.stdout
    assert key not in result.stderr


@pytest.mark.parametrize(
    "connection_string",
    [
        f"AccessKey={SECRET};Version=1.0;",  # no Endpoint
        f"Endpoint=http://127.0.0.1:1;AccessKey={SECRET};garbage",  # segment without '='
        f"Endpoint=ftp://127.0.0.1;AccessKey={SECRET};",  # not http(s)
    ],
)
@pytest.mark.parametrize("command", [["send", "hi"], ["token"], ["listen", "--count", "1"]])
def test_malformed_connection_string(cli, connection_string: str, command: list[str]) -> None:
    result = cli(*command, "--connection-string", connection_string)
    assert_one_line_error(result, "webpubsub: error:")
    assert_no_key(result, SECRET)


@pytest.mark.parametrize("hub", ["1starts-with-digit", "has space", "x" * 200])
def test_bad_hub_is_refused_before_sending(cli, webpubsub_connection_string: str, hub: str) -> None:
    result = cli("send", "hi", "-c", webpubsub_connection_string, "--hub", hub)
    assert_one_line_error(result, "hub")
    assert_no_key(result, DEFAULT_ACCESS_KEY)


def test_missing_connection_string_names_the_option_and_variable(cli) -> None:
    result = cli("send", "hi")
    assert_one_line_error(result, "--connection-string", "WEBPUBSUB_CONNECTION_STRING")


def test_unreachable_service(cli) -> None:
    # Port 1 on loopback: nothing listens there, the connection is refused at once.
    connection_string = f"Endpoint=http://127.0.0.1:1;AccessKey={SECRET};Version=1.0;"
    result = cli("send", "hi", "-c", connection_string)
    assert_one_line_error(result, "webpubsub: error:")
    assert_no_key(result, SECRET)


def test_wrong_access_key_is_rejected_by_the_service(
    cli, webpubsub_emulator, webpubsub_hub: str
) -> None:
    wrong = f"Endpoint={webpubsub_emulator.endpoint};AccessKey={SECRET};Version=1.0;"
    for command in (["send", "hi"], ["listen", "--count", "1", "--timeout", "10"]):
        result = cli(*command, "-c", wrong, "--hub", webpubsub_hub)
        assert_one_line_error(result, "401")
        assert_no_key(result, SECRET)


def test_invalid_json_message(cli, webpubsub_connection_string: str) -> None:
    result = cli("send", "--json", "{not json", "-c", webpubsub_connection_string)
    assert_one_line_error(result, "--json", "not valid JSON")


def test_unreadable_message_file(cli, webpubsub_connection_string: str, tmp_path) -> None:
    missing = tmp_path / "missing.bin"
    result = cli("send", "--binary", f"@{missing}", "-c", webpubsub_connection_string)
    assert_one_line_error(result, str(missing))


def test_non_utf8_text_points_to_binary(cli, webpubsub_connection_string: str, tmp_path) -> None:
    blob = tmp_path / "blob.bin"
    blob.write_bytes(b"\xff\xfe\x00")
    result = cli("send", f"@{blob}", "-c", webpubsub_connection_string)
    assert_one_line_error(result, "--binary")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["token", "--minutes", "0"], "argument --minutes: must be a whole number >= 1, got '0'"),
        (["listen", "--timeout", "soon"], "argument --timeout: must be a number of seconds > 0"),
        (["emulator", "--port", "70000"], "argument --port: must be a TCP port 0..65535"),
        (["send", "x", "--json", "--binary"], "argument --binary: not allowed with argument"),
    ],
)
def test_usage_errors_are_one_line_with_exit_code_2(cli, args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"webpubsub {args[0]}: error: {message}")
    assert line.endswith(f"(see webpubsub {args[0]} --help)")


def test_listen_without_the_client_extra_names_the_extra(
    webpubsub_connection_string: str,
) -> None:
    # Simulate an install without websockets: a None entry makes its import fail.
    code = (
        "import sys; sys.modules['websockets'] = None\n"
        "from webpubsub.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "listen", "-c", webpubsub_connection_string],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # listen is a client of the service (webpubsub.client): the client extra installs it.
    assert_one_line_error(result, "websockets", "webpubsub[client]")
