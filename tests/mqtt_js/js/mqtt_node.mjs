// MQTT.js in Node against the emulator's MQTT endpoint. Prints one JSON object per line:
//   node mqtt_node.mjs session URL VERSION CLIENT_ID TOPIC EXPECTED
//     connects, subscribes to TOPIC, prints {"event":"ready"}, publishes "from node" to
//     TOPIC, then prints every message until each payload of the JSON list EXPECTED came.
//   node mqtt_node.mjs suback URL VERSION CLIENT_ID TOPICS
//     subscribes to each filter of the JSON list TOPICS and prints the SUBACK codes.
//   node mqtt_node.mjs refused URL VERSION CLIENT_ID
//     prints how the connection attempt ended (CONNACK code or error).
import mqtt from "mqtt";

const [scenario, url, version, clientId, topic, expected] = process.argv.slice(2);
const print = (record) => console.log(JSON.stringify(record));
const options = {
  protocolVersion: Number(version),
  clientId,
  clean: true,
  reconnectPeriod: 0,
  connectTimeout: 10000,
};

function decode(packet, payload) {
  return {
    event: "message",
    topic: packet.topic,
    payload: payload.toString("utf8"),
    qos: packet.qos,
    contentType: packet.properties?.contentType ?? null,
    userProperties: packet.properties?.userProperties ?? null,
  };
}

if (scenario === "session") {
  const client = mqtt.connect(url, options);
  const missing = new Set(JSON.parse(expected));
  client.on("message", (_topic, payload, packet) => {
    print(decode(packet, payload));
    missing.delete(payload.toString("utf8"));
    if (missing.size === 0) client.end(false, () => process.exit(0));
  });
  client.on("error", (error) => {
    print({ event: "error", message: error.message, code: error.code ?? null });
    process.exit(1);
  });
  client.on("connect", async () => {
    const granted = await client.subscribeAsync(topic, { qos: 1 });
    print({ event: "ready", granted: granted.map((g) => g.qos) });
    await client.publishAsync(topic, "from node", {
      qos: 1,
      properties: { contentType: "text/plain", userProperties: { origin: "node" } },
    });
  });
} else if (scenario === "suback") {
  // TOPIC is a JSON list of topic filters; prints the SUBACK's code for each.
  const client = mqtt.connect(url, options);
  client.on("error", (error) => {
    print({ event: "error", message: error.message, code: error.code ?? null });
    process.exit(1);
  });
  client.on("connect", async () => {
    // MQTT.js rejects when a code is a failure; the SUBACK is then on the error.
    const codes = await client
      .subscribeAsync(JSON.parse(topic), { qos: 1 })
      .then((granted) => granted.map((g) => g.qos))
      .catch((error) => error.packet?.granted ?? [error.message]);
    print({ event: "suback", codes });
    client.end(false, () => process.exit(0));
  });
} else if (scenario === "refused") {
  const client = mqtt.connect(url, options);
  const finish = (record) => {
    print(record);
    client.end(true, () => process.exit(0));
  };
  client.on("connect", () => finish({ event: "connected" }));
  client.on("error", (error) => finish({ event: "error", code: error.code ?? null, message: error.message }));
  client.on("close", () => finish({ event: "closed" }));
} else {
  print({ event: "error", message: `unknown scenario ${scenario}` });
  process.exit(2);
}
