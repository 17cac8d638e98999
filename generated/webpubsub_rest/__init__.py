# mypy: ignore-errors

"""A client library for accessing Azure Web PubSub data-plane REST API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
