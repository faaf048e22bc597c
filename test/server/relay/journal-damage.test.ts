// The relay's journal damaged on disk (issue 13: "29 acknowledged ballots lost, receipts
// 404"): the end of its log cut off or a byte flipped, CURRENT gone. Each refuses the open,
// naming the log and the ballots and receipts the damaged record held, and changes nothing;
// a write a crash cut short, past the watermark, is dropped, every acknowledged ballot kept.
// And what the relay records as final: copied for the chain's start-up check, and checked
// by the relay itself against a real chain.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { appendFile, cp, mkdtemp, readFile, rm, unlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { keccak256 } from "ethers";
import type { SignedVote } from "../../../protocol/index.js";
import { startChain, type Chain } from "../../../server/chain/node.js";
import { ChainLostFinalError, checkChainHoldsFinal } from "../../../server/relay/final-record.js";
import { RelayJournal, type Receipt } from "../../../server/relay/journal.js";
import { relayProvider } from "../../../server/relay/provider.js";
import { startRelayService } from "../../../server/relay/relay-service.js";
import { scanLog } from "../../../server/store/leveldb-files.js";
import { rpcCall } from "../../helpers/rpc.js";
import { cutTail, expectRefused, flipByte, newestLog } from "../../helpers/store-damage.js";
import { receiptOf, sendRaw, signTransfers, until } from "../../chain/transfers.js";

const vote = (ballotId: bigint): SignedVote => ({
  ballotId, voter: `0x${randomBytes(20).toString("hex")}`, revision: 0, payload: "0x01", tokenSignature: `0x${randomBytes(256).toString("hex")}`, voterSignature: `0x${randomBytes(65).toString("hex")}`,
});

const expectCorrupt = (location: string, ...mentions: string[]) => expectRefused(location, () => RelayJournal.open(location), "ERR_STORE_CORRUPT", ...mentions);

describe("relay journal damaged on disk", function () {
  this.timeout(60_000);
  let root: string, pristine: string, location: string;
  /** The 29 ballots of ballot 7 acknowledged together, last: one group commit, one log record. */
  let last29: Receipt[];

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "urne-relay-damage-"));
    pristine = path.join(root, "relay");
    const journal = await RelayJournal.open(pristine);
    for (let i = 0; i < 5; i++) await journal.append(randomBytes(16).toString("hex"), vote(3n));
    // While one write is under way, the 29 that arrive wait and go together in the next.
    const underWay = journal.append(randomBytes(16).toString("hex"), vote(3n));
    last29 = await Promise.all(Array.from({ length: 29 }, () => journal.append(randomBytes(16).toString("hex"), vote(7n))));
    await underWay;
    await journal.close();
    const { records } = scanLog(await readFile(await newestLog(pristine)));
    expect(records.length, "the 29 went in a group of their own").to.equal(5 + 1 + 1);
  });
  after(() => rm(root, { recursive: true, force: true }));
  beforeEach(async () => {
    location = path.join(root, `copy-${Math.random().toString(36).slice(2)}`);
    await cp(pristine, location, { recursive: true });
  });

  it("refuses the end of its log cut off (10 bytes), naming the 29 acknowledged ballots and their receipts", async () => {
    const log = await newestLog(location);
    await cutTail(log, 10);
    const error = await expectCorrupt(location, log, "29 ballots of ballot 7", "and 26 more", "acknowledged");
    expect(last29.filter((r) => error.message.includes(r.receiptId))).to.have.length(3);
  });

  it("refuses one byte flipped in its last record", async () => {
    await flipByte(await newestLog(location), -100);
    await expectCorrupt(location, "fails its checksum", "29 ballots of ballot 7");
  });

  it("refuses a journal without CURRENT instead of starting an empty one (every receipt would be 404)", async () => {
    await unlink(path.join(location, "CURRENT"));
    await expectCorrupt(location, "CURRENT: is missing");
  });

  it("drops a write a crash cut short past the watermark, and keeps every acknowledged ballot", async () => {
    const log = await newestLog(location);
    await appendFile(log, (await readFile(log)).subarray(0, 200));
    const journal = await RelayJournal.open(location);
    try {
      for (const r of last29) expect((await journal.receipt(r.receiptId))?.status).to.equal("pending");
      expect(journal.finality.status(7n).acknowledged).to.equal(29);
    } finally {
      await journal.close();
    }
  });

  it("copies its highest final receipt to URNE-FINAL, and finds it again when reopened", async () => {
    let journal = await RelayJournal.open(location);
    await journal.settle({ settled: [{ ...last29[0], status: "final", txHash: `0x${"11".repeat(32)}`, blockNumber: 12 }] });
    await journal.settle({ settled: [{ ...last29[1], status: "final", txHash: `0x${"22".repeat(32)}`, blockNumber: 9 }] });
    const expected = { blockNumber: 12, txHash: `0x${"11".repeat(32)}`, receiptId: last29[0].receiptId, ballotId: "7" };
    expect(journal.highestFinal).to.deep.equal(expected);
    await journal.close();
    expect(await readFile(path.join(location, "URNE-FINAL"))).to.have.length(512);
    journal = await RelayJournal.open(location);
    expect(journal.highestFinal).to.deep.equal(expected);
    await journal.close();
  });
});

