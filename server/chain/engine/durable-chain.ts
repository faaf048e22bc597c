// The ethereumjs engine with its state on disk (issue 13): a restart opens the state the
// last run left (derived-store.ts) instead of executing every journaled block again. The
// journal stays the only truth: the derived store is trusted only as far as it agrees with
// it, and rebuilt from it otherwise.
//
// At open:
// 1. the derived store's own files are checked before LevelDB opens them (durable-level.ts);
//    damaged, or built for another chain or layout: it is emptied and rebuilt, said in the log;
// 2. its head block must be a journaled block with the journal's hash, and every header it
//    holds must hash to the journal's record of that block, name its parent's hash, and
//    carry the record's timestamp, prevRandao and transactions (their trie root) (the header
//    chain, one pass with the journal's own read);
// 3. the head header's state root must be a node of the trie store that hashes to it;
// 4. the journaled blocks past its head (a crash between the journal's write and the
//    store's) are executed and checked like any block (BlockEngine.applyBlock).
// Any failure of 2 or 3 rebuilds the store from the genesis (a full replay, logged
// chain.state_rebuild with the reason). What step 3 does not read, every other node of the
// state, is read and re-hashed by checkStateTrie, which the node may run once serving.
import { bytesToBigInt, bytesToHex, equalsBytes, hexToBytes } from "@ethereumjs/util";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { keccak256Bytes } from "../../../protocol/keccak.node.js";
import type { Genesis } from "../genesis.js";
import type { BlockRecord, Journal } from "../journal.js";
import { BlockEngine, type BuiltBlock } from "./block-engine.js";
import { chainCommon, type ChainCommonOptions } from "./chain-common.js";
import { DerivedStore, type StoredReceipt } from "./derived-store.js";
import { checkStateTrie, type StateTrieCounts } from "./state-trie-check.js";
import { RECENT_HASHES_KEPT } from "./recent-block-hashes.js";

export type DurableChainOptions = {
  /** The derived store's directory, <data>/chain-state. */
  location: string;
  journal: Journal;
  genesis: Genesis;
  log?: (event: string, fields: Record<string, unknown>) => void;
  engine?: ChainCommonOptions;
  /** Blocks before the head whose state stays readable (state-history.ts; STATE_HISTORY_BLOCKS by default). */
  stateHistory?: number;
  /** Called after each block executed at open (rebuild or catch-up). */
  onProgress?: (number: number) => void;
};

export type OpenReport = {
  /** Why the store was rebuilt from the genesis, if it was. */
  rebuilt?: string;
  /** Blocks whose headers were checked against the journal. */
  checkedHeaders: number;
  /** Journaled blocks executed at open (all of them after a rebuild). */
  executed: number;
};

/** Why a derived store cannot be used as it is, in words for the log; undefined when it can. */
type Verdict = { ok: true; headerRlp: Uint8Array; recentHashes: Uint8Array[]; checked: number } | { ok: false; reason: string };

export class DurableChain {
  private constructor(
    private store: DerivedStore,
    private engine: BlockEngine,
    readonly report: OpenReport,
  ) {}

