"""``python -m webpubsub_emulator [--host H] [--port P] [--access-key K] [--config FILE]
[--event-handler HUB=URL ...]``."""

from __future__ import annotations

import argparse
import contextlib

from .keys import DEFAULT_ACCESS_KEY
from .server import serve
from .upstream import EVENT_HANDLER_HELP, from_command_line


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="webpubsub_emulator", description="Run a local Web PubSub service."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--access-key", default=DEFAULT_ACCESS_KEY)
    parser.add_argument("--config", metavar="FILE", help="appsettings.json with event handlers")
    parser.add_argument(
        "--event-handler", action="append", metavar="HUB=URL", help=EVENT_HANDLER_HELP
    )
    args = parser.parse_args(argv)
    try:
        handlers = from_command_line(args.config, args.event_handler)
    except (OSError, ValueError) as exc:
        parser.error(str(exc))
    # Ctrl+C is the normal way to stop it; no traceback for that.
    with contextlib.suppress(KeyboardInterrupt):
        serve(args.host, args.port, args.access_key, handlers)


if __name__ == "__main__":
    main()
