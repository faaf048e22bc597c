// `urne recount` of a sealed ballot (PROTOCOL.md §9.3 S1-S5, §11) on a real BallotBox (both
// backends): four trustees run the key ceremony (protocol/sealed/trustee.ts), the organizer
// creates the ballot under its key, voters cast sealed ballots (a revote among them) with
// three the contract takes but whose proofs fail (a ballot copied to another voter, a
// forged one, a revote with a bad proof), the ballot is closed, and trustees post their
// shares one by one, as their own off-chain tally made them. The recount, from a node and
// from a mirror, follows: awaiting with 0 and 1 valid shares (no number), a share with a
// bad proof and a share of another tally named and left out, then the counts of the ballots
// cast once 2 valid shares are in.
import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Wallet, getBytes, hexlify, keccak256, randomBytes, type Contract } from "ethers";
import { run as recountCli } from "../../observer/cli/recount.js";
import { run as observeCli } from "../../observer/cli/observe.js";
import type { BallotReport, RecountReport } from "../../observer/recount/recount.js";
import { BallotKind, toHex, type SignedVote } from "../../protocol/index.js";
import { electionKeyHash, sealedContext } from "../../protocol/sealed/ballot-context.js";
import { encodeDecryptionShare, makeDecryptionShare } from "../../protocol/sealed/decryption-share.js";
import { addCiphertexts, type Ciphertext } from "../../protocol/sealed/elgamal.js";
import { mod, randomScalar } from "../../protocol/sealed/group.js";
import { ceremonyDigest, electionKeyHex, electionKeyOf, type CeremonyParams, type CeremonyTranscript } from "../../protocol/sealed/key-ceremony.js";
import { decodeSealedPayload } from "../../protocol/sealed/sealed-payload.js";
import { TallyDigest } from "../../protocol/sealed/tally-digest.js";
import { beginCeremony, dealShares, finishCeremony, type TrusteeKey } from "../../protocol/sealed/trustee.js";
import { forgeSealedPayload } from "../../scripts/vectors/forge-sealed.js";
import { ballotBoxFixture, randomVoter, voteArg, type BallotBoxFixture } from "../helpers/ballot-box-fixture.js";
import { sealedFixture, type SealedTestBallot } from "../helpers/sealed-ballot-fixture.js";
import { observedChains, type ObservedChain } from "./observed-chains.js";
import { runCli } from "./run-cli.js";
import { startLyingNode } from "../helpers/lying-node.js";
import { EVENT_TOPICS, type RawLog } from "../../protocol/events.js";

const single = (option: number) => ({ kind: BallotKind.SingleChoice, option });

/** The key ceremony of `count` trustees, threshold `threshold`, each with only its own secrets. */
async function keyCeremony(trustees: string[], threshold: number): Promise<{ transcript: CeremonyTranscript; keys: TrusteeKey[] }> {
  const params: CeremonyParams = { ceremonyId: hexlify(randomBytes(32)), threshold, trustees };
  const started = trustees.map((_, i) => beginCeremony(params, i + 1));
  const round1 = started.map((s) => s.round1);
  const messages = (await Promise.all(started.map((s) => dealShares(s.state, round1)))).flat();
  const keys = await Promise.all(started.map((s) => finishCeremony(s.state, round1, messages.filter((m) => m.to === s.state.index))));
  return { transcript: { params, round1 }, keys };
}