  static async open(opts: DurableChainOptions): Promise<DurableChain> {
    const { genesis, journal } = opts;
    if (genesis.genesisHash === undefined) throw new Error("the journal's genesis has no genesisHash");
    const opened = await DerivedStore.open(opts.location, { genesisHash: genesis.genesisHash, stateHistory: opts.stateHistory, log: opts.log });
    let store = opened.store;
    let rebuilt = opened.rebuilt;
    let verdict: Verdict | undefined;
    const head = await store.head();
    if (head !== undefined && rebuilt === undefined) {
      verdict = await checkAgainstJournal(store, journal, genesis, head.number);
      if (!verdict.ok) {
        rebuilt = verdict.reason;
        store = await store.reset(genesis.genesisHash);
      }
    } else if (head === undefined && rebuilt === undefined && journal.head > 0) {
      rebuilt = "it holds no block yet";
    }
    if (rebuilt !== undefined) opts.log?.("chain.state_rebuild", { reason: rebuilt, blocks: journal.head });

    let chain: DurableChain | undefined;
    try {
      let engine: BlockEngine;
      if (verdict?.ok) {
        engine = await BlockEngine.atHead(genesis, verdict.headerRlp, verdict.recentHashes, { ...opts.engine, nodes: store.nodes });
      } else {
        engine = await BlockEngine.fromGenesis(genesis, { ...opts.engine, nodes: store.nodes });
        const block0 = engine.head;
        await store.commitBlock({ number: 0, hash: bytesToHex(block0.hash()), headerRlp: bytesToHex(block0.header.serialize()), receipts: [] }, engine.takeNodeWrites());
      }
      chain = new DurableChain(store, engine, { ...(rebuilt !== undefined ? { rebuilt } : {}), checkedHeaders: verdict?.ok ? verdict.checked : 0, executed: 0 });
      for await (const record of journal.blocks(Number(engine.head.header.number) + 1)) {
        await chain.append(record);
        chain.report.executed++;
        opts.onProgress?.(record.number);
      }
    } catch (error) {
      // The blocks before a refused one stay written: they agree with the journal.
      await store.close();
      throw error;
    }
    return chain;
  }

  /** The head block as built. */
  get head() {
    return this.engine.head;
  }

  /** The engine at the head, for calls between blocks (call-runner.ts). */
  get engineAtHead(): BlockEngine {
    return this.engine;
  }

  /** How many blocks before the head have their state kept (state-history.ts). */
  get stateHistory(): number {
    return this.store.history.blocks;
  }

  /** The head's state (the engine's state manager), for reads between blocks. */
  get state() {
    return this.engine.vm.stateManager;
  }

  get derived(): DerivedStore {
    return this.store;
  }

  /** Executes the next journaled block, checks its hash, and writes its state and index (one batch). */
  async append(record: BlockRecord): Promise<BuiltBlock> {
    const built = await this.engine.applyBlock(record);
    await this.store.commitBlock(
      { number: record.number, hash: record.hash, headerRlp: bytesToHex(built.block.header.serialize()), receipts: storedReceipts(built) },
      this.engine.takeNodeWrites(),
    );
    return built;
  }

  /**
   * Seals the next block from `candidates` (BlockEngine.sealBlock), journals it with
   * `journal` (the synced write that makes it final), and only then writes its state and
   * index. If the journal write fails, the block is dropped from the engine and the error
   * thrown: nothing of it was written (the caller stops, as the sealer does today).
   */
  async seal(candidates: string[], timestamp: number, journal: Pick<Journal, "appendBlock">): Promise<{ record: BlockRecord; leftOut: { raw: string; reason: string }[] }> {
    const { record, built, leftOut } = await this.engine.sealBlock(candidates, timestamp);
    try {
      await journal.appendBlock(record);
    } catch (error) {
      await this.engine.dropSealed();
      throw error;
    }
    await this.store.commitBlock(
      { number: record.number, hash: record.hash, headerRlp: bytesToHex(built.block.header.serialize()), receipts: storedReceipts(built) },
      this.engine.takeNodeWrites(),
    );
    return { record, leftOut };
  }

