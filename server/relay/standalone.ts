// The relay on its own (until `urne start` wires it into the API):
//   node --import tsx server/relay/standalone.ts --data DIR --rpc URL --port N --ballot-box ADDR
//     [--votes-per-address CAPACITY/REFILL_MS]  (POST /v1/votes limit, routes.ts; tests posting
//     thousands of ballots from one address raise it)
// Journal in DIR/api (the API's LevelDB, sublevel "relay"); relayer key from
// DIR/operator-keys.json. Prints one JSON line per event; never a ballot or a body.
import path from "node:path";
import { parseArgs } from "node:util";
import express from "express";
import { Wallet, getAddress } from "ethers";
import { errorHandler, notFound } from "../http/http-errors.js";
import { readOperatorKeys } from "../chain/operator-keys.js";
import { BallotBoxView } from "./ballot-box-view.js";
import { RelayJournal } from "./journal.js";
import { relayProvider } from "./provider.js";
import { Relay } from "./relay.js";
import { relayRouter } from "./routes.js";

const log = (event: string, fields: Record<string, unknown>) => console.log(JSON.stringify({ event, ...fields }));

const { values } = parseArgs({
  options: {
    data: { type: "string" }, rpc: { type: "string" }, port: { type: "string" }, host: { type: "string" },
    "ballot-box": { type: "string" }, "batch-size": { type: "string" }, "votes-per-address": { type: "string" },
  },
});
if (!values.data || !values.rpc || !values["ballot-box"]) {
  console.error("usage: standalone.ts --data DIR --rpc URL --ballot-box ADDR [--port N] [--host H] [--batch-size N]");
  process.exit(2);
}
const relayerKey = readOperatorKeys(values.data)?.find((k) => k.name === "relayer");
if (!relayerKey) throw new Error(`${values.data}/operator-keys.json has no "relayer" key`);

const provider = await relayProvider(values.rpc);
const chainId = (await provider.getNetwork()).chainId;
const journal = await RelayJournal.open(path.join(values.data, "api"));
const view = new BallotBoxView(provider, getAddress(values["ballot-box"]));
const relay = new Relay(journal, view, new Wallet(relayerKey.privateKey), {
  chainId, submitter: { log, ...(values["batch-size"] ? { batchSize: Number(values["batch-size"]) } : {}) },
});
await relay.start();

const app = express();
app.disable("x-powered-by");
const limit = /^(\d+)\/(\d+)$/.exec(values["votes-per-address"] ?? "");
if (values["votes-per-address"] !== undefined && !limit) {
  console.error("--votes-per-address must be CAPACITY/REFILL_MS, e.g. 300/100");
  process.exit(2);
}
app.use(relayRouter(relay, limit ? { votesPerAddress: { capacity: Number(limit[1]), refillMs: Number(limit[2]) } } : {}));
app.use(notFound);
app.use(errorHandler(log));
const server = app.listen(Number(values.port ?? 0), values.host ?? "127.0.0.1", () => {
  const a = server.address() as { port: number };
  log("relay.ready", { url: `http://${values.host ?? "127.0.0.1"}:${a.port}`, relayer: relayerKey.address });
});
const stop = async () => {
  server.close();
  await relay.stop();
  await journal.close();
  provider.destroy();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
