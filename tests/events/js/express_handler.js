// Microsoft's @azure/web-pubsub-express handler for hub "chat" on an ephemeral port.
// Prints {"port": N} once listening, then one JSON line per connected/disconnected event.
const express = require("express");
const { WebPubSubEventHandler } = require("@azure/web-pubsub-express");

const handler = new WebPubSubEventHandler("chat", {
  handleConnect: (req, res) => {
    res.success({ userId: "express-user", groups: ["express-group"] });
  },
  handleUserEvent: (req, res) => {
    res.success("express got " + req.data, "text");
  },
  onConnected: (req) => {
    console.log(JSON.stringify({ event: "connected", connectionId: req.context.connectionId, userId: req.context.userId }));
  },
  onDisconnected: (req) => {
    console.log(JSON.stringify({ event: "disconnected", connectionId: req.context.connectionId }));
  },
});

const app = express();
app.use(handler.getMiddleware());
const server = app.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ port: server.address().port, path: handler.path }));
});
