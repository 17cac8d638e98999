"""``python -m webpubsub_emulator [OPTIONS]``: the same as ``webpubsub emulator [OPTIONS]``.

Going through the CLI gives it the same options, one-line errors (a port in use, the
``emulator`` extra missing) and exit codes.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from webpubsub.cli import main as cli_main

    arguments = sys.argv[1:] if argv is None else argv
    return cli_main(["emulator", *arguments])


if __name__ == "__main__":
    sys.exit(main())
