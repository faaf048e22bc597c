import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { SignedVote } from "../../../protocol/index.js";
import { RelayJournal, type Receipt } from "../../../server/relay/journal.js";

// The relay's share of acknowledged ballots final on chain (results' relayFinalShare):
// kept per ballot as the journal writes, rebuilt from the receipts when it opens.
describe("relay finality counts (relayFinalShare)", () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(os.tmpdir(), "urne-finality-"))));
  after(() => rm(dir, { recursive: true, force: true }));

  const vote = (ballotId: bigint, n: number): SignedVote => ({
    ballotId, voter: `0x${n.toString(16).padStart(40, "0")}`, revision: 0, payload: "0x00", tokenSignature: "0x", voterSignature: "0x",
  });

  it("is null for a ballot without acknowledged ballots, counts final ones, leaves rejected ones out, and survives a reopen", async () => {
    let journal = await RelayJournal.open(path.join(dir, "api"));
    expect(await journal.finality.finalShare(7n)).to.equal(null);
    const receipts: Receipt[] = [];
    for (let i = 0; i < 4; i++) receipts.push(await journal.append(`r${i}`, vote(7n, i)));
    await journal.append("other", vote(8n, 9));
    expect(await journal.finality.finalShare(7n)).to.equal(0);
    await journal.settle({ settled: [{ ...receipts[0], status: "final" }, { ...receipts[1], status: "rejected", reason: "BallotBoxClosed" }] });
    expect(await journal.finality.finalShare(7n)).to.equal(1 / 3);
    await journal.settle({ settled: [], requeued: [receipts[2]] });
    expect(await journal.finality.finalShare(7n)).to.equal(1 / 3);
    await journal.close();

    journal = await RelayJournal.open(path.join(dir, "api"));
    expect(await journal.finality.finalShare(7n)).to.equal(1 / 3);
    expect(await journal.finality.finalShare(8n)).to.equal(0);
    await journal.settle({ settled: [{ ...receipts[2], status: "final" }, { ...receipts[3], status: "final" }] });
    expect(await journal.finality.finalShare(7n)).to.equal(1);
    await journal.close();
  });
});
