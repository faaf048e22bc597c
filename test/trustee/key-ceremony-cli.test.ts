// A key ceremony through the vote host (server/ceremonies/, server/api/ceremony-routes.ts)
// with `urne trustee` (trustee/cli/trustee.ts): five trustees on their own state files,
// 3 of 5, end with one election key and accepted transcript; the vote host keeps only
// messages signed by the trustee they name, refuses a second package, early shares, a
// wrong digest; a state file opens only with its passphrase. The ceremony has the
// operator's key (Belenios' rule): its ballots open only with t trustees' shares and the
// vote host's, posted with POST /v1/ballots/:id/operator-share.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Contract, Wallet, hexlify } from "ethers";
import { BallotKind, blind, finalize, issuerKeyFromJwk, signVote, toHex, tokenMessage } from "../../protocol/index.js";
import { blindSign } from "../../protocol/node.js";
import { sealVote } from "../../protocol/sealed/seal-vote.js";
import { round1PackageHash, signCeremonyStatement } from "../../protocol/sealed/ceremony-signatures.js";
import { beginCeremony } from "../../protocol/sealed/trustee.js";
import { run } from "../../trustee/cli/trustee.js";
import { call, inSeconds, startTestStack, type TestStack } from "../server/api/stack-fixture.js";
import { ballotIdTopic, decodeBallotBoxLog, EVENT_TOPICS, type RawLog } from "../../protocol/events.js";
import { rpcCall } from "../helpers/rpc.js";
import { runUrne } from "../helpers/urne-cli.js";

