// Simulated voters in a worker thread, as browsers would be: each does the widget's real
// work (ephemeral key, token message, blind, finalize with its check, EIP-712 signature;
// the issuer's blind signature too, timed apart), POSTs its ballot to the relay over HTTP
// from its own loopback address (the relay limits POSTs per address), and waits until the
// main thread reports its receipt final before voting again (a closed loop: at most
// `voters` ballots in flight). None of this runs on the relay's thread, so the relay's CPU
// is the process's CPU minus these threads' (each reports its own, /proc/thread-self).
//   → { kind: "run", count, voters, firstAddress, relayUrl, ahead }  (ahead: ballots made before "go")
//   ← { kind: "ready" } (ballots made, when ahead), then → { kind: "go" }
//   → { kind: "settled", ids }                                        (receipts final)
//   ← { kind: "done", posts: { receiptId, postedAt }[], clientMs, issuerMs, cpuMs }
import { createPrivateKey, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import { parentPort, workerData } from "node:worker_threads";
import { Wallet, hexlify } from "ethers";
import { blind, finalize, issuerKeyFromModulus, signVote, toHex, tokenMessage } from "../../../protocol/index.js";
import { blindSign } from "../../../protocol/node.js";
import { loopback } from "./loopback.js";

const { chainId, ballotBox, ballotId, modulus, privateKeyPem } = workerData as {
  chainId: string; ballotBox: string; ballotId: string; modulus: string; privateKeyPem: string;
};
const publicKey = issuerKeyFromModulus(modulus);
const privateKey = createPrivateKey(privateKeyPem);

/** CPU ms of this very thread (utime + stime, Linux clock ticks of 10 ms). */
function threadCpuMs(): number {
  const fields = readFileSync("/proc/thread-self/stat", "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

let clientMs = 0;
let issuerMs = 0;
async function makeBallot(choice: number): Promise<string> {
  const t0 = performance.now();
  const key = new Wallet(hexlify(randomBytes(32))); // the widget's ephemeral key
  const message = tokenMessage({ chainId: BigInt(chainId), ballotBox, ballotId: BigInt(ballotId), voter: key.address });
  const { blindedMessage, inverse } = blind(publicKey, message);
  const t1 = performance.now();
  const blindSignature = blindSign(privateKey, blindedMessage); // the issuer's part
  const t2 = performance.now();
  const token = finalize(publicKey, message, blindSignature, inverse);
  const payload = `0x0${choice}`;
  const voterSignature = await signVote(key, { chainId: BigInt(chainId), ballotBox, ballotId: BigInt(ballotId), revision: 0, payload });
  const t3 = performance.now();
  clientMs += t3 - t0 - (t2 - t1);
  issuerMs += t2 - t1;
  return JSON.stringify({ ballotId, voter: key.address, revision: 0, payload, tokenSignature: toHex(token), voterSignature });
}

// One ballot at a time: the voters of this thread interleave at their awaits, and the
// client work of one must not be timed across another's.
let making: Promise<unknown> = Promise.resolve();
function makeOne(choice: number): Promise<string> {
  const made = making.then(() => makeBallot(choice));
  making = made.catch(() => {});
  return made;
}

function post(agent: http.Agent, url: URL, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, path: "/v1/votes", method: "POST", agent,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
    }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d: string) => (text += d)).on("end", () => resolve({ status: res.statusCode!, text }));
    });
    req.on("error", reject).end(body);
  });
}

const waiters = new Map<string, () => void>();
const settled = new Set<string>();
let go: () => void = () => {};

async function run(m: { count: number; voters: number; firstAddress: number; relayUrl: string; ahead: boolean }) {
  const url = new URL(m.relayUrl);
  const made: string[] = [];
  if (m.ahead) {
    for (let i = 0; i < m.count; i++) made.push(await makeOne(i % 3));
    const started = new Promise<void>((resolve) => (go = resolve));
    parentPort!.postMessage({ kind: "ready" });
    await started;
  }
  const cpu0 = threadCpuMs();
  const posts: { receiptId: string; postedAt: number }[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: m.voters }, async (_, v) => {
    const agent = new http.Agent({ keepAlive: true, localAddress: loopback(m.firstAddress + v) } as http.AgentOptions);
    while (next < m.count) {
      const i = next++;
      const body = m.ahead ? made[i] : await makeOne(i % 3);
      const postedAt = performance.timeOrigin + performance.now(); // absolute: the main thread has its own time origin
      const res = await post(agent, url, body);
      if (res.status !== 202) throw new Error(`relay answered ${res.status}: ${res.text}`);
      const { receiptId } = JSON.parse(res.text) as { receiptId: string };
      posts.push({ receiptId, postedAt });
      if (!settled.has(receiptId)) await new Promise<void>((resolve) => waiters.set(receiptId, resolve));
      waiters.delete(receiptId);
      settled.delete(receiptId);
    }
    agent.destroy();
  }));
  parentPort!.postMessage({ kind: "done", posts, clientMs, issuerMs, cpuMs: threadCpuMs() - cpu0 });
}

parentPort!.on("message", (m: { kind: "run" | "go" | "settled"; ids?: string[] } & Parameters<typeof run>[0]) => {
  if (m.kind === "go") go();
  else if (m.kind === "settled") {
    for (const id of m.ids!) {
      const waiter = waiters.get(id);
      if (waiter) waiter();
      else settled.add(id); // final before its 202 reached this voter
    }
  } else {
    // process.exit here would end this thread only, and the main thread would wait forever.
    run(m).catch((error) => parentPort!.postMessage({ kind: "error", error: String((error as Error).stack ?? error) }));
  }
});
