"""``python -m webpubsub_emulator [--host H] [--port P] [--access-key K] [--faults]
[--allow-host NAME] [--allow-origin ORIGIN]``.

The access key can come from ``WEBPUBSUB_EMULATOR_ACCESS_KEY`` instead, so that it does not
show in the process list.
"""

from __future__ import annotations

import argparse
import os
import sys

from webpubsub._log_redaction import install as redact_tokens_in_logs

from .keys import DEFAULT_ACCESS_KEY
from .server import serve

ACCESS_KEY_VARIABLE = "WEBPUBSUB_EMULATOR_ACCESS_KEY"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="webpubsub_emulator", description="Run a local Web PubSub service."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument(
        "--access-key",
        help=f"key that signs and checks tokens (default: ${ACCESS_KEY_VARIABLE}, "
        "else the well-known dev key)",
    )
    parser.add_argument("--faults", action="store_true", help="enable fault injection")
    parser.add_argument("--allow-host", action="append", default=[], metavar="NAME")
    parser.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN")
    args = parser.parse_args(argv)
    access_key = args.access_key or os.environ.get(ACCESS_KEY_VARIABLE) or DEFAULT_ACCESS_KEY
    redact_tokens_in_logs()
    # Ctrl+C is the normal way to stop it; no traceback for that.
    try:
        serve(
            args.host,
            args.port,
            access_key,
            faults=args.faults,
            allowed_hosts=args.allow_host,
            allowed_origins=args.allow_origin,
        )
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        sys.exit(
            f"webpubsub_emulator: cannot serve on {args.host}:{args.port}: {exc.strerror or exc}"
        )


if __name__ == "__main__":
    main()
