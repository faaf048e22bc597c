// The real assembled service, as an operator runs it: `urne app create` on the data
// directory, then `urne start` as a child process on free ports, read through its
// `urne.ready` line. Plus what a widget and an observer do over HTTP and JSON-RPC. Each
// runs the TypeScript sources through tsx, or, with `compiled`, the JavaScript that
// `npm run build` wrote in dist/, with plain node, as `npm start` and the `urne` command do.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { promisify } from "node:util";
import { Contract, Wallet, hexlify, type InterfaceAbi } from "ethers";
import { NodeProvider } from "../../server/chain/node-provider.js";
import { randomBytes } from "node:crypto";
import { BallotBoxAbi } from "../../protocol/generated/BallotBox.js";
import { blind, finalize, signVote, toHex, tokenMessage, type IssuerPublicKey } from "../../protocol/index.js";

export const ROOT = path.resolve(import.meta.dirname, "../..");
// The one ABI object, from the protocol module (events.ts).
import { ballotBoxInterface } from "../../protocol/events.js";
import { onJsonLines } from "../helpers/json-lines.js";
import { urneChildEnv } from "../helpers/urne-cli.js";
export { ballotBoxInterface };

/** Without the developer's own secrets or provider: the data directory decides. */
const childEnv = () => urneChildEnv();

/** Node's arguments for `urne-dev start` (`npm start`'s, with the development identity provider) on `dataDir`, every port free. */
export const startArgs = (dataDir: string, blockIntervalMs = 200, extraArgs: string[] = [], compiled = false) =>
  [...urneArgs("urne-dev", compiled), "start", "--data", dataDir, "--port", "0", "--relay-port", "0", "--chain-port", "0", "--idp-port", "0", "--block-interval-ms", String(blockIntervalMs), ...extraArgs];

/** Node's arguments that run the command line `entry` ("urne" or "urne-dev"): dist's JavaScript, or the source through tsx. */
export const urneArgs = (entry: "urne" | "urne-dev", compiled = false): string[] =>
  compiled ? [`dist/scripts/${entry}.js`] : ["--import", "tsx", `scripts/${entry}.ts`];

/** `urne app create --json` on a stopped data directory: the app and its API key (shown once). */
export async function createApp(dataDir: string, name: string, origins: string[], compiled = false): Promise<{ app: { id: string }; apiKey: string }> {
  const args = [...urneArgs("urne", compiled), "app", "create", "--data", dataDir, "--name", name, "--json", ...origins.flatMap((o) => ["--origin", o])];
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: ROOT, env: childEnv(), timeout: 60_000 });
  return JSON.parse(stdout);
}

export type Ready = { api: string; relay: string; rpc: string; identityProvider: string; chainId: string; ballotBox: string };

export type UrneProcess = {
  child: ChildProcess;
  ready: Ready;
  output: string[];
  exited: Promise<unknown>;
  /** Resolves at the next stdout line of this event. */
  next(event: string): Promise<void>;
  kill9(): Promise<void>;
};

/**
 * `urne-dev start` (`npm start`'s, with the development identity provider) on `dataDir`,
 * free ports; resolves at its `urne.ready` line. `compiled`: dist's JavaScript; `env`: added
 * to the environment (which every service process inherits).
 */
export async function startUrne(dataDir: string, blockIntervalMs = 200, extraArgs: string[] = [], opts: { compiled?: boolean; env?: Record<string, string> } = {}): Promise<UrneProcess> {
  const args = startArgs(dataDir, blockIntervalMs, extraArgs, opts.compiled);
  // Its own process group: kill9 takes down the supervisor and every service it started at once.
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...childEnv(), ...opts.env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const output: string[] = [];
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const listeners = new Set<(event: string) => void>();
  child.stdout!.on("data", (d: string) => output.push(d));
  onJsonLines(child.stdout!, (parsed) => {
    if (parsed.event === "urne.ready") readyLine = parsed as unknown as Ready;
    for (const l of [...listeners]) l(parsed.event ?? "");
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => output.push(d));
  let readyLine: Ready | undefined;
  const next = (event: string) => new Promise<void>((resolve) => {
    const l = (e: string) => {
      if (e !== event) return;
      listeners.delete(l);
      resolve();
    };
    listeners.add(l);
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`urne.ready not seen: ${output.join("").slice(-3000)}`)), 90_000);
    void next("urne.ready").then(() => (clearTimeout(timer), resolve(readyLine!)));
    child.once("exit", (code) => (clearTimeout(timer), reject(new Error(`urne start exited (${code}) before urne.ready: ${output.join("").slice(-3000)}`))));
  });
  return {
    child, ready, output, exited, next,
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGKILL");
      await exited;
      // The services die with it (same group); wait until none is left holding a store.
      for (let i = 0; i < 100 && groupAlive(child.pid!); i++) await sleep(50);
    },
  };
}