describe("the relay checks its chain holds what it recorded as final", function () {
  this.timeout(60_000);
  let dir: string, chain: Chain;
  let mined: { txHash: string; blockNumber: number };
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "urne-relay-final-"));
    chain = await startChain({ dataDir: dir, port: 0, blockIntervalMs: 20 });
    const [raw] = await signTransfers(chain.operators.relayer, chain.chainId, 0, 1);
    await sendRaw(chain.rpcUrl, raw);
    const receipt = await until("mined", () => receiptOf(chain.rpcUrl, keccak256(raw)).then((r) => r ?? undefined));
    mined = { txHash: keccak256(raw), blockNumber: Number(receipt.blockNumber) };
  });
  after(async () => {
    await chain.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const final = (blockNumber: number, txHash = mined.txHash) => ({ blockNumber, txHash, receiptId: "cd".repeat(16), ballotId: "7" });

  it("goes on when the chain holds the block and its transaction there, or when nothing is final yet", async () => {
    const provider = await relayProvider(chain.rpcUrl);
    await checkChainHoldsFinal(final(mined.blockNumber), provider, "the chain");
    await checkChainHoldsFinal(undefined, provider, "the chain");
    provider.destroy();
  });

  it("refuses a chain whose head is below that block (ERR_CHAIN_LOST_FINAL)", async () => {
    const provider = await relayProvider(chain.rpcUrl);
    const error = await checkChainHoldsFinal(final(mined.blockNumber + 50), provider, "the chain").then(() => undefined, (e: unknown) => e);
    provider.destroy();
    expect(error).to.be.instanceOf(ChainLostFinalError);
    expect((error as ChainLostFinalError).code).to.equal("ERR_CHAIN_LOST_FINAL");
    expect((error as Error).message).to.contain(`final in block ${mined.blockNumber + 50}`).and.contain("has head");
  });

  it("a relay service whose journal has a ballot final beyond the chain's head refuses to start, sending nothing", async () => {
    const relayDir = await mkdtemp(path.join(os.tmpdir(), "urne-relay-ahead-"));
    try {
      const journal = await RelayJournal.open(path.join(relayDir, "relay"));
      const [r] = await Promise.all([journal.append(randomBytes(16).toString("hex"), vote(7n))]);
      await journal.settle({ settled: [{ ...r, status: "final", txHash: mined.txHash, blockNumber: mined.blockNumber + 50 }] });
      await journal.close();
      const nonce = async () => rpcCall(chain.rpcUrl, "eth_getTransactionCount", [chain.operators.relayer.address, "pending"]);
      const nonceBefore = await nonce();
      const error = await startRelayService({
        dataDir: relayDir, host: "127.0.0.1", port: 0, rpcUrl: chain.rpcUrl, ballotBox: chain.deployment!.ballotBox,
        relayer: chain.operators.relayer, trustProxy: false, log: () => {},
      }).then(async (s) => {
        await s.stop();
        return undefined;
      }, (e: Error & { code?: string }) => e);
      expect(error?.code).to.equal("ERR_CHAIN_LOST_FINAL");
      expect(error?.message).to.contain(`receipt ${r.receiptId} (ballot 7) final in block ${mined.blockNumber + 50}`);
      expect(await nonce(), "the relayer sent nothing").to.equal(nonceBefore);
    } finally {
      await rm(relayDir, { recursive: true, force: true });
    }
  });

  it("refuses a chain that has the transaction in another block, or in none", async () => {
    const provider = await relayProvider(chain.rpcUrl);
    const moved = await checkChainHoldsFinal(final(mined.blockNumber - 1), provider, "the chain").then(() => undefined, (e: Error) => e);
    const unknown = await checkChainHoldsFinal(final(mined.blockNumber, `0x${"ee".repeat(32)}`), provider, "the chain").then(() => undefined, (e: Error) => e);
    provider.destroy();
    expect(moved?.message).to.contain(`has that transaction in block ${mined.blockNumber}`);
    expect(unknown?.message).to.contain("has that transaction in no block");
  });
});
