// The full flow with no browser, through the real assembled service as `npm start` runs it:
// the JavaScript `npm run build` compiled (dist/), with plain node: an organizer app made
// with `urne app create`, one ballot of each kind created through the API, then citizens
// of the development provider log in through the popup, get a blind token for a fresh
// voter key, vote through the relay, and the vote is on chain (VoteCast, tally) and in the
// results, with relayFinalShare 1. Every process and thread records the modules it loads
// (test/build/module-recorder.mjs): none is TypeScript, tsx, esbuild or a compiler, and
// only the development identity provider's own process loads idp/.
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { BallotKind, encodePayload, issuerKeyFromJwk, issuerKeyFromModulus, verifyIssuerKeyProof, type BallotRules, type Choice, type IssuerPublicKey } from "../../protocol/index.js";
import { MODULE_RECORDER, buildTimeFiles, readModuleLogs } from "../build/module-log.js";
import { loginAs } from "../helpers/dev-login.js";
import { rpcCall } from "../helpers/rpc.js";
import { readCallbackPage } from "../server/issuer/widget.js";
import { ballotBoxInterface, call, createApp, newVoter, observer, signedVoteBody, sleep, startUrne, stopUrne, type UrneProcess } from "./urne-process.js";

const WIDGET = "https://mavoix.example";
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

type Ballot = { id: string; ballotId: bigint; issuerKey: IssuerPublicKey; rules: BallotRules };

