"""On-demand benchmarks: our SDK beside the official one, the transport limit, the emulator.

Run from the repository root with ``python -m benchmarks`` (``python3 dev.py bench``); see
``python -m benchmarks --help``. Nothing here is part of the test suite.
"""
