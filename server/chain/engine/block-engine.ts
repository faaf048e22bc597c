// urne's chain executed by ethereumjs (@ethereumjs/vm, public API only) instead of EDR: from
// the journal's genesis record and block records, it builds blocks whose hashes are the
// ones EDR sealed. Unlike EDR it can start from a state it did not build itself (a state
// trie kept on disk, durable-chain.ts), which is what makes a restart independent of the
// number of votes the chain holds (issue 13).
//
// How EDR builds a block, and so how this engine must (each is needed for the same hash):
// - the header: parent hash, number, the journaled timestamp, prevRandao as mixHash, the
//   genesis coinbase and gas limit, empty extraData, zero difficulty and nonce, an empty
//   withdrawals list, EDR's made-up parent beacon root (parentBeaconRootFor), EDR's base fee rule (nextBaseFee in
//   sealer.ts: EIP-1559 from 1 gwei in genesis format 1, always zero in format 2);
// - no system call at block start: EDR runs neither EIP-4788's nor EIP-2935's, so the block
//   builder is constructed directly (BlockBuilder, public), without buildBlock's initState;
// - EIP-7685 requests: none (no deposit, withdrawal or consolidation contract), so the
//   requests hash is sha256 of nothing, as EDR's.
import { BlockBuilder } from "@ethereumjs/vm";
import { createBlock, createBlockHeaderFromBytesArray, type Block, type BlockHeader } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { Caches, MerkleStateManager } from "@ethereumjs/statemanager";
import { createTxFromRLP, type TypedTransaction } from "@ethereumjs/tx";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@ethereumjs/util";
import { keccak256Bytes } from "../../../protocol/keccak.node.js";
import { createVM, type RunTxResult, type VM } from "@ethereumjs/vm";
import { RLP } from "@ethereumjs/rlp";
import type { Genesis } from "../genesis.js";
import type { BlockRecord } from "../journal.js";
import { ReplayMismatchError } from "../replay.js";
import { nextBaseFee, prevRandaoFor } from "../sealer.js";
import { chainCommon, type ChainCommonOptions } from "./chain-common.js";
import { writeGenesis } from "./genesis-block.js";
import { RecentBlockHashes } from "./recent-block-hashes.js";
import { MemoryNodeLevel, TrieNodeStore, type NodeLevel, type NodeWrite } from "./trie-node-store.js";

/** A block the engine built, with what its transactions gave (receipts, created contracts). */
export type BuiltBlock = { block: Block; results: RunTxResult[] };

export type BlockEngineOptions = ChainCommonOptions & {
  /**
   * Where the state trie's nodes live (derived-store.ts). With it, the nodes each block
   * writes are held until the caller takes them (takeNodeWrites) and must be in the level
   * before the next block. Without it, a map in memory that the engine fills itself.
   */
  nodes?: NodeLevel;
};

/** Trie nodes kept: the LRU of ethereumjs' trie (about 100 MB of branch nodes at most). */
const NODE_CACHE = 200_000;

export class BlockEngine {
  private constructor(
    readonly genesis: Genesis,
    readonly common: Common,
    readonly vm: VM,
    readonly trie: MerklePatriciaTrie,
    private readonly nodeStore: TrieNodeStore,
    /** Set when the engine keeps its nodes in memory and so applies its own writes. */
    private readonly memory: MemoryNodeLevel | undefined,
    private readonly recent: RecentBlockHashes,
    private headBlock: Block,
  ) {}

  /**
   * A VM on the state after `header` (the head's by default; an older block's while the
   * store keeps it, state-history.ts) whose writes go nowhere: reads reach the engine's
   * trie nodes, writes stay in a map dropped with it (eth_call, eth_estimateGas:
   * call-runner.ts). The engine's own state manager is never checkpointed for a call:
   * reverting a call that wrote storage through it left its storage tries out of step with
   * its caches (a "Stack underflow" from the trie on the next write).
   */
  async scratchVm(header: BlockHeader = this.headBlock.header): Promise<VM> {
    return scratchVmOn(this.common, { get: (key) => this.readNode(key) }, header.stateRoot, this.recent.shallowCopy());
  }

