// kill -9 of `urne start` and every process it runs (chain, relay, API, all at once: the
// process group) in the middle of 600 ballots, then start again on the same data
// directory: every ballot that got a 202 is on chain exactly once, and every receipt ends
// final.
//
// 600 tokens without 600 identities: the test mints widget sessions with the data
// directory's session key (as the login callback would, for random voter keys and an
// adult birthdate), then asks for each token over HTTP as a widget does, so issuance runs
// the real path. The issuer limits requests per client address; loopback has many: the
// requests come from 127.0.0.2-11, a hundred each, below one address's bucket.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { BallotKind, encodePayload, issuerKeyFromJwk } from "../../protocol/index.js";
import { issueSessionToken } from "../../server/identity/session-token.js";
import { call, createApp, newVoter, observer, pool, postFrom, sessionKeyOf, signedVoteBody, sleep, startUrne, stopUrne, type UrneProcess } from "./urne-process.js";

const WIDGET = "https://mavoix.example";
const BALLOTS = 600;
const SOURCES = 10;

describe("e2e: kill -9 of `urne start` and its processes amid 600 ballots, then start again", function () {
  this.timeout(240_000);
  let dir: string;
  const processes: UrneProcess[] = [];

  before(async () => (dir = await mkdtemp(path.join(os.tmpdir(), "urne-e2e-crash-"))));
  after(async () => {
    for (const p of processes) await stopUrne(p);
    await rm(dir, { recursive: true, force: true });
  });

  it("puts every acknowledged ballot on chain exactly once and loses no receipt", async () => {
    const started = Date.now();
    const { apiKey } = await createApp(dir, "MaVoix", [WIDGET]);
    let urne = await startUrne(dir);
    processes.push(urne);
    const created = await call(`${urne.ready.api}/v1/ballots`, { key: apiKey, body: { sealing: "public", question: "Tenir bon ?", closesAt: new Date(Date.now() + 3_600_000).toISOString(), liveResults: true } });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id: string = created.body.ballot.id;
    const ballotId = BigInt(id);
    const issuerKey = issuerKeyFromJwk(created.body.ballot.issuerKey);
    const rules = { kind: BallotKind.SingleChoice, optionCount: 3, minChoices: 0, maxChoices: 0 };

    // Before the stream: 600 sessions, tokens asked over HTTP, votes finalized and signed.
    const sessionKey = await sessionKeyOf(dir);
    const bodies: Awaited<ReturnType<typeof signedVoteBody>>[] = [];
    const ready = urne.ready;
    await pool(BALLOTS, 16, async (i) => {
      // The widget frame is a page of the vote host: its origin is the API's.
      const voteHost = new URL(ready.api).origin;
      const session = await issueSessionToken({ key: sessionKey, voterKey: randomBytes(32).toString("hex"), birthdate: "1980-01-01", audience: voteHost });
      const voter = newVoter(ready, ballotId, issuerKey);
      const issued = await postFrom(`127.0.0.${2 + (i % SOURCES)}`, `${ready.api}/v1/ballots/${id}/tokens`, { authorization: `Bearer ${session}`, origin: voteHost }, { blindedMessage: voter.blindedMessage });
      if (issued.status !== 200) throw new Error(`token ${i}: ${issued.status} ${JSON.stringify(issued.body)}`);
      bodies[i] = await signedVoteBody(ready, ballotId, issuerKey, voter, issued.body.blindSignature, encodePayload(rules, { kind: BallotKind.SingleChoice, option: i % 3 }));
    });
    const prepared = Date.now();

    // The stream: 16 widgets post until they get a 202, retrying on a network error or a 5xx.
    let relay = urne.ready.relay;
    const receipts = new Map<number, string>();
    let failedPosts = 0;
    const stream = pool(BALLOTS, 16, async (i) => {
      for (;;) {
        try {
          const res = await fetch(`${relay}/v1/votes`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(bodies[i]), signal: AbortSignal.timeout(5000) });
          const body = (await res.json()) as { receiptId?: string };
          if (res.status === 202) {
            receipts.set(i, body.receiptId!);
            return;
          }
          if (res.status < 500) throw new Error(`ballot ${i} refused: ${res.status} ${JSON.stringify(body)}`);
        } catch (error) {
          if ((error as Error).message.includes("refused:")) throw error;
          failedPosts++;
        }
        await sleep(100);
      }
    });

    // Mid-stream, once ballots are journaled and a transaction is out: kill -9, start again.
    while (receipts.size < 250) await sleep(20);
    await urne.next("relay.tx_sent");
    await urne.kill9();
    const ackedAtKill = receipts.size;
    await sleep(300);
    urne = await startUrne(dir);
    processes.push(urne);
    relay = urne.ready.relay;
    const api = urne.ready.api;
    await stream;
    expect(ackedAtKill).to.be.below(BALLOTS);
    expect(receipts.size).to.equal(BALLOTS);

    // A ballot posted again after the restart gets its first receipt back.
    for (const i of [0, ackedAtKill - 1, BALLOTS - 1]) {
      expect((await call(`${relay}/v1/votes`, { body: bodies[i] })).body).to.deep.equal({ receiptId: receipts.get(i) });
    }

    // Every receipt (none lost) ends final.
    const finals = new Map<number, { txHash: string; blockNumber: number }>();
    const deadline = Date.now() + 60_000;
    while (finals.size < BALLOTS) {
      if (Date.now() > deadline) throw new Error(`only ${finals.size} receipts final: ${urne.output.join("").slice(-2000)}`);
      await pool(BALLOTS, 16, async (i) => {
        if (finals.has(i)) return;
        const r = await call(`${relay}/v1/receipts/${receipts.get(i)}`);
        expect(r.status, `receipt of ballot ${i}`).to.equal(200);
        expect(r.body.status, `ballot ${i}`).to.not.equal("rejected");
        if (r.body.status === "final") finals.set(i, { txHash: r.body.txHash, blockNumber: r.body.blockNumber });
      });
      if (finals.size < BALLOTS) await sleep(200);
    }

    // On chain, read through the public RPC: each acknowledged ballot once, where its receipt says.
    const chain = observer(urne.ready);
    try {
      const casts = await chain.voteCasts(ballotId);
      const byVoter = new Map<string, { txHash: string; blockNumber: number }[]>();
      for (const { log, args } of casts) {
        const v = (args.voter as string).toLowerCase();
        byVoter.set(v, [...(byVoter.get(v) ?? []), { txHash: log.transactionHash, blockNumber: log.blockNumber }]);
      }
      expect(casts).to.have.length(BALLOTS);
      for (const [i, body] of bodies.entries()) expect(byVoter.get(body.voter.toLowerCase()), `ballot ${i}`).to.deep.equal([finals.get(i)]);
      expect(await chain.box.votersCount(ballotId)).to.equal(BigInt(receipts.size));
      const tally = ((await chain.box.tally(ballotId)) as bigint[]).map(Number);
      expect(tally).to.deep.equal([BALLOTS / 3, BALLOTS / 3, BALLOTS / 3]);
    } finally {
      chain.provider.destroy();
    }

    // The results after the restart: counts and the relay's share, rebuilt from its journal.
    const results = (await call(`${api}/v1/ballots/${id}/results`)).body.results;
    expect(results).to.include({ votersCount: BALLOTS, relayFinalShare: 1 });
    if (process.env.URNE_TEST_VERBOSE) {
      console.log(`prepared in ${prepared - started} ms, streamed and settled in ${Date.now() - prepared} ms; ${ackedAtKill} acknowledged at the kill, ${failedPosts} posts failed (network error or 5xx) and retried`);
    }
  });
});