describe("urne trustee: a key ceremony relayed by the vote host", function () {
  this.timeout(180_000);
  let stack: TestStack;
  let dir: string;
  let apiKey: string;
  const trustees = Array.from({ length: 5 }, () => Wallet.createRandom());
  const passphrase = "correct horse battery staple";

  before(async () => {
    stack = await startTestStack();
    dir = await mkdtemp(path.join(os.tmpdir(), "urne-trustees-"));
    ({ apiKey } = await stack.apps.create({ name: "MaVoix", origins: ["https://mavoix.example"] }));
  });
  after(async () => {
    await stack?.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  const open = async (threshold = 3, who = trustees, operatorKey?: unknown) => {
    const res = await call(stack, "POST", "/v1/ceremonies", { key: apiKey, body: { threshold, trustees: who.map((w) => w.address), ...(operatorKey === undefined ? {} : { operatorKey }) } });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.ceremony as { ceremonyId: string; status: string; chainId: string; ballotBox: string; params: { ceremonyId: string; threshold: number; trustees: string[] } };
  };
  const trustee = (i: number, ceremonyId: string, step: string, extra: { key?: string; passphrase?: string } = {}, more: string[] = []) => {
    const silent = console.log;
    console.log = () => {};
    return run([step, "--api", stack.apiUrl, "--ceremony", ceremonyId, "--state", path.join(dir, `${ceremonyId.slice(2, 10)}-${i}.json`), ...more],
      { URNE_TRUSTEE_KEY: extra.key ?? trustees[i].privateKey, URNE_TRUSTEE_PASSPHRASE: extra.passphrase ?? passphrase })
      .finally(() => (console.log = silent));
  };

  /** What `run` wrote to stderr, with its exit code. */
  async function captured(step: () => Promise<number>): Promise<{ code: number; stderr: string }> {
    const lines: string[] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => lines.push(args.join(" "));
    try {
      return { code: await step(), stderr: lines.join("\n") };
    } finally {
      console.error = error;
    }
  }

  /** Sealed ballots of `choices` (single choice) cast by fresh voters, each with a token blind-signed by the ballot's key, in one castVotes from the chain's admin. */
  async function castSealedVotes(ballot: { id: string; issuerKey: unknown; sealing: { electionKey: string; keyCeremonyDigest: string } }, choices: number[]) {
    const chainId = stack.chain.chainId, ballotBox = stack.ballotChain.ballotBox, ballotId = BigInt(ballot.id);
    const rules = { kind: BallotKind.SingleChoice, optionCount: 3, minChoices: 0, maxChoices: 0 };
    const publicKey = issuerKeyFromJwk(ballot.issuerKey);
    const privateKey = await stack.ballots.issuerPrivateKey(ballot.id);
    const votes = await Promise.all(choices.map(async (option) => {
      const voter = Wallet.createRandom();
      const { payload } = sealVote({ chainId, ballotBox, ballotId, ...ballot.sealing, rules, voter: voter.address, choice: { kind: BallotKind.SingleChoice, option } });
      const message = tokenMessage({ chainId, ballotBox, ballotId, voter: voter.address });
      const { blindedMessage, inverse } = blind(publicKey, message);
      const token = finalize(publicKey, message, blindSign(privateKey, blindedMessage), inverse);
      const payloadHex = payload;
      const voterSignature = await signVote(voter, { chainId, ballotBox, ballotId, revision: 0, payload: payloadHex });
      return { ballotId, voter: voter.address, revision: 0, payload: payloadHex, tokenSignature: toHex(token), voterSignature };
    }));
    const admin = new Wallet(stack.chain.operators.admin.privateKey, stack.ballotChain.provider);
    const receipt = await (await (stack.ballotChain.box.connect(admin) as Contract).castVotes(votes)).wait();
    expect(receipt!.status).to.equal(1);
  }

  /** The ceremony the first test finishes (the sealed-ballot tests create ballots from it). */
  let finished: { ceremonyId: string; electionKey: string; transcriptDigest: string } | undefined;

  it("ends with every trustee holding a key share of one election key, and the transcript accepted by all", async () => {
    const { ceremonyId } = await open(3, trustees, true);
    for (const step of ["join", "deal", "finish"]) {
      for (let i = 0; i < 5; i++) expect(await trustee(i, ceremonyId, step), `${step} ${i}`).to.equal(0);
    }
    const { body } = await call(stack, "GET", `/v1/ceremonies/${ceremonyId}`);
    expect(body.ceremony.status).to.equal("done");
    expect(body.ceremony.electionKey).to.match(/^0x0[23][0-9a-f]{64}$/);
    expect(Object.values(body.ceremony.accepts as Record<string, { transcriptDigest: string }>).map((a) => a.transcriptDigest)).to.deep.equal(Array(5).fill(body.ceremony.transcriptDigest));
    for (let i = 0; i < 5; i++) expect(await trustee(i, ceremonyId, "check-key")).to.equal(0);
    // The state file holds the key share encrypted: not a hex of it in the clear.
    const text = await readFile(path.join(dir, `${ceremonyId.slice(2, 10)}-0.json`), "utf8");
    expect(JSON.parse(text).urne).to.equal("urne-trustee-state/1");
    expect(await trustee(0, ceremonyId, "check-key", { passphrase: "another passphrase!" })).to.equal(1);
    const status = await runUrne(["trustee", "status", "--api", stack.apiUrl, "--ceremony", ceremonyId]);
    expect(status.code, status.stderr).to.equal(0);
    expect(status.stdout).to.include(`3 of 5 trustees and the operator's key of ${stack.chain.operators.organizer.address} (its share is needed too), status done`).and.include(body.ceremony.electionKey);
    // The operator's key is in the transcript from the start, proven, and named by the organizer account.
    expect(body.ceremony.params.operator).to.equal(stack.chain.operators.organizer.address);
    expect(body.ceremony.operator.key).to.match(/^0x0[23][0-9a-f]{64}$/);
    const malformed = await call(stack, "POST", "/v1/ceremonies", { key: apiKey, body: { threshold: 3, trustees: trustees.map((w) => w.address), operatorKey: "yes" } });
    expect(malformed.status).to.equal(400);
    expect(malformed.body.error).to.deep.include({ code: "ERR_INVALID_CEREMONY_MESSAGE", field: "operatorKey" });
    finished = { ceremonyId, electionKey: body.ceremony.electionKey, transcriptDigest: body.ceremony.transcriptDigest };
  });

  it("creates a sealed ballot under the finished ceremony's key: BallotSealed names its key, transcript, trustees and threshold", async () => {
    const c = finished!;
    const res = await call(stack, "POST", "/v1/ballots", { key: apiKey, body: { question: "Adopter la loi ?", closesAt: inSeconds(3600), sealing: { ceremony: c.ceremonyId } } });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const ballot = res.body.ballot;
    expect(ballot.sealing).to.deep.equal({
      kind: "sealed", ceremonyId: c.ceremonyId.toLowerCase(), electionKey: c.electionKey, keyCeremonyDigest: c.transcriptDigest,
      trustees: trustees.map((w) => w.address), threshold: 3,
    });
    expect(ballot.secrecy.en).to.match(/^Sealed ballot/);
    // What the chain says, read from its logs: the same key, digest, trustees and threshold.
    const logs = (await rpcCall(stack.rpcUrl, "eth_getLogs", [{ address: ballot.chain.ballotBox, fromBlock: "0x0", toBlock: "latest", topics: [EVENT_TOPICS.BallotSealed, ballotIdTopic(BigInt(ballot.id))] }])) as RawLog[];
    expect(logs).to.have.length(1);
    const event = decodeBallotBoxLog(logs[0], ballot.chain.ballotBox);
    expect(event).to.deep.include({ event: "BallotSealed", electionKey: c.electionKey, keyCeremonyDigest: c.transcriptDigest, trustees: trustees.map((w) => w.address), threshold: 3 });
    // No count exists before the trustees open the tally: the API publishes none, not even after the close.
    expect((await call(stack, "GET", `/v1/ballots/${ballot.id}/results`)).body.error.code).to.equal("ERR_RESULTS_HIDDEN");
    const closed = await call(stack, "POST", `/v1/ballots/${ballot.id}/close`, { key: apiKey, body: {} });
    expect(closed.status, JSON.stringify(closed.body)).to.equal(200);
    const results = await call(stack, "GET", `/v1/ballots/${ballot.id}/results`);
    expect(results.status).to.equal(409);
    expect(results.body.error.code).to.equal("ERR_RESULTS_AWAITING_DECRYPTION");
    expect(results.body.error.message).to.include("awaiting decryption: 0 of 3 shares");
    const publicBallot = await call(stack, "POST", "/v1/ballots", { key: apiKey, body: { question: "Q ?", closesAt: inSeconds(3600), sealing: "public" } });
    expect(publicBallot.body.ballot.sealing).to.deep.equal({ kind: "public" });
    const nothingToDecrypt = await call(stack, "POST", `/v1/ballots/${publicBallot.body.ballot.id}/operator-share`, { key: apiKey, body: {} });
    expect(nothingToDecrypt.status).to.equal(409);
    expect(nothingToDecrypt.body.error.code).to.equal("ERR_BALLOT_NOT_SEALED");
    expect((await call(stack, "GET", `/v1/ballots/${publicBallot.body.ballot.id}/decryption`)).body.error.code).to.equal("ERR_BALLOT_NOT_SEALED");
  });

  it("decrypt: after the close, each trustee recounts from its own node and posts its share; t shares and the operator's open the counts in urne recount", async () => {
    const c = finished!;
    const created = await call(stack, "POST", "/v1/ballots", { key: apiKey, body: { question: "Adopter l'amendement ?", closesAt: inSeconds(3600), sealing: { ceremony: c.ceremonyId } } });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const ballot = created.body.ballot;
    const choices = [0, 1, 0, 2, 0];
    await castSealedVotes(ballot, choices);
    const decrypt = (i: number) => trustee(i, c.ceremonyId, "decrypt", {}, ["--rpc", stack.rpcUrl, "--ballot", ballot.id]);
    // Before the close, the tally may still change: no share is made.
    const early = await captured(() => decrypt(0));
    expect(early.code).to.equal(1);
    expect(early.stderr).to.match(/is not closed at block \d+/);
    const operatorShare = (key = apiKey) => call(stack, "POST", `/v1/ballots/${ballot.id}/operator-share`, { key, body: {} });
    const earlyOperator = await operatorShare();
    expect(earlyOperator.status).to.equal(409);
    expect(earlyOperator.body.error).to.deep.include({ code: "ERR_BALLOT_NOT_CLOSED", field: "id" });
    expect((await call(stack, "POST", `/v1/ballots/${ballot.id}/close`, { key: apiKey, body: {} })).status).to.equal(200);
    const admin = new Wallet(stack.chain.operators.admin.privateKey, stack.ballotChain.provider);
    for (const w of trustees.slice(0, 3)) await (await admin.sendTransaction({ to: w.address, value: 10n ** 17n })).wait();
    const ceremonyFile = path.join(dir, "ceremony.json");
    await writeFile(ceremonyFile, JSON.stringify((await call(stack, "GET", `/v1/ceremonies/${c.ceremonyId}`)).body.ceremony));
    const recounted = async () => {
      const r = await runUrne(["recount", "--rpc", stack.rpcUrl, "--ballot-box", ballot.chain.ballotBox, "--ballot", ballot.id, "--ceremony", ceremonyFile, "--json"]);
      return JSON.parse(r.stdout).ballots[0].sealed as { status: string; counts: string[] | null; ballotsCounted: number; shares: { valid: boolean; operator?: true }[]; operator: { account: string; share: string } | null };
    };
    expect((await captured(() => decrypt(0))).code).to.equal(0);
    expect((await captured(() => decrypt(1))).code).to.equal(0);
    const waiting = await call(stack, "GET", `/v1/ballots/${ballot.id}/results`);
    expect(waiting.status).to.equal(409);
    expect(waiting.body.error.message).to.include("awaiting decryption: 2 of 3 shares");
    // Whose share is in, from the same recount of the vote host's (reused up to 10 s).
    const organizer = stack.chain.operators.organizer.address;
    const status = async () => (await call(stack, "GET", `/v1/ballots/${ballot.id}/decryption`)).body.decryption;
    const before = await status();
    expect(before).to.deep.include({ opened: false, threshold: 3, status: "awaiting decryption: 2 of 3 shares and the operator's share", operator: { account: organizer, share: "none" }, others: [] });
    expect(before.trustees.map((t: { account: string; share: string }) => [t.account, t.share])).to.deep.equal(trustees.map((w, i) => [w.address, i < 2 ? "valid" : "none"]));
    // A second share of the same trustee is refused here, before it costs anything.
    const again = await captured(() => decrypt(0));
    expect(again.code).to.equal(1);
    expect(again.stderr).to.include("already posted a share");
    expect((await captured(() => decrypt(2))).code).to.equal(0);
    // t trustees without the operator: still nothing.
    expect(await recounted()).to.deep.include({ status: "awaiting decryption: 3 of 3 shares and the operator's share", counts: null });

    // Only the ballot's app asks the operator for its share.
    const other = await stack.apps.create({ name: "Ailleurs", origins: ["https://ailleurs.example"] });
    expect((await operatorShare(other.apiKey)).body.error.code).to.equal("ERR_BALLOT_NOT_FOUND");
    const posted = await operatorShare();
    expect(posted.status, JSON.stringify(posted.body)).to.equal(201);
    expect(posted.body.operatorShare).to.deep.include({ ballotId: ballot.id, ballotsCounted: 5 });
    const again2 = await operatorShare();
    expect(again2.status).to.equal(409);
    expect(again2.body.error.code).to.equal("ERR_CONFLICT");
    const opened = await recounted();
    expect(opened.status).to.equal("opened");
    expect(opened.counts).to.deep.equal([0, 1, 2].map((o) => String(choices.filter((x) => x === o).length)));
    expect(opened.shares.map((v) => [v.valid, v.operator ?? false])).to.deep.equal([[true, false], [true, false], [true, false], [true, true]]);
    expect(opened.operator).to.deep.equal({ account: organizer, share: "valid" });
    expect(await status()).to.deep.include({ opened: true, status: "opened", operator: { account: organizer, share: "valid", transactionHash: posted.body.operatorShare.transactionHash } });
    // The API publishing what the recount opened, 3 of 5 trustees, is test/e2e/sealed-acceptance.test.ts's.
  });

  it("refuses a ballot that does not say its sealing, and a sealed ballot from an unfinished, unknown or other app's ceremony, with live results, or a malformed sealing", async () => {
    const body = (sealing: unknown, extra: object = {}) => ({ key: apiKey, body: { question: "Q ?", closesAt: inSeconds(3600), sealing, ...extra } });
    const unfinished = await open();
    const refused = await call(stack, "POST", "/v1/ballots", body({ ceremony: unfinished.ceremonyId }));
    expect(refused.status).to.equal(400);
    expect(refused.body.error).to.deep.include({ code: "ERR_KEY_CEREMONY", field: "ballot.sealing.ceremony" });
    expect(refused.body.error.message).to.include("status round1");
    const unknown = await call(stack, "POST", "/v1/ballots", body({ ceremony: "0x" + "ab".repeat(32) }));
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error).to.deep.include({ code: "ERR_CEREMONY_NOT_FOUND", field: "ballot.sealing.ceremony" });
    const other = await stack.apps.create({ name: "Autre", origins: ["https://autre.example"] });
    const foreign = await call(stack, "POST", "/v1/ballots", { ...body({ ceremony: finished!.ceremonyId }), key: other.apiKey });
    expect(foreign.status).to.equal(404);
    expect(foreign.body.error.code).to.equal("ERR_CEREMONY_NOT_FOUND");
    const live = await call(stack, "POST", "/v1/ballots", body({ ceremony: finished!.ceremonyId }, { liveResults: true }));
    expect(live.status).to.equal(400);
    expect(live.body.error).to.deep.include({ code: "ERR_INVALID_BALLOT", field: "ballot.liveResults" });
    // No sealing said: refused, never a public ballot by omission.
    const unsaid = await call(stack, "POST", "/v1/ballots", { key: apiKey, body: { question: "Q ?", closesAt: inSeconds(3600) } });
    expect(unsaid.status).to.equal(400);
    expect(unsaid.body.error).to.deep.include({ code: "ERR_INVALID_BALLOT", field: "ballot.sealing" });
    expect(unsaid.body.error.message).to.include("is required");
    for (const [sealing, field] of [["sealed", "ballot.sealing"], [{ ceremony: "0x12" }, "ballot.sealing.ceremony"], [{ ceremony: finished!.ceremonyId, key: "x" }, "ballot.sealing.key"], [null, "ballot.sealing"]] as const) {
      const bad = await call(stack, "POST", "/v1/ballots", body(sealing));
      expect(bad.status, JSON.stringify(sealing)).to.equal(400);
      expect(bad.body.error.field, JSON.stringify(sealing)).to.equal(field);
    }
  });

  it("keeps only what each trustee signed: a package signed by another account, or a second package, is refused", async () => {
    const c = await open();
    const where = { chainId: BigInt(c.chainId), ballotBox: c.ballotBox, params: c.params };
    const { round1 } = beginCeremony(c.params, 2);
    const forged = await signCeremonyStatement(trustees[0], where, { kind: "round1", index: 2, packageHash: round1PackageHash(round1) });
    const refused = await call(stack, "POST", `/v1/ceremonies/${c.ceremonyId}/round1`, { body: { package: round1, signature: forged } });
    expect(refused.status).to.equal(400);
    expect(refused.body.error).to.deep.include({ code: "ERR_KEY_CEREMONY", field: "trustees[1]" });
    const signed = await signCeremonyStatement(trustees[1], where, { kind: "round1", index: 2, packageHash: round1PackageHash(round1) });
    expect((await call(stack, "POST", `/v1/ceremonies/${c.ceremonyId}/round1`, { body: { package: round1, signature: signed } })).status).to.equal(200);
    expect((await call(stack, "POST", `/v1/ceremonies/${c.ceremonyId}/round1`, { body: { package: round1, signature: signed } })).status, "the same package again").to.equal(200);
    const other = beginCeremony(c.params, 2).round1;
    const second = await call(stack, "POST", `/v1/ceremonies/${c.ceremonyId}/round1`, { body: { package: other, signature: await signCeremonyStatement(trustees[1], where, { kind: "round1", index: 2, packageHash: round1PackageHash(other) }) } });
    expect(second.status).to.equal(409);
    // Moved to another ceremony, the signature no longer holds.
    const c2 = await open();
    const moved = await call(stack, "POST", `/v1/ceremonies/${c2.ceremonyId}/round1`, { body: { package: round1, signature: signed } });
    expect(moved.body.error).to.deep.include({ code: "ERR_KEY_CEREMONY", field: "trustees[1]" });
  });

  it("refuses shares before every trustee joined, an acceptance of another digest, bad input by name, and unknown ceremonies", async () => {
    const { ceremonyId } = await open(2, trustees.slice(0, 3));
    expect(await trustee(0, ceremonyId, "join")).to.equal(0);
    const early = await call(stack, "POST", `/v1/ceremonies/${ceremonyId}/shares`, { body: { from: 1, messages: [], signature: "0x" + "00".repeat(65) } });
    expect(early.status).to.equal(409);
    expect(await trustee(0, ceremonyId, "deal")).to.equal(1); // not every trustee has joined yet
    for (const i of [1, 2]) expect(await trustee(i, ceremonyId, "join")).to.equal(0);
    for (const i of [0, 1, 2]) expect(await trustee(i, ceremonyId, "deal")).to.equal(0);
    const wrong = await call(stack, "POST", `/v1/ceremonies/${ceremonyId}/accept`, { body: { index: 1, transcriptDigest: hexlify(new Uint8Array(32)), signature: "0x" + "11".repeat(65) } });
    expect(wrong.status).to.equal(400);
    expect(wrong.body.error.field).to.equal("transcriptDigest");
    const badShare = await call(stack, "POST", `/v1/ceremonies/${ceremonyId}/shares`, { body: { from: 1, messages: [{ to: 1, envelope: "0x00" }], signature: "0x" } });
    expect(badShare.body.error.field).to.equal("messages[0].to");
    const badOpen = await call(stack, "POST", "/v1/ceremonies", { key: apiKey, body: { threshold: 4, trustees: trustees.slice(0, 3).map((w) => w.address) } });
    expect(badOpen.status).to.equal(400);
    expect(badOpen.body.error.field).to.equal("threshold");
    expect((await call(stack, "POST", "/v1/ceremonies", { body: { threshold: 1, trustees: [trustees[0].address] } })).status, "no API key").to.equal(401);
    expect((await call(stack, "GET", `/v1/ceremonies/0x${"ab".repeat(32)}`)).status).to.equal(404);
    expect((await call(stack, "GET", "/v1/ceremonies/not-an-id")).status).to.equal(404);
    expect(await trustee(3, ceremonyId, "join")).to.equal(1); // not a trustee of this ceremony
  });
});
