// The recount of ballots voted through the real service: the whole stack in process (API,
// development identity provider, issuer, relay, embedded chain), citizens who log in,
// get a blind token and vote through the relay, one ballot of each kind. The recount from
// a mirror equals the API's results (R6) and the contract's counters (R3); a mirror that
// missed the last vote does not.
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Wallet, hexlify, randomBytes } from "ethers";
import { BallotKind, blind, encodePayload, finalize, issuerKeyFromJwk, signVote, toHex, tokenMessage, type BallotRules, type Choice, type IssuerPublicKey } from "../../protocol/index.js";
import { run as observeCli } from "../../observer/cli/observe.js";
import { run as recountCli } from "../../observer/cli/recount.js";
import type { RecountReport } from "../../observer/recount/recount.js";
import { loginAs } from "../helpers/dev-login.js";
import { readCallbackPage } from "../server/issuer/widget.js";
import { call, inSeconds, startTestStack, type TestStack } from "../server/api/stack-fixture.js";
import { runCli } from "./run-cli.js";

const WIDGET = "https://mavoix.example";
type Ballot = { id: string; ballotId: bigint; issuerKey: IssuerPublicKey; rules: BallotRules };

describe("urne recount of ballots voted through the real API", function () {
  this.timeout(180_000);
  let stack: TestStack;
  let mirror: string;
  const ballots: Record<string, Ballot> = {};
  const sessions: Record<string, string> = {};

  async function login(citizenId: string): Promise<string> {
    // The widget frame is a page of the vote host: its origin is the API's.
    const popup = await fetch(`${stack.apiUrl}/v1/login?origin=${encodeURIComponent(new URL(stack.apiUrl).origin)}`, { redirect: "manual" });
    expect(popup.status).to.equal(303);
    const callbackUrl = await loginAs(popup.headers.get("location")!, citizenId, `${stack.apiUrl}/v1/login/callback`);
    const response = await fetch(callbackUrl, { redirect: "manual" });
    const page = readCallbackPage(response, await response.text());
    if (!page.message.ok) throw new Error(`login of ${citizenId}: ${page.message.error.code}`);
    return page.message.session;
  }

  /** The widget's vote: a blind token for a fresh key (or the same key for a revote), relayed, until final. */
  async function vote(citizen: string, b: Ballot, choice: Choice, revote?: { wallet: Wallet; token: string; revision: number }) {
    const chainId = stack.chain.chainId, ballotBox = stack.ballotChain.ballotBox;
    let wallet = revote?.wallet, token = revote?.token;
    if (!wallet || !token) {
      wallet = new Wallet(hexlify(randomBytes(32)));
      const message = tokenMessage({ chainId, ballotBox, ballotId: b.ballotId, voter: wallet.address });
      const { blindedMessage, inverse } = blind(b.issuerKey, message);
      const issued = await call(stack, "POST", `/v1/ballots/${b.id}/tokens`, { headers: { authorization: `Bearer ${sessions[citizen]}`, origin: new URL(stack.apiUrl).origin }, body: { blindedMessage: toHex(blindedMessage) } });
      expect(issued.status, JSON.stringify(issued.body)).to.equal(200);
      token = toHex(finalize(b.issuerKey, message, issued.body.blindSignature, inverse));
    }
    const revision = revote?.revision ?? 0;
    const payload = toHex(encodePayload(b.rules, choice));
    const voterSignature = await signVote(wallet, { chainId, ballotBox, ballotId: b.ballotId, revision, payload });
    const posted = await call({ apiUrl: stack.relayUrl }, "POST", "/v1/votes", { body: { ballotId: b.id, voter: wallet.address, revision, payload, tokenSignature: token, voterSignature } });
    expect(posted.status, JSON.stringify(posted.body)).to.equal(202);
    for (const deadline = Date.now() + 30_000; ;) {
      const r = await call({ apiUrl: stack.relayUrl }, "GET", `/v1/receipts/${posted.body.receiptId}`);
      expect(r.body.status, JSON.stringify(r.body)).to.not.equal("rejected");
      if (r.body.status === "final") return { wallet, token };
      if (Date.now() > deadline) throw new Error(`receipt still ${r.body.status}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const observeOnce = () => runCli(observeCli, ["--rpc", stack.chain.rpcUrl, "--data", mirror, "--ballot-box", stack.ballotChain.ballotBox, "--once"]);
  const recountJson = async (...args: string[]) => {
    const r = await runCli(recountCli, [...args, "--api", stack.apiUrl, "--json"]);
    return { code: r.code, report: JSON.parse(r.out.join("\n")) as RecountReport };
  };

  before(async () => {
    stack = await startTestStack();
    mirror = await mkdtemp(path.join(os.tmpdir(), "urne-recount-api-"));
    const { apiKey } = await stack.apps.create({ name: "MaVoix", origins: [WIDGET] });
    const specs = {
      single: { question: "Pour ou contre le parc ?", allowRevote: true },
      multiple: { question: "Quels projets ?", kind: "multiple_choice", options: ["Parc", "Piste", "Marché"], maxChoices: 2 },
      judgment: { question: "Jugez les candidats", kind: "majority_judgment", options: ["Alice", "Bob", "Chloé"] },
    };
    for (const [name, spec] of Object.entries(specs)) {
      const created = await call(stack, "POST", "/v1/ballots", { key: apiKey, body: { sealing: "public", closesAt: inSeconds(3600), liveResults: true, ...spec } });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const view = created.body.ballot;
      const options: string[] = (spec as { options?: string[] }).options ?? ["Pour", "Contre", "Abstention"];
      const kind = { single: BallotKind.SingleChoice, multiple: BallotKind.MultipleChoice, judgment: BallotKind.MajorityJudgment }[name]!;
      ballots[name] = { id: view.id, ballotId: BigInt(view.id), issuerKey: issuerKeyFromJwk(view.issuerKey), rules: { kind, optionCount: options.length, minChoices: kind === 1 ? 1 : 0, maxChoices: kind === 1 ? 2 : 0 } };
    }
    for (const citizen of ["citizen-camille", "citizen-lucas", "citizen-ines", "citizen-odette"]) sessions[citizen] = await login(citizen);

    const camille = await vote("citizen-camille", ballots.single, { kind: 0, option: 0 });
    await vote("citizen-lucas", ballots.single, { kind: 0, option: 1 });
    await vote("citizen-ines", ballots.single, { kind: 0, option: 1 });
    await vote("citizen-camille", ballots.single, { kind: 0, option: 2 }, { ...camille, revision: 1 }); // Camille changes her mind
    await vote("citizen-camille", ballots.multiple, { kind: 1, options: [0, 1] });
    await vote("citizen-lucas", ballots.multiple, { kind: 1, options: [1] });
    await vote("citizen-ines", ballots.multiple, { kind: 1, options: [1, 2] });
    await vote("citizen-camille", ballots.judgment, { kind: 2, grades: [1, 2, 0] });
    await vote("citizen-lucas", ballots.judgment, { kind: 2, grades: [2, 2, 1] });
    await vote("citizen-ines", ballots.judgment, { kind: 2, grades: [4, 3, 5] });
    const observed = await observeOnce();
    expect(observed.code, observed.out.join("\n")).to.equal(0);
  });
  after(async () => {
    await stack?.destroy();
    if (mirror) await rm(mirror, { recursive: true, force: true });
  });

  const expectAgreement = async (report: RecountReport) => {
    for (const b of report.ballots) {
      expect(b.checks.filter((c) => !c.ok), JSON.stringify(b.checks)).to.deep.equal([]);
      const r6 = b.checks.find((c) => c.step === "R6")!;
      expect(r6.ok).to.equal(true);
      expect(r6.skipped, r6.message).to.equal(undefined);
      const tally = (await stack.ballotChain.box.tally(BigInt(b.ballotId))) as bigint[];
      expect(b.counts).to.deep.equal(tally.map(String));
      const api = (await call(stack, "GET", `/v1/ballots/${b.ballotId}/results`)).body.results;
      expect(b.votersCount).to.equal(api.votersCount);
      if (api.options) expect(b.counts.map(Number)).to.deep.equal(api.options.map((o: { votes: number }) => o.votes));
      else expect(b.counts.map(Number)).to.deep.equal(api.candidates.flatMap((c: { profile: { votes: number }[] }) => c.profile.map((p) => p.votes)));
    }
  };

  it("for each kind, the recount from the mirror equals the API's results and the contract's counters", async () => {
    const { code, report } = await recountJson("--mirror", mirror);
    expect(code).to.equal(0);
    expect(report.ballots.map((b) => b.kind)).to.deep.equal(["SingleChoice", "MultipleChoice", "MajorityJudgment"]);
    expect(report.ballots.map((b) => b.counts)).to.deep.equal([["0", "2", "1"], ["1", "3", "1"], ["0", "1", "1", "0", "1", "0", "0", "0", "2", "1", "0", "0", "1", "1", "0", "0", "0", "1"]]);
    await expectAgreement(report);
  });

  it("R6: a mirror that missed the latest vote disagrees with the API and fails; resumed, it agrees", async () => {
    await vote("citizen-odette", ballots.single, { kind: 0, option: 0 });
    const stale = await recountJson("--mirror", mirror, "--ballot", ballots.single.id);
    expect(stale.code).to.equal(1);
    const r6 = stale.report.ballots[0].checks.find((c) => c.step === "R6")!;
    expect(r6.ok).to.equal(false);
    expect(r6.message).to.contain("votersCount: API 4, recount 3");
    expect((await observeOnce()).code).to.equal(0);
    const fresh = await recountJson("--mirror", mirror);
    expect(fresh.code).to.equal(0);
    await expectAgreement(fresh.report);
    const fromNode = await recountJson("--rpc", stack.chain.rpcUrl, "--ballot-box", stack.ballotChain.ballotBox);
    expect(fromNode.code).to.equal(0);
    await expectAgreement(fromNode.report);
  });
});