  /** A state manager on the state after `header`, for reads (balance, code, storage); writes through it go nowhere. */
  async stateAt(header: BlockHeader): Promise<MerkleStateManager> {
    return stateOn(this.common, { get: (key) => this.readNode(key) }, header.stateRoot);
  }

  /** A trie node or code by its key, held or stored (what a call executor's process asks for). */
  async readNode(key: Buffer): Promise<Uint8Array | undefined> {
    return (await this.nodeStore.get(key.toString("hex"))) as Uint8Array | undefined;
  }

  /** The hashes of blocks `from` to `to` the engine keeps for BLOCKHASH, oldest first (those it has). */
  recentHashes(from: number, to: number): [number, Uint8Array][] {
    return this.recent.range(from, to);
  }

  /** The trie nodes written (and pruned) since the last call; the caller writes them (durable-chain.ts). */
  takeNodeWrites(): NodeWrite[] {
    this.#sealedParent = undefined;
    return this.nodeStore.takeWrites();
  }

  #settle(): void {
    this.memory?.apply(this.nodeStore.takeWrites());
  }

  /** The last block built (or opened at). */
  get head(): Block {
    return this.headBlock;
  }

  /** A fresh chain: the genesis state written to `trieDb` (empty), block 0 checked against genesis.genesisHash. */
  static async fromGenesis(genesis: Genesis, opts: BlockEngineOptions = {}): Promise<BlockEngine> {
    const common = chainCommon(genesis, opts);
    const { vm, trie, state, recent, nodeStore, memory } = await newVm(common, opts.nodes);
    const block0 = await writeGenesis(genesis, common, state);
    const hash = bytesToHex(block0.hash());
    if (genesis.genesisHash !== undefined && hash !== genesis.genesisHash) {
      throw new ReplayMismatchError(0, genesis.genesisHash, hash, "genesis: same record, different engine?");
    }
    recent.set(0, block0.hash());
    const engine = new BlockEngine(genesis, common, vm, trie, nodeStore, memory, recent, block0);
    engine.#settle();
    return engine;
  }

  /**
   * The chain as left in `trieDb`: `head` is the last block built (its header's RLP), and
   * `hashes` the hashes of up to 256 blocks before it (BLOCKHASH), oldest first. The caller
   * checked that the head's state root is in `trieDb`.
   */
  static async atHead(genesis: Genesis, head: Uint8Array, hashes: Uint8Array[], opts: BlockEngineOptions = {}): Promise<BlockEngine> {
    const common = chainCommon(genesis, opts);
    const header = createBlockHeaderFromBytesArray(RLP.decode(head) as Uint8Array[], { common, setHardfork: false });
    const { vm, trie, state, recent, nodeStore, memory } = await newVm(common, opts.nodes);
    await state.setStateRoot(header.stateRoot);
    const n = Number(header.number);
    hashes.forEach((hash, i) => recent.set(n - hashes.length + i, hash));
    recent.set(n, header.hash());
    const block = createBlock({ header, withdrawals: [] }, { common, setHardfork: false });
    return new BlockEngine(genesis, common, vm, trie, nodeStore, memory, recent, block);
  }

  /**
   * Executes `record` on the head, which it must follow by the sealing rules (number,
   * prevRandao = keccak256(parent hash), timestamp not before its parent's), and checks the
   * resulting hash against the journaled one. A refused transaction or a different hash
   * throws ReplayMismatchError naming the block, and leaves the head and state as they were.
   */
  async applyBlock(record: BlockRecord): Promise<BuiltBlock> {
    const parent = this.headBlock.header;
    const n = Number(parent.number) + 1;
    const parentHash = bytesToHex(parent.hash());
    this.#sealedParent = undefined;
    const mismatch = (actual: string, detail: string) => new ReplayMismatchError(n, record.hash, actual, detail);
    if (record.number !== n) throw mismatch("-", `entry number is ${record.number}`);
    if (record.prevRandao !== prevRandaoFor(parentHash)) throw mismatch("-", "prevRandao is not keccak256(parent hash)");
    if (!Number.isSafeInteger(record.timestamp) || record.timestamp < Number(parent.timestamp)) {
      throw mismatch("-", `timestamp ${record.timestamp} is before its parent's ${parent.timestamp}`);
    }
    const builder = this.#builder(record.timestamp, record.prevRandao);
    const results: RunTxResult[] = [];
    try {
      for (const raw of record.transactions) {
        let tx: TypedTransaction;
        try {
          tx = createTxFromRLP(hexToBytes(raw as `0x${string}`), { common: this.common });
        } catch (error) {
          throw mismatch("-", `a transaction does not decode: ${(error as Error).message}`);
        }
        try {
          results.push(await builder.addTransaction(tx));
        } catch (error) {
          throw mismatch("-", `transaction ${bytesToHex(tx.hash())} refused: ${(error as Error).message}`);
        }
      }
    } catch (error) {
      await builder.revert();
      await this.#backTo(parent);
      throw error;
    }
    const { block } = await builder.build();
    const hash = bytesToHex(block.hash());
    if (hash !== record.hash) {
      await this.#backTo(parent);
      throw mismatch(hash, "");
    }
    this.headBlock = block;
    this.recent.set(n, block.hash());
    this.#settle();
    return { block, results };
  }

  /** A block builder on the head with EDR's header rules (file comment). */
  #builder(timestamp: number, prevRandao: string): BlockBuilder {
    const parent = this.headBlock.header;
    const baseFeePerGas = nextBaseFee(
      { number: Number(parent.number), hash: bytesToHex(parent.hash()), timestamp: Number(parent.timestamp), baseFeePerGas: parent.baseFeePerGas ?? 0n, gasUsed: parent.gasUsed, gasLimit: parent.gasLimit },
      this.genesis.baseFeeRule === "zero",
    );
    return new BlockBuilder(this.vm, {
      parentBlock: this.headBlock,
      headerData: {
        number: parent.number + 1n,
        timestamp: BigInt(timestamp),
        mixHash: hexToBytes(prevRandao as `0x${string}`),
        coinbase: this.genesis.coinbase as `0x${string}`,
        gasLimit: BigInt(this.genesis.blockGasLimit),
        baseFeePerGas,
        extraData: new Uint8Array(),
        difficulty: 0n,
        parentBeaconBlockRoot: parentBeaconRootFor(parent),
      },
      withdrawals: [],
      blockOpts: { putBlockIntoBlockchain: false, setHardfork: false },
    });
  }

  /**
   * Seals a new block on the head (what the sealer asks EDR's evm_mine for): `candidates`
   * (raw signed transactions, in the pool's order) are executed in turn, and one the block
   * cannot hold is left out with the reason (it does not decode, a nonce that is not its
   * sender's next, funds or a fee cap short, no gas left in the block). The block follows
   * the sealing rules (prevRandao = keccak256(parent hash), `timestamp` not before the
   * parent's). Its trie writes are held as for applyBlock: the caller journals the record,
   * then writes them (takeNodeWrites), or drops the block (dropSealed) if the journal refused it.
   */
  async sealBlock(candidates: string[], timestamp: number): Promise<{ record: BlockRecord; built: BuiltBlock; leftOut: { raw: string; reason: string }[] }> {
    const parent = this.headBlock.header;
    if (!Number.isSafeInteger(timestamp) || timestamp < Number(parent.timestamp)) throw new TypeError(`timestamp ${timestamp} is before the head's ${parent.timestamp}`);
    const prevRandao = prevRandaoFor(bytesToHex(parent.hash()));
    const builder = this.#builder(timestamp, prevRandao);
    const results: RunTxResult[] = [];
    const included: string[] = [];
    const leftOut: { raw: string; reason: string }[] = [];
    for (const raw of candidates) {
      try {
        const tx = createTxFromRLP(hexToBytes(raw as `0x${string}`), { common: this.common });
        results.push(await builder.addTransaction(tx));
        included.push(raw);
      } catch (error) {
        leftOut.push({ raw, reason: (error as Error).message });
      }
    }
    const { block } = await builder.build();
    const n = Number(block.header.number);
    this.#sealedParent = this.headBlock;
    this.headBlock = block;
    this.recent.set(n, block.hash());
    this.#settle();
    return { record: { number: n, timestamp, prevRandao, transactions: included, hash: bytesToHex(block.hash()) }, built: { block, results }, leftOut };
  }

  #sealedParent: Block | undefined;

  /** Undoes the block sealBlock just built (its journal write failed): head and state back to its parent. */
  async dropSealed(): Promise<void> {
    const parent = this.#sealedParent;
    if (!parent || this.memory) throw new TypeError("dropSealed: no sealed block whose writes are still held");
    this.#sealedParent = undefined;
    this.headBlock = parent;
    await this.#backTo(parent.header);
  }

  /**
   * After a refused block: its trie writes (new nodes, and the parent's nodes it pruned)
   * are dropped, so the level holds the parent's state again, and the state is reopened there.
   */
  async #backTo(parent: BlockHeader): Promise<void> {
    this.nodeStore.dropWrites();
    await this.vm.stateManager.setStateRoot(parent.stateRoot);
  }
}