/** Stops a child for good (SIGTERM, then SIGKILL after a grace period). */
export async function stopUrne(p: UrneProcess | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill("SIGTERM");
  const timer = setTimeout(() => process.kill(-p.child.pid!, "SIGKILL"), 10_000);
  await p.exited;
  clearTimeout(timer);
}

export type Answer = { status: number; body: any };

export async function call(url: string, init: { method?: string; key?: string; session?: string; origin?: string; body?: unknown } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (init.key) headers.authorization = `Bearer ${init.key}`;
  if (init.session) headers.authorization = `Bearer ${init.session}`;
  if (init.origin) headers.origin = init.origin;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(url, { method: init.method ?? (init.body === undefined ? "GET" : "POST"), headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** The chain as an observer reads it: the public RPC and the BallotBox's ABI. */
export function observer(ready: Ready) {
  const provider = new NodeProvider(ready.rpc, BigInt(ready.chainId));
  const box = new Contract(ready.ballotBox, BallotBoxAbi as InterfaceAbi, provider);
  const voteCasts = async (ballotId: bigint | string, voter?: string) => {
    const event = ballotBoxInterface.getEvent("VoteCast")!;
    const logs = await provider.getLogs({ address: ready.ballotBox, topics: ballotBoxInterface.encodeFilterTopics(event, voter ? [ballotId, voter] : [ballotId]), fromBlock: 0, toBlock: "latest" });
    return logs.map((log) => ({ log, args: ballotBoxInterface.parseLog(log)!.args }));
  };
  return { provider, box, voteCasts };
}

/** A widget's voter: a fresh key and its token message, blinded for the ballot's issuer key. */
export function newVoter(ready: Ready, ballotId: bigint, issuerKey: IssuerPublicKey) {
  const wallet = new Wallet(hexlify(randomBytes(32)));
  const message = tokenMessage({ chainId: BigInt(ready.chainId), ballotBox: ready.ballotBox, ballotId, voter: wallet.address });
  const { blindedMessage, inverse } = blind(issuerKey, message);
  return { wallet, message, blindedMessage: toHex(blindedMessage), inverse };
}

/** Unblinds the issuer's answer (checked as a token) and signs the ballot: the body of POST /v1/votes. */
export async function signedVoteBody(ready: Ready, ballotId: bigint, issuerKey: IssuerPublicKey, voter: ReturnType<typeof newVoter>, blindSignature: string, payload: Uint8Array) {
  const token = finalize(issuerKey, voter.message, blindSignature, voter.inverse);
  const voterSignature = await signVote(voter.wallet, { chainId: BigInt(ready.chainId), ballotBox: ready.ballotBox, ballotId, revision: 0, payload });
  return { ballotId: ballotId.toString(), voter: voter.wallet.address, revision: 0, payload: toHex(payload), tokenSignature: toHex(token), voterSignature };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A data directory's session key as server/config/secrets.ts stores it (64 hex or 43 base64url characters): what a test mints widget sessions with, as the login callback would. */
export async function sessionKeyOf(dataDir: string): Promise<Buffer> {
  const value = (JSON.parse(await readFile(path.join(dataDir, "secrets.json"), "utf8")) as { secrets: { sessionKey: string } }).secrets.sessionKey;
  const key = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, "hex") : Buffer.from(value, "base64url");
  if (key.length !== 32) throw new Error("secrets.json: sessionKey is not 32 bytes");
  return key;
}

/** POST JSON from a chosen loopback address (fetch cannot choose its source address; the issuer limits requests per client address). */
export function postFrom(localAddress: string, url: string, headers: Record<string, string>, body: unknown): Promise<Answer> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", localAddress, timeout: 15_000, headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(data) } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (c: string) => (text += c)).on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout"))).on("error", reject);
    req.end(data);
  });
}

/** Runs `task` on 0..n-1 with `width` workers. */
export async function pool(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await task(next++);
  }));
}


/** True while any process of the group `pgid` is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
