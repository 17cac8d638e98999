// Drives Microsoft's JS SDKs against the emulator; prints one JSON line per check result.
// Usage: node fidelity.mjs <scenario> <connection string> <hub>
import { WebPubSubServiceClient } from "@azure/web-pubsub";
import { WebPubSubClient } from "@azure/web-pubsub-client";

const [scenario, connectionString, hub] = process.argv.slice(2);
const service = new WebPubSubServiceClient(connectionString, hub, { allowInsecureConnection: true });

async function connect(userId) {
  const client = new WebPubSubClient({
    getClientAccessUrl: async () => (await service.getClientAccessToken({ userId })).url,
  });
  const connected = new Promise((resolve) => client.on("connected", (e) => resolve(e)));
  const stopped = new Promise((resolve) => client.on("stopped", () => resolve(Date.now())));
  const received = [];
  client.on("server-message", (e) => received.push(e.message.data));
  await client.start();
  const { connectionId } = await connected;
  return { client, connectionId, stopped, received };
}

function report(result) {
  process.stdout.write(JSON.stringify(result) + "\n");
}

if (scenario === "filter") {
  // The server SDK README's filter example.
  const users = {};
  for (const name of ["al", "alice", "Bob"]) users[name] = await connect(name);
  await service.sendToAll("hi", { contentType: "text/plain", filter: "length(userId) gt 2" });
  await service.sendToAll("end", { contentType: "text/plain" });
  const deadline = Date.now() + 10000;
  while (Object.values(users).some((u) => !u.received.includes("end")) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const got = Object.keys(users).filter((name) => users[name].received.includes("hi"));
  report({ scenario, got });
  for (const u of Object.values(users)) u.client.stop();
} else if (scenario === "stop") {
  const { client, connectionId } = await connect("stopper");
  report({ scenario, connectionId, phase: "connected" });
  client.stop();
  report({ scenario, connectionId, phase: "stopped" });
  await new Promise((r) => setTimeout(r, 200));
} else if (scenario === "resume-removed") {
  const { client, connectionId } = await connect("dropper");
  report({ scenario, connectionId, phase: "connected" });
  // After a failed recovery the client starts over with a new connection; how soon it does
  // shows whether the service refused the resume the documented way (1008, no retries).
  const reconnected = new Promise((resolve) =>
    client.on("connected", (e) => resolve({ at: Date.now(), id: e.connectionId })),
  );
  const started = Date.now();
  // Lose the TCP connection without a close frame, as a network failure does.
  client._wsClient._socket._socket.destroy();
  const next = await Promise.race([reconnected, new Promise((r) => setTimeout(() => r(null), 20000))]);
  report({
    scenario,
    connectionId,
    newConnectionId: next && next.id,
    newConnectionAfterMs: next && next.at - started,
  });
  client.stop();
}
process.exit(0);
