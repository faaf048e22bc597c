// The widget's check of the ballot on chain (client/widget/chain-ballot.ts), run in Node
// against real nodes: the honest chain passes; a node that shows the ballot with an issuer
// key anyone can factor (a square, a small factor times a prime), with a key proof that
// verifies and a block forged to match, is refused before any choice (PROTOCOL.md §2.5).
import { expect } from "chai";
import { JsonRpcClient } from "../../../protocol/json-rpc.js";
import { ChainCheckError, readChainBallot } from "../../../client/widget/chain-ballot.js";
import type { WidgetBallot } from "../../../protocol/api-types.js";
import { call, inSeconds, startTestStack, type TestStack } from "../../server/api/stack-fixture.js";
import { forgeBallotCreated, serveForged } from "../../helpers/forged-ballot.js";
import { startLyingNode, type LyingNode } from "../../helpers/lying-node.js";
import { unsafeIssuerKey } from "../../helpers/unsafe-issuer-key.js";

describe("widget: the ballot's check on chain (Node)", function () {
  this.timeout(120_000);
  let stack: TestStack;
  let ballot: WidgetBallot;
  let fingerprint: string;
  const liars: LyingNode[] = [];

  before(async () => {
    stack = await startTestStack();
    const { apiKey } = await stack.apps.create({ name: "MaVoix", origins: ["https://mavoix.example"] });
    const created = (await call(stack, "POST", "/v1/ballots", { key: apiKey, body: { sealing: "public", question: "Une fontaine ?", closesAt: inSeconds(3600) } })).body.ballot;
    fingerprint = created.fingerprint;
    ballot = (await call(stack, "GET", `/v1/widget/ballots/${created.id}`)).body.ballot;
  });
  after(async () => {
    for (const l of liars) await l.close();
    await stack?.destroy();
  });

  it("takes the ballot from an honest node, with its fingerprint", async () => {
    const chain = await readChainBallot(ballot, [new JsonRpcClient(stack.rpcUrl)], fingerprint);
    expect(chain.fingerprint).to.equal(fingerprint);
    expect(chain.params.question).to.equal("Une fontaine ?");
  });

  for (const kind of ["square", "smallFactor"] as const) {
    it(`refuses an issuer key anyone can factor (${kind}) that a node shows in a forged block`, async () => {
      const key = unsafeIssuerKey(kind);
      const forged = await forgeBallotCreated(stack.rpcUrl, ballot.chain.ballotBox, BigInt(ballot.id), ballot.chain.blockNumber, true, key);
      const liar = await startLyingNode(stack.rpcUrl, serveForged(forged));
      liars.push(liar);
      const error = await readChainBallot(ballot, [new JsonRpcClient(liar.rpcUrl)], undefined).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(ChainCheckError);
      expect((error as ChainCheckError).reason).to.equal("unsafe-key");
    });
  }
});
