// The chain's only durable state: a LevelDB under <data>/chain holding the genesis and,
// per block, what is needed to rebuild it (timestamp, prevrandao, raw signed txs) plus
// its hash to check the rebuild. Layout and rules: docs/CHAIN.md §Journal. Opened through
// server/store/durable-level.ts: damaged files refuse the start before LevelDB touches
// them; an entry that does not parse, or a missing block, is named here (JournalDamageError).
import path from "node:path";
import { keccak256 } from "ethers";
import { ChainLostFinalError, type FinalRecord } from "../relay/final-record.js";
import { openStore, type DurableLevel, type StoreHealth } from "../store/durable-level.js";
import type { HeldEntry } from "../store/store-check.js";
import { checkGenesis, type Genesis } from "./genesis.js";

export type BlockRecord = {
  number: number;
  /** Unix seconds, as passed to evm_mine. */
  timestamp: number;
  /** 0x-prefixed 32 bytes: keccak256(parent hash), set with hardhat_setPrevRandao. */
  prevRandao: string;
  /** Raw signed transactions (0x hex), in block order. */
  transactions: string[];
  /** Block hash the EVM gave when the block was sealed; replay must reproduce it. */
  hash: string;
};

/** Where the one BallotBox of this chain lives (written once, after its deployment). */
export type DeploymentRecord = {
  ballotBox: string;
  chainId: string;
  deployer: string;
  admin: string;
  txHash: string;
  blockNumber: number;
};

const GENESIS_KEY = "genesis";
const DEPLOYMENT_KEY = "deployment";
const BLOCK_PREFIX = "block:";
/** 12 digits: a block every 20 ms for 600 years still sorts right. */
const BLOCK_DIGITS = 12;
/** `;` follows `:` in ASCII: the upper bound of every `block:` key. */
const BLOCK_END = "block;";

export const blockKey = (n: number) => BLOCK_PREFIX + String(n).padStart(BLOCK_DIGITS, "0");

/** Names what chain journal entries held, for store-check.ts: "block 11", "blocks 11 to 14", "the genesis record". */
export function describeChainKeys(entries: HeldEntry[]): string {
  const blocks = [...new Set(entries.map((e) => /^block:(\d{12})$/.exec(e.key)?.[1]).filter((n) => n !== undefined).map(Number))].sort((a, b) => a - b);
  const parts: string[] = [];
  if (blocks.length === 1) parts.push(`block ${blocks[0]}`);
  else if (blocks.length > 1) parts.push(`blocks ${blocks[0]} to ${blocks[blocks.length - 1]}`);
  if (entries.some((e) => e.key === GENESIS_KEY)) parts.push("the genesis record");
  if (entries.some((e) => e.key === DEPLOYMENT_KEY)) parts.push("the BallotBox deployment record");
  return parts.join(" and ");
}

/** A journal entry that does not parse or does not have its format, or a block missing between two others. */
export class JournalDamageError extends Error {
  readonly code = "ERR_CHAIN_JOURNAL_DAMAGED";
  constructor(readonly location: string, readonly blockNumber: number | undefined, detail: string) {
    super(
      `chain journal ${location}: ${detail}. Refusing to serve this chain; nothing on disk was changed. ` +
        "Restore the journal from a backup (docs/CHAIN.md §2).",
    );
    this.name = "JournalDamageError";
  }
}

const HASH32 = /^0x[0-9a-f]{64}$/;
const RAW_TX = /^0x(?:[0-9a-f]{2})+$/i;
const blockNumberOf = (key: string) => (/^block:\d{12}$/.test(key) ? Number(key.slice(BLOCK_PREFIX.length)) : undefined);

/** `text` as JSON; `what`: how the error names the entry ("block 3's entry (in 000012.log)"). */
function parseEntry<T>(location: string, what: string, text: string, blockNumber?: number): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new JournalDamageError(location, blockNumber, `${what} is not JSON (${text.length} bytes)`);
  }
}

