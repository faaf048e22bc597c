// The chain journal damaged on disk (issue 13, "disk faults"): the end of its log cut off
// or a byte flipped, CURRENT gone, an entry that does not parse, a block missing, a chain
// that lost what the relay recorded as final. Every one refuses the start, naming the file
// and the block, and leaves every file of the data directory as it was; none lets the node
// seal another block in the place of one it had announced. A write a crash cut short,
// past the watermark, is dropped as before. While it replays, the node answers at once.
import { expect } from "chai";
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, unlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { keccak256 } from "ethers";
import { Level } from "level";
import { doorStatus } from "../../server/chain/door-status.js";
import { blockKey, type BlockRecord } from "../../server/chain/journal.js";
import { startChain, type Chain } from "../../server/chain/node.js";
import { FINAL_RECORD_FILE, RELAY_DB_DIR, type FinalRecord } from "../../server/relay/final-record.js";
import { SlotFile } from "../../server/store/slot-file.js";
import { scanLog } from "../../server/store/leveldb-files.js";
import { cutTail, expectRefused, flipByte, newestLog, tables } from "../helpers/store-damage.js";
import { getBlock, receiptOf, sendRaw, signTransfers, until } from "./transfers.js";

/** Starting must fail with `code`, and leave every file of the data directory as it was. */
const expectStartRefused = (dataDir: string, code: string, ...mentions: string[]) => expectRefused(dataDir, () => startChain({ dataDir, port: 0 }), code, ...mentions);

