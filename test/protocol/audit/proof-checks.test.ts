// checkProof runs P1-P9 of PROTOCOL.md §9.2 against a real node and the real contract: a
// genuine proof passes every step, and each tampering fails the step that names it
// (and only the steps that depend on the tampered field).
import http from "node:http";
import { expect } from "chai";
import type { TransactionReceipt } from "ethers";
import { checkProof, proofIsReplaced, proofIsValid } from "../../../protocol/audit/proof-checks.js";
import { headerHash } from "../../../protocol/audit/block-header.js";
import { JsonRpcClient } from "../../../protocol/json-rpc.js";
import { receiptsRoot } from "../../../protocol/audit/receipts-root.js";
import { ballotBoxInterface, EVENT_TOPICS, toHex, tokenMessage } from "../../../protocol/index.js";
import type { ProofCheck, ProofStep } from "../../../protocol/audit/proof-steps.js";
import { testBackends } from "../../helpers/backends.js";
import { rpcCall } from "../../helpers/rpc.js";
import { randomVoter, testIssuer, useBallotBoxFixture, voteArg, type BallotBoxFixture, type TestBallot } from "../../helpers/ballot-box-fixture.js";
import { mintToken, unsafeIssuerKey } from "../../helpers/unsafe-issuer-key.js";
import { startLyingNode } from "../../helpers/lying-node.js";
import { castWithProof, changeOneChar, proofFromReceipt, type ProofJson } from "./proof-helpers.js";

/** `{ P1: true, P2: false, ... }`: the verdicts, compared whole so that no step passes unseen. */
const verdicts = (checks: ProofCheck[]) => Object.fromEntries(checks.map((c) => [c.step, c.ok])) as Record<ProofStep, ProofCheck["ok"]>;
const allPass = { P1: true, P2: true, P3: true, P4: true, P5: true, P6: true, P7: true, P8: true, P9: true };
const detailOf = (checks: ProofCheck[], step: ProofStep) => checks.find((c) => c.step === step)!.detail.en;