  /** Reads back and re-hashes every node of the head's state (state-trie-check.ts). */
  checkState(): Promise<StateTrieCounts> {
    return checkStateTrie((key) => this.store.nodes.get(key), this.engine.head.header.stateRoot);
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}

/** Steps 2 and 3 of the open (file comment). */
async function checkAgainstJournal(store: DerivedStore, journal: Journal, genesis: Genesis, headNumber: number): Promise<Verdict> {
  if (headNumber > journal.head) return { ok: false, reason: `its head is block ${headNumber}, beyond the journal's head ${journal.head}` };
  const headers = store.headers(0);
  const recent: Uint8Array[] = [];
  let parentHash: Uint8Array | undefined;
  let headerRlp: Uint8Array | undefined;
  const common = chainCommon(genesis);
  const expectHeader = async (n: number, journaled: string, record?: BlockRecord): Promise<string | undefined> => {
    const next = await headers.next();
    if (next.done || next.value[0] !== n) return `it has no header for block ${n}`;
    headerRlp = hexToBytes(next.value[1] as `0x${string}`);
    const hash = keccak256Bytes(headerRlp);
    if (bytesToHex(hash) !== journaled) return `its header of block ${n} hashes to ${bytesToHex(hash)}, the journal says ${journaled}`;
    const fields = RLP.decode(headerRlp) as Uint8Array[];
    if (parentHash !== undefined && !equalsBytes(fields[0], parentHash)) return `its header of block ${n} does not name block ${n - 1} as its parent`;
    // The record's other fields must be the block's: the journal's hash alone does not say
    // that its timestamp, prevRandao and transactions were not edited since (a tampered
    // entry must be refused at start, as a full replay refuses it).
    if (record !== undefined) {
      if (bytesToBigInt(fields[11]) !== BigInt(record.timestamp)) return `its header of block ${n} has timestamp ${bytesToBigInt(fields[11])}, the journal's record ${record.timestamp}`;
      if (bytesToHex(fields[13]) !== record.prevRandao) return `its header of block ${n} has prevRandao ${bytesToHex(fields[13])}, the journal's record ${record.prevRandao}`;
      const root = await transactionsRoot(record.transactions, common);
      if (!equalsBytes(fields[4], root)) return `its header of block ${n} names other transactions than the journal's record`;
    }
    parentHash = hash;
    recent.push(hash);
    if (recent.length > RECENT_HASHES_KEPT) recent.shift();
    return undefined;
  };
  try {
    const problem0 = await expectHeader(0, genesis.genesisHash!);
    if (problem0) return { ok: false, reason: problem0 };
    if (headNumber > 0) {
      for await (const record of journal.blocksAsOpened(1)) {
        const problem = await expectHeader(record.number, record.hash, record);
        if (problem) return { ok: false, reason: problem };
        if (record.number === headNumber) break;
      }
    }
  } finally {
    await headers.return(undefined);
  }
  if (headerRlp === undefined || recent.length === 0) return { ok: false, reason: `it has no header for its head block ${headNumber}` };
  const stateRoot = (RLP.decode(headerRlp) as Uint8Array[])[3];
  const rootNode = await store.nodes.get(Buffer.from(stateRoot));
  if (rootNode === undefined || !equalsBytes(keccak256Bytes(rootNode), stateRoot)) {
    return { ok: false, reason: `the state root ${bytesToHex(stateRoot)} of its head block ${headNumber} is ${rootNode === undefined ? "missing" : "damaged"}` };
  }
  return { ok: true, headerRlp, recentHashes: recent.slice(0, -1), checked: recent.length === 0 ? 0 : headNumber + 1 };
}

/** The transactions trie root of raw signed transactions (each keyed by its RLP index, valued by its bytes, as in a block). */
async function transactionsRoot(raws: string[], common: ReturnType<typeof chainCommon>): Promise<Uint8Array> {
  const trie = new MerklePatriciaTrie({ common });
  for (const [i, raw] of raws.entries()) await trie.put(RLP.encode(i), hexToBytes(raw as `0x${string}`));
  return trie.root();
}

/** The receipts urne reads back, from what the block's transactions gave. */
function storedReceipts({ block, results }: BuiltBlock): StoredReceipt[] {
  const baseFee = block.header.baseFeePerGas ?? 0n;
  return results.map((result, i) => {
    const tx = block.transactions[i];
    const price = "maxFeePerGas" in tx ? baseFee + min(tx.maxPriorityFeePerGas, tx.maxFeePerGas - baseFee) : (tx as { gasPrice: bigint }).gasPrice;
    return {
      hash: bytesToHex(tx.hash()),
      from: tx.getSenderAddress().toString(),
      type: tx.type,
      status: (result.receipt as { status: 0 | 1 }).status,
      gasUsed: result.totalGasSpent.toString(),
      cumulativeGasUsed: result.receipt.cumulativeBlockGasUsed.toString(),
      effectiveGasPrice: price.toString(),
      contractAddress: result.createdAddress?.toString() ?? null,
      logs: result.receipt.logs.map(([address, topics, data]) => [bytesToHex(address), topics.map(bytesToHex), bytesToHex(data)]),
    };
  });
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);
