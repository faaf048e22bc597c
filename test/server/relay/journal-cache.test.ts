// The journal answers receipt reads from memory once a write is synced: what it answers
// must be what is on disk (the same after reopening, where nothing is cached), a caller
// changing an answer must not change the next one, and a write not yet synced (here: one
// that fails) must never show.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Wallet, hexlify } from "ethers";
import { randomBytes } from "node:crypto";
import type { SignedVote } from "../../../protocol/index.js";
import { RelayJournal } from "../../../server/relay/journal.js";

const vote = (): SignedVote => ({
  ballotId: 7n, voter: Wallet.createRandom().address, revision: 0, payload: "0x01",
  tokenSignature: hexlify(randomBytes(256)), voterSignature: hexlify(randomBytes(65)),
});

describe("relay journal: receipt reads from memory", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "urne-journal-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("answers what is on disk, as copies, through append, transaction and settlement", async () => {
    let journal = await RelayJournal.open(path.join(dir, "db"));
    const [a, b] = await Promise.all([journal.append("a".repeat(32), vote()), journal.append("b".repeat(32), vote())]);
    const read = (await journal.receipt(a.receiptId))!;
    expect(read).to.deep.equal(a);
    read.status = "final"; // a caller's change stays the caller's
    expect((await journal.receipt(a.receiptId))!.status).to.equal("pending");

    await journal.recordTransaction({ nonce: 0, hashes: ["0x" + "11".repeat(32)], raw: "0x02", receiptIds: [a.receiptId, b.receiptId] }, [a, b]);
    expect(await journal.receipt(a.receiptId)).to.include({ status: "submitted", txHash: "0x" + "11".repeat(32) });
    await journal.settle({ settled: [{ ...a, status: "final", blockNumber: 3 }], requeued: [b], dropTx: 0 });
    const inMemory = await Promise.all([journal.receipt(a.receiptId), journal.receipt(b.receiptId)]);
    expect(inMemory[0]).to.include({ status: "final", blockNumber: 3 });
    expect(inMemory[1]!.status).to.equal("pending");
    expect(inMemory[1]).to.not.have.property("txHash");

    await journal.close();
    journal = await RelayJournal.open(path.join(dir, "db"));
    expect(await Promise.all([journal.receipt(a.receiptId), journal.receipt(b.receiptId)])).to.deep.equal(inMemory);
    await journal.close();
  });

  it("never shows a write that did not reach the disk", async () => {
    const journal = await RelayJournal.open(path.join(dir, "db"));
    const a = await journal.append("c".repeat(32), vote());
    await journal.close(); // every later write fails
    const submitted = { ...a };
    await journal.recordTransaction({ nonce: 0, hashes: ["0x" + "22".repeat(32)], raw: "0x02", receiptIds: [a.receiptId] }, [submitted]).then(
      () => expect.fail("a closed database took a write"),
      () => {},
    );
    expect((await journal.receipt(a.receiptId))!.status).to.equal("pending");
  });
});
