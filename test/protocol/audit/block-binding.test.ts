// headerHash and receiptsRoot recompute, from what a real node returns, the block hash and
// the receipts root its header commits to: this is what binds a block's time and logs to the
// proof's blockHash (PROTOCOL.md §9.2 P3). Checked on every block of a chain that holds
// several transactions per block, and against one-byte changes.
import { expect } from "chai";
import { Contract } from "ethers";
import { headerHash } from "../../../protocol/audit/block-header.js";
import { receiptsRoot } from "../../../protocol/audit/receipts-root.js";
import { testBackends } from "../../helpers/backends.js";
import { useBallotBoxFixture, voteArg, type BallotBoxFixture } from "../../helpers/ballot-box-fixture.js";
import { rpcCall } from "../../helpers/rpc.js";
import { changeOneChar } from "./proof-helpers.js";

type Json = Record<string, any>;

for (const backend of testBackends()) {
  describe(`headerHash and receiptsRoot against real blocks (${backend.name})`, function () {
    this.timeout(120_000);
    const setup = useBallotBoxFixture(backend);
    let fx: BallotBoxFixture;
    let rpcUrl: string;
    const blocks: { block: Json; receipts: Json[] }[] = [];

    before(async () => {
      ({ fx } = setup);
      rpcUrl = fx.rpcUrl;
      const ballot = await fx.createBallot();
      // Several senders at once: the embedded chain puts them in one block (anvil mines one each).
      // Their gas is named: an estimate each would run one after the other in the embedded
      // chain's call executor (docs/CHAIN.md §5.2) and spread them over several 20 ms blocks.
      const senders = [fx.relayer, fx.outsider, fx.admin, fx.organizer];
      const votes = await Promise.all(senders.map((_, i) => fx.signedVote(ballot, "0x0" + (i % 3))));
      const sent = await Promise.all(senders.map((w, i) => (fx.box.connect(w) as Contract).castVote(voteArg(votes[i]), { gasLimit: 2_000_000n })));
      await Promise.all(sent.map((tx) => tx.wait()));
      const head = Number(await rpcCall(rpcUrl, "eth_blockNumber", []));
      for (let n = 0; n <= head; n++) {
        const block = (await rpcCall(rpcUrl, "eth_getBlockByNumber", ["0x" + n.toString(16), false])) as Json;
        const receipts = await Promise.all(block.transactions.map((h: string) => rpcCall(rpcUrl, "eth_getTransactionReceipt", [h]))) as Json[];
        blocks.push({ block, receipts });
      }
    });

    it("recompute every block's hash and receipts root", () => {
      expect(blocks.length).to.be.greaterThan(4);
      for (const { block, receipts } of blocks) {
        expect(headerHash(block), `block ${block.number}`).to.equal(block.hash);
        expect(receiptsRoot(receipts), `block ${block.number}`).to.equal(block.receiptsRoot);
      }
      if (backend.name === "embedded") expect(Math.max(...blocks.map((b) => b.receipts.length))).to.be.greaterThan(1);
    });

    it("change with one changed character of the time or of a log", () => {
      // The last block holds VoteCast logs, whose data is long enough to alter in the middle.
      const { block, receipts } = blocks[blocks.length - 1];
      expect(headerHash({ ...block, timestamp: "0x" + (BigInt(block.timestamp) + 1n).toString(16) })).to.not.equal(block.hash);
      const log = receipts[0].logs[0];
      expect(log.data.length).to.be.greaterThan(200);
      const altered = [{ ...receipts[0], logs: [{ ...log, data: changeOneChar(log.data, 70) }, ...receipts[0].logs.slice(1)] }, ...receipts.slice(1)];
      expect(receiptsRoot(altered)).to.not.equal(block.receiptsRoot);
    });
  });
}