/**
 * A state manager on the state whose root is `root`, reading its nodes from `level`; its
 * writes stay in a map of its own (a scratch TrieNodeStore whose writes nobody takes).
 */
export function stateOn(common: Common, level: NodeLevel, root: Uint8Array): MerkleStateManager {
  const trie = new MerklePatriciaTrie({ common, useKeyHashing: true, db: new TrieNodeStore(level), valueEncoding: "view", root });
  return new MerkleStateManager({ common, trie, prefixStorageTrieKeys: true });
}

/** A VM on `stateOn(common, level, root)` whose BLOCKHASH reads `blockchain` (eth_call, here or in the call executor's process). */
export async function scratchVmOn(common: Common, level: NodeLevel, root: Uint8Array, blockchain: RecentBlockHashes): Promise<VM> {
  return createVM({ common, stateManager: stateOn(common, level, root), blockchain, setHardfork: false });
}

/**
 * EDR has no beacon chain and makes the parent beacon root up: block 1's is
 * keccak256("randomParentBeaconBlockRootSeed"), each later one keccak256 of its parent's
 * (its seeded generator, advanced once per mined block; block 0's is zero).
 */
export function parentBeaconRootFor(parent: BlockHeader): Uint8Array {
  return parent.number === 0n ? keccak256Bytes(utf8ToBytes("randomParentBeaconBlockRootSeed")) : keccak256Bytes(parent.parentBeaconBlockRoot!);
}

/**
 * The VM on a state trie in `level`. Only the state at the head is kept: the trie prunes
 * the nodes a block replaces (urne reads no older state, docs/CHAIN.md §4.2), and each
 * account's storage nodes are keyed under a prefix of its hashed address, so that pruning
 * one contract's node can never remove an identical node of another's.
 */
async function newVm(common: Common, level: NodeLevel | undefined) {
  const memory = level ? undefined : new MemoryNodeLevel();
  const nodeStore = new TrieNodeStore(level ?? memory!);
  const trie = new MerklePatriciaTrie({ common, useKeyHashing: true, useNodePruning: true, cacheSize: NODE_CACHE, db: nodeStore, valueEncoding: "view" });
  const state = new MerkleStateManager({ common, trie, caches: new Caches(), prefixStorageTrieKeys: true });
  const recent = new RecentBlockHashes();
  const vm = await createVM({ common, stateManager: state, blockchain: recent, setHardfork: false });
  return { vm, trie, state, recent, nodeStore, memory };
}
