// The official @azure/web-pubsub-client: connect with the client access URL given as the
// first argument, invokeEvent("ask", {question: 42}, "json"), print the answer as JSON.
const { WebPubSubClient } = require("@azure/web-pubsub-client");

async function main() {
  const client = new WebPubSubClient(process.argv[2]);
  await client.start();
  const result = await client.invokeEvent("ask", { question: 42 }, "json");
  console.log(JSON.stringify({ dataType: result.dataType, data: result.data }));
  client.stop();
  // The socket's close handshake can keep node alive for its 30 s close timeout; the answer
  // is all this script is for.
  process.exit(0);
}

main().catch((error) => {
  console.error(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
