// A ballot whose BallotCreated does not decode: the contract takes the question as the
// bytes it is given, and a lone UTF-16 surrogate (U+D800, from a malicious or buggy API)
// is not UTF-8. `urne recount` of the whole chain failed on it (exit 3, "deferred error
// during ABI decoding"); it must fail that ballot's R1, naming it, and recount the others
// (exit 1), from a node and from a mirror. Both backends, through the real BallotBox.
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { AbiCoder, concat, getBytes, toUtf8Bytes } from "ethers";
import type { BallotParams } from "../../protocol/index.js";
import { run as recountCli } from "../../observer/cli/recount.js";
import { run as observeCli } from "../../observer/cli/observe.js";
import { ballotBoxFixture, voteArg, type BallotBoxFixture, type TestBallot } from "../helpers/ballot-box-fixture.js";
import { observedChains, type ObservedChain } from "./observed-chains.js";
import { runCli } from "./run-cli.js";

/** "Q", then U+D800 as WTF-8 would write it (ED A0 80: no UTF-8 decoder accepts it), then "?". */
const LONE_SURROGATE_QUESTION = getBytes(concat([toUtf8Bytes("Q"), Uint8Array.of(0xed, 0xa0, 0x80), toUtf8Bytes("?")]));

/**
 * createBallot's calldata with the question given as raw bytes: `string` and `bytes` are
 * ABI-encoded alike, so the call is encoded with `bytes` in its place (ethers refuses to
 * encode a lone surrogate) under createBallot's own selector.
 */
function createBallotCalldata(fx: BallotBoxFixture, params: BallotParams, question: Uint8Array): string {
  const fragment = fx.iface.getFunction("createBallot")!;
  const components = fragment.inputs[0].components!;
  const types = components.map((c) => (c.name === "question" ? "bytes question" : c.format("full")));
  const values = components.map((c) => (c.name === "question" ? question : params[c.name as keyof BallotParams]));
  return concat([fragment.selector, AbiCoder.defaultAbiCoder().encode([`tuple(${types.join(", ")})`], [values])]);
}

for (const backend of observedChains()) {
  describe(`urne recount and a ballot whose BallotCreated does not decode (${backend.name})`, function () {
    this.timeout(120_000);
    let chain: ObservedChain;
    let fx: BallotBoxFixture;
    let dir: string;
    let first: TestBallot, last: TestBallot;
    let broken: bigint;
    let createdIn: { blockNumber: number; hash: string };

    before(async () => {
      chain = await backend.start();
      fx = await ballotBoxFixture(chain);
      dir = await mkdtemp(path.join(os.tmpdir(), "urne-recount-"));
      first = await fx.createBallot();
      const data = createBallotCalldata(fx, await fx.ballotParams(), LONE_SURROGATE_QUESTION);
      const receipt = (await (await fx.organizer.sendTransaction({ to: fx.deployment.address, data })).wait())!;
      expect(receipt.status).to.equal(1);
      createdIn = { blockNumber: receipt.blockNumber, hash: receipt.hash };
      broken = (await fx.box.ballotCount()) as bigint;
      last = await fx.createBallot();
      // A vote in each: the contract counts the one in the undecodable ballot too.
      const votes = [await fx.signedVote(first, "0x00"), await fx.signedVote({ ...first, id: broken }, "0x01"), await fx.signedVote(last, "0x02")];
      await (await fx.box.castVotes(votes.map(voteArg))).wait();
      expect((await fx.box.votersCount(broken)) as bigint).to.equal(1n);
      const observed = await runCli(observeCli, ["--rpc", chain.rpcUrl, "--data", dir, "--ballot-box", fx.deployment.address, "--once"]);
      expect(observed.code, observed.out.join("\n")).to.equal(0);
    });
    after(async () => {
      fx?.destroy();
      await chain?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    for (const from of ["a node", "a mirror"]) {
      it(`from ${from}: fails R1 of that ballot, naming it, recounts the others, and exits 1`, async () => {
        const args = from === "a node" ? ["--rpc", chain.rpcUrl, "--ballot-box", fx.deployment.address] : ["--mirror", dir];
        const r = await runCli(recountCli, args);
        expect(r.err, r.err.join("\n")).to.deep.equal([]);
        expect(r.code, r.out.join("\n")).to.equal(1);
        const r1 = r.out.filter((l) => l.startsWith("R1 FAIL"));
        expect(r1).to.have.length(1);
        expect(r1[0]).to.match(new RegExp(`^R1 FAIL BallotCreated for ballot ${broken} in block ${createdIn.blockNumber} \\(tx ${createdIn.hash}\\) does not decode \\(.+\\); every vote counts as cast in an unknown ballot$`));
        expect(r.out).to.include(`FAIL ballot ${broken}`);
        expect(r.out).to.include(`PASS ballot ${first.id}`);
        expect(r.out).to.include(`PASS ballot ${last.id}`);
        // Its vote is cast in a ballot the recount does not know: rejected, not counted.
        expect(r.out.filter((l) => l.startsWith("R2 REJECTED"))).to.have.length(1);
        expect(r.out.find((l) => l.startsWith("R2 REJECTED"))).to.match(new RegExp(`^R2 REJECTED block \\d+ log \\d+ tx 0x[0-9a-f]{64} voter 0x[0-9a-fA-F]{40} revision 0: BallotBoxUnknownBallot\\(${broken}\\)$`));
      });
    }

    it("--json: the ballot has no question nor kind, and fails", async () => {
      const r = await runCli(recountCli, ["--mirror", dir, "--ballot", broken.toString(), "--json"]);
      expect(r.code).to.equal(1);
      const report = JSON.parse(r.out.join("\n"));
      expect(report.ballots).to.have.length(1);
      expect(report.ballots[0]).to.include({ ballotId: broken.toString(), question: null, kind: null, pass: false });
    });
  });
}
