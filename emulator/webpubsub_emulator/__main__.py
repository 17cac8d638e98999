"""``python -m webpubsub_emulator [--host H] [--port P] [--access-key K]``."""

from __future__ import annotations

import argparse
import contextlib

from .keys import DEFAULT_ACCESS_KEY
from .server import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="webpubsub_emulator", description="Run a local Web PubSub service."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--access-key", default=DEFAULT_ACCESS_KEY)
    args = parser.parse_args(argv)
    # Ctrl+C is the normal way to stop it; no traceback for that.
    with contextlib.suppress(KeyboardInterrupt):
        serve(args.host, args.port, args.access_key)


if __name__ == "__main__":
    main()
