"""The ``webpubsub`` command line: run the emulator, the demo, mint tokens, send and listen.

The entry point is :func:`main`; ``python -m webpubsub.cli`` runs it too.
"""

from webpubsub.cli._main import main

__all__ = ["main"]
