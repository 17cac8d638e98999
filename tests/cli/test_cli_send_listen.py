"""``webpubsub send`` to the emulator is what ``webpubsub listen`` prints."""

from __future__ import annotations

import base64
import json
import signal

import pytest
from webpubsub import WebPubSubServiceClient


@pytest.fixture
def service(webpubsub_connection_string: str, webpubsub_hub: str) -> list[str]:
    """The service options every command of a test shares."""
    return ["--connection-string", webpubsub_connection_string, "--hub", webpubsub_hub]


def listen(start_listener, service: list[str], *args: str):
    return start_listener(*service, "--count", "1", "--timeout", "20", *args)


def sent_ok(cli, service: list[str], *args: str) -> str:
    result = cli("send", *service, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("subprotocol", ["json", "raw", "reliable", "protobuf-reliable"])
def test_text_to_all(cli, start_listener, service, subprotocol: str) -> None:
    listener = listen(start_listener, service, "--subprotocol", subprotocol)
    confirmation = sent_ok(cli, service, "hello from the shell")
    assert confirmation.startswith("sent 20 bytes (text/plain) to all connections")
    code, lines, _ = listener.finish()
    assert (code, lines) == (0, ["hello from the shell"])


def test_json_is_delivered_as_json(cli, start_listener, service) -> None:
    listener = listen(start_listener, service, "--format", "jsonl")
    sent_ok(cli, service, "--json", '{"temperature": 21.5, "tags": ["a"]}')
    code, lines, _ = listener.finish()
    assert code == 0
    assert json.loads(lines[0]) == {
        "dataType": "json",
        "data": {"temperature": 21.5, "tags": ["a"]},
        "from": "server",
    }


def test_binary_file_arrives_byte_for_byte(cli, start_listener, service, tmp_path) -> None:
    blob = bytes(range(256))
    path = tmp_path / "blob.bin"
    path.write_bytes(blob)
    json_listener = listen(start_listener, service, "--format", "jsonl")
    raw_listener = listen(start_listener, service, "--subprotocol", "raw")
    sent_ok(cli, service, "--binary", f"@{path}")
    code, lines, _ = json_listener.finish()
    record = json.loads(lines[0])
    assert (code, record["dataType"], base64.b64decode(record["data"])) == (0, "binary", blob)
    code, lines, _ = raw_listener.finish()
    assert (code, [base64.b64decode(line) for line in lines]) == (0, [blob])


def test_message_from_stdin(cli, start_listener, service) -> None:
    listener = listen(start_listener, service)
    result = cli("send", *service, "@-", stdin=b"piped text")
    assert result.returncode == 0, result.stderr
    assert listener.finish()[:2] == (0, ["piped text"])


# A message to everyone sent after the targeted one marks the end: each connection receives
# in order, so an outsider that got only the marker never got the targeted message.


def test_group_target_reaches_members_only(cli, start_listener, service) -> None:
    member = start_listener(*service, "--group", "room", "--count", "2", "--timeout", "20")
    outsider = start_listener(*service, "--count", "1", "--timeout", "20")
    sent_ok(cli, service, "--group", "room", "for the room")
    sent_ok(cli, service, "end")
    assert member.finish()[:2] == (0, ["for the room", "end"])
    assert outsider.finish()[:2] == (0, ["end"])


def test_user_target_reaches_that_user_only(cli, start_listener, service) -> None:
    ann = start_listener(*service, "--user", "ann", "--count", "2", "--timeout", "20")
    ben = start_listener(*service, "--user", "ben", "--count", "1", "--timeout", "20")
    sent_ok(cli, service, "--user", "ann", "--json", '"hi ann"')
    sent_ok(cli, service, "end")
    assert ann.finish()[:2] == (0, ['"hi ann"', "end"])
    assert ben.finish()[:2] == (0, ["end"])


def test_connection_target(cli, start_listener, service) -> None:
    listener = start_listener(*service, "--count", "1", "--timeout", "20")
    # "listening on hub 'h': connection <id>; Ctrl-C to stop"
    connection_id = listener.ready_line.split("connection ")[1].split(";")[0]
    sent_ok(cli, service, "--connection", connection_id, "just you")
    assert listener.finish()[:2] == (0, ["just you"])


def test_listen_times_out_short_of_count(start_listener, service) -> None:
    listener = start_listener(*service, "--count", "2", "--timeout", "1")
    code, lines, stderr = listener.finish()
    assert (code, lines) == (1, [])
    assert "0 of 2 messages" in stderr


def test_listen_reports_a_close_by_the_service(
    start_listener, service, webpubsub_connection_string, webpubsub_hub
) -> None:
    listener = start_listener(*service, "--timeout", "20")
    connection_id = listener.ready_line.split("connection ")[1].split(";")[0]
    with WebPubSubServiceClient.from_connection_string(
        webpubsub_connection_string, webpubsub_hub
    ) as client:
        client.close_connection(connection_id, reason="maintenance window")
    code, lines, stderr = listener.finish()
    assert (code, lines) == (1, [])
    assert stderr.splitlines() == [
        "webpubsub: error: the service closed the connection after 0 messages: maintenance window"
    ]


def test_ctrl_c_stops_listen_with_exit_code_130(start_listener, service) -> None:
    listener = start_listener(*service)
    listener.process.send_signal(signal.SIGINT)
    code, lines, stderr = listener.finish()
    assert (code, lines) == (130, [])
    assert stderr.splitlines() == ["webpubsub: interrupted"]


def test_ctrl_c_stops_listen_even_when_sigint_was_inherited_as_ignored(
    start_listener, service
) -> None:
    listener = start_listener(*service, sigint_ignored=True)
    listener.process.send_signal(signal.SIGINT)
    code, lines, stderr = listener.finish(timeout=10)
    assert (code, lines) == (130, [])
    assert stderr.splitlines() == ["webpubsub: interrupted"]
