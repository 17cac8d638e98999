// Microsoft's @azure/web-pubsub-express as the upstream of hub process.argv[2], on an
// ephemeral port. Prints {"port": N, "path": P} once listening, then one JSON line per user
// event it handles. Its answers: "echo" returns the data with its type, "fail" fails with
// 400, any other event answers nothing (a plain ack).
const express = require("express");
const { WebPubSubEventHandler } = require("@azure/web-pubsub-express");

const handler = new WebPubSubEventHandler(process.argv[2], {
  handleUserEvent: (req, res) => {
    const data = Buffer.isBuffer(req.data) || req.data instanceof ArrayBuffer
      ? { base64: Buffer.from(req.data).toString("base64") }
      : req.data;
    console.log(JSON.stringify({
      event: req.context.eventName,
      dataType: req.dataType,
      data,
      userId: req.context.userId,
      connectionId: req.context.connectionId,
    }));
    if (req.context.eventName === "echo") {
      // res.success takes a string or bytes: JSON goes back as its text.
      res.success(req.dataType === "json" ? JSON.stringify(req.data) : req.data, req.dataType);
    } else if (req.context.eventName === "fail") {
      res.fail(400, "express refuses " + req.context.eventName);
    } else {
      res.success();
    }
  },
});

const app = express();
app.use(handler.getMiddleware());
const server = app.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ port: server.address().port, path: handler.path }));
});
