// The chain's only durable state: a LevelDB under <data>/chain holding the genesis and,
// per block, what is needed to rebuild it (timestamp, prevrandao, raw signed txs) plus
// its hash to check the rebuild. Layout and rules: docs/CHAIN.md §Journal.
import { Level } from "level";
import { ensurePrivateDir } from "../config/private-file.js";
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

type Value = Genesis | BlockRecord | DeploymentRecord;

export class Journal {
  #head = 0;

  private constructor(
    private readonly db: Level<string, Value>,
    readonly location: string,
  ) {}

  /** Opens (or creates) the journal; fails if another process holds it (LevelDB lock). */
  static async open(location: string): Promise<Journal> {
    // LevelDB would create it 0755 (its files 0644): the owner's only, even if it existed.
    await ensurePrivateDir(location);
    const db = new Level<string, Value>(location, { valueEncoding: "json" });
    try {
      await db.open();
    } catch (error) {
      if ((error as { cause?: { code?: string } }).cause?.code === "LEVEL_LOCKED") {
        throw new Error(`journal ${location} is in use by another process (is urne already running on this data dir?)`, { cause: error });
      }
      throw error;
    }
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

  async genesis(): Promise<Genesis | undefined> {
    const g = (await this.db.get(GENESIS_KEY)) as Genesis | undefined;
    return g && checkGenesis(g);
  }

  async putGenesis(genesis: Genesis): Promise<void> {
    if (await this.db.get(GENESIS_KEY)) throw new Error(`journal ${this.location} already has a genesis`);
    await this.db.put(GENESIS_KEY, genesis, { sync: true });
  }

  async block(n: number): Promise<BlockRecord | undefined> {
    return (await this.db.get(blockKey(n))) as BlockRecord | undefined;
  }

  /** Journaled blocks from `from` on, in order. */
  async *blocks(from = 1): AsyncGenerator<BlockRecord> {
    for await (const value of this.db.values({ gte: blockKey(from), lt: BLOCK_END })) yield value as BlockRecord;
  }

  /**
   * Appends the next block, synced to disk (fsync) before it resolves: the caller
   * announces the block only after this, which is what makes "journaled" mean "final".
   */
  async appendBlock(block: BlockRecord): Promise<void> {
    if (block.number !== this.#head + 1) {
      throw new Error(`journal: block ${block.number} does not follow head ${this.#head}`);
    }
    await this.db.put(blockKey(block.number), block, { sync: true });
    this.#head = block.number;
  }

  async deployment(): Promise<DeploymentRecord | undefined> {
    return (await this.db.get(DEPLOYMENT_KEY)) as DeploymentRecord | undefined;
  }

  async putDeployment(deployment: DeploymentRecord): Promise<void> {
    await this.db.put(DEPLOYMENT_KEY, deployment, { sync: true });
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
