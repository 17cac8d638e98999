"""The emulator's fixed, public access key.

``DEFAULT_ACCESS_KEY`` is deliberately well known: it lets tests and local tools build a
connection string without configuration. It protects nothing; never use it for a real service.
"""

DEFAULT_ACCESS_KEY = "ZW11bGF0b3ItbG9jYWwta2V5LW5vdC1hLXNlY3JldC0wMDAwMDAwMDAwMDA="