for (const backend of observedChains()) {
  describe(`urne recount of a sealed ballot (${backend.name})`, function () {
    this.timeout(240_000);
    let chain: ObservedChain;
    let fx: BallotBoxFixture;
    let dir: string;
    let ceremonyFile: string;
    let ballot: SealedTestBallot;
    let transcript: CeremonyTranscript;
    let keys: TrusteeKey[];
    let wallets: Wallet[];
    /** Every vote cast, in chain order (one castVotes), and which the recount must count. */
    let cast: { vote: SignedVote; counted: boolean; proofFails?: string }[];
    /** This tally's digest and aggregates, as an honest trustee computes them off chain. */
    let tallyDigest: string;
    let aggregates: Ciphertext[];

    /** Trustee i (0-based) posts a share made with `secret` (its own key share by default) of `of`. */
    const postShare = async (i: number, of: { digest: string; aggregates: Ciphertext[] } = { digest: tallyDigest, aggregates }, secret = keys[i].keyShare) => {
      const share = makeDecryptionShare({ tallyDigest: getBytes(of.digest), verificationKey: keys[i].verificationKey, aggregates: of.aggregates.map((a) => a.A) }, secret);
      await (await (fx.box.connect(wallets[i]) as Contract).submitDecryptionShare(ballot.id, of.digest, encodeDecryptionShare(share))).wait();
    };

    /** What a tally over `counted` (in chain order) names, computed here from the payloads. */
    const tallyOf = (counted: SignedVote[]) => {
      const digest = new TallyDigest({ chainId: fx.chainId, ballotBox: fx.deployment.address, ballotId: ballot.id, electionKeyHash: electionKeyHash(getBytes(ballot.sealed.electionKey), ballot.sealed.keyCeremonyDigest), rules: ballot.rules });
      for (const v of counted) digest.add(keccak256(v.payload));
      const cells = counted.map((v) => decodeSealedPayload(ballot.rules, getBytes(v.payload)).cells);
      const sums = [0, 1].map((k) => addCiphertexts(cells.map((c) => c[k]))); // option 2 has no cell (§11.2)
      return { digest: hexlify(digest.digest(sums)), aggregates: sums };
    };

    const recountJson = async (...args: string[]) => {
      const r = await runCli(recountCli, [...args, "--json"]);
      const report = JSON.parse(r.out.join("\n")) as RecountReport;
      return { code: r.code, report, ballot: report.ballots.find((b) => b.ballotId === ballot.id.toString())!, err: r.err };
    };
    const fromNode = (...extra: string[]) => recountJson("--rpc", chain.rpcUrl, "--ballot-box", fx.deployment.address, "--ballot", ballot.id.toString(), ...extra);
    const step = (b: BallotReport, name: string) => b.checks.filter((c) => c.step === name);

    before(async () => {
      chain = await backend.start();
      fx = await ballotBoxFixture(chain);
      dir = await mkdtemp(path.join(os.tmpdir(), "urne-recount-sealed-"));
      wallets = Array.from({ length: 4 }, () => randomVoter().connect(fx.provider));
      for (const w of wallets) await (await fx.admin.sendTransaction({ to: w.address, value: 10n ** 18n })).wait();
      ({ transcript, keys } = await keyCeremony(wallets.map((w) => w.address), 2));
      ceremonyFile = path.join(dir, "ceremony.json");
      await writeFile(ceremonyFile, JSON.stringify(transcript));

      const sx = sealedFixture(fx);
      const created = await sx.createSealedBallot({ allowRevote: true }, {
        sealed: { electionKey: electionKeyHex(transcript), keyCeremonyDigest: ceremonyDigest(transcript), trustees: wallets.map((w) => w.address), threshold: 2 },
      });
      // The fixture's own made-up key and trustees are replaced by the ceremony's.
      ballot = { ...created, electionKey: electionKeyOf(transcript), trustees: [] };

      const [v1, v2, v3, v4, v5, v6, v7] = Array.from({ length: 7 }, () => randomVoter());
      const sealedVote = async (voter: Wallet, option: number, revision = 0) => fx.signedVote(ballot, sx.seal(ballot, voter.address, single(option)).payload, { voter, revision });
      const a1 = await sealedVote(v1, 0);
      // v5 casts v1's very ballot: its proofs are bound to v1's address (§11.4).
      const copied = await fx.signedVote(ballot, a1.payload, { voter: v5 });
      // v7's ballot encrypts 1 in two cells; its sum proof cannot verify.
      const context = (voter: string) => sealedContext({ chainId: fx.chainId, ballotBox: fx.deployment.address, ballotId: ballot.id, electionKeyHash: electionKeyHash(getBytes(ballot.sealed.electionKey), ballot.sealed.keyCeremonyDigest), rules: ballot.rules, voter });
      const forged = await fx.signedVote(ballot, toHex(forgeSealedPayload({ context: context(v7.address), electionKey: ballot.electionKey, rules: ballot.rules, cells: [1, 1], random: randomScalar })), { voter: v7 });
      const v6first = await sealedVote(v6, 0);
      // v6's revote is v2's ballot: the contract takes it (revision 1), the recount keeps v6's revision 0.
      const a2 = await sealedVote(v2, 2);
      const v6copy = await fx.signedVote(ballot, a2.payload, { voter: v6, revision: 1 });
      cast = [
        { vote: a1, counted: true },
        { vote: a2, counted: true },
        { vote: await sealedVote(v3, 2), counted: true },
        { vote: await sealedVote(v4, 1), counted: false }, // replaced by its revision 1
        { vote: copied, counted: false, proofFails: "payload.cellProofs[0]" },
        { vote: v6first, counted: true },
        { vote: forged, counted: false, proofFails: "payload.sumProofs[0]" },
        { vote: await sealedVote(v4, 2, 1), counted: true },
        { vote: v6copy, counted: false, proofFails: "payload.cellProofs[0]" },
      ];
      await (await fx.box.castVotes(cast.map((c) => voteArg(c.vote)))).wait();
      await (await (fx.box.connect(fx.organizer) as Contract).closeBallot(ballot.id, 7n)).wait();
      ({ digest: tallyDigest, aggregates } = tallyOf(cast.filter((c) => c.counted).map((c) => c.vote)));
    });
    after(async () => {
      fx?.destroy();
      await chain?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it("before any share: the ballots checked and the tally digest named, awaiting decryption: 0 of 2 shares, no number", async () => {
      const { code, ballot: b } = await fromNode("--ceremony", ceremonyFile);
      expect(code, JSON.stringify(b.checks)).to.equal(0);
      expect(b.checks.filter((c) => !c.ok)).to.deep.equal([]);
      expect(b.checks.map((c) => c.step)).to.deep.equal(["R1", "S1", "R2", "S2", "R3", "R4", "S3", "S4", "S5", "R5", "R6"]);
      expect(b.sealed).to.deep.include({ transcript: true, ballotsCounted: 5, tallyDigest, status: "awaiting decryption: 0 of 2 shares", counts: null });
      expect(b.counts).to.deep.equal([]);
      expect(b.results).to.equal(undefined);
      expect(step(b, "S5")[0]).to.include({ ok: true, skipped: true });
      // R3: the contract took 7 voters (its rules); 5 of them have a ballot whose proofs verify.
      expect(step(b, "R3")[0].message).to.contain("votersCount 7");
      expect(b.votersCount).to.equal(5);
    });

    it("S2: names each ballot the contract took whose proofs fail (a copied one, a forged one, a bad revote) and counts none of them", async () => {
      const { ballot: b } = await fromNode("--ceremony", ceremonyFile);
      const failing = cast.filter((c) => c.proofFails);
      expect(b.sealed!.excluded.map((x) => [x.voter, x.revision, x.tracker, x.code, x.field])).to.deep.equal(
        failing.map((c) => [c.vote.voter, c.vote.revision, keccak256(c.vote.payload), "ERR_INVALID_BALLOT_PROOF", c.proofFails]));
      expect(step(b, "S2")[0].message).to.contain("3 whose proofs fail excluded from the tally");
      const text = await runCli(recountCli, ["--rpc", chain.rpcUrl, "--ballot-box", fx.deployment.address, "--ceremony", ceremonyFile]);
      const excluded = text.out.filter((l) => l.startsWith("S2 EXCLUDED"));
      expect(excluded).to.have.length(3);
      expect(excluded[0]).to.contain(`voter ${failing[0].vote.voter} revision 0`).and.contain("ERR_INVALID_BALLOT_PROOF payload.cellProofs[0]");
      expect(text.out).to.include(`COUNTS ballot ${ballot.id} sealed, awaiting decryption: 0 of 2 shares; 5 voters counted`);
    });

    it("with fewer than t valid shares (one, then a bad proof and another tally's beside it): awaiting, the bad ones named, still no number", async () => {
      await postShare(0);
      let { code, ballot: b } = await fromNode("--ceremony", ceremonyFile);
      expect(code).to.equal(0);
      expect(b.sealed).to.deep.include({ status: "awaiting decryption: 1 of 2 shares", counts: null });
      expect(b.counts).to.deep.equal([]);

      // Trustee 2's share is made with a key share that is not its own: its proof fails.
      await postShare(1, undefined, mod(keys[1].keyShare + 1n));
      // Trustee 3 tallied the contract's latest revisions without checking their proofs: another tally.
      const latest = cast.filter((c, i) => !cast.slice(i + 1).some((later) => later.vote.voter === c.vote.voter)).map((c) => c.vote);
      const other = tallyOf(latest);
      expect(other.digest).to.not.equal(tallyDigest);
      await postShare(2, other);
      ({ code, ballot: b } = await fromNode("--ceremony", ceremonyFile));
      expect(code).to.equal(0);
      expect(b.sealed).to.deep.include({ status: "awaiting decryption: 1 of 2 shares", counts: null });
      expect(b.sealed!.shares.map((s) => [s.trustee, s.valid, s.why])).to.deep.equal([
        [wallets[0].address, true, undefined],
        [wallets[1].address, false, "its proof does not verify for this tally"],
        [wallets[2].address, false, `a share of tally digest ${other.digest}, not of this tally`],
      ]);
      const text = await runCli(recountCli, ["--rpc", chain.rpcUrl, "--ballot-box", fx.deployment.address, "--ceremony", ceremonyFile]);
      expect(text.out.filter((l) => l.startsWith("S4 LEFT OUT"))).to.have.length(2);
      expect(text.out.filter((l) => l.startsWith("COUNTS"))).to.deep.equal([`COUNTS ballot ${ballot.id} sealed, awaiting decryption: 1 of 2 shares; 5 voters counted`]);
    });

    it("without the ceremony's transcript the shares cannot be checked: S4 fails, no number", async () => {
      const { code, ballot: b } = await fromNode();
      expect(code).to.equal(1);
      expect(step(b, "S1")[0]).to.include({ ok: true });
      expect(step(b, "S1")[0].message).to.contain("no key ceremony transcript");
      expect(step(b, "S4")[0]).to.include({ ok: false });
      expect(b.sealed).to.deep.include({ transcript: false, counts: null });
    });

    it("with t valid shares: the counts of the ballots counted, from a node and from a mirror", async () => {
      await postShare(3);
      const expected = ["2", "0", "3"]; // v1, v6 rev 0 -> 0; v2, v3, v4 rev 1 -> 2
      const { code, ballot: b } = await fromNode("--ceremony", ceremonyFile);
      expect(code, JSON.stringify(b.checks)).to.equal(0);
      expect(b.sealed).to.deep.include({ status: "opened", counts: expected, ballotsCounted: 5 });
      expect(b.counts).to.deep.equal(expected);
      expect(b.sealed!.shares.filter((s) => s.valid).map((s) => s.trustee)).to.deep.equal([wallets[0].address, wallets[3].address]);
      expect((b.results as { votersCount?: number; options: { votes: number }[] }).options.map((o) => o.votes)).to.deep.equal([2, 0, 3]);

      const observed = await runCli(observeCli, ["--rpc", chain.rpcUrl, "--data", dir + "/mirror", "--ballot-box", fx.deployment.address, "--once"]);
      expect(observed.code, observed.out.join("\n")).to.equal(0);
      const mirror = await recountJson("--mirror", dir + "/mirror", "--ceremony", ceremonyFile);
      expect(mirror.code, JSON.stringify(mirror.ballot.checks)).to.equal(0);
      expect(mirror.ballot.sealed).to.deep.equal(b.sealed);
      expect(mirror.ballot.checks.find((c) => c.step === "R3")!.message).to.contain("votersCount 7");
    });

    it("a node that alters a share's log: that share is named and left out, the recount goes on (exit 1)", async () => {
      const liar = await startLyingNode(chain.rpcUrl, (method, _params, result) =>
        method === "eth_getLogs" && Array.isArray(result)
          ? (result as RawLog[]).map((l) => (l.topics[0] === EVENT_TOPICS.DecryptionShareSubmitted && l.topics[2].endsWith(wallets[3].address.slice(2).toLowerCase()) ? { ...l, data: l.data.slice(0, 2 + 64 * 3) } : l))
          : result);
      try {
        const { code, ballot: b } = await recountJson("--rpc", liar.rpcUrl, "--ballot-box", fx.deployment.address, "--ballot", ballot.id.toString(), "--ceremony", ceremonyFile);
        expect(code).to.equal(1);
        const s4 = step(b, "S4");
        expect(s4[0]).to.include({ ok: false });
        expect(s4[0].message).to.match(/^DecryptionShareSubmitted for ballot \d+ in block \d+ \(tx 0x[0-9a-f]{64}\) does not decode \(.*\): left out$/);
        expect(b.sealed).to.deep.include({ status: "awaiting decryption: 1 of 2 shares", counts: null });
      } finally {
        await liar.close();
      }
    });

    it("refuses a --ceremony file that is not a transcript, naming the field (exit 2)", async () => {
      const bad = path.join(dir, "bad-ceremony.json");
      await writeFile(bad, JSON.stringify({ ...transcript, round1: transcript.round1.map((p, i) => (i === 2 ? { ...p, encryptionKey: 42 } : p)) }));
      const r = await runCli(recountCli, ["--rpc", chain.rpcUrl, "--ballot-box", fx.deployment.address, "--ceremony", bad]);
      expect(r.code).to.equal(2);
      expect(r.err[0]).to.equal(`--ceremony ${bad} is not a key ceremony transcript: ERR_KEY_CEREMONY transcript.round1[2].encryptionKey: transcript.round1[2].encryptionKey must be 0x-prefixed hex of whole bytes`);
    });
  });
}
