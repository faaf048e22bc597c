// test/vectors/protocol-v1.json (written by scripts/make-vectors.ts from the protocol module)
// run through the contract: its views must give the same token messages, vote digests and
// token verdicts, and casting the cases in order must accept exactly the valid ones, reject
// each invalid one at the check it names (PROTOCOL.md §6.2), and end with the stated counts.
import { readFileSync } from "node:fs";
import { expect } from "chai";
import type { Contract, LogDescription } from "ethers";
import type { BallotParams, SignedVote } from "../../protocol/index.js";
import { PROTOCOL_VECTORS_FILE } from "../../scripts/make-vectors.js";
import { testBackends, type TestChain } from "../helpers/backends.js";
import { ballotBoxFixture, type BallotBoxFixture } from "../helpers/ballot-box-fixture.js";
import { decodeError, revertOf } from "../helpers/contract-errors.js";

type Case = {
  name: string; expected: "valid" | "invalid"; failedCheck?: string; ballotId: string; voter: string;
  revision: number; payload: string; tokenMessage: string; tokenSignature: string; voteDigest: string; voterSignature: string;
};
type VectorBallot = Omit<BallotParams, "opensAt" | "closesAt"> & { ballotId: string; opensAt: string; closesAt: string };
type Vectors = {
  chainId: string; ballotBox: string; ballots: VectorBallot[]; cases: Case[];
  results: { ballotId: string; votersCount: number; tally: number[] }[];
};

const vectors = JSON.parse(readFileSync(PROTOCOL_VECTORS_FILE, "utf8")) as Vectors;

/** The custom errors each check of §6.2 may fail with. */
const ERRORS_OF_CHECK: Record<string, string[]> = {
  revision: ["BallotBoxAlreadyVoted", "BallotBoxStaleRevision"],
  payload: ["BallotBoxInvalidPayloadLength", "BallotBoxInvalidPayloadByte"],
  tokenSignature: ["BallotBoxInvalidTokenSignature"],
  voterSignature: ["BallotBoxInvalidVoterSignature"],
};

const voteOf = (c: Case): SignedVote => ({
  ballotId: BigInt(c.ballotId), voter: c.voter, revision: c.revision, payload: c.payload,
  tokenSignature: c.tokenSignature, voterSignature: c.voterSignature,
});

for (const backend of testBackends()) {
  describe(`protocol-v1 test vectors through BallotBox (${backend.name})`, function () {
    this.timeout(300_000);
    const chains: TestChain[] = [];
    const fixtures: BallotBoxFixture[] = [];

    /** A fresh chain whose first deployment lands where the vectors expect it, with their ballots. */
    const vectorBox = async (): Promise<BallotBoxFixture | undefined> => {
      const chain = await backend.start();
      chains.push(chain);
      const fx = await ballotBoxFixture(chain);
      fixtures.push(fx);
      if (fx.chainId !== BigInt(vectors.chainId) || fx.deployment.address !== vectors.ballotBox) return undefined;
      for (const b of vectors.ballots) {
        const { ballotId, opensAt, closesAt, ...rest } = b;
        const created = await fx.createBallot({ ...rest, opensAt: BigInt(opensAt), closesAt: BigInt(closesAt) });
        if (created.id !== BigInt(ballotId)) throw new Error(`vector ballot ${ballotId} created as ${created.id}`);
      }
      return fx;
    };

    after(async () => {
      for (const fx of fixtures) fx.destroy();
      for (const chain of chains) await chain.stop();
    });

    const expectCounts = async (fx: BallotBoxFixture) => {
      for (const r of vectors.results) {
        expect(((await fx.box.tally(r.ballotId)) as bigint[]).map(Number), `tally of ballot ${r.ballotId}`).to.deep.equal(r.tally);
        expect(await fx.box.votersCount(r.ballotId), `votersCount of ballot ${r.ballotId}`).to.equal(BigInt(r.votersCount));
      }
    };

    it("views, castVote in order, and the final counts agree with every case", async function () {
      const fx = await vectorBox();
      if (!fx) return this.skip(); // the vectors are bound to chain 31337 and the first contract of account #0
      for (const c of vectors.cases) {
        expect(await fx.box.tokenMessage(c.ballotId, c.voter), c.name).to.equal(c.tokenMessage);
        expect(await fx.box.voteDigest(c.ballotId, c.revision, c.payload), c.name).to.equal(c.voteDigest);
        expect(await fx.box.isTokenValid(c.ballotId, c.voter, c.tokenSignature), c.name).to.equal(c.failedCheck !== "tokenSignature");
      }
      for (const c of vectors.cases) {
        if (c.expected === "valid") {
          await (await fx.box.castVote(voteOf(c))).wait();
          expect([...(await fx.box.voteOf(c.ballotId, c.voter))], c.name).to.deep.equal([true, BigInt(c.revision)]);
        } else {
          const error = await revertOf(fx.iface, fx.box.castVote.staticCall(voteOf(c)));
          expect(ERRORS_OF_CHECK[c.failedCheck!], `${c.name}: ${error.name}`).to.include(error.name);
        }
      }
      await expectCounts(fx);
    });

    it("castVotes of all cases in one batch accepts the valid ones and rejects the others at their check", async function () {
      const fx = await vectorBox();
      if (!fx) return this.skip();
      const receipt = await (await (fx.box as Contract).castVotes(vectors.cases.map(voteOf), { gasLimit: 30_000_000 })).wait();
      const events = receipt.logs.map((l: never) => fx.iface.parseLog(l)).filter((e: LogDescription | null) => e !== null) as LogDescription[];
      expect(events.map((e) => e.args.voter)).to.deep.equal(vectors.cases.map((c) => c.voter));
      events.forEach((e, i) => {
        const c = vectors.cases[i];
        if (c.expected === "valid") expect(e.name, c.name).to.equal("VoteCast");
        else expect(ERRORS_OF_CHECK[c.failedCheck!], c.name).to.include(decodeError(fx.iface, e.args.reason).name);
      });
      await expectCounts(fx);
    });
  });
}