for (const backend of testBackends()) {
  describe(`checkProof, the proof checks P1-P9 (${backend.name})`, function () {
    this.timeout(180_000);
    const setup = useBallotBoxFixture(backend);
    let fx: BallotBoxFixture;
    let rpc: JsonRpcClient;
    let ballot: TestBallot;
    let proof: ProofJson;
    const check = (json: unknown, node = rpc) => checkProof(json, node);

    before(async () => {
      ({ fx } = setup);
      rpc = new JsonRpcClient(fx.rpcUrl);
      ballot = await fx.createBallot({ allowRevote: true });
      proof = await castWithProof(fx, await fx.signedVote(ballot, "0x00"));
    });

    it("passes every step for a genuine proof, in order, each with a detail", async () => {
      const steps: ProofStep[] = [];
      const checks = await checkProof(proof, rpc, { onCheck: (c) => steps.push(c.step) });
      expect(verdicts(checks)).to.deep.equal(allPass);
      expect(steps).to.deep.equal(["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9"]);
      expect(proofIsValid(checks)).to.equal(true);
      for (const c of checks) expect(c.detail.fr).to.be.a("string").and.not.equal("");
      // The file's text is accepted as well as its parsed JSON.
      expect(proofIsValid(await check(JSON.stringify(proof)))).to.equal(true);
    });

    it("still passes P7 and P9 after the organizer closes the ballot, saying it closed after the vote", async () => {
      const closing = await fx.createBallot();
      const before = await castWithProof(fx, await fx.signedVote(closing, "0x01"));
      await (await fx.box.connect(fx.organizer).getFunction("closeBallot")(closing.id, 1n)).wait();
      const checks = await check(before);
      expect(verdicts(checks)).to.deep.equal(allPass);
      expect(detailOf(checks, "P7")).to.contain("closed after this vote");
    });

    describe("fails", () => {
      it("P1 for a file that is not a proof, naming the field, and skips the rest", async () => {
        const { blockHash: _, ...missing } = proof;
        const checks = await check(missing);
        expect(checks.map((c) => c.ok)).to.deep.equal([false, "skipped", "skipped", "skipped", "skipped", "skipped", "skipped", "skipped", "skipped"]);
        expect(detailOf(checks, "P1")).to.contain("proof.blockHash");
        expect(detailOf(await check("{not json"), "P1")).to.contain("not valid JSON");
      });

      it("P4 and P6 when one character of the payload (the choice) changed", async () => {
        const checks = await check({ ...proof, payload: "0x01" });
        expect(verdicts(checks)).to.deep.equal({ ...allPass, P4: false, P6: false, P7: "skipped", P8: "skipped", P9: "skipped" });
        expect(detailOf(checks, "P4")).to.contain("payload: 0x01 in the proof, 0x00 on chain");
      });

      it("P4 and P5 when one character of the token signature changed", async () => {
        const checks = await check({ ...proof, tokenSignature: changeOneChar(proof.tokenSignature as string, 200) });
        expect(verdicts(checks)).to.deep.equal({ ...allPass, P4: false, P5: false, P7: "skipped", P8: "skipped", P9: "skipped" });
        expect(detailOf(checks, "P4")).to.contain("tokenSignature");
        expect(detailOf(checks, "P5")).to.contain("not a valid signature");
      });

      it("P4 and P6 when one character of the voter signature changed", async () => {
        const checks = await check({ ...proof, voterSignature: changeOneChar(proof.voterSignature as string, 100) });
        expect(verdicts(checks)).to.deep.equal({ ...allPass, P4: false, P6: false, P7: "skipped", P8: "skipped", P9: "skipped" });
        expect(detailOf(checks, "P4")).to.contain("voterSignature");
        expect(detailOf(checks, "P6")).to.match(/recovers 0x[0-9a-fA-F]{40}, not the voter/);
      });

      it("P2 for another chain id, and skips every step that asks the node", async () => {
        const checks = await check({ ...proof, chainId: "1" });
        // P6 is local, and fails too: the chain id is part of the signed EIP-712 domain.
        expect(verdicts(checks)).to.deep.equal({ P1: true, P2: false, P3: "skipped", P4: "skipped", P5: "skipped", P6: false, P7: "skipped", P8: "skipped", P9: "skipped" });
        expect(detailOf(checks, "P2")).to.contain(`the node is on chain ${fx.chainId}, the proof on chain 1`);
      });

      it("P3 for a wrong block hash, and skips what needs the block", async () => {
        const checks = await check({ ...proof, blockHash: changeOneChar(proof.blockHash as string, 5) });
        expect(verdicts(checks)).to.deep.equal({ ...allPass, P3: false, P4: "skipped", P7: "skipped", P8: "skipped", P9: "skipped" });
        expect(detailOf(checks, "P3")).to.contain(`block ${proof.blockNumber} has hash ${proof.blockHash}`);
      });

      it("P3 for a transaction this node does not know", async () => {
        const checks = await check({ ...proof, transactionHash: changeOneChar(proof.transactionHash as string, 0) });
        expect(verdicts(checks).P3).to.equal(false);
        expect(detailOf(checks, "P3")).to.contain("no receipt for transaction");
      });

      it("P8 and P9 say \"replaced\" for an earlier revision after a revote, not a failure; the new proof passes", async () => {
        const voter = randomVoter();
        const first = await castWithProof(fx, await fx.signedVote(ballot, "0x01", { voter }));
        expect(proofIsValid(await check(first))).to.equal(true);
        const second = await castWithProof(fx, await fx.signedVote(ballot, "0x02", { voter, revision: 1 }));
        const old = await check(first);
        expect(verdicts(old)).to.deep.equal({ ...allPass, P8: "replaced", P9: "replaced" });
        expect(detailOf(old, "P8")).to.contain(`replaced by your later vote, revision 1 (block ${second.blockNumber})`);
        expect(detailOf(old, "P9")).to.contain("the contract counts your later vote, revision 1");
        expect([proofIsValid(old), proofIsReplaced(old)]).to.deep.equal([false, true]);
        const now = await check(second);
        expect(verdicts(now)).to.deep.equal(allPass);
        expect(proofIsReplaced(now)).to.equal(false);
        // A replaced proof with anything else wrong is not "replaced": it is invalid.
        const tampered = await check({ ...first, voterSignature: changeOneChar(first.voterSignature as string, 10) });
        expect(proofIsReplaced(tampered)).to.equal(false);
      });

      it("P4 for a vote the contract rejected in a batch, naming the contract's error", async () => {
        const good = await fx.signedVote(ballot, "0x00");
        const w = randomVoter(); // a token of another voter: the contract refuses it
        const bad = await fx.signedVote(ballot, "0x01", { voter: w, tokenSignature: good.tokenSignature });
        const receipt = (await (await fx.box.castVotes([voteArg(good), voteArg(bad)])).wait()) as TransactionReceipt;
        expect(proofIsValid(await check(proofFromReceipt(fx, good, receipt)))).to.equal(true);
        const checks = await check(proofFromReceipt(fx, bad, receipt));
        expect(verdicts(checks)).to.deep.equal({ ...allPass, P4: false, P5: false, P7: "skipped", P8: "skipped", P9: "skipped" });
        expect(detailOf(checks, "P4")).to.contain("the contract rejected this vote (BallotBoxInvalidTokenSignature)");
      });

      it("P4 for a proof that names another ballot of the same contract", async () => {
        const other = await fx.createBallot();
        const checks = await check({ ...proof, ballotId: other.id.toString() });
        expect(verdicts(checks).P4).to.equal(false);
        expect(detailOf(checks, "P4")).to.contain(`no VoteCast of ballot ${other.id}`);
      });

      it("P5 for a ballot that has no BallotCreated event on this contract", async () => {
        const checks = await check({ ...proof, ballotId: "999" });
        expect(verdicts(checks).P5).to.equal(false);
        expect(detailOf(checks, "P5")).to.contain("0 BallotCreated events for ballot 999");
      });

      it("P5 for a vote counted under an issuer key anyone can sign with (n = p^2: the contract takes it, the rule of §2.5 does not)", async () => {
        const key = unsafeIssuerKey("square");
        const unsafe = await fx.createBallot({}, { issuer: { ...testIssuer(0), publicKey: key.publicKey, modulus: key.modulus, keyProof: key.keyProof } });
        const voter = randomVoter();
        // A token minted with d = e^-1 mod p(p - 1), without the issuer: the contract counts the vote.
        const token = mintToken(key, tokenMessage({ chainId: fx.chainId, ballotBox: fx.deployment.address, ballotId: unsafe.id, voter: voter.address }));
        const minted = await castWithProof(fx, await fx.signedVote(unsafe, "0x01", { voter, tokenSignature: toHex(token) }));
        const checks = await check(minted);
        expect(verdicts(checks)).to.deep.equal({ ...allPass, P5: false });
        expect(detailOf(checks, "P5")).to.equal("unsafe issuer key (§2.5): the modulus is a perfect power (m^2)");
        expect(checks.find((c) => c.step === "P5")!.detail.fr).to.equal("la clé de l'émetteur n'est pas sûre (§2.5) : le module est une puissance parfaite (m^2)");
      });

      it("P3 when a node changes the block's time but keeps its hash (the header no longer hashes to it)", async () => {
        const liar = await startLyingNode(rpc.url, (method, params, result) => {
          if (method !== "eth_getBlockByNumber" || Number(params[0]) !== proof.blockNumber) return result;
          return { ...(result as object), timestamp: "0x" + (ballot.params.closesAt + 10n).toString(16) };
        });
        try {
          const checks = await check(proof, new JsonRpcClient(liar.rpcUrl));
          expect(verdicts(checks)).to.deep.equal({ ...allPass, P3: false, P4: "skipped", P7: "skipped", P8: "skipped", P9: "skipped" });
          expect(detailOf(checks, "P3")).to.contain(`the node's header of block ${proof.blockNumber} does not hash to ${proof.blockHash}`);
        } finally {
          await liar.close();
        }
      });

      it("P3 when a node rewrites the VoteCast log to match a tampered choice (the receipts no longer hash to the root)", async () => {
        const rewrite = (receipt: { logs: { topics: string[]; data: string }[] }) => ({
          ...receipt,
          logs: receipt.logs.map((log) => {
            if (log.topics[0] !== EVENT_TOPICS.VoteCast) return log;
            const a = ballotBoxInterface.parseLog(log)!.args;
            return { ...log, ...ballotBoxInterface.encodeEventLog("VoteCast", [a.ballotId, a.voter, a.revision, "0x01", a.tokenSignature, a.voterSignature]) };
          }),
        });
        const liar = await startLyingNode(rpc.url, (method, _params, result) => {
          if (method === "eth_getTransactionReceipt" && result) return rewrite(result as Parameters<typeof rewrite>[0]);
          if (method === "eth_getBlockReceipts" && Array.isArray(result)) return result.map(rewrite);
          return result;
        });
        try {
          const tampered = { ...proof, payload: "0x01" };
          const checks = await check(tampered, new JsonRpcClient(liar.rpcUrl));
          expect(verdicts(checks)).to.deep.equal({ ...allPass, P3: false, P4: "skipped", P6: false, P7: "skipped", P8: "skipped", P9: "skipped" });
          expect(detailOf(checks, "P3")).to.contain(`the receipts of block ${proof.blockNumber} do not hash to its receiptsRoot`);
        } finally {
          await liar.close();
        }
      });

      /** The ballot's BallotCreated log with `closesAt` replaced, as a lying node would serve it. */
      const withClosesAt = (log: { topics: string[]; data: string }, closesAt: bigint) => {
        const parsed = ballotBoxInterface.parseLog(log)!;
        const params = { ...parsed.args.params.toObject(), options: [...parsed.args.params.options], closesAt };
        return { ...log, ...ballotBoxInterface.encodeEventLog("BallotCreated", [parsed.args.ballotId, parsed.args.organizer, params]) };
      };
      const voteTime = async () => BigInt((await fx.provider.getBlock(proof.blockNumber as number))!.timestamp);

      it("P5 when a node rewrites the BallotCreated log (it is not in the receipts of its block)", async () => {
        const closesAt = await voteTime();
        const liar = await startLyingNode(rpc.url, (method, params, result) => {
          if (method !== "eth_getLogs" || (params[0] as { topics: string[] }).topics[0] !== EVENT_TOPICS.BallotCreated) return result;
          return (result as { topics: string[]; data: string }[]).map((log) => withClosesAt(log, closesAt));
        });
        try {
          const checks = await check(proof, new JsonRpcClient(liar.rpcUrl));
          expect(verdicts(checks)).to.deep.equal({ ...allPass, P5: false, P7: "skipped" });
          expect(detailOf(checks, "P5")).to.contain(`the node's BallotCreated log is not in the receipts of its block ${ballot.receipt.blockNumber}`);
          expect(detailOf(checks, "P7")).to.contain("no BallotCreated event (P5)");
        } finally {
          await liar.close();
        }
      });

      it("P7 when a node forges a whole creation block whose BallotCreated closes before the vote", async () => {
        // A consistent forgery: receipts, receipts root and header hash all recomputed. Only
        // the hash chain between that block and the vote's tells it apart (PROTOCOL.md §9.1,
        // a mirror's C2), which the proof checks do not walk; P7 still refuses the vote.
        const closesAt = await voteTime();
        const n = ballot.receipt.blockNumber;
        const block = (await rpcCall(rpc.url, "eth_getBlockByNumber", ["0x" + n.toString(16), false])) as Record<string, any>;
        const receipts = (await Promise.all(block.transactions.map((h: string) => rpcCall(rpc.url, "eth_getTransactionReceipt", [h])))) as Record<string, any>[];
        const forged = receipts.map((r) => ({ ...r, logs: r.logs.map((l: { topics: string[]; data: string }) => (l.topics[0] === EVENT_TOPICS.BallotCreated ? withClosesAt(l, closesAt) : l)) }));
        const forgedBlock: Record<string, any> = { ...block, receiptsRoot: receiptsRoot(forged) };
        forgedBlock.hash = headerHash(forgedBlock);
        const rehash = (x: Record<string, any>) => ({ ...x, blockHash: forgedBlock.hash, ...(x.logs ? { logs: x.logs.map((l: object) => ({ ...l, blockHash: forgedBlock.hash })) } : {}) });
        const liar = await startLyingNode(rpc.url, (method, params, result) => {
          if (method === "eth_getBlockByNumber" && Number(params[0]) === n) return forgedBlock;
          if (method === "eth_getBlockReceipts" && Number(params[0]) === n) return forged.map(rehash);
          if (method === "eth_getTransactionReceipt" && block.transactions.includes(params[0])) return rehash(forged[block.transactions.indexOf(params[0])]);
          if (method === "eth_getLogs" && (params[0] as { topics: string[] }).topics[0] === EVENT_TOPICS.BallotCreated) {
            return (result as { topics: string[]; data: string }[]).map((log) => rehash(withClosesAt(log, closesAt)));
          }
          return result;
        });
        try {
          const checks = await check(proof, new JsonRpcClient(liar.rpcUrl));
          expect(verdicts(checks)).to.deep.equal({ ...allPass, P7: false });
          expect(detailOf(checks, "P7")).to.contain(`is not before closesAt (${closesAt} = `);
        } finally {
          await liar.close();
        }
      });

      it("P2 when the node answers something that is not JSON-RPC, naming the node and the method", async () => {
        const server = http.createServer((_req, res) => res.writeHead(502, { "content-type": "text/html" }).end("<h1>Bad gateway</h1>"));
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
        try {
          const checks = await check(proof, new JsonRpcClient(url));
          expect(verdicts(checks).P2).to.equal(false);
          expect(detailOf(checks, "P2")).to.contain(`${url} eth_chainId: HTTP 502, the answer is not JSON`);
        } finally {
          server.close();
        }
      });

      it("every node step when the node cannot be reached, saying so", async () => {
        const checks = await check(proof, new JsonRpcClient("http://127.0.0.1:9", 2_000));
        expect(verdicts(checks)).to.deep.equal({ P1: true, P2: false, P3: "skipped", P4: "skipped", P5: "skipped", P6: true, P7: "skipped", P8: "skipped", P9: "skipped" });
        expect(detailOf(checks, "P2")).to.contain("http://127.0.0.1:9 eth_chainId: unreachable");
      });
    });
  });
}