describe("chain journal damaged on disk: the node refuses to start, naming the file and the block", function () {
  this.timeout(120_000);
  let root: string;
  let pristine: string;
  let dataDir: string;
  let chain: Chain | undefined;
  let head: number;
  /** Block `head`'s hash and one transaction of it. */
  let last: { hash: string; tx: string };

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "urne-journal-damage-"));
    pristine = path.join(root, "pristine");
    const first = await startChain({ dataDir: pristine, port: 0, blockIntervalMs: 20 });
    for (let wave = 0; wave < 4; wave++) {
      const raws = await signTransfers(first.operators.relayer, first.chainId, wave * 3, 3);
      for (const raw of raws) await sendRaw(first.rpcUrl, raw);
      await until("wave mined", async () => ((await receiptOf(first.rpcUrl, keccak256(raws[2]))) ? true : undefined));
    }
    head = first.head().number;
    const block = (await getBlock(first.rpcUrl, head))!;
    last = { hash: block.hash, tx: block.transactions[0] };
    await first.stop();
  });
  after(() => rm(root, { recursive: true, force: true }));
  beforeEach(async () => {
    dataDir = path.join(root, `copy-${Math.random().toString(36).slice(2)}`);
    await cp(pristine, dataDir, { recursive: true });
  });
  afterEach(async () => {
    await chain?.stop();
    chain = undefined;
  });

  const chainDir = () => path.join(dataDir, "chain");

  it("starts from an undamaged copy, at the same head", async () => {
    chain = await startChain({ dataDir, port: 0 });
    expect(chain.head()).to.include({ number: head, hash: last.hash });
  });

  it("refuses the end of the log cut off (10 bytes): the last block was final, nothing is sealed in its place", async () => {
    const log = await newestLog(chainDir());
    await cutTail(log, 10);
    await expectStartRefused(dataDir, "ERR_STORE_CORRUPT", log, `block ${head}`, "acknowledged", "nothing on disk was changed");
  });

  it("refuses one byte flipped in the log's last record", async () => {
    const log = await newestLog(chainDir());
    await flipByte(log, -20);
    await expectStartRefused(dataDir, "ERR_STORE_CORRUPT", log, "fails its checksum", `block ${head}`);
  });

  it("refuses one byte flipped in an earlier block's record, naming that block", async () => {
    const log = await newestLog(chainDir());
    const { records } = scanLog(await readFile(log));
    await flipByte(log, records[1].offset + 40);
    const error = await expectStartRefused(dataDir, "ERR_STORE_CORRUPT", log, "Whole records follow it");
    expect(error.message).to.match(/it holds block \d+/);
  });

  it("refuses a journal without CURRENT (LevelDB would start an empty one over its tables)", async () => {
    expect((await tables(chainDir())).length).to.be.greaterThan(0);
    await unlink(path.join(chainDir(), "CURRENT"));
    await expectStartRefused(dataDir, "ERR_STORE_CORRUPT", path.join(chainDir(), "CURRENT"), "is missing");
  });

  it("drops a write a crash cut short past the watermark, and starts at the last final block", async () => {
    const log = await newestLog(chainDir());
    const bytes = await readFile(log);
    const { records } = scanLog(bytes);
    await appendFile(log, bytes.subarray(records.at(-1)!.offset, records.at(-1)!.offset + 60));
    const events: string[] = [];
    chain = await startChain({ dataDir, port: 0, log: (event) => events.push(event) });
    expect(chain.head()).to.include({ number: head, hash: last.hash });
    expect(events).to.include("store.cut_write_dropped");
  });

  describe("entries LevelDB reads whole but that are not the chain's", () => {
    /** Rewrites entries with LevelDB itself (as a tool or a bug would), the checksums right. */
    const rewrite = async (edit: (db: Level<string, string>) => Promise<void>) => {
      const db = new Level<string, string>(chainDir());
      await edit(db);
      await db.close();
    };

    it("refuses an entry that is not JSON, naming the block", async () => {
      await rewrite((db) => db.put(blockKey(3), "{ not json"));
      await expectStartRefused(dataDir, "ERR_CHAIN_JOURNAL_DAMAGED", "block 3's entry (in 0", ".log) is not JSON");
    });

    it("refuses a transaction that is not hex, naming the block rather than failing on it", async () => {
      await rewrite(async (db) => {
        const record = JSON.parse((await db.get(blockKey(4)))!) as BlockRecord;
        record.transactions[0] = "0xnot-hex";
        await db.put(blockKey(4), JSON.stringify(record));
      });
      await expectStartRefused(dataDir, "ERR_CHAIN_JOURNAL_DAMAGED", "block 4's entry (in 0", "has transaction 0, which is not 0x-prefixed hex");
    });

    it("refuses a block missing between two others, naming it", async () => {
      await rewrite((db) => db.del(blockKey(2)));
      await expectStartRefused(dataDir, "ERR_CHAIN_JOURNAL_DAMAGED", "has no block 2 (its next block entry is 3)");
    });
  });

  describe("what the relay of the data directory recorded as final", () => {
    const recordFinal = async (final: FinalRecord) => {
      await mkdir(path.join(dataDir, RELAY_DB_DIR), { recursive: true });
      const file = await SlotFile.open<FinalRecord>(path.join(dataDir, RELAY_DB_DIR, FINAL_RECORD_FILE));
      await file.write(final);
      await file.close();
    };
    const final = (blockNumber: number, txHash: string): FinalRecord => ({ blockNumber, txHash, receiptId: "ab".repeat(16), ballotId: "7" });

    it("starts when the journal holds the relay's highest final block and its transaction", async () => {
      await recordFinal(final(head, last.tx));
      chain = await startChain({ dataDir, port: 0 });
      expect(chain.head().number).to.equal(head);
    });

    it("refuses a journal that ends before that block (an older copy, say)", async () => {
      await recordFinal(final(head + 1, last.tx));
      await expectStartRefused(dataDir, "ERR_CHAIN_LOST_FINAL", `final in block ${head + 1}`, `ends at block ${head}`, `receipt ${"ab".repeat(16)} (ballot 7)`);
    });

    it("refuses to create a chain where the relay landed ballots on one (its journal gone)", async () => {
      await recordFinal(final(head, last.tx));
      await rm(chainDir(), { recursive: true });
      await expectStartRefused(dataDir, "ERR_CHAIN_LOST_FINAL", "there is no chain journal at");
    });

    it("refuses a journal whose block does not hold that transaction", async () => {
      await recordFinal(final(head - 1, last.tx));
      await expectStartRefused(dataDir, "ERR_CHAIN_LOST_FINAL", `block ${head - 1} of the chain journal`, "does not hold that transaction");
    });
  });

  it("answers at once while it replays: 503 with Retry-After and how far, and GET /health says so", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let listening!: (url: string) => void;
    const url = new Promise<string>((resolve) => (listening = resolve));
    const starting = startChain({
      dataDir, port: 0, beforeReplay: () => held,
      log: (event, fields) => event === "chain.listening" && listening(String(fields.rpcUrl)),
    });
    const rpcUrl = await url;
    const health = await fetch(`${rpcUrl}/health`);
    expect(health.status).to.equal(503);
    expect(await health.json()).to.deep.equal({ status: "replaying", replay: { block: 0, of: head } });
    const call = await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }) });
    expect(call.status).to.equal(503);
    expect(call.headers.get("retry-after")).to.equal("1");
    const body = (await call.json()) as { error: { code: number; message: string } };
    expect(body.error.code).to.equal(-32002);
    expect(body.error.message).to.contain(`replaying its journal (block 0 of ${head})`);
    // What the vote host's and the relay's /health report of it (server/chain/door-status.ts).
    expect(await doorStatus(rpcUrl)).to.deep.equal({ status: "replaying", replay: { block: 0, of: head } });
    release();
    chain = await starting;
    const after = await fetch(`${rpcUrl}/health`);
    expect(after.status).to.equal(200);
    expect(await after.json()).to.deep.include({ status: "ok", head: { number: head, hash: last.hash }, journal: { ok: true } });
  });
});
