// A recount catches what a broken contract lets through. FaultyBallotBox (test-only,
// contracts/test/) counts votes without the schedule, one-vote-per-address, token and
// voter-signature checks; bad ballots cast through it must each be rejected by the recount
// by their PROTOCOL.md §6.2 error name, and the contract's counts and close must fail
// R3 and R4; ballots the real contract refuses (a key proof of another key, a prime
// modulus with a valid key proof and a token minted by anyone) must fail R1. Both backends.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Contract, ContractFactory, Wallet, type InterfaceAbi } from "ethers";
import { blind, finalize, signVote, toHex, tokenMessage, verifyToken, type BallotParams, type SignedVote } from "../../protocol/index.js";
import { blindSign } from "../../protocol/node.js";
import { run as recountCli } from "../../observer/cli/recount.js";
import { recount, type RecountReport } from "../../observer/recount/recount.js";
import { mirrorSource, nodeSource } from "../../observer/recount/event-source.js";
import { observe } from "../../observer/observe.js";
import { MIRROR_FORMAT, MirrorStore } from "../../observer/mirror/mirror-store.js";
import { connectProvider, randomVoter, testIssuer, type Issuer } from "../helpers/ballot-box-fixture.js";
import { mintToken, unsafeIssuerKey } from "../helpers/unsafe-issuer-key.js";
import { observedChains, type ObservedChain } from "./observed-chains.js";
import { runCli } from "./run-cli.js";

const ARTIFACT = path.resolve(import.meta.dirname, "../../build/artifacts/contracts/test/FaultyBallotBox.sol/FaultyBallotBox.json");

