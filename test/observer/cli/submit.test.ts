// A ballot reaches the chain without the operator's relay (issue "No single party to
// trust", point 4): `urne submit` sends a signed ballot straight to the chain's node as a
// free castVote from a throw-away key, and it is counted; the node's door still refuses
// what the ballot box would refuse, and anything else free.
import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Transaction, Wallet } from "ethers";
import { run } from "../../../observer/cli/submit.js";
import { ballotBoxInterface } from "../../../protocol/events.js";
import { call, inSeconds, signedVote, startTestStack, type TestStack } from "../../server/api/stack-fixture.js";
import { rpcCall } from "../../helpers/rpc.js";
import { runCli } from "../run-cli.js";

describe("urne submit: a free ballot straight to a node", function () {
  this.timeout(120_000);
  let stack: TestStack;
  let dir: string;
  let ballot: { id: string; issuerKey: unknown };

  before(async () => {
    stack = await startTestStack();
    dir = await mkdtemp(path.join(os.tmpdir(), "urne-submit-"));
    const { apiKey } = await stack.apps.create({ name: "MaVoix", origins: ["https://mavoix.example"] });
    ballot = (await call(stack, "POST", "/v1/ballots", { key: apiKey, body: { sealing: "public", question: "Un marché le soir ?", closesAt: inSeconds(3600) } })).body.ballot;
  });
  after(async () => {
    await stack?.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  const file = async (name: string, body: unknown) => {
    const f = path.join(dir, name);
    await writeFile(f, JSON.stringify(body, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
    return f;
  };
  const submit = (f: string) => runCli(run, [f, "--rpc", stack.rpcUrl, "--ballot-box", stack.ballotChain.ballotBox]);
  const voters = async () => Number(await stack.ballotChain.box.votersCount(BigInt(ballot.id)));

  it("counts a signed ballot sent from a key without ether, with no fee", async () => {
    const vote = await signedVote(stack, ballot, [1]);
    const r = await submit(await file("ballot.json", vote));
    expect(r.code, r.err.join("\n")).to.equal(0);
    expect(r.out.at(-1)).to.match(new RegExp(`^counted: ballot ${ballot.id}, voter ${vote.voter}, revision 0, block \\d+`));
    expect(await voters()).to.equal(1);
    // The same ballot again: the ballot box would refuse it, so the door does, by the contract's error name.
    const again = await submit(await file("again.json", vote));
    expect(again.code).to.equal(1);
    expect(again.err[0]).to.contain("BallotBoxAlreadyVoted");
  });

  it("refuses a tampered ballot at the door, with the contract's reason, and mines nothing", async () => {
    const head = Number(await rpcCall(stack.rpcUrl, "eth_blockNumber", []));
    const vote = { ...(await signedVote(stack, ballot, [0])), payload: "0x02" };
    // With its own gas limit, no estimate: the transaction itself meets the door's check.
    const r = await runCli(run, [await file("tampered.json", vote), "--rpc", stack.rpcUrl, "--ballot-box", stack.ballotChain.ballotBox, "--gas", "500000"]);
    expect(r.code).to.equal(1);
    expect(r.err[0]).to.contain("free ballot refused: the ballot box would refuse it (BallotBoxInvalidVoterSignature)");
    await stack.chain.sealPending();
    expect(Number(await rpcCall(stack.rpcUrl, "eth_blockNumber", []))).to.equal(head);
  });

  it("refuses anything else free: a castVotes batch, a call to another contract, a value", async () => {
    const vote = await signedVote(stack, ballot, [2]);
    const chainId = stack.chain.chainId;
    const free = (tx: Record<string, unknown>) => Wallet.createRandom().signTransaction(Transaction.from({ type: 2, chainId, nonce: 0, gasLimit: 500_000n, maxFeePerGas: 0n, maxPriorityFeePerGas: 0n, ...tx }));
    for (const raw of [
      await free({ to: stack.ballotChain.ballotBox, data: ballotBoxInterface.encodeFunctionData("castVotes", [[vote]]) }),
      await free({ to: Wallet.createRandom().address, data: ballotBoxInterface.encodeFunctionData("castVote", [vote]) }),
      await free({ to: stack.ballotChain.ballotBox, data: ballotBoxInterface.encodeFunctionData("castVote", [vote]), gasLimit: 2_000_000n }),
    ]) {
      const answer = await fetch(stack.rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_sendRawTransaction", params: [raw] }) }).then((r) => r.json()) as { error?: { code: number; message: string } };
      expect(answer.error?.code).to.equal(-32003);
      expect(answer.error?.message).to.contain("only a castVote to the ballot box may be free");
    }
  });

  it("answers a ballot file that is not a signed vote with a usage error naming the field", async () => {
    const r = await submit(await file("bad.json", { ballotId: ballot.id, voter: "0x12" }));
    expect(r.code).to.equal(2);
    expect(r.err[0]).to.contain("vote.");
  });
});
