// Simulated voters against the assembled API (`urne start`), in a worker thread, as browsers
// would be: each voter has its own loopback address (the issuer limits requests per IP),
// a session minted with the API's session key (what the login callback hands the widget),
// and does the widget's real work: ephemeral key, token message, blind, POST tokens,
// finalize (with its check), EIP-712 signature, POST /v1/votes, then polls its receipt
// until it is final.
//   message { kind: "blinded", count, firstAddress } → { blinded: { session, body }[] }
//     (requests for the token benchmark, made ahead so that it measures the issuer only)
//   message { kind: "vote", ballots, voters, firstAddress } → { results, clientMs }
import { randomBytes } from "node:crypto";
import http from "node:http";
import { parentPort, workerData } from "node:worker_threads";
import { Wallet, hexlify } from "ethers";
import { blind, finalize, issuerKeyFromJwk, signVote, toHex, tokenMessage } from "../../../protocol/index.js";
import { issueSessionToken } from "../../../server/identity/session-token.js";
import { loopback } from "./loopback.js";

const { apiUrl, relayUrl, origin, ballotId, chainId, ballotBox, issuerJwk, sessionKey, pollMs } = workerData as {
  apiUrl: string; relayUrl: string; origin: string; ballotId: string; chainId: string; ballotBox: string; issuerJwk: unknown; sessionKey: string; pollMs: number;
};
const publicKey = issuerKeyFromJwk(issuerJwk);
const key = Buffer.from(sessionKey, "base64url");
const api = new URL(apiUrl);
// Ballots go to the relay, its own service and origin; tokens to the vote host.
const relay = new URL(relayUrl);
const BIRTHDATE = "1980-01-01";


const session = () => issueSessionToken({ key, voterKey: randomBytes(32).toString("hex"), birthdate: BIRTHDATE, audience: origin });

type Answer = { status: number; body: any };
function request(agent: http.Agent, method: string, route: string, headers: Record<string, string>, body?: unknown, to: URL = api): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({
      host: to.hostname, port: to.port, path: route, method, agent,
      headers: { origin, ...(data ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(data)) } : {}), ...headers },
    }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d: string) => (text += d)).on("end", () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined }));
    });
    req.on("error", reject);
    req.end(data);
  });
}

async function blindedRequests(count: number) {
  const out: { session: string; blindedMessage: string }[] = [];
  for (let i = 0; i < count; i++) {
    const voter = new Wallet(hexlify(randomBytes(32)));
    const message = tokenMessage({ chainId: BigInt(chainId), ballotBox, ballotId: BigInt(ballotId), voter: voter.address });
    out.push({ session: await session(), blindedMessage: toHex(blind(publicKey, message).blindedMessage) });
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function vote(ballots: number, voters: number, firstAddress: number) {
  const results: { tokenMs: number; postMs: number; finalMs: number; totalMs: number }[] = [];
  let clientMs = 0;
  let left = ballots;
  const one = async (agent: http.Agent, choice: number) => {
    const bearer = { authorization: `Bearer ${await session()}` }; // the login's part, not timed as client work
    const t1 = performance.now();
    const voter = new Wallet(hexlify(randomBytes(32)));
    const message = tokenMessage({ chainId: BigInt(chainId), ballotBox, ballotId: BigInt(ballotId), voter: voter.address });
    const { blindedMessage, inverse } = blind(publicKey, message);
    const t2 = performance.now();
    const token = await request(agent, "POST", `/v1/ballots/${ballotId}/tokens`, bearer, { blindedMessage: toHex(blindedMessage) });
    if (token.status !== 200) throw new Error(`tokens answered ${token.status}: ${JSON.stringify(token.body)}`);
    const t3 = performance.now();
    const tokenSignature = toHex(finalize(publicKey, message, token.body.blindSignature, inverse));
    const payload = `0x0${choice}`;
    const voterSignature = await signVote(voter, { chainId: BigInt(chainId), ballotBox, ballotId: BigInt(ballotId), revision: 0, payload });
    const t4 = performance.now();
    const posted = await request(agent, "POST", "/v1/votes", {}, { ballotId, voter: voter.address, revision: 0, payload, tokenSignature, voterSignature }, relay);
    if (posted.status !== 202) throw new Error(`votes answered ${posted.status}: ${JSON.stringify(posted.body)}`);
    const t5 = performance.now();
    for (;;) {
      await sleep(pollMs);
      const r = await request(agent, "GET", `/v1/receipts/${posted.body.receiptId}`, {}, undefined, relay);
      if (r.body?.status === "final") break;
      if (r.body?.status === "rejected") throw new Error(`ballot rejected: ${JSON.stringify(r.body)}`);
    }
    const t6 = performance.now();
    clientMs += (t2 - t1) + (t4 - t3);
    results.push({ tokenMs: t3 - t2, postMs: t5 - t4, finalMs: t6 - t5, totalMs: t6 - t2 });
  };
  await Promise.all(Array.from({ length: voters }, async (_, v) => {
    const agent = new http.Agent({ keepAlive: true, localAddress: loopback(firstAddress + v) } as http.AgentOptions);
    while (left > 0) {
      left -= 1;
      await one(agent, left % 3);
    }
    agent.destroy();
  }));
  return { results, clientMs };
}

parentPort!.on("message", async (m: { kind: "blinded" | "vote"; count: number; voters: number; firstAddress: number }) => {
  try {
    if (m.kind === "blinded") parentPort!.postMessage({ blinded: await blindedRequests(m.count) });
    else parentPort!.postMessage(await vote(m.count, m.voters, m.firstAddress));
  } catch (error) {
    parentPort!.postMessage({ error: String((error as Error).stack ?? error) });
  }
});
