// Acceptance of sealed ballots (issue 11) on `urne start`, the assembled service in its own
// processes: five trustees run the key ceremony through the API with `urne trustee` (3 of
// 5), the organizer creates a sealed ballot from it, and 1,000 voters vote through the real
// API (a token each, asked over HTTP, then the ballot sealed as the widget seals it and
// posted to the relay); 50 of them vote again, one opens a ballot first to audit it (the
// Benaloh challenge: it is never cast), and one sends a revote whose proofs fail straight
// to the chain, around the relay (which refuses it). After the close (the trustees' `urne
// trustee decrypt`, compiled, each in its own process), two shares are not
// enough (409, no number); with three, the API publishes the counts, and `urne recount`
// from the observer's own mirror reproduces them, naming the invalid revote and keeping
// that voter's earlier ballot. The chain's journal never holds a choice: every ballot on it
// is sealed, and no ballot's randomness (which would open it) is anywhere on disk.
//
// 1,000 tokens without 1,000 identities: sessions are minted with the data directory's
// session key, as the login callback would (test/e2e/crash-restart.test.ts does the same);
// each token is then asked over HTTP from one of ten loopback addresses.
import { expect } from "chai";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Wallet, getBytes, hexlify } from "ethers";
import { run as observeCli } from "../../observer/cli/observe.js";
import { run as recountCli } from "../../observer/cli/recount.js";
import { run as submitCli } from "../../observer/cli/submit.js";
import type { RecountReport } from "../../observer/recount/recount.js";
import { BallotKind, finalize, issuerKeyFromJwk, signVote, toHex, type BallotRules } from "../../protocol/index.js";
import { checkBallotAudit, parseBallotAudit } from "../../protocol/sealed/ballot-audit.js";
import { electionKeyHash, sealedContext } from "../../protocol/sealed/ballot-context.js";
import { decodePoint, randomScalar } from "../../protocol/sealed/group.js";
import { sealVote, type SealVoteInput } from "../../protocol/sealed/seal-vote.js";
import { moduleWorker } from "../../protocol/module-runtime.node.js";
import { SEALED_PAYLOAD_VERSION, sealedLayout } from "../../protocol/sealed/sealed-layout.js";
import { trackerOf, trackerText } from "../../protocol/sealed/tracker.js";
import { readOperatorKeys } from "../../server/chain/operator-keys.js";
import { issueSessionToken } from "../../server/identity/session-token.js";
import { forgeSealedPayload } from "../../scripts/vectors/forge-sealed.js";
import { TRUSTEE_PASSPHRASE, finishedCeremony, trusteeStateFile } from "../helpers/key-ceremony.js";
import { urneChildEnv } from "../helpers/urne-cli.js";
import { runCli } from "../observer/run-cli.js";
import { call, createApp, newVoter, observer, pool, postFrom, ROOT, sessionKeyOf, sleep, startUrne, stopUrne, urneArgs, type UrneProcess } from "./urne-process.js";

const WIDGET = "https://mavoix.example";
const VOTERS = 1000;
const REVOTERS = 50;
const SOURCES = 10;
const rules: BallotRules = { kind: BallotKind.SingleChoice, optionCount: 3, minChoices: 0, maxChoices: 0 };
const single = (option: number) => ({ kind: BallotKind.SingleChoice, option }) as const;

/** A sealed ballot as the test keeps it: its payload, and its audit file (the voter's randomness). */
type Sealed = { payload: string; audit(): string };

/** Seals on two worker threads (seal-thread.ts), as many widgets would at once. */
function sealingThreads() {
  const workers = [0, 1].map(() => moduleWorker(new URL("./seal-thread.ts", import.meta.url)));
  const waiting = new Map<number, { resolve: (s: Sealed) => void; reject: (e: Error) => void }>();
  for (const w of workers) {
    w.on("message", (m: { id: number; payload?: string; audit?: string; error?: string }) => {
      const p = waiting.get(m.id)!;
      waiting.delete(m.id);
      if (m.error) p.reject(new Error(m.error));
      else p.resolve({ payload: m.payload!, audit: () => m.audit! });
    });
  }
  let next = 0;
  return {
    seal: (input: SealVoteInput) => new Promise<Sealed>((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve, reject });
      workers[id % workers.length].postMessage({ id, input });
    }),
    close: () => Promise.all(workers.map((w) => w.terminate())),
  };
}