for (const backend of observedChains()) {
  describe(`urne recount against a faulty ballot box (${backend.name})`, function () {
    this.timeout(120_000);
    let chain: ObservedChain;
    let report: RecountReport;
    let code: number;
    let lines: string[];
    const expected: { ballotId: string; voter: string; error: string; args: string[] }[] = [];
    let closesAt: bigint;
    let address: string;

    before(async () => {
      chain = await backend.start();
      const provider = await connectProvider(chain.rpcUrl);
      const chainId = (await provider.getNetwork()).chainId;
      const { abi, bytecode } = JSON.parse(readFileSync(ARTIFACT, "utf8")) as { abi: InterfaceAbi; bytecode: string };
      const deployer = chain.wallets[0].connect(provider);
      const deployed = await new ContractFactory(abi, bytecode, deployer).deploy();
      await deployed.waitForDeployment();
      const box = deployed as unknown as Contract;
      address = await box.getAddress();
      const now = BigInt((await provider.getBlock("latest"))!.timestamp);
      closesAt = now + 86_400n;
      const params = (issuer: Issuer, overrides: Partial<BallotParams> = {}): BallotParams => ({
        kind: 0, minChoices: 0, maxChoices: 0, opensAt: now - 60n, closesAt, allowRevote: false, liveResults: true,
        issuerModulus: issuer.modulus, issuerKeyProof: issuer.keyProof, question: "Pour ou contre ?", options: ["Pour", "Contre", "Abstention"], ...overrides,
      });
      const token = (issuer: Issuer, ballotId: bigint, voter: string) => {
        const message = tokenMessage({ chainId, ballotBox: address, ballotId, voter });
        const { blindedMessage, inverse } = blind(issuer.publicKey, message);
        return toHex(finalize(issuer.publicKey, message, blindSign(issuer.privateKey, blindedMessage), inverse));
      };
      const vote = async (ballotId: bigint, voter: Wallet, option: number, opts: { tokenFor?: string; signer?: Wallet } = {}): Promise<SignedVote> => {
        const payload = toHex(Uint8Array.of(option));
        return {
          ballotId, voter: voter.address, revision: 0, payload,
          tokenSignature: token(testIssuer(0), ballotId, opts.tokenFor ?? voter.address),
          voterSignature: await signVote(opts.signer ?? voter, { chainId, ballotBox: address, ballotId, revision: 0, payload }),
        };
      };
      const send = async (votes: SignedVote[]) => (await (await box.castVotes(votes)).wait())!;

      await (await box.createBallot(params(testIssuer(0)))).wait(); // ballot 1
      await (await box.createBallot(params(testIssuer(0), { opensAt: now + 3_600n, closesAt: now + 7_200n }))).wait(); // ballot 2: not open yet
      // Ballot 3: the issuer key proof of another key, which the real contract refuses (§2.5).
      await (await box.createBallot(params(testIssuer(0), { issuerKeyProof: testIssuer(1).keyProof }))).wait();
      // Ballot 4: a PRIME modulus with a valid key proof, which the real contract refuses (§2.5): anyone mints its tokens.
      const prime = unsafeIssuerKey("prime");
      await (await box.createBallot(params(testIssuer(0), { issuerModulus: prime.modulus, issuerKeyProof: prime.keyProof }))).wait();

      const [alice, bob, chloe, david, emma, felix, gaspard, hugo, ines] = Array.from({ length: 9 }, () => randomVoter());
      const other = randomVoter();
      const minted = { ...(await vote(4n, ines, 2)), tokenSignature: toHex(mintToken(prime, tokenMessage({ chainId, ballotBox: address, ballotId: 4n, voter: ines.address }))) };
      expect(verifyToken(prime.publicKey, tokenMessage({ chainId, ballotBox: address, ballotId: 4n, voter: ines.address }), minted.tokenSignature)).to.equal(true);
      await send([
        await vote(1n, alice, 0),
        await vote(1n, bob, 1),
        await vote(1n, chloe, 0, { tokenFor: david.address }), // a token issued for another address
        await vote(1n, alice, 2), // the same address again, revoting not allowed
        await vote(1n, emma, 1, { signer: other }), // signed by another key
        await vote(2n, gaspard, 1), // before the ballot opens
        await vote(3n, hugo, 1), // in a ballot the real contract would never have created
        minted, // a token nobody issued, under the prime modulus of ballot 4
      ]);
      // Closed with fewer tokens than voters, then a vote after the close.
      const closed = await (await box.closeBallot(1n, 1n)).wait();
      const closedAt = BigInt((await provider.getBlock(closed!.blockNumber))!.timestamp);
      await send([await vote(1n, felix, 0)]);

      expected.push(
        { ballotId: "1", voter: chloe.address, error: "BallotBoxInvalidTokenSignature", args: ["1", chloe.address] },
        { ballotId: "1", voter: alice.address, error: "BallotBoxAlreadyVoted", args: ["1", alice.address] },
        { ballotId: "1", voter: emma.address, error: "BallotBoxInvalidVoterSignature", args: [emma.address, other.address] },
        { ballotId: "1", voter: felix.address, error: "BallotBoxClosed", args: ["1", closesAt.toString(), closedAt.toString()] },
        { ballotId: "2", voter: gaspard.address, error: "BallotBoxNotOpenYet", args: ["2", (now + 3_600n).toString()] },
        { ballotId: "3", voter: hugo.address, error: "BallotBoxUnknownBallot", args: ["3"] },
        { ballotId: "4", voter: ines.address, error: "BallotBoxUnknownBallot", args: ["4"] },
      );
      provider.destroy();

      const r = await runCli(recountCli, ["--rpc", chain.rpcUrl, "--ballot-box", address, "--json"]);
      code = r.code;
      report = JSON.parse(r.out.join("\n"));
      lines = (await runCli(recountCli, ["--rpc", chain.rpcUrl, "--ballot-box", address])).out;
    });
    after(() => chain?.stop());

    const check = (ballotId: string, step: string) => report.ballots.find((b) => b.ballotId === ballotId)!.checks.find((c) => c.step === step)!;

    it("exits 1", () => {
      expect(code).to.equal(1);
      expect(report.pass).to.equal(false);
    });

    it("R2: rejects each bad vote by its §6.2 error name and arguments, in chain order, and counts only the good ones", () => {
      const rejected = report.ballots.flatMap((b) => b.rejected.map((r) => ({ ballotId: b.ballotId, voter: r.voter, error: r.error, args: r.args })));
      expect(rejected).to.deep.equal(expected);
      const first = report.ballots[0];
      expect(first.votesCast).to.equal(6);
      expect(first.votersCount).to.equal(2);
      expect(first.counts).to.deep.equal(["1", "1", "0"]);
      for (const e of expected) expect(lines.some((l) => l.startsWith("R2 REJECTED") && l.includes(`voter ${e.voter}`) && l.endsWith(`${e.error}(${e.args.join(", ")})`)), e.error).to.equal(true);
    });

    it("R3: the faulty contract's counts differ from the recount's", () => {
      const r3 = check("1", "R3");
      expect(r3.ok).to.equal(false);
      // The box counted chloe, emma and felix, and alice's second vote in place of her first.
      expect(r3.message).to.contain("option 0: recount 1, contract 2");
      expect(r3.message).to.contain("votersCount: recount 2, contract 5");
    });

    it("R4: more voters than tokens issued, and a BallotClosed whose votersCount is not the recount's", () => {
      const r4 = check("1", "R4");
      expect(r4.ok).to.equal(false);
      expect(r4.message).to.contain("2 voters counted but only 1 tokens issued");
      expect(r4.message).to.contain("BallotClosed says 4 voters, the recount had 2 at that point");
    });

    it("R1: refuses a ballot whose issuer key proof does not verify", () => {
      const r1 = check("3", "R1");
      expect(r1.ok).to.equal(false);
      expect(r1.message).to.contain("issuer key proof does not verify (§2.5)");
      expect(check("1", "R1").ok).to.equal(true);
    });

    it("R1: refuses a ballot whose modulus is prime although its key proof verifies, and counts none of its votes", () => {
      const r1 = check("4", "R1");
      expect(r1.ok).to.equal(false);
      expect(r1.message).to.contain("unsafe issuer key (§2.5): the modulus is not provably composite");
      expect(r1.message).to.not.contain("issuer key proof does not verify");
      expect(report.ballots.find((b) => b.ballotId === "4")!.votersCount).to.equal(0);
      expect(lines.some((l) => l.startsWith("R1 FAIL") && l.includes("unsafe issuer key"))).to.equal(true);
    });

    it("gives the same verdicts with the signatures checked on worker threads, in small batches", async () => {
      const source = await nodeSource(chain.rpcUrl, address);
      const threaded = await recount(source, { threads: 2, inlineBelow: 0, batchLogs: 3 });
      expect(threaded.ballots.map((b) => [b.rejected, b.counts, b.checks.map((c) => c.ok)])).to.deep.equal(report.ballots.map((b) => [b.rejected, b.counts, b.checks.map((c) => c.ok)]));
    });

    it("gives the same verdicts from a mirror: votes-only blocks checked as LevelDB's bytes on worker threads (format 2), or parsed (format 1)", async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), "urne-faulty-mirror-"));
      const verdicts = (r: RecountReport) => r.ballots.map((b) => [b.ballotId, b.votesCast, b.rejected, b.counts, b.checks.map((c) => [c.step, c.ok])]);
      const fromMirror = async (opts: Parameters<typeof recount>[1], ballotId?: bigint) => {
        const source = await mirrorSource(dir, { ballotId });
        return { fast: source.rawBlocks !== undefined, report: await recount(source, opts).finally(() => source.close()) };
      };
      try {
        const mirrored = await observe({ rpcUrls: [chain.rpcUrl], dataDir: dir, ballotBox: address, once: true, print: () => {} });
        expect(mirrored.exitCode).to.equal(0);
        // One block per batch and a thread round trip each; then everything inline.
        const progress: number[] = [];
        const threaded = await fromMirror({ threads: 2, rawBatchBytes: 1, inlineBelow: 0, onProgress: (n) => progress.push(n) });
        expect(threaded.fast, `format ${MIRROR_FORMAT}: the fast path`).to.equal(true);
        expect(verdicts(threaded.report)).to.deep.equal(verdicts(report));
        expect(progress.at(-1)).to.equal(report.ballots.reduce((n, b) => n + b.votesCast, 0));
        expect(verdicts((await fromMirror({ threads: 0 })).report)).to.deep.equal(verdicts(report));
        // --ballot: the other ballots' logs are left out on the threads too.
        const one = await fromMirror({ threads: 2, rawBatchBytes: 1, inlineBelow: 0 }, 1n);
        expect(verdicts(one.report)).to.deep.equal(verdicts(report).filter(([id]) => id === "1"));

        const store = await MirrorStore.open(dir);
        await store.setMeta({ ...(await store.meta())!, format: 1 });
        await store.close();
        const parsed = await fromMirror({ threads: 2, inlineBelow: 0, batchLogs: 3 });
        expect(parsed.fast, "format 1: hex as the node spelled it, parsed on the main thread").to.equal(false);
        expect(verdicts(parsed.report)).to.deep.equal(verdicts(report));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
