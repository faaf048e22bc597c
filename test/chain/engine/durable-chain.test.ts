// The engine's state on disk (server/chain/engine/durable-chain.ts): a restart opens the
// state the last run left and executes only the journaled blocks past it; a derived store
// that disagrees with the journal, or is damaged, is rebuilt from the genesis, with the
// reason logged; a journal that disagrees with itself is refused as by replay.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Level } from "level";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { RLP } from "@ethereumjs/rlp";
import { DurableChain } from "../../../server/chain/engine/durable-chain.js";
import { checkStateTrie, StateTrieDamage } from "../../../server/chain/engine/state-trie-check.js";
import { Journal, type BlockRecord } from "../../../server/chain/journal.js";
import { ReplayMismatchError } from "../../../server/chain/replay.js";
import type { ChainFixture } from "../../../scripts/make-chain-fixture.js";

const root = path.join(import.meta.dirname, "..", "..", "..");
const fixture = JSON.parse(readFileSync(path.join(root, "test/vectors/chain-journal.json"), "utf8")) as ChainFixture;
const last = fixture.blocks.at(-1)!;

describe("ethereumjs engine: durable state", function () {
  let dir: string;
  let journal: Journal;
  let logged: { event: string; fields: Record<string, unknown> }[];
  const state = () => path.join(dir, "chain-state");
  const open = (stateHistory?: number) => DurableChain.open({ location: state(), journal, genesis: fixture.genesis, stateHistory, log: (event, fields) => logged.push({ event, fields }) });
  const rebuildReason = () => logged.find((l) => l.event === "chain.state_rebuild")?.fields.reason as string | undefined;

  async function journalOf(blocks: BlockRecord[]) {
    await journal?.close();
    await rm(path.join(dir, "chain"), { recursive: true, force: true });
    journal = await Journal.open(path.join(dir, "chain"));
    await journal.putGenesis(fixture.genesis);
    for (const b of blocks) await journal.appendBlock(b);
  }

  /** Opens the derived store with plain LevelDB, as an outside hand would, and runs `edit`. */
  async function editStore(edit: (db: Level<string, string>) => Promise<void>) {
    const db = new Level<string, string>(state(), { valueEncoding: "utf8", createIfMissing: false });
    await db.open();
    try {
      await edit(db);
    } finally {
      await db.close();
    }
  }

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "urne-engine-state-"));
    logged = [];
    await journalOf(fixture.blocks);
  });

  afterEach(async () => {
    await journal.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("builds the store from the journal once, then opens it at its head without executing a block", async () => {
    const first = await open();
    expect(rebuildReason()).to.equal("it holds no block yet");
    expect(first.report).to.deep.include({ executed: fixture.blocks.length, checkedHeaders: 0 });
    expect(bytesToHex(first.head.hash())).to.equal(last.hash);
    await first.close();

    logged = [];
    const second = await open();
    expect(rebuildReason()).to.equal(undefined);
    expect(second.report).to.deep.equal({ checkedHeaders: fixture.blocks.length + 1, executed: 0 });
    expect(bytesToHex(second.head.hash())).to.equal(last.hash);
    // The index urne reads back is there: receipts, logs, where each transaction is.
    const tx = await second.derived.txLocation((await second.derived.receipts(5))![0].hash);
    expect(tx).to.deep.equal({ block: 5, index: 0 });
    expect((await second.derived.receipts(5))![0].logs.length).to.be.greaterThan(0);
    await second.close();
  });

  it("executes only the journaled blocks past its head (a crash between the journal's write and the store's)", async () => {
    await journalOf(fixture.blocks.slice(0, 5));
    await (await open()).close();
    await journalOf(fixture.blocks);
    logged = [];
    const chain = await open();
    expect(rebuildReason()).to.equal(undefined);
    expect(chain.report).to.deep.equal({ checkedHeaders: 6, executed: fixture.blocks.length - 5 });
    expect(bytesToHex(chain.head.hash())).to.equal(last.hash);
    await chain.close();
  });

  it("refuses a journaled block past its head that does not rebuild to its hash, naming it", async () => {
    await journalOf(fixture.blocks.slice(0, 5));
    await (await open()).close();
    const tampered = structuredClone(fixture.blocks);
    tampered[6].timestamp += 1;
    await journalOf(tampered);
    const error = await open().then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(ReplayMismatchError);
    expect((error as ReplayMismatchError).blockNumber).to.equal(7);
    // What it wrote before the refused block agrees with the journal and is kept.
    await journalOf(fixture.blocks);
    logged = [];
    const chain = await open();
    expect(rebuildReason()).to.equal(undefined);
    expect(chain.report).to.deep.equal({ checkedHeaders: 7, executed: 2 });
    expect(bytesToHex(chain.head.hash())).to.equal(last.hash);
    await chain.close();
  });

  it("reads the journal's block hashes as its records hold them, whatever the order of an entry's fields", async () => {
    const hashes = async () => {
      const out: string[] = [];
      for await (const { number, hash } of journal.blockHashes(1)) out.push(`${number}:${hash}`);
      return out;
    };
    const expected = fixture.blocks.map((b) => `${b.number}:${b.hash}`);
    expect(await hashes()).to.deep.equal(expected);
    // An entry written with its hash first (by hand, or another writer): parsed, same answer.
    await journal.close();
    const db = new Level<string, string>(path.join(dir, "chain"), { valueEncoding: "utf8", createIfMissing: false });
    const b3 = fixture.blocks[2];
    await db.put("block:000000000003", JSON.stringify({ hash: b3.hash, number: 3, timestamp: b3.timestamp, prevRandao: b3.prevRandao, transactions: b3.transactions }));
    await db.close();
    journal = await Journal.open(path.join(dir, "chain"));
    expect(await hashes()).to.deep.equal(expected);
  });

  describe("rebuilds from the genesis, saying why, a store that", () => {
    const rebuildsWith = async (reason: RegExp) => {
      logged = [];
      const chain = await open();
      expect(rebuildReason()).to.match(reason);
      expect(chain.report.executed).to.equal(fixture.blocks.length);
      expect(bytesToHex(chain.head.hash())).to.equal(last.hash);
      await chain.close();
    };

    beforeEach(async () => {
      await (await open()).close();
    });

    it("holds a header that is not the journal's", async () => {
      await editStore(async (db) => {
        const rlp = RLP.decode(hexToBytes((await db.get("header:000000000003")) as `0x${string}`)) as Uint8Array[];
        rlp[12] = new Uint8Array([0x99]); // extraData
        await db.put("header:000000000003", bytesToHex(RLP.encode(rlp)));
      });
      await rebuildsWith(/header of block 3 hashes to .*, the journal says/);
    });

    it("lacks its head's state root node", async () => {
      await editStore(async (db) => {
        const header = RLP.decode(hexToBytes((await db.get(`header:${String(fixture.blocks.length).padStart(12, "0")}`)) as `0x${string}`)) as Uint8Array[];
        await db.sublevel<Buffer, Uint8Array>("nodes", { keyEncoding: "buffer", valueEncoding: "view" }).del(Buffer.from(header[3]));
      });
      await rebuildsWith(/state root 0x[0-9a-f]{64} of its head block 8 is missing/);
    });

    it("is ahead of the journal (the journal was restored from an older copy)", async () => {
      await journalOf(fixture.blocks.slice(0, 6));
      logged = [];
      const chain = await open();
      expect(rebuildReason()).to.equal("its head is block 8, beyond the journal's head 6");
      expect(bytesToHex(chain.head.hash())).to.equal(fixture.blocks[5].hash);
      await chain.close();
    });

    it("was built for another chain", async () => {
      await editStore((db) => db.put("meta", JSON.stringify({ format: 1, genesisHash: `0x${"ab".repeat(32)}` })));
      await rebuildsWith(/it was built for .*abab/);
    });

    it("has damaged files (a flipped byte in a LevelDB table or log)", async () => {
      const files = (await readdir(state())).filter((n) => /\.(ldb|log)$/.test(n));
      let biggest = files[0];
      for (const f of files) if ((await readFile(path.join(state(), f))).length > (await readFile(path.join(state(), biggest))).length) biggest = f;
      const bytes = await readFile(path.join(state(), biggest));
      bytes[Math.floor(bytes.length / 2)] ^= 0xff;
      await writeFile(path.join(state(), biggest), bytes);
      await rebuildsWith(/chain-state\/\d{6}\.(log|ldb): /);
    });
  });

  it("checks every node of the head's state, keeps no node the state does not reach (no history kept), and names a damaged one", async () => {
    const chain = await open(0);
    const counts = await chain.checkState();
    expect(counts.accounts).to.be.greaterThanOrEqual(5); // 3 operators, 2 system accounts, the BallotBox
    expect(counts.storageSlots).to.be.greaterThanOrEqual(10);
    expect(counts.codes).to.be.greaterThanOrEqual(3); // the two system accounts, the BallotBox and what it deployed
    await chain.close();
    // Pruned: every node on disk is a node of the head's state (code entries aside).
    let stored = 0;
    let victim: Buffer | undefined;
    await editStore(async (db) => {
      for await (const key of db.sublevel<Buffer, Uint8Array>("nodes", { keyEncoding: "buffer", valueEncoding: "view" }).keys()) {
        if (key[0] !== 0x63 || key.length !== 33) stored++;
        if (key.length === 39) victim = key; // a storage node (7-byte prefix + hash)
      }
    });
    expect(stored).to.equal(counts.accountNodes + counts.storageNodes);

    await editStore(async (db) => {
      const nodes = db.sublevel<Buffer, Uint8Array>("nodes", { keyEncoding: "buffer", valueEncoding: "view" });
      const value = Buffer.from((await nodes.get(victim!))!);
      value[value.length - 1] ^= 1;
      await nodes.put(victim!, value);
    });
    const reopened = await open(0);
    const error = await reopened.checkState().then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(StateTrieDamage);
    expect((error as Error).message).to.match(/storage of account .* does not hash to its key/);
    await reopened.close();
  });

  /** Every node key (hex) of block n's state, code aside, read back and re-hashed. */
  async function nodesOfState(chain: DurableChain, n: number): Promise<Set<string>> {
    const header = RLP.decode(hexToBytes((await chain.derived.headerRlp(n)) as `0x${string}`)) as Uint8Array[];
    const keys = new Set<string>();
    await checkStateTrie(async (key) => {
      if (key[0] !== 0x63 || key.length !== 33) keys.add(key.toString("hex"));
      return chain.derived.nodes.get(key);
    }, header[3]);
    return keys;
  }

  async function storedNodes(): Promise<Set<string>> {
    const keys = new Set<string>();
    await editStore(async (db) => {
      for await (const key of db.sublevel<Buffer, Uint8Array>("nodes", { keyEncoding: "buffer", valueEncoding: "view" }).keys()) {
        if (key[0] !== 0x63 || key.length !== 33) keys.add(key.toString("hex"));
      }
    });
    return keys;
  }

  it("keeps the state of the head and of the blocks just before it, across a restart, and deletes the nodes only older states need", async () => {
    const history = 2;
    await journalOf(fixture.blocks.slice(0, 5));
    const first = await open(history);
    await first.close();
    // A restart carries on the deletions that wait (the journal goes on to block 8).
    await journalOf(fixture.blocks);
    const chain = await open(history);
    expect(chain.report.executed).to.equal(fixture.blocks.length - 5);
    const head = Number(chain.head.header.number);
    const kept = new Set<string>();
    for (let n = head - history; n <= head; n++) for (const key of await nodesOfState(chain, n)) kept.add(key);
    const older = await nodesOfState(chain, head - history - 1).then(() => "complete", (e: Error) => e.message);
    await chain.close();
    // Every node on disk belongs to a kept state, and every node of a kept state is there.
    expect([...(await storedNodes())].sort()).to.deep.equal([...kept].sort());
    // The state just before the window has lost a node it needed.
    expect(older).to.match(/missing|does not hash/);
  });
});
