"""The ``webpubsub`` entry point and its error boundary."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence

from webpubsub._log_redaction import install as redact_tokens_in_logs
from webpubsub.cli import _logging, _settings
from webpubsub.cli._errors import CliError, one_line, redact
from webpubsub.cli._parser import build_parser
from webpubsub.cli._style import paint
from webpubsub.exceptions import WebPubSubError

EXIT_FAILURE = 1
EXIT_INTERRUPTED = 130  # the shell convention for a process ended by SIGINT

# Failures a user can cause or meet (bad input, service errors, unreachable hosts): their
# message is the whole story. Anything else is a bug of ours and gets its type name too.
_EXPECTED_ERRORS = (CliError, WebPubSubError, ValueError, OSError)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``webpubsub`` with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    Errors become one line on stderr and exit code 1 (2 for usage mistakes, 130 for Ctrl-C).
    With no arguments it prints the help and exits 0.
    """
    parser = build_parser()
    arguments = sys.argv[1:] if argv is None else list(argv)
    if not arguments:
        parser.print_help()
        return 0
    args = parser.parse_args(arguments)
    redact_tokens_in_logs()
    handler: Callable[..., int] = args.handler
    _restore_ctrl_c()
    try:
        level = _logging.level_from(getattr(args, "debug", False))
        if level is not None:
            _logging.enable(level)
        return handler(args)
    except KeyboardInterrupt:
        print("webpubsub: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Whoever read our output left (``webpubsub listen | head -3``): stop quietly, and
        # point stdout at devnull so the interpreter's final flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILURE
    except Exception as exc:  # the boundary: no traceback ever reaches the user
        text = str(exc) if isinstance(exc, _EXPECTED_ERRORS) else f"{type(exc).__name__}: {exc}"
        if not text:
            text = type(exc).__name__
        secret_source = _settings.optional_connection_string(args)
        label = paint("error:", "red", sys.stderr)
        print(f"webpubsub: {label} {one_line(redact(text, secret_source))}", file=sys.stderr)
        return EXIT_FAILURE


def _restore_ctrl_c() -> None:
    """Make Ctrl-C raise KeyboardInterrupt even when SIGINT was inherited as ignored.

    A shell starts background jobs (``cmd &``) with SIGINT ignored and Python keeps that, so
    ``kill -INT`` or a supervisor's interrupt would otherwise never stop ``listen`` or the
    emulator.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)