/** Block `n`'s entry, checked to have the format replay relies on, and to be block `n`. */
function blockEntry(location: string, n: number, text: string, file?: string): BlockRecord {
  const what = `block ${n}'s entry${file ? ` (in ${path.basename(file)})` : ""}`;
  const r = parseEntry<Partial<BlockRecord>>(location, what, text, n);
  const wrong = (problem: string) => new JournalDamageError(location, n, `${what} ${problem}`);
  if (typeof r !== "object" || r === null) throw wrong("is not an object");
  if (r.number !== n) throw wrong(`says it is block ${JSON.stringify(r.number)}`);
  if (!Number.isSafeInteger(r.timestamp) || r.timestamp! < 0) throw wrong("has no valid timestamp");
  if (typeof r.prevRandao !== "string" || !HASH32.test(r.prevRandao)) throw wrong("has no valid prevRandao");
  if (typeof r.hash !== "string" || !HASH32.test(r.hash)) throw wrong("has no valid hash");
  if (!Array.isArray(r.transactions)) throw wrong("has no transaction list");
  const bad = r.transactions.findIndex((tx) => typeof tx !== "string" || !RAW_TX.test(tx));
  if (bad >= 0) throw wrong(`has transaction ${bad}, which is not 0x-prefixed hex`);
  return r as BlockRecord;
}

function genesisEntry(location: string, text: string, file?: string): Genesis {
  const g = parseEntry<Genesis>(location, `the genesis record${file ? ` (in ${path.basename(file)})` : ""}`, text, 0);
  try {
    return checkGenesis(g);
  } catch (error) {
    throw new JournalDamageError(location, 0, `the genesis record is not one: ${(error as Error).message}`);
  }
}

/**
 * The journal's own check of every entry LevelDB will recover, before it is opened (so a
 * refusal changes nothing on disk): each block, the genesis and the deployment parse and
 * have their format, and the blocks run from 1 without a gap. Each key's latest entry counts.
 * `final`: what the relay recorded as final (server/relay/final-record.ts): its block must
 * be here and hold its transaction.
 */
function journalInspector(location: string, final: FinalRecord | undefined) {
  const latest = new Map<string, { sequence: number; deleted: boolean; problem?: Error; holdsFinal?: boolean }>();
  const finalKey = final && blockKey(final.blockNumber);
  return {
    entry({ key, value, sequence, file }: { key: string; value: string | undefined; sequence: number; file: string }) {
      const seen = latest.get(key);
      if (seen && seen.sequence > sequence) return;
      let problem: Error | undefined;
      try {
        const n = blockNumberOf(key);
        if (value === undefined) {
          // nothing to parse: a deletion (never written by urne) leaves a gap, found below
        } else if (n !== undefined) {
          const record = blockEntry(location, n, value, file);
          if (key === finalKey) {
            latest.set(key, { sequence, deleted: false, holdsFinal: record.transactions.some((raw) => keccak256(raw) === final!.txHash) });
            return;
          }
        }
        else if (key === GENESIS_KEY) genesisEntry(location, value, file);
        else if (key === DEPLOYMENT_KEY) parseEntry(location, `the deployment record (in ${path.basename(file)})`, value);
      } catch (error) {
        problem = error as Error;
      }
      latest.set(key, { sequence, deleted: value === undefined, ...(problem ? { problem } : {}) });
    },
    done() {
      const blocks: number[] = [];
      for (const [key, { deleted, problem }] of latest) {
        if (problem) throw problem;
        const n = blockNumberOf(key);
        if (n !== undefined && !deleted) blocks.push(n);
      }
      blocks.sort((a, b) => a - b);
      blocks.forEach((n, i) => {
        if (n !== i + 1) throw new JournalDamageError(location, i + 1, `has no block ${i + 1} (its next block entry is ${n})`);
      });
      if (final && blocks.length < final.blockNumber) throw new ChainLostFinalError(final, `the chain journal ${location} ends at block ${blocks.length}`);
      if (final && !latest.get(finalKey!)?.holdsFinal) {
        throw new ChainLostFinalError(final, `block ${final.blockNumber} of the chain journal ${location} does not hold that transaction`);
      }
    },
  };
}

export class Journal {
  #head = 0;

  private constructor(
    private readonly db: DurableLevel<string>,
    readonly location: string,
  ) {}

  /**
   * Opens (or creates) the journal: refuses damaged files (ERR_STORE_CORRUPT), entries
   * that are not the journal's (ERR_CHAIN_JOURNAL_DAMAGED) and a journal without what the
   * relay recorded as final (`final`, ERR_CHAIN_LOST_FINAL), all before LevelDB has
   * rewritten anything, and a journal another process holds (ERR_STORE_IN_USE).
   */
  static async open(location: string, opts: { log?: (event: string, fields: Record<string, unknown>) => void; final?: FinalRecord } = {}): Promise<Journal> {
    const resolved = path.resolve(location);
    const db = await openStore<string>(resolved, {
      name: "chain journal", describe: describeChainKeys, valueEncoding: "utf8", log: opts.log, inspect: journalInspector(resolved, opts.final),
      inUseHint: "is urne already running on this data dir?",
    });
    const journal = new Journal(db, location);
    for await (const key of db.keys({ gt: BLOCK_PREFIX, lt: BLOCK_END, reverse: true, limit: 1 })) {
      journal.#head = Number(key.slice(BLOCK_PREFIX.length));
    }
    return journal;
  }

