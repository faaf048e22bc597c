// `urne fingerprint`: the ballot's fingerprint from the chain equals the one the API gave at
// creation (PROTOCOL.md §6.7); a node that forges the ballot's block, or changes its event,
// is named and the command fails.
import { expect } from "chai";
import { run } from "../../../observer/cli/fingerprint.js";
import { call, inSeconds, startTestStack, type TestStack } from "../../server/api/stack-fixture.js";
import { forgeBallotCreated, serveForged } from "../../helpers/forged-ballot.js";
import { startLyingNode, type LyingNode } from "../../helpers/lying-node.js";
import { runCli } from "../run-cli.js";

describe("urne fingerprint", function () {
  this.timeout(120_000);
  let stack: TestStack;
  let ballot: { id: string; fingerprint: string; chain: { blockNumber: number } };
  const liars: LyingNode[] = [];

  before(async () => {
    stack = await startTestStack();
    const { apiKey } = await stack.apps.create({ name: "MaVoix", origins: ["https://mavoix.example"] });
    ballot = (await call(stack, "POST", "/v1/ballots", { key: apiKey, body: { sealing: "public", question: "Un lavoir ?", closesAt: inSeconds(3600) } })).body.ballot;
  });
  after(async () => {
    for (const l of liars) await l.close();
    await stack?.destroy();
  });

  const args = (rpc: string, ...more: string[]) => ["--rpc", rpc, "--ballot-box", stack.ballotChain.ballotBox, "--ballot", ballot.id, ...more];

  it("prints the fingerprint the API gave at creation, found on the chain and checked", async () => {
    const r = await runCli(run, args(stack.rpcUrl));
    expect(r.code, r.err.join("\n")).to.equal(0);
    expect(r.out[0]).to.match(new RegExp(`^${ballot.fingerprint}  ballot ${ballot.id} of `));
    const json = await runCli(run, args(stack.rpcUrl, "--json", "--block", String(ballot.chain.blockNumber)));
    expect(JSON.parse(json.out.join("\n"))).to.include({ fingerprint: ballot.fingerprint, block: ballot.chain.blockNumber, question: "Un lavoir ?" });
  });

  it("fails, naming the nodes, when a second node forges the ballot's block with another issuer key", async () => {
    const forged = await forgeBallotCreated(stack.rpcUrl, stack.ballotChain.ballotBox, BigInt(ballot.id), ballot.chain.blockNumber);
    const liar = await startLyingNode(stack.rpcUrl, serveForged(forged));
    liars.push(liar);
    const r = await runCli(run, args(`${stack.rpcUrl},${liar.rpcUrl}`));
    expect(r.code).to.equal(1);
    expect(r.err[0]).to.match(new RegExp(`^urne fingerprint: ${liar.rpcUrl} tells 0x[0-9a-f]{64} in block ${ballot.chain.blockNumber}`));
  });

  it("fails when a node changes the event under the honest block hash", async () => {
    const forged = await forgeBallotCreated(stack.rpcUrl, stack.ballotChain.ballotBox, BigInt(ballot.id), ballot.chain.blockNumber, false);
    const liar = await startLyingNode(stack.rpcUrl, serveForged(forged));
    liars.push(liar);
    const r = await runCli(run, args(liar.rpcUrl, "--block", String(ballot.chain.blockNumber)));
    expect(r.code).to.equal(1);
    expect(r.err[0]).to.contain("bad-receipts");
  });

  it("answers a usage error with 2", async () => {
    expect((await runCli(run, ["--rpc", stack.rpcUrl, "--ballot-box", "0x12", "--ballot", ballot.id])).code).to.equal(2);
    expect((await runCli(run, ["--rpc", stack.rpcUrl, "--ballot-box", stack.ballotChain.ballotBox, "--ballot", "0"])).code).to.equal(2);
  });
});