describe("e2e: the full flow through `urne start` (login popup, blind token, relay, chain, results)", function () {
  this.timeout(180_000);
  let dir: string;
  let moduleLog: string;
  let urne: UrneProcess | undefined;
  let apiKey: string;
  let chain: ReturnType<typeof observer>;
  const ballots: Record<string, Ballot> = {};

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "urne-e2e-flow-"));
    moduleLog = await mkdtemp(path.join(os.tmpdir(), "urne-e2e-modules-"));
    ({ apiKey } = await createApp(dir, "MaVoix", [WIDGET], true));
    urne = await startUrne(dir, 200, [], { compiled: true, env: { NODE_OPTIONS: `--import=${MODULE_RECORDER}`, URNE_MODULE_LOG_DIR: moduleLog } });
    chain = observer(urne.ready);
  });
  after(async () => {
    chain?.provider.destroy();
    await stopUrne(urne);
    await rm(dir, { recursive: true, force: true });
    await rm(moduleLog, { recursive: true, force: true });
  });

  const api = (route: string) => urne!.ready.api + route;
  const relay = (route: string) => urne!.ready.relay + route;
  /** The widget frame is a page of the vote host: its origin is the API's (never the partner's). */
  const widget = () => new URL(urne!.ready.api).origin;

  /** The popup: GET /v1/login → provider → citizen's button → callback page → postMessage data. */
  async function login(citizenId: string) {
    const popup = await fetch(api(`/v1/login?origin=${encodeURIComponent(widget())}`), { redirect: "manual" });
    expect(popup.status).to.equal(303);
    const callbackUrl = await loginAs(popup.headers.get("location")!, citizenId, api("/v1/login/callback"));
    const response = await fetch(callbackUrl, { redirect: "manual" });
    const page = readCallbackPage(response, await response.text());
    expect(page.targetOrigin).to.equal(widget());
    if (!page.message.ok) throw new Error(`login of ${citizenId}: ${page.message.error.code}`);
    return page.message.session;
  }

  /** A widget's whole vote: token for a fresh key, signed ballot, relay, receipt until final. */
  async function vote(session: string, b: Ballot, choice: Choice) {
    const voter = newVoter(urne!.ready, b.ballotId, b.issuerKey);
    const issued = await call(api(`/v1/ballots/${b.id}/tokens`), { session, origin: widget(), body: { blindedMessage: voter.blindedMessage } });
    expect(issued.status, JSON.stringify(issued.body)).to.equal(200);
    const body = await signedVoteBody(urne!.ready, b.ballotId, b.issuerKey, voter, issued.body.blindSignature, encodePayload(b.rules, choice));
    const posted = await call(relay("/v1/votes"), { body });
    expect(posted.status, JSON.stringify(posted.body)).to.equal(202);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = await call(relay(`/v1/receipts/${posted.body.receiptId}`));
      expect(r.status).to.equal(200);
      expect(r.body.status).to.not.equal("rejected");
      if (r.body.status === "final") return { body, receipt: r.body };
      if (Date.now() > deadline) throw new Error(`receipt still ${r.body.status}`);
      await sleep(100);
    }
  }

  it("creates a ballot of each kind with the app key; each one's issuer key on chain carries a valid proof", async () => {
    const specs = {
      single: { question: "Pour ou contre le parc ?", eligibility: { minimumAge: 18 } },
      multiple: { question: "Quels projets ?", kind: "multiple_choice", options: ["Parc", "Piste", "Marché"], maxChoices: 2 },
      judgment: { question: "Jugez les candidats", kind: "majority_judgment", options: ["Alice", "Bob"] },
    };
    for (const [name, spec] of Object.entries(specs)) {
      const created = await call(api("/v1/ballots"), { key: apiKey, body: { sealing: "public", closesAt: inSeconds(3600), liveResults: true, ...spec } });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const view = created.body.ballot;
      const ballotId = BigInt(view.id);
      // The widget trusts the chain, not the API: the key and its proof from BallotCreated.
      const [log] = await chain.provider.getLogs({
        address: urne!.ready.ballotBox, fromBlock: 0, toBlock: "latest",
        topics: ballotBoxInterface.encodeFilterTopics(ballotBoxInterface.getEvent("BallotCreated")!, [ballotId]),
      });
      expect(log.transactionHash).to.equal(view.chain.txHash);
      const params = ballotBoxInterface.parseLog(log)!.args.params;
      const issuerKey = issuerKeyFromModulus(params.issuerModulus);
      expect(verifyIssuerKeyProof(issuerKey, params.issuerKeyProof)).to.equal(true);
      expect(issuerKey).to.deep.equal(issuerKeyFromJwk(view.issuerKey));
      // The payload rules too, as the widget reads them from the chain.
      const rules = { kind: Number(params.kind) as BallotKind, optionCount: params.options.length, minChoices: Number(params.minChoices), maxChoices: Number(params.maxChoices) };
      expect(rules.kind).to.equal({ single: BallotKind.SingleChoice, multiple: BallotKind.MultipleChoice, judgment: BallotKind.MajorityJudgment }[name]);
      ballots[name] = { id: view.id, ballotId, issuerKey, rules };
    }
  });

  it("an adult logs in, votes in each ballot; the vote is on chain, counted by tally() and in the results", async () => {
    const session = await login("citizen-camille");
    const choices: Record<string, Choice> = {
      single: { kind: BallotKind.SingleChoice, option: 1 },
      multiple: { kind: BallotKind.MultipleChoice, options: [2, 0] },
      judgment: { kind: BallotKind.MajorityJudgment, grades: [4, 1] },
    };
    for (const [name, choice] of Object.entries(choices)) {
      const b = ballots[name];
      const { body, receipt } = await vote(session, b, choice);
      const casts = await chain.voteCasts(b.ballotId, body.voter);
      expect(casts, name).to.have.length(1);
      const [{ log, args }] = casts;
      expect({ txHash: log.transactionHash, blockNumber: log.blockNumber }).to.deep.equal({ txHash: receipt.txHash, blockNumber: receipt.blockNumber });
      expect({ revision: Number(args.revision), payload: args.payload, tokenSignature: args.tokenSignature, voterSignature: args.voterSignature })
        .to.deep.equal({ revision: 0, payload: body.payload, tokenSignature: body.tokenSignature, voterSignature: body.voterSignature });
      expect(await chain.box.votersCount(b.ballotId)).to.equal(1n);
      const tally = (await chain.box.tally(b.ballotId)) as bigint[];
      const results = await call(api(`/v1/ballots/${b.id}/results`));
      expect(results.status).to.equal(200);
      expect(results.body.results).to.include({ votersCount: 1, relayFinalShare: 1 });
      if (name === "single") {
        expect(tally.map(Number)).to.deep.equal([0, 1, 0]);
        expect(results.body.results.options.map((o: { votes: number }) => o.votes)).to.deep.equal([0, 1, 0]);
      } else if (name === "multiple") {
        expect(tally.map(Number)).to.deep.equal([1, 0, 1]);
        expect(results.body.results.options.map((o: { votes: number }) => o.votes)).to.deep.equal([1, 0, 1]);
      } else {
        // Majority judgment: one count per (candidate, grade).
        expect(tally.reduce((a, c) => a + c, 0n)).to.equal(2n);
        expect(results.body.results.candidates.map((c: { profile: { votes: number }[] }) => c.profile.map((p) => p.votes)))
          .to.deep.equal([[0, 0, 0, 0, 1, 0], [0, 1, 0, 0, 0, 0]]);
      }
    }

    // The same citizen asks again for the same ballot, for another key: refused.
    const again = newVoter(urne!.ready, ballots.single.ballotId, ballots.single.issuerKey);
    const refused = await call(api(`/v1/ballots/${ballots.single.id}/tokens`), { session: await login("citizen-camille"), origin: widget(), body: { blindedMessage: again.blindedMessage } });
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal("ERR_TOKEN_ALREADY_ISSUED");
  });

  it("a minor is refused a token for the 18+ ballot; a second adult votes too, and every share is final", async () => {
    const minor = newVoter(urne!.ready, ballots.single.ballotId, ballots.single.issuerKey);
    const refused = await call(api(`/v1/ballots/${ballots.single.id}/tokens`), { session: await login("citizen-ines"), origin: widget(), body: { blindedMessage: minor.blindedMessage } });
    expect(refused.status).to.equal(403);
    expect(refused.body.error.code).to.equal("ERR_NOT_ELIGIBLE");

    const { body } = await vote(await login("citizen-odette"), ballots.single, { kind: BallotKind.SingleChoice, option: 0 });
    expect(await chain.voteCasts(ballots.single.ballotId, body.voter)).to.have.length(1);
    expect(((await chain.box.tally(ballots.single.ballotId)) as bigint[]).map(Number)).to.deep.equal([1, 1, 0]);
    const results = (await call(api(`/v1/ballots/${ballots.single.id}/results`))).body.results;
    expect(results).to.include({ votersCount: 2, relayFinalShare: 1 });
    expect(results.options.map((o: { votes: number }) => o.votes)).to.deep.equal([1, 1, 0]);
    expect(results.leaders).to.deep.equal([0, 1]);
    expect(await chain.voteCasts(ballots.single.ballotId)).to.have.length(2);
  });

  it("ran dist's JavaScript in every process and thread, no TypeScript, tsx, esbuild or compiler; idp/ only in the dev-idp process", async () => {
    // An anonymous estimate runs in the call executor (the service's own calls do not): it starts, compiled.
    const estimate = await rpcCall(urne!.ready.rpc, "eth_estimateGas", [{ to: "0x" + "9a".repeat(20) }]);
    expect(estimate).to.equal("0x5209");
    await stopUrne(urne); // each process writes the CommonJS modules it required as it exits
    const logs = readModuleLogs(moduleLog);
    const dist = path.join(path.resolve(import.meta.dirname, "../.."), "dist");
    const argvOf = (pid: number) => logs.find((l) => l.pid === pid && l.argv.length > 1 && l.argv[1].startsWith(dist + path.sep + "scripts"))?.argv;
    const commandOf = (pid: number) => {
      const argv = argvOf(pid);
      return argv && `${path.relative(dist, argv[1])} ${argv[2]}`;
    };
    const commands = new Set(logs.map((l) => commandOf(l.pid)));
    for (const c of ["scripts/urne-dev.js start", "scripts/urne.js chain", "scripts/urne.js relay", "scripts/urne.js api", "scripts/urne-dev.js dev-idp"]) expect(commands, [...commands].join(", ")).to.include(c);
    const loaded = (file: string) => logs.filter((l) => l.files.includes(path.join(dist, file)));
    expect(loaded("protocol/vote-check-thread.node.js").length, "the relay's vote-check threads ran compiled").to.be.greaterThan(0);
    expect(loaded("server/chain/call-executor-process.js").length, "the call executor ran compiled").to.be.greaterThan(0);
    for (const log of logs) {
      expect(buildTimeFiles(log.files), `${log.argv.join(" ")} (thread ${log.thread})`).to.deep.equal([]);
      const idp = log.files.filter((f) => f.startsWith(path.join(dist, "idp") + path.sep) || f.includes(`${path.sep}node_modules${path.sep}oidc-provider${path.sep}`));
      if (commandOf(log.pid) !== "scripts/urne-dev.js dev-idp") expect(idp, `${log.argv.join(" ")} loaded the development identity provider`).to.deep.equal([]);
      else if (log.thread === 0) expect(idp.length, "the dev-idp process loaded idp/").to.be.greaterThan(0);
    }
  });
});
