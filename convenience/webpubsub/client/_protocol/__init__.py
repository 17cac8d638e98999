"""The client's protocol core, free of I/O: frames in and out, ack and sequence bookkeeping and
the reconnect/recovery decisions. The sync and asyncio faces drive it; neither re-implements
any of it."""
