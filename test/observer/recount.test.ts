// `urne recount` on ballots of every kind cast through the real BallotBox (both backends):
// from a node and from a mirror, its counts are the contract's, with revotes, a stale
// revision the contract rejected, and a closed ballot.
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { run as recountCli } from "../../observer/cli/recount.js";
import { run as observeCli } from "../../observer/cli/observe.js";
import type { RecountReport } from "../../observer/recount/recount.js";
import { ballotBoxFixture, voteArg, type BallotBoxFixture, type TestBallot } from "../helpers/ballot-box-fixture.js";
import { observedChains, type ObservedChain } from "./observed-chains.js";
import { runCli } from "./run-cli.js";
import { randomVoter } from "../helpers/ballot-box-fixture.js";
import { startLyingNode } from "../helpers/lying-node.js";
import { toBeHex } from "ethers";
import { EVENT_TOPICS } from "../../protocol/events.js";

for (const backend of observedChains()) {
  describe(`urne recount (${backend.name})`, function () {
    this.timeout(120_000);
    let chain: ObservedChain;
    let fx: BallotBoxFixture;
    let dir: string;
    const ballots: Record<string, TestBallot> = {};
    let camille: string;

    before(async () => {
      chain = await backend.start();
      fx = await ballotBoxFixture(chain);
      dir = await mkdtemp(path.join(os.tmpdir(), "urne-recount-"));
      ballots.single = await fx.createBallot({ allowRevote: true });
      ballots.multiple = await fx.createBallot({ kind: 1, minChoices: 1, maxChoices: 2, options: ["Parc", "Piste", "Marché"] });
      ballots.judgment = await fx.createBallot({ kind: 2, options: ["Alice", "Bob", "Chloé"] });
      const camilleKey = randomVoter();
      camille = camilleKey.address;
      const batch = [
        await fx.signedVote(ballots.single, "0x00", { voter: camilleKey }),
        await fx.signedVote(ballots.single, "0x01"),
        await fx.signedVote(ballots.single, "0x01"),
        // Camille changes her mind (revision 1), then an old revision 0 arrives: the contract rejects it.
        await fx.signedVote(ballots.single, "0x02", { voter: camilleKey, revision: 1 }),
        await fx.signedVote(ballots.single, "0x00", { voter: camilleKey, revision: 0 }),
        await fx.signedVote(ballots.multiple, "0x0001"),
        await fx.signedVote(ballots.multiple, "0x01"),
        await fx.signedVote(ballots.multiple, "0x0102"),
        await fx.signedVote(ballots.judgment, "0x010200"),
        await fx.signedVote(ballots.judgment, "0x020201"),
        await fx.signedVote(ballots.judgment, "0x020301"),
        await fx.signedVote(ballots.judgment, "0x040305"),
      ];
      await (await fx.box.castVotes(batch.map(voteArg))).wait();
      // The multiple-choice ballot is closed by its organizer with the tokens it issued.
      await (await fx.box.connect(fx.organizer).getFunction("closeBallot")(ballots.multiple.id, 3n)).wait();
      const observed = await runCli(observeCli, ["--rpc", chain.rpcUrl, "--data", dir, "--ballot-box", fx.deployment.address, "--once"]);
      expect(observed.code, observed.out.join("\n")).to.equal(0);
    });
    after(async () => {
      fx?.destroy();
      await chain?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    const recountJson = async (...args: string[]) => {
      const r = await runCli(recountCli, [...args, "--json"]);
      return { code: r.code, report: JSON.parse(r.out.join("\n")) as RecountReport, err: r.err };
    };

    const expectContractCounts = async (report: RecountReport) => {
      expect(report.ballots.map((b) => b.ballotId)).to.deep.equal(Object.values(ballots).map((b) => b.id.toString()));
      for (const b of report.ballots) {
        const tally = (await fx.box.tally(BigInt(b.ballotId))) as bigint[];
        expect(b.counts, `ballot ${b.ballotId}`).to.deep.equal(tally.map(String));
        expect(b.votersCount).to.equal(Number(await fx.box.votersCount(BigInt(b.ballotId))));
        expect(b.rejected).to.deep.equal([]);
        expect(b.checks.filter((c) => !c.ok), JSON.stringify(b.checks)).to.deep.equal([]);
        expect(b.pass).to.equal(true);
      }
    };

    it("from a node: every vote re-verified, counts equal tally and votersCount, exit 0", async () => {
      const { code, report } = await recountJson("--rpc", chain.rpcUrl, "--ballot-box", fx.deployment.address);
      expect(code).to.equal(0);
      expect(report.pass).to.equal(true);
      await expectContractCounts(report);
      const single = report.ballots[0];
      // Camille's revision 1 replaced her revision 0; the stale one is a VoteRejected, not a VoteCast.
      expect(single.counts).to.deep.equal(["0", "2", "1"]);
      expect(single.votesCast).to.equal(4);
      expect(single.checks.find((c) => c.step === "R2")!.message).to.contain("VoteRejected events, for information: 1");
      expect(single.voteRejected.map((r) => [r.voter, r.revision, r.error])).to.deep.equal([[camille, 0, "BallotBoxStaleRevision"]]);
      expect(report.ballots[1].checks.find((c) => c.step === "R4")).to.include({ ok: true });
      expect(report.ballots[1].checks.find((c) => c.step === "R4")!.message).to.contain("3 voters <= 3 tokens issued");
      const judgment = report.ballots[2].results as { ranking: number[]; winner: number | null; candidates: { majorityGrade: number }[] };
      // Alice 1 2 2 4 (2), Bob 2 2 3 3 (2, wins the tie-break), Chloé 0 1 1 5 (1).
      expect(judgment.candidates.map((c) => c.majorityGrade)).to.deep.equal([2, 2, 1]);
      expect(judgment.ranking).to.deep.equal([1, 0, 2]);
      expect(judgment.winner).to.equal(1);
    });

    it("from a mirror alone (counters recorded at mirror time), and from a mirror with a node for the counters", async () => {
      const alone = await recountJson("--mirror", dir);
      expect(alone.code).to.equal(0);
      expect(alone.report.countersFrom).to.contain("mirror");
      await expectContractCounts(alone.report);
      const withNode = await recountJson("--mirror", dir, "--rpc", chain.rpcUrl);
      expect(withNode.code).to.equal(0);
      expect(withNode.report.countersFrom).to.equal(`eth_call at ${chain.rpcUrl}`);
      await expectContractCounts(withNode.report);
    });

    it("--ballot recounts one ballot; text lines name each step", async () => {
      const r = await runCli(recountCli, ["--mirror", dir, "--ballot", ballots.judgment.id.toString()]);
      expect(r.code).to.equal(0);
      expect(r.out.filter((l) => l.startsWith("BALLOT "))).to.have.length(1);
      for (const step of ["R1 ok", "R2 ok", "R3 ok", "R4 skipped", "R5 ok", "R6 skipped"]) expect(r.out.some((l) => l.startsWith(step)), step).to.equal(true);
      expect(r.out.at(-1)).to.equal(`PASS ballot ${ballots.judgment.id}`);
    });

    it("R3 reads the contract's counters at the recount's block: a mirror behind the node still matches", async () => {
      const late = await fx.signedVote(ballots.judgment, "0x050505");
      await (await fx.box.castVotes([voteArg(late)])).wait();
      const { code, report } = await recountJson("--mirror", dir, "--rpc", chain.rpcUrl, "--ballot", ballots.judgment.id.toString());
      expect(code).to.equal(0);
      expect(report.ballots[0].votersCount).to.equal(4);
      expect(report.asOf.blockNumber).to.be.below(await chain.head());
    });

    it("R3: fails when the contract's counters differ from the recount (a node that lies about votersCount)", async () => {
      const selector = fx.iface.getFunction("votersCount")!.selector;
      const liar = await startLyingNode(chain.rpcUrl, (method, params, result) =>
        method === "eth_call" && String((params[0] as { data?: string }).data).startsWith(selector) ? toBeHex(BigInt(result as string) + 1n, 32) : result);
      try {
        const { code, report } = await recountJson("--rpc", liar.rpcUrl, "--ballot-box", fx.deployment.address, "--ballot", ballots.single.id.toString());
        expect(code).to.equal(1);
        const r3 = report.ballots[0].checks.find((c) => c.step === "R3")!;
        expect(r3.ok).to.equal(false);
        expect(r3.message).to.contain("votersCount: recount 3, contract 4");
      } finally {
        await liar.close();
      }
    });

    it("exits 3, naming the log, when a node gives a VoteCast log that does not decode", async () => {
      const liar = await startLyingNode(chain.rpcUrl, (method, _params, result) =>
        method === "eth_getLogs" && Array.isArray(result)
          ? result.map((l) => (l.topics[0] === EVENT_TOPICS.VoteCast ? { ...l, data: l.data.slice(0, 2 + 64 * 3) } : l)) : result);
      try {
        const r = await runCli(recountCli, ["--rpc", liar.rpcUrl, "--ballot-box", fx.deployment.address]);
        expect(r.code).to.equal(3);
        expect(r.err[0]).to.match(/^cannot recount: log \d+ of block \d+ does not decode as a BallotBox event$/);
      } finally {
        await liar.close();
      }
    });

    it("exits 2 on usage errors and 3 when the node cannot be read", async () => {
      expect((await runCli(recountCli, [])).code).to.equal(2);
      expect((await runCli(recountCli, ["--rpc", chain.rpcUrl])).code).to.equal(2);
      expect((await runCli(recountCli, ["--mirror", dir, "--ballot", "0"])).code).to.equal(2);
      const down = await runCli(recountCli, ["--rpc", "http://127.0.0.1:9", "--ballot-box", fx.deployment.address]);
      expect(down.code).to.equal(3);
      expect(down.err.join("\n")).to.contain("http://127.0.0.1:9 eth_chainId: unreachable");
    });
  });
}
