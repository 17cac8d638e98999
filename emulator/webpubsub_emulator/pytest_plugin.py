"""pytest plugin: fixtures that run the emulator."""
