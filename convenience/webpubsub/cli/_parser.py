"""The argparse definition of every ``webpubsub`` subcommand and its options."""

from __future__ import annotations

import argparse
from typing import NoReturn

from webpubsub_rest.spec_facts import MINUTES_TO_EXPIRE_DEFAULT

from webpubsub._version import __version__
from webpubsub.cli import _commands
from webpubsub.cli._logging import LOG_ENV
from webpubsub.cli._settings import CONNECTION_STRING_ENV, DEFAULT_HUB, HUB_ENV

_DESCRIPTION = """\
Work with Azure Web PubSub from the shell: run a local emulator, run the end-to-end demo,
mint client access tokens, send messages and listen as a client.
The connection string and hub come from --connection-string/--hub (before or after the
subcommand) or from the environment."""

_EPILOG = f"""\
environment:
  {CONNECTION_STRING_ENV}  connection string used when --connection-string is absent
  {HUB_ENV}                hub used when --hub is absent (default: {DEFAULT_HUB})
  {LOG_ENV}                debug or info: log what the SDK does on stderr (as --debug)
  NO_COLOR / FORCE_COLOR       turn colours off / on (default: on for a terminal)"""


class _OneLineErrorParser(argparse.ArgumentParser):
    """Usage mistakes are reported like every other CLI error: one line, exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _number(text: str, kind: type[int] | type[float], rule: str) -> float:
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be {rule}, got {text!r}") from None


def _positive_int(text: str) -> int:
    rule = "a whole number >= 1"
    value = int(_number(text, int, rule))
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be {rule}, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    rule = "a number of seconds > 0"
    value = _number(text, float, rule)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be {rule}, got {text!r}")
    return value


def _port(text: str) -> int:
    rule = "a TCP port 0..65535"
    value = int(_number(text, int, rule))
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be {rule}, got {text!r}")
    return value


def _service_options() -> _OneLineErrorParser:
    # SUPPRESS keeps a subcommand's absent option from overwriting the global one.
    parent = _OneLineErrorParser(add_help=False)
    parent.add_argument(
        "-c",
        "--connection-string",
        default=argparse.SUPPRESS,
        metavar="CONN",
        help=f"'Endpoint=...;AccessKey=...;' of the service (default: ${CONNECTION_STRING_ENV})",
    )
    parent.add_argument(
        "--hub",
        default=argparse.SUPPRESS,
        help=f"hub name (default: ${HUB_ENV} or '{DEFAULT_HUB}')",
    )
    parent.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help=f"log requests and connections on stderr, secrets masked (or ${LOG_ENV}=debug)",
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    """The complete ``webpubsub`` parser; each subcommand stores its runner as ``handler``."""
    service = _service_options()
    parser = _OneLineErrorParser(
        prog="webpubsub",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        parents=[service],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    emulator = commands.add_parser(
        "emulator",
        help="run the local Web PubSub service until Ctrl-C",
        description="Run the local Web PubSub service (emulator) in the foreground. It prints "
        "its connection string, then serves REST and client WebSocket traffic until Ctrl-C.",
    )
    emulator.add_argument("--host", default="127.0.0.1", help="interface (default: 127.0.0.1)")
    emulator.add_argument("--port", type=_port, default=8080, help="TCP port (default: 8080)")
    emulator.add_argument(
        "--access-key",
        metavar="KEY",
        help="key that signs and checks tokens (default: $WEBPUBSUB_EMULATOR_ACCESS_KEY, "
        "else the emulator's well-known dev key)",
    )
    emulator.add_argument(
        "--faults", action="store_true", help="enable fault injection (/_emulator/faults)"
    )
    emulator.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also serve REST requests for this Host name (repeatable; '*' for any)",
    )
    emulator.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="also accept WebSocket clients from this web Origin (repeatable; '*' for any)",
    )
    emulator.add_argument(
        "--config",
        metavar="FILE",
        help="JSON file in the shape of Microsoft's emulator appsettings.json "
        "(WebPubSub.Hubs.<hub>.EventHandlers[]: UrlTemplate, SystemEvents, EventPattern)",
    )
    emulator.add_argument(
        "--event-handler",
        action="append",
        metavar="HUB=URL",
        help="event handler for a hub ('*': any hub), repeatable: HUB=URL_TEMPLATE"
        "[;system=connect,connected,disconnected][;user=PATTERN]; {hub} and {event} in the "
        "URL are replaced; default: all system events and every user event",
    )
    emulator.set_defaults(handler=_commands.run_emulator)

    demo = commands.add_parser(
        "demo",
        parents=[service],
        help="drive every SDK feature against real clients and check what they receive",
        description="Connect several WebSocket clients (raw, json and reliable subprotocols, "
        "and an MQTT 5.0 client), "
        "drive the SDK through sends, groups, permissions, listing, closing and tokens, and "
        "print a table of what each client received against what it should have. Without a "
        "connection string the emulator is started in-process on a free loopback port. Exits "
        "0 when every check passes, 1 otherwise.",
    )
    demo.set_defaults(handler=_commands.run_demo)

    token = commands.add_parser(
        "token",
        parents=[service],
        help="print a client access token and URL",
        description="Mint a client access token (signed locally with the access key) and print "
        'it as JSON {"baseUrl", "token", "url"}, or only the URL with --url-only.',
    )
    token.add_argument("--user", help="user id the connection is bound to")
    token.add_argument(
        "--role",
        action="append",
        dest="roles",
        metavar="ROLE",
        help="role to grant, e.g. webpubsub.sendToGroup.chat (repeatable)",
    )
    token.add_argument(
        "--group",
        action="append",
        dest="groups",
        metavar="GROUP",
        help="group the connection joins when it connects (repeatable)",
    )
    token.add_argument(
        "--minutes",
        type=_positive_int,
        default=MINUTES_TO_EXPIRE_DEFAULT,
        help=f"lifetime in minutes (default: {MINUTES_TO_EXPIRE_DEFAULT})",
    )
    token.add_argument(
        "--client-protocol",
        choices=["default", "mqtt", "socketio"],
        default="default",
        help="endpoint the URL points at: /client (default), /clients/mqtt for MQTT clients "
        "or /clients/socketio",
    )
    token.add_argument("--url-only", action="store_true", help="print only the client URL")
    token.set_defaults(handler=_commands.run_token)

    send = commands.add_parser(
        "send",
        parents=[service],
        help="send a message to everyone, a group, a user or a connection",
        description="Send MESSAGE through the REST API, to every connection of the hub unless "
        "a target is given. MESSAGE is sent as text by default. A MESSAGE of the form @PATH is "
        "read from the file PATH, and @- from standard input.",
    )
    send.add_argument("message", metavar="MESSAGE", help="the message, or @PATH, or @-")
    target = send.add_mutually_exclusive_group()
    target.add_argument("--group", help="send to the connections in this group")
    target.add_argument("--user", help="send to the connections of this user id")
    target.add_argument("--connection", metavar="ID", help="send to this one connection")
    kind = send.add_mutually_exclusive_group()
    kind.add_argument(
        "--json", action="store_true", help="MESSAGE is JSON; send it as application/json"
    )
    kind.add_argument(
        "--binary",
        action="store_true",
        help="send the bytes as application/octet-stream (use with @PATH or @-)",
    )
    send.add_argument(
        "--timeout",
        type=_positive_float,
        default=10.0,
        metavar="S",
        help="seconds allowed for each HTTP attempt (default: 10); two quick retries follow "
        "a failed attempt",
    )
    send.set_defaults(handler=_commands.run_send)

    listen = commands.add_parser(
        "listen",
        parents=[service],
        help="connect as a client and print each message as it arrives",
        description="Connect to the hub as a WebSocket client and print every message on "
        "its own line as it arrives, until Ctrl-C, --count messages or --timeout seconds. "
        "With --format data, text is printed as is, JSON compactly and binary as base64; "
        "--format jsonl prints one JSON object per message with its dataType and source. "
        "A line on stderr says when the client is connected.",
    )
    listen.add_argument("--user", help="user id to connect as")
    listen.add_argument(
        "--group",
        action="append",
        dest="groups",
        metavar="GROUP",
        help="group to join when connecting (repeatable)",
    )
    listen.add_argument(
        "--subprotocol",
        "--protocol",
        choices=["json", "reliable", "protobuf", "protobuf-reliable", "raw", "mqtt"],
        default="json",
        help="json.webpubsub.azure.v1 (json, default), its reliable variant, the protobuf "
        "ones, a plain WebSocket (raw), or an MQTT client on /clients/mqtt (mqtt)",
    )
    listen.add_argument(
        "--mqtt-version",
        choices=["5", "3.1.1"],
        help="MQTT protocol version with --protocol mqtt (default: 5)",
    )
    listen.add_argument("--count", type=_positive_int, help="exit 0 after this many messages")
    listen.add_argument(
        "--timeout",
        type=_positive_float,
        metavar="S",
        help="stop after S seconds; with --count, not getting them all in time is an error",
    )
    listen.add_argument(
        "--format",
        choices=["data", "jsonl"],
        default="data",
        help="how each message is printed (default: data)",
    )
    listen.set_defaults(handler=_commands.run_listen)
    return parser
