"""Local Web PubSub service (emulator)."""