  /** Number of the last journaled block (0 when only the genesis exists). */
  get head(): number {
    return this.#head;
  }

  /** ok, or why the journal can no longer be written. */
  health(): StoreHealth {
    return this.db.health();
  }

  async genesis(): Promise<Genesis | undefined> {
    const text = await this.db.get(GENESIS_KEY);
    return text === undefined ? undefined : genesisEntry(this.location, text);
  }

  async putGenesis(genesis: Genesis): Promise<void> {
    if ((await this.db.get(GENESIS_KEY)) !== undefined) throw new Error(`journal ${this.location} already has a genesis`);
    await this.db.put(GENESIS_KEY, JSON.stringify(genesis), { sync: true } as never);
  }

  async block(n: number): Promise<BlockRecord | undefined> {
    const text = await this.db.get(blockKey(n));
    return text === undefined ? undefined : blockEntry(this.location, n, text);
  }

  /**
   * Journaled blocks from `from` on, in order, each checked (blockEntry); a block missing
   * between two others is named rather than skipped.
   */
  async *blocks(from = 1): AsyncGenerator<BlockRecord> {
    let expected = Math.max(from, 1); // block 0 is the genesis record, not a block entry
    for await (const [key, text] of this.db.iterator({ gte: blockKey(from), lt: BLOCK_END })) {
      const n = Number(key.slice(BLOCK_PREFIX.length));
      if (n !== expected) throw new JournalDamageError(this.location, expected, `has no block ${expected} (its next block entry is ${n})`);
      yield blockEntry(this.location, n, text);
      expected = n + 1;
    }
  }

  /**
   * The journaled blocks' numbers and hashes from `from` on, in order, for a caller that
   * compares hashes only (the ethereumjs engine's start, engine/durable-chain.ts): open()
   * already checked every entry in full, so each is read for its hash alone, taken from the
   * end of the entry as appendBlock writes it (JSON.stringify puts `hash` last) or else
   * parsed. A block missing between two others is named, as by blocks().
   */
  async *blockHashes(from = 1): AsyncGenerator<{ number: number; hash: string }> {
    let expected = Math.max(from, 1);
    for await (const [key, text] of this.db.iterator({ gte: blockKey(from), lt: BLOCK_END })) {
      const n = Number(key.slice(BLOCK_PREFIX.length));
      if (n !== expected) throw new JournalDamageError(this.location, expected, `has no block ${expected} (its next block entry is ${n})`);
      const tail = /,"hash":"(0x[0-9a-f]{64})"\}$/.exec(text.slice(-80));
      yield { number: n, hash: tail ? tail[1] : blockEntry(this.location, n, text).hash };
      expected = n + 1;
    }
  }

  /**
   * The journaled blocks from `from` on, in order, parsed without checking each entry
   * again (open() checked every one in full): for the engine's start, which compares each
   * block's header with its record (engine/durable-chain.ts). A missing block is named.
   */
  async *blocksAsOpened(from = 1): AsyncGenerator<BlockRecord> {
    let expected = Math.max(from, 1);
    for await (const [key, text] of this.db.iterator({ gte: blockKey(from), lt: BLOCK_END })) {
      const n = Number(key.slice(BLOCK_PREFIX.length));
      if (n !== expected) throw new JournalDamageError(this.location, expected, `has no block ${expected} (its next block entry is ${n})`);
      yield JSON.parse(text) as BlockRecord;
      expected = n + 1;
    }
  }

  /**
   * Appends the next block, synced to disk (fsync) before it resolves: the caller
   * announces the block only after this, which is what makes "journaled" mean "final".
   */
  async appendBlock(block: BlockRecord): Promise<void> {
    if (block.number !== this.#head + 1) {
      throw new Error(`journal: block ${block.number} does not follow head ${this.#head}`);
    }
    await this.db.put(blockKey(block.number), JSON.stringify(block), { sync: true } as never);
    this.#head = block.number;
  }

  async deployment(): Promise<DeploymentRecord | undefined> {
    const text = await this.db.get(DEPLOYMENT_KEY);
    return text === undefined ? undefined : parseEntry<DeploymentRecord>(this.location, "the deployment record", text);
  }

  async putDeployment(deployment: DeploymentRecord): Promise<void> {
    await this.db.put(DEPLOYMENT_KEY, JSON.stringify(deployment), { sync: true } as never);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
