"""One runner per subcommand: resolve settings, import what the command needs, run it.

Commands that need an optional extra (``emulator`` for the emulator, ``client`` for
``listen``, both for the demo) import it here, lazily, so the rest of the CLI works with the
SDK's own dependencies only, and a missing extra is a one-line error naming it.
"""

from __future__ import annotations

import argparse
import os
import sys

from webpubsub.cli import _settings
from webpubsub.cli._errors import CliError, requires_extras

EMULATOR_KEY_VARIABLE = "WEBPUBSUB_EMULATOR_ACCESS_KEY"
MIN_ACCESS_KEY_BYTES = 32


def run_emulator(args: argparse.Namespace) -> int:
    """``webpubsub emulator``: serve in the foreground until Ctrl-C, which exits 0.

    The key is ``--access-key``, else ``$WEBPUBSUB_EMULATOR_ACCESS_KEY`` (which keeps it out
    of the process list), else the emulator's well-known dev key.
    """
    with requires_extras("webpubsub emulator", "emulator"):
        from webpubsub_emulator import DEFAULT_ACCESS_KEY, serve
        from webpubsub_emulator.upstream import from_command_line
    try:
        handlers = from_command_line(args.config, args.event_handler)
    except (OSError, ValueError) as exc:
        raise CliError(str(exc)) from None
    key = args.access_key or os.environ.get(EMULATOR_KEY_VARIABLE) or DEFAULT_ACCESS_KEY
    if len(key.encode("utf-8")) < MIN_ACCESS_KEY_BYTES:
        # Tokens are HS256-signed with this key: a short one can be guessed.
        raise CliError(
            f"the access key is {len(key.encode('utf-8'))} bytes long; it must be at least "
            f"{MIN_ACCESS_KEY_BYTES} bytes (HS256 needs a 256-bit secret)"
        )
    try:
        serve(
            args.host,
            args.port,
            key,
            handlers,
            faults=args.faults,
            allowed_hosts=args.allow_host,
            allowed_origins=args.allow_origin,
        )
    except KeyboardInterrupt:  # the normal way to stop a foreground server, not a failure
        print("webpubsub: emulator stopped", file=sys.stderr)
    except OSError as exc:
        raise CliError(f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}") from None
    return 0


def run_demo(args: argparse.Namespace) -> int:
    """``webpubsub demo``: against the given service, or an in-process emulator."""
    # The demo imports the emulator only when it needs one, so the guard spans the whole run.
    with requires_extras("webpubsub demo", "emulator", "client"):
        from webpubsub.demo import run_demo

        return run_demo(_settings.optional_connection_string(args), _settings.hub(args))


def run_token(args: argparse.Namespace) -> int:
    """``webpubsub token``: print a client access token."""
    connection_string = _settings.required_connection_string(args)
    from webpubsub.cli._token import print_token

    print_token(
        connection_string,
        _settings.hub(args),
        user_id=args.user,
        roles=args.roles,
        groups=args.groups,
        minutes_to_expire=args.minutes,
        client_protocol=args.client_protocol,
        url_only=args.url_only,
    )
    return 0


def run_send(args: argparse.Namespace) -> int:
    """``webpubsub send``: one REST send call."""
    connection_string = _settings.required_connection_string(args)
    from webpubsub.cli._send import Target, read_payload, send

    payload = read_payload(args.message, json=args.json, binary=args.binary)
    target = Target(group=args.group, user_id=args.user, connection_id=args.connection)
    send(connection_string, _settings.hub(args), target, payload, timeout=args.timeout)
    return 0


def run_listen(args: argparse.Namespace) -> int:
    """``webpubsub listen``: act as a client until done."""
    connection_string = _settings.required_connection_string(args)
    if args.subprotocol == "mqtt":
        return _run_listen_mqtt(args, connection_string)
    if args.mqtt_version is not None:
        raise CliError(
            f"--mqtt-version {args.mqtt_version} applies only to --protocol mqtt, "
            f"not {args.subprotocol}"
        )
    with requires_extras("webpubsub listen", "client"):
        from webpubsub.cli._listen import listen

    listen(
        connection_string,
        _settings.hub(args),
        user_id=args.user,
        groups=args.groups,
        protocol=args.subprotocol,
        count=args.count,
        timeout=args.timeout,
        output=args.format,
    )
    return 0


def _run_listen_mqtt(args: argparse.Namespace, connection_string: str) -> int:
    """``webpubsub listen --protocol mqtt``: act as an MQTT client until done."""
    with requires_extras("webpubsub listen", "client"):
        from webpubsub.cli._listen_mqtt import listen_mqtt

    listen_mqtt(
        connection_string,
        _settings.hub(args),
        user_id=args.user,
        groups=args.groups,
        version=args.mqtt_version or "5",
        count=args.count,
        timeout=args.timeout,
        output=args.format,
    )
    return 0
