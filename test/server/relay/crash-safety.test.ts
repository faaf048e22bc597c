// The relay's one promise: no ballot it acknowledged is lost, none is counted twice. The
// relay and the embedded chain run as child processes; while 600 real ballots stream in,
// the relay is killed with SIGKILL, later the chain too; both restart. In the end every
// ballot that got a 202 is on chain exactly once (VoteCast per voter), its receipt final.
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import type { SignedVote } from "../../../protocol/index.js";
import { readOperatorKeys } from "../../../server/chain/operator-keys.js";
import { ballotBoxFixture, type BallotBoxFixture } from "../../helpers/ballot-box-fixture.js";
import { freePort } from "../../helpers/free-port.js";
import { voteBody } from "./relay-fixture.js";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const BALLOTS = 600;

type Child = { child: ChildProcess; output: string[]; exited: Promise<unknown>; ready: Record<string, string> };

/** Spawns a TS entry point and waits for its `readyEvent` JSON line. */
async function spawnReady(args: string[], readyEvent: string): Promise<Child> {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const ready = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${readyEvent} not seen: ${output.join("")}`)), 60_000);
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      output.push(d);
      const line = d.split("\n").find((l) => l.includes(`"${readyEvent}"`));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    child.stderr!.setEncoding("utf8").on("data", (d: string) => output.push(d));
    child.once("exit", (code) => (clearTimeout(timer), reject(new Error(`exited ${code} before ${readyEvent}: ${output.join("")}`))));
  });
  return { child, output, exited, ready };
}

/** Resolves at the next line of `event` the child prints. */
function nextEvent(c: Child, event: string): Promise<void> {
  return new Promise((resolve) => {
    const onData = (d: string) => {
      if (!d.includes(`"${event}"`)) return;
      c.child.stdout!.off("data", onData);
      resolve();
    };
    c.child.stdout!.on("data", onData);
  });
}

async function kill9(c: Child) {
  c.child.kill("SIGKILL");
  await c.exited;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("relay crash safety (relay and chain in child processes, kill -9)", function () {
  this.timeout(240_000);
  let dataDir: string;
  const children: Child[] = [];
  let fx: BallotBoxFixture | undefined;

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "urne-relay-crash-"));
  });
  after(async () => {
    fx?.destroy();
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGKILL");
    await Promise.all(children.map((c) => c.exited));
    await rm(dataDir, { recursive: true, force: true });
  });

  it("puts every acknowledged ballot on chain exactly once across SIGKILLs of the relay and of the chain", async () => {
    const chainPort = await freePort();
    const relayPort = await freePort();
    const startChain = async () => {
      const c = await spawnReady(["scripts/urne.ts", "chain", "--data", dataDir, "--port", String(chainPort), "--block-interval-ms", "200"], "chain.ready");
      children.push(c);
      return c;
    };
    let chain = await startChain();
    const rpcUrl = chain.ready.rpcUrl;
    const keys = readOperatorKeys(dataDir)!;
    const wallet = (name: string) => new Wallet(keys.find((k) => k.name === name)!.privateKey);
    // The chain's own BallotBox (as in production: its calls run on the sealing EVM); the
    // fixture creates ballots with organizer and never sends from the relayer key, which
    // only the relay uses.
    fx = await ballotBoxFixture({ rpcUrl, wallets: [wallet("admin"), wallet("organizer"), wallet("relayer"), wallet("admin")] }, chain.ready.ballotBox);
    const ballot = await fx.createBallot({ kind: 0 });
    const votes: SignedVote[] = [];
    for (let i = 0; i < BALLOTS; i++) votes.push(await fx.signedVote(ballot, `0x0${i % 3}`));

    const startRelay = async () => {
      const c = await spawnReady(["scripts/urne.ts", "relay", "--data", dataDir, "--rpc", rpcUrl, "--port", String(relayPort), "--ballot-box", fx!.deployment.address,
        // Every ballot comes from this one address: above the default per-address limit.
        "--votes-per-address", "100000/1"], "relay.ready");
      children.push(c);
      return c;
    };
    let relay = await startRelay();
    const relayUrl = `http://127.0.0.1:${relayPort}`;

    // Voters post until they get a 202 (the widget retries on a network error or a 5xx).
    const receipts = new Map<number, string>();
    let next = 0;
    const voter = async () => {
      while (next < BALLOTS) {
        const i = next++;
        for (;;) {
          try {
            const res = await fetch(`${relayUrl}/v1/votes`, {
              method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(voteBody(votes[i])),
              signal: AbortSignal.timeout(5000),
            });
            const body = (await res.json()) as { receiptId?: string; error?: { code: string } };
            if (res.status === 202) {
              receipts.set(i, body.receiptId!);
              break;
            }
            if (res.status < 500) throw new Error(`ballot ${i} refused: ${JSON.stringify(body)}`);
          } catch (error) {
            if ((error as Error).message.includes("refused:")) throw error;
          }
          await sleep(100);
        }
      }
    };
    const voters = Array.from({ length: 16 }, voter);

    const acked = (n: number) => async () => {
      while (receipts.size < n) await sleep(20);
    };
    await acked(200)();
    await nextEvent(relay, "relay.tx_sent");
    await kill9(relay); // mid-stream: ballots journaled, some in transactions, some in flight
    await sleep(300);
    relay = await startRelay();
    await acked(400)();
    await nextEvent(relay, "relay.tx_sent");
    await kill9(chain); // its mempool (transactions not yet sealed) is gone
    await sleep(500);
    chain = await startChain();
    await Promise.all(voters);
    expect(receipts.size).to.equal(BALLOTS);

    // A ballot posted again, after both restarts, gets its first receipt back.
    for (const i of [0, 199, 200, 400, BALLOTS - 1]) {
      const res = await fetch(`${relayUrl}/v1/votes`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(voteBody(votes[i])) });
      expect(await res.json()).to.deep.equal({ receiptId: receipts.get(i) });
    }

    // Every receipt ends final.
    const finals = new Map<number, { txHash: string; blockNumber: number }>();
    const deadline = Date.now() + 90_000;
    while (finals.size < BALLOTS) {
      if (Date.now() > deadline) throw new Error(`only ${finals.size} receipts final: ${relay.output.join("").slice(-2000)}`);
      for (const [i, id] of receipts) {
        if (finals.has(i)) continue;
        const r = (await (await fetch(`${relayUrl}/v1/receipts/${id}`)).json()) as { status: string; txHash: string; blockNumber: number };
        expect(r.status, `ballot ${i}`).to.not.equal("rejected");
        if (r.status === "final") finals.set(i, { txHash: r.txHash, blockNumber: r.blockNumber });
      }
      await sleep(200);
    }

    // On chain: each voter's ballot exactly once, where its receipt says.
    const logs = await fx.provider.getLogs({
      address: fx.deployment.address,
      topics: fx.iface.encodeFilterTopics(fx.iface.getEvent("VoteCast")!, [ballot.id]),
      fromBlock: 0,
    });
    const castBy = new Map<string, { txHash: string; blockNumber: number }[]>();
    for (const log of logs) {
      const voterAddress = fx.iface.parseLog(log)!.args.voter as string;
      castBy.set(voterAddress, [...(castBy.get(voterAddress) ?? []), { txHash: log.transactionHash, blockNumber: log.blockNumber }]);
    }
    expect(logs).to.have.length(BALLOTS);
    for (const [i, vote] of votes.entries()) {
      expect(castBy.get(vote.voter), `ballot ${i}`).to.deep.equal([finals.get(i)]);
    }
    expect(await fx.box.votersCount(ballot.id)).to.equal(BigInt(BALLOTS));
    const events = children.flatMap((c) => c.output.join("").split("\n")).filter((l) => /relay\.(reconciled|tx_|nonce)/.test(l));
    if (process.env.URNE_TEST_VERBOSE) console.log(events.join("\n"));
    const txs = new Set(logs.map((l) => l.transactionHash));
    expect(txs.size).to.be.below(BALLOTS / 5);
  });
});
