"""Python server SDK for Azure Web PubSub."""
