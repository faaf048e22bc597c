// A ballot whose issuer modulus passes the contract (one Fermat witness and a valid key proof)
// but not the rule of PROTOCOL.md §2.5: n = p^2, whose private exponent anyone computes from
// isqrt(n). The real BallotBox creates it and counts a vote whose token nobody issued; `urne
// recount` must fail that ballot's R1, naming the rule, and recount the other ballots, from a
// node and from a mirror. Both backends.
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { toHex, tokenMessage } from "../../protocol/index.js";
import { run as recountCli } from "../../observer/cli/recount.js";
import { run as observeCli } from "../../observer/cli/observe.js";
import { ballotBoxFixture, randomVoter, testIssuer, voteArg, type BallotBoxFixture, type TestBallot } from "../helpers/ballot-box-fixture.js";
import { mintToken, unsafeIssuerKey } from "../helpers/unsafe-issuer-key.js";
import { observedChains, type ObservedChain } from "./observed-chains.js";
import { runCli } from "./run-cli.js";

for (const backend of observedChains()) {
  describe(`urne recount and a ballot whose issuer modulus fails the rule of §2.5 (${backend.name})`, function () {
    this.timeout(120_000);
    let chain: ObservedChain;
    let fx: BallotBoxFixture;
    let dir: string;
    let first: TestBallot, unsafe: TestBallot, last: TestBallot;

    before(async () => {
      chain = await backend.start();
      fx = await ballotBoxFixture(chain);
      dir = await mkdtemp(path.join(os.tmpdir(), "urne-recount-"));
      const key = unsafeIssuerKey("square");
      first = await fx.createBallot();
      unsafe = await fx.createBallot({}, { issuer: { ...testIssuer(0), publicKey: key.publicKey, modulus: key.modulus, keyProof: key.keyProof } });
      last = await fx.createBallot();
      const voter = randomVoter();
      const minted = toHex(mintToken(key, tokenMessage({ chainId: fx.chainId, ballotBox: fx.deployment.address, ballotId: unsafe.id, voter: voter.address })));
      const votes = [await fx.signedVote(first, "0x00"), await fx.signedVote(unsafe, "0x01", { voter, tokenSignature: minted }), await fx.signedVote(last, "0x02")];
      expect(await fx.box.castVotes.staticCall(votes.map(voteArg))).to.equal(3n);
      await (await fx.box.castVotes(votes.map(voteArg))).wait();
      const observed = await runCli(observeCli, ["--rpc", chain.rpcUrl, "--data", dir, "--ballot-box", fx.deployment.address, "--once"]);
      expect(observed.code, observed.out.join("\n")).to.equal(0);
    });
    after(async () => {
      fx?.destroy();
      await chain?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    for (const from of ["a node", "a mirror"]) {
      it(`from ${from}: fails R1 of that ballot naming the rule, recounts the others, and exits 1`, async () => {
        const args = from === "a node" ? ["--rpc", chain.rpcUrl, "--ballot-box", fx.deployment.address] : ["--mirror", dir];
        const r = await runCli(recountCli, args);
        expect(r.err, r.err.join("\n")).to.deep.equal([]);
        expect(r.code, r.out.join("\n")).to.equal(1);
        const r1 = r.out.filter((l) => l.startsWith("R1 FAIL"));
        expect(r1).to.have.length(1);
        expect(r1[0]).to.match(new RegExp(`^R1 FAIL BallotCreated in block ${unsafe.receipt.blockNumber} \\(tx ${unsafe.receipt.hash}\\): unsafe issuer key \\(§2\\.5\\): the modulus is a perfect power \\(m\\^2\\); every vote counts as cast in an unknown ballot$`));
        expect(r.out).to.include(`FAIL ballot ${unsafe.id}`);
        expect(r.out).to.include(`PASS ballot ${first.id}`);
        expect(r.out).to.include(`PASS ballot ${last.id}`);
        // The minted vote the contract counted is not counted by the recount.
        expect(r.out.filter((l) => l.startsWith("R2 REJECTED"))).to.have.length(1);
        expect(r.out.find((l) => l.startsWith("R2 REJECTED"))).to.match(new RegExp(`BallotBoxUnknownBallot\\(${unsafe.id}\\)$`));
      });
    }

    it("R1 of a ballot under a genuine key says that its modulus passes the rule", async () => {
      const r = await runCli(recountCli, ["--mirror", dir, "--ballot", first.id.toString(), "--json"]);
      expect(r.code).to.equal(0);
      const report = JSON.parse(r.out.join("\n"));
      const r1 = report.ballots[0].checks.find((c: { step: string }) => c.step === "R1");
      expect(r1.ok).to.equal(true);
      expect(r1.message).to.contain("issuer modulus passes §2.5 (provably composite, no factor below 2^16, not a perfect power)");
    });
  });
}