/** Every file under `dir`, its bytes. */
async function filesUnder(dir: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(await readFile(path.join(entry.parentPath, entry.name)));
  }
  return out;
}

describe("e2e: a sealed ballot of 1,000 voters, 3 of 5 trustees, through `urne start`", function () {
  this.timeout(600_000);
  let dir: string;
  let urne: UrneProcess | undefined;
  const sealer = sealingThreads();

  before(async () => (dir = await mkdtemp(path.join(os.tmpdir(), "urne-e2e-sealed-"))));
  after(async () => {
    await sealer.close();
    await stopUrne(urne);
    await rm(dir, { recursive: true, force: true });
  });

  it("counts the latest valid sealed ballot of each voter, and nobody reads a choice on the way", async () => {
    const t0 = Date.now();
    const lap = (what: string) => process.env.URNE_TEST_VERBOSE && console.log(`${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    // dist's JavaScript, as `npm start` runs it (npm test builds it first).
    const { apiKey } = await createApp(dir, "MaVoix", [WIDGET], true);
    urne = await startUrne(dir, 100, [], { compiled: true });
    const { ready } = urne;
    const voteHost = new URL(ready.api).origin;
    lap("service started");
    const trusteeDir = path.join(dir, "trustees");
    await mkdir(trusteeDir);

    // The key ceremony: 5 trustees, threshold 3, each on its own state file.
    const trustees = Array.from({ length: 5 }, () => Wallet.createRandom());
    const ceremony = await finishedCeremony({ apiUrl: ready.api }, apiKey, trustees, 3, trusteeDir);
    lap("key ceremony done");
    const created = await call(`${ready.api}/v1/ballots`, {
      key: apiKey, body: { question: "Adopter la proposition de loi ?", closesAt: new Date(Date.now() + 3_600_000).toISOString(), allowRevote: true, sealing: { ceremony: ceremony.ceremonyId } },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const view = created.body.ballot;
    const id: string = view.id;
    const ballotId = BigInt(id);
    expect(view.sealing).to.include({ kind: "sealed", threshold: 3, electionKey: ceremony.electionKey });
    const issuerKey = issuerKeyFromJwk(view.issuerKey);
    const chainId = BigInt(ready.chainId);
    const where = { chainId, ballotBox: ready.ballotBox, ballotId, electionKey: view.sealing.electionKey as string, keyCeremonyDigest: view.sealing.keyCeremonyDigest as string, rules };

    const relay = ready.relay;
    const post = async (body: Record<string, unknown>) => {
      const posted = await call(`${relay}/v1/votes`, { body });
      if (posted.status !== 202) throw new Error(`ballot of ${body.voter}: ${posted.status} ${JSON.stringify(posted.body)}`);
      return posted.body.receiptId as string;
    };
    const waitFinal = async (receipts: string[]) => {
      const pending = new Set(receipts);
      const deadline = Date.now() + 240_000;
      while (pending.size > 0) {
        if (Date.now() > deadline) throw new Error(`${pending.size} receipts not final: ${urne!.output.join("").slice(-2000)}`);
        await pool(pending.size, 8, async (k) => {
          const receiptId = [...pending][k];
          const r = await call(`${relay}/v1/receipts/${receiptId}`);
          expect(r.body.status, `receipt ${receiptId}`).to.not.equal("rejected");
          if (r.body.status === "final") pending.delete(receiptId);
        });
        if (pending.size > 0) await sleep(250);
      }
    };

    // 1,000 voters: a session, a token over HTTP, the choice sealed, the ballot signed
    // (revision 0) and posted to the relay, as each widget does, many at once.
    const sessionKey = await sessionKeyOf(dir);
    type Voter = { wallet: Wallet; token: string; choice: number; sealed: Sealed; body: Record<string, unknown> };
    const voters: Voter[] = [];
    const first: string[] = [];
    const AUDITOR = 7;
    let audited: ReturnType<typeof parseBallotAudit> | undefined;
    await pool(VOTERS, 16, async (i) => {
      const session = await issueSessionToken({ key: sessionKey, voterKey: randomBytes(32).toString("hex"), birthdate: "1980-01-01", audience: voteHost });
      const voter = newVoter(ready, ballotId, issuerKey);
      const issued = await postFrom(`127.0.0.${2 + (i % SOURCES)}`, `${ready.api}/v1/ballots/${id}/tokens`, { authorization: `Bearer ${session}`, origin: voteHost }, { blindedMessage: voter.blindedMessage });
      if (issued.status !== 200) throw new Error(`token ${i}: ${issued.status} ${JSON.stringify(issued.body)}`);
      const token = toHex(finalize(issuerKey, voter.message, issued.body.blindSignature, voter.inverse));
      const choice = i % 3;
      if (i === AUDITOR) {
        // The Benaloh challenge: a first ballot opened, checked, and never cast.
        audited = parseBallotAudit(sealVote({ ...where, voter: voter.wallet.address, choice: single(choice) }).audit());
        expect(checkBallotAudit(audited)).to.deep.include({ choice: single(choice) });
      }
      const sealed = await sealer.seal({ ...where, voter: voter.wallet.address, choice: single(choice) });
      const voterSignature = await signVote(voter.wallet, { chainId, ballotBox: ready.ballotBox, ballotId, revision: 0, payload: sealed.payload });
      voters[i] = { wallet: voter.wallet, token, choice, sealed, body: { ballotId: id, voter: voter.wallet.address, revision: 0, payload: sealed.payload, tokenSignature: token, voterSignature } };
      first[i] = await post(voters[i].body);
    });

    await waitFinal(first);

    lap("1,000 ballots final");
    // 50 revotes (revision 1, another choice): the latest valid one counts.
    const revotes = await Promise.all(voters.slice(0, REVOTERS).map(async (v, i) => {
      v.choice = (i + 1) % 3;
      v.sealed = await sealer.seal({ ...where, voter: v.wallet.address, choice: single(v.choice) });
      const voterSignature = await signVote(v.wallet, { chainId, ballotBox: ready.ballotBox, ballotId, revision: 1, payload: v.sealed.payload });
      return { ballotId: id, voter: v.wallet.address, revision: 1, payload: v.sealed.payload, tokenSignature: v.token, voterSignature };
    }));
    await waitFinal(await Promise.all(revotes.map(post)));

    lap("revotes final");
    // A revote whose proofs fail (a cell encrypting 2): the relay refuses it; sent around the
    // relay, the contract takes it (it checks shapes only), the recount excludes it, and the
    // voter's earlier ballot still counts.
    const cheat = voters[REVOTERS];
    const context = sealedContext({ chainId, ballotBox: ready.ballotBox, ballotId, electionKeyHash: electionKeyHash(getBytes(where.electionKey), where.keyCeremonyDigest), rules, voter: cheat.wallet.address });
    const forged = hexlify(forgeSealedPayload({ context, electionKey: decodePoint(getBytes(where.electionKey), "electionKey"), rules, cells: [2, 0], random: randomScalar }));
    const forgedBody = { ballotId: id, voter: cheat.wallet.address, revision: 1, payload: forged, tokenSignature: cheat.token, voterSignature: await signVote(cheat.wallet, { chainId, ballotBox: ready.ballotBox, ballotId, revision: 1, payload: forged }) };
    const refused = await call(`${relay}/v1/votes`, { body: forgedBody });
    expect(refused.status).to.equal(400);
    expect(refused.body.error.code).to.equal("ERR_INVALID_BALLOT_PROOF");
    const forgedFile = path.join(dir, "forged.json");
    await writeFile(forgedFile, JSON.stringify(forgedBody));
    const submitted = await runCli(submitCli, [forgedFile, "--rpc", ready.rpc, "--ballot-box", ready.ballotBox]);
    expect(submitted.code, submitted.err.join("\n")).to.equal(0);

    lap("invalid revote submitted");
    // The close; two shares are not enough: a status, never a number.
    expect((await call(`${ready.api}/v1/ballots/${id}/close`, { key: apiKey, body: {} })).status).to.equal(200);
    const admin = new Wallet(readOperatorKeys(dir)!.find((k) => k.name === "admin")!.privateKey, observer(ready).provider);
    // Each trustee on its own: the compiled `urne trustee decrypt` in its own process, as on its machine.
    for (const i of [0, 3, 4]) await (await admin.sendTransaction({ to: trustees[i].address, value: 10n ** 17n })).wait();
    const decrypt = async (i: number) => {
      const args = [...urneArgs("urne", true), "trustee", "decrypt", "--api", ready.api, "--ceremony", ceremony.ceremonyId, "--state", trusteeStateFile(trusteeDir, ceremony.ceremonyId, i), "--rpc", ready.rpc, "--ballot", id];
      await promisify(execFile)(process.execPath, args, { cwd: ROOT, timeout: 120_000, env: urneChildEnv({ URNE_TRUSTEE_KEY: trustees[i].privateKey, URNE_TRUSTEE_PASSPHRASE: TRUSTEE_PASSPHRASE }) });
    };
    await Promise.all([decrypt(0), decrypt(3)]);
    const awaiting = await call(`${ready.api}/v1/ballots/${id}/results`);
    expect(awaiting.status).to.equal(409);
    expect(awaiting.body.error.code).to.equal("ERR_RESULTS_AWAITING_DECRYPTION");
    expect(JSON.stringify(awaiting.body)).to.not.match(/"votes"/);
    // This ceremony has no operator's key: the trustees alone open it, and the vote host has no share to give.
    const noOperator = await call(`${ready.api}/v1/ballots/${id}/operator-share`, { key: apiKey, body: {} });
    expect(noOperator.status).to.equal(409);
    expect(noOperator.body.error.code).to.equal("ERR_NO_OPERATOR_KEY");
    await decrypt(4);

    lap("two shares posted");
    // The observer's own mirror of the chain, for `urne recount` below (made meanwhile: the
    // service reuses its last recount, which had two shares, for up to 10 s).
    const mirror = path.join(dir, "mirror");
    const observed = await runCli(observeCli, ["--rpc", ready.rpc, "--data", mirror, "--ballot-box", ready.ballotBox, "--once"]);
    expect(observed.code, observed.out.join("\n")).to.equal(0);

    // Three shares: the API's counts are those of each voter's latest valid choice.
    const expected = [0, 0, 0];
    for (const v of voters) expected[v.choice] += 1;
    let results = await call(`${ready.api}/v1/ballots/${id}/results`);
    for (let i = 0; results.status === 409 && i < 120; i++) {
      await sleep(500);
      results = await call(`${ready.api}/v1/ballots/${id}/results`);
    }
    expect(results.status, JSON.stringify(results.body)).to.equal(200);
    expect(results.body.results.options.map((o: { votes: number }) => o.votes)).to.deep.equal(expected);
    expect(results.body.results.sealed).to.deep.include({ status: "opened", sharesValid: 3, ballotsCounted: VOTERS, ballotsExcluded: 1 });
    const decryption = (await call(`${ready.api}/v1/ballots/${id}/decryption`)).body.decryption;
    expect(decryption).to.deep.include({ opened: true, threshold: 3, operator: null, others: [] });
    expect(decryption.trustees.map((t: { share: string }) => t.share)).to.deep.equal(["valid", "none", "none", "valid", "valid"]);

    lap("results published");
    // The public list of counted ballots by tracker: each voter's latest valid ballot, the invalid revote named apart.
    const listed = (await call(`${ready.api}/v1/ballots/${id}/trackers`)).body.trackers;
    const latest = new Set(voters.map((v) => trackerOf(getBytes(v.sealed.payload))));
    expect(new Set(listed.counted.map((c: { tracker: string }) => c.tracker))).to.deep.equal(latest);
    expect(listed.counted.map((c: { code: string; tracker: string }) => c.code)).to.deep.equal(listed.counted.map((c: { tracker: string }) => trackerText(c.tracker)));
    expect(listed.excluded.map((e: { tracker: string }) => e.tracker)).to.deep.equal([trackerOf(getBytes(forged))]);
    expect(latest.has(audited!.tracker)).to.equal(false);

    // `urne recount` from the observer's mirror: the same counts, the invalid revote named.
    const transcript = path.join(dir, "ceremony.json");
    await writeFile(transcript, JSON.stringify((await call(`${ready.api}/v1/ceremonies/${ceremony.ceremonyId}`)).body));
    const recount = await runCli(recountCli, ["--mirror", mirror, "--ballot", id, "--ceremony", transcript, "--api", ready.api, "--json", "--trackers"]);
    expect(recount.out.join(""), `urne recount exited ${recount.code}: ${recount.err.join("\n")}`).to.not.equal("");
    const report = JSON.parse(recount.out.join("\n")) as RecountReport;
    const ballot = report.ballots.find((b) => b.ballotId === id)!;
    expect(ballot.sealed!.status).to.equal("opened");
    expect(ballot.sealed!.counts).to.deep.equal(expected.map(String));
    expect(ballot.sealed!.shares.filter((s) => s.valid)).to.have.length(3);
    expect(ballot.sealed!.excluded.map((e) => [e.voter, e.revision, e.code])).to.deep.equal([[cheat.wallet.address, 1, "ERR_INVALID_BALLOT_PROOF"]]);
    expect(recount.code, recount.out.join("\n")).to.equal(0);
    // Asked (--trackers), the observer's recount lists the very trackers the vote host publishes, in the same order.
    expect(ballot.sealed!.trackers!.map((c) => c.tracker)).to.deep.equal(listed.counted.map((c: { tracker: string }) => c.tracker));
    // Every ballot's proofs checked on the recount's worker threads (with the votes' own checks).
    expect(report.checkedOnThreads).to.be.at.least(VOTERS + REVOTERS + 1);

    lap("recounted");
    // On chain and on disk: every ballot sealed; the audited ballot and every ballot's randomness nowhere.
    const chain = observer(ready);
    try {
      const casts = await chain.voteCasts(ballotId);
      expect(casts).to.have.length(VOTERS + REVOTERS + 1);
      for (const { args } of casts) {
        const payload = getBytes(args.payload as string);
        expect(payload.length).to.equal(sealedLayout(rules).bytes);
        expect(payload[0]).to.equal(SEALED_PAYLOAD_VERSION);
      }
    } finally {
      chain.provider.destroy();
    }
    await stopUrne(urne);
    urne = undefined;
    const disk = Buffer.concat([...(await filesUnder(path.join(dir, "chain"))), ...(await filesUnder(path.join(dir, "chain-state")))]);
    // Bytes as stored: raw in the state, hex text in the journal's block records.
    const onDisk = (bytes: Uint8Array) => disk.includes(Buffer.from(bytes)) || disk.includes(Buffer.from(hexlify(bytes).slice(2), "latin1"));
    // The scan sees what is there: the ballots cast are on disk.
    for (const v of voters.slice(0, 20)) expect(onDisk(getBytes(v.sealed.payload).subarray(1, 65)), `ballot of ${v.wallet.address}`).to.equal(true);
    expect(onDisk(getBytes(audited!.payload).subarray(1, 65)), "the audited ballot").to.equal(false);
    for (const v of voters.slice(0, 100)) {
      for (const r of parseBallotAudit(v.sealed.audit()).randomness) expect(onDisk(getBytes(r)), `randomness of ${v.wallet.address}`).to.equal(false);
    }
  });
});
