// The JSON-RPC surface of the chain's engine (the `Evm` type the door, the pool and the log
// query read through). Answers keep the shapes EDR gave, field for field (EDR ran urne's
// chain until issue 13; test/chain/engine/engine-rpc.test.ts holds the answers it gave on
// the committed journal). Served: the chain's identity, blocks (with and without full
// transactions), transactions (a waiting one from the pool, `pending`), receipts, logs and
// fee history, read from the derived store and the journal (the raw transactions are the
// journal's, never copied), the head's state (balance, code, storage, nonce), eth_call and
// eth_estimateGas (call-runner.ts, in the next block's environment). There is no mempool
// or mining method: the pool (tx-pool.ts) keeps waiting transactions and the sealer hands
// them to DurableChain.seal.
//
// State: the head's and that of the blocks just before it (STATE_HISTORY_BLOCKS, as a geth
// full node keeps 128: state-history.ts). A state method naming an older block answers
// -32000 naming what is kept, as a pruned geth node does; EDR kept every state in memory.
import { createBlock, createBlockHeaderFromBytesArray, type Block, type BlockHeader } from "@ethereumjs/block";
import { RLP } from "@ethereumjs/rlp";
import { createTxFromRLP, type TypedTransaction } from "@ethereumjs/tx";
import { bigIntToBytes, bytesToHex, createAddressFromString, hexToBytes, setLengthLeft } from "@ethereumjs/util";
import { Bloom } from "@ethereumjs/vm";
import type { Genesis } from "../genesis.js";
import type { Journal } from "../journal.js";
import { RpcError } from "../rpc-error.js";
import { chainCommon } from "./chain-common.js";
import type { StoredReceipt } from "./derived-store.js";
import type { DurableChain } from "./durable-chain.js";
import { CallRunner, type CallBase, type CallRequest } from "./call-runner.js";
import { nextBaseFee } from "../sealer.js";

const qty = (n: bigint | number) => `0x${n.toString(16)}`;
const hex = (b: Uint8Array) => bytesToHex(b);
type Json = Record<string, unknown>;

export const ENGINE_NAME = "@ethereumjs/vm 10.1.3";

export type EvmRequest = { method: string; params?: unknown[] };

/** The only surface the rest of urne sees: one JSON-RPC call at a time. */
export type Evm = {
  request(args: EvmRequest): Promise<unknown>;
  /** The engine's name and version (recorded in the genesis, for diagnosis). */
  readonly engine: string;
};

/**
 * Where a call runs, as sent to the call executor's process: the block whose state it reads
 * (its header), whether it runs in the environment of the next block (the head) or of that
 * block, and the hashes BLOCKHASH may read (the 256 blocks before the environment's).
 */
export type CallSite = { number: number; headerRlp: Uint8Array; next: boolean; hashes: [number, Uint8Array][] };

/** The engine's JSON-RPC, and what the call executor's process needs from it. */
export type EngineEvm = Evm & {
  /** The site of a call at block `ref` (a tag, a number or { blockHash }), or the -32000 refusal a state method gives. */
  callSite(ref: unknown): Promise<CallSite>;
  /** A trie node or code by key, while block `number`'s state is kept; `gone` once it is not. */
  readNode(number: number, key: Buffer): Promise<{ value?: Uint8Array; gone?: string }>;
};

/** A transaction waiting in the pool, as eth_getTransactionByHash shows it (blockNumber null). */
export type PendingLookup = (hash: string) => Record<string, unknown> | undefined;

export function createEngineEvm(chain: DurableChain, journal: Journal, genesis: Genesis, opts: { pending?: PendingLookup; now?: () => number } = {}): EngineEvm {
  const common = chainCommon(genesis);
  const store = chain.derived;
  const headNumber = () => Number(chain.head.header.number);
  const calls = new CallRunner(genesis, common, opts.now);

  /** A block tag or number; `{ blockHash }` (EIP-1898) is resolved by blockRef. */
  const blockNumber = (tag: unknown): number | undefined => {
    if (tag === "latest" || tag === "pending" || tag === "safe" || tag === "finalized") return headNumber();
    if (tag === "earliest") return 0;
    if (typeof tag === "string" && /^0x[0-9a-f]+$/i.test(tag)) return Number(BigInt(tag));
    throw new RpcError(-32602, `invalid block tag ${JSON.stringify(tag)}`);
  };

  /** A block parameter of a state method: a tag, a number, or { blockHash } (unknown hash: -32000, as geth). */
  const blockRef = async (ref: unknown): Promise<number> => {
    if (ref !== null && typeof ref === "object" && "blockHash" in ref) {
      const n = await store.blockNumberOf(String((ref as { blockHash: unknown }).blockHash).toLowerCase());
      if (n === undefined) throw new RpcError(-32000, `header for hash ${String((ref as { blockHash: unknown }).blockHash)} not found`);
      return n;
    }
    return blockNumber(ref ?? "latest")!;
  };

  const header = async (n: number): Promise<BlockHeader | undefined> => {
    const rlp = await store.headerRlp(n);
    return rlp === undefined ? undefined : createBlockHeaderFromBytesArray(RLP.decode(hexToBytes(rlp as `0x${string}`)) as Uint8Array[], { common, setHardfork: false });
  };

  /** Block `n`: its header, its transactions (from the journal) and receipts. */
  const load = async (n: number): Promise<{ block: Block; receipts: StoredReceipt[] } | undefined> => {
    if (n > headNumber()) return undefined;
    const h = await header(n);
    if (!h) return undefined;
    const raws = n === 0 ? [] : (await journal.block(n))!.transactions;
    const transactions = raws.map((raw) => createTxFromRLP(hexToBytes(raw as `0x${string}`), { common }));
    const block = createBlock({ header: h, transactions, withdrawals: [] }, { common, setHardfork: false });
    return { block, receipts: (await store.receipts(n)) ?? [] };
  };

  const txJson = (tx: TypedTransaction, block: Block, index: number, receipt: StoredReceipt): Json => {
    const json: Json = {
      hash: hex(tx.hash()), nonce: qty(tx.nonce), blockHash: hex(block.hash()), blockNumber: qty(block.header.number), transactionIndex: qty(index),
      from: receipt.from, to: tx.to?.toString() ?? null, value: qty(tx.value), gasPrice: qty(BigInt(receipt.effectiveGasPrice)), gas: qty(tx.gasLimit),
      input: hex(tx.data), type: qty(tx.type), v: qty(tx.v!), r: qty(tx.r!), s: qty(tx.s!),
    };
    if (tx.type >= 1) {
      json.chainId = qty(common.chainId());
      json.accessList = (tx.toJSON().accessList ?? []).map((a) => ({ address: a.address, storageKeys: a.storageKeys }));
    }
    if (tx.type === 2) Object.assign(json, { maxFeePerGas: qty((tx as { maxFeePerGas: bigint }).maxFeePerGas), maxPriorityFeePerGas: qty((tx as { maxPriorityFeePerGas: bigint }).maxPriorityFeePerGas) });
    return json;
  };

  const logsOf = (block: Block, receipts: StoredReceipt[]): Json[] => {
    const out: Json[] = [];
    for (const [t, r] of receipts.entries()) {
      for (const [address, topics, data] of r.logs) {
        out.push({ address, topics, data, transactionHash: r.hash, blockHash: hex(block.hash()), blockNumber: qty(block.header.number), logIndex: qty(out.length), transactionIndex: qty(t), removed: false });
      }
    }
    return out;
  };

  const receiptJson = (block: Block, receipts: StoredReceipt[], index: number): Json => {
    const r = receipts[index];
    const tx = block.transactions[index];
    const bloom = new Bloom(undefined, common);
    for (const [address, topics] of r.logs) {
      bloom.add(hexToBytes(address as `0x${string}`));
      for (const topic of topics) bloom.add(hexToBytes(topic as `0x${string}`));
    }
    return {
      blockHash: hex(block.hash()), blockNumber: qty(block.header.number), transactionHash: r.hash, transactionIndex: qty(index), type: qty(r.type),
      from: r.from, to: tx.to?.toString() ?? null, cumulativeGasUsed: qty(BigInt(r.cumulativeGasUsed)), gasUsed: qty(BigInt(r.gasUsed)),
      contractAddress: r.status === 1 ? r.contractAddress : null, logs: logsOf(block, receipts).filter((l) => l.transactionIndex === qty(index)),
      logsBloom: hex(bloom.bitvector), status: qty(r.status), effectiveGasPrice: qty(BigInt(r.effectiveGasPrice)),
    };
  };

  const blockJson = (block: Block, receipts: StoredReceipt[], full: boolean): Json => {
    const h = block.header;
    return {
      hash: hex(block.hash()), parentHash: hex(h.parentHash), sha3Uncles: hex(h.uncleHash), stateRoot: hex(h.stateRoot),
      transactionsRoot: hex(h.transactionsTrie), receiptsRoot: hex(h.receiptTrie), number: qty(h.number), gasUsed: qty(h.gasUsed),
      gasLimit: qty(h.gasLimit), extraData: hex(h.extraData), logsBloom: hex(h.logsBloom), timestamp: qty(h.timestamp),
      difficulty: qty(h.difficulty), totalDifficulty: "0x0", uncles: [],
      transactions: block.transactions.map((tx, i) => (full ? txJson(tx, block, i, receipts[i]) : hex(tx.hash()))),
      size: qty(edrSize(block)), mixHash: hex(h.mixHash), nonce: hex(h.nonce), baseFeePerGas: qty(h.baseFeePerGas ?? 0n),
      miner: h.coinbase.toString(), withdrawals: [], withdrawalsRoot: hex(h.withdrawalsRoot!), blobGasUsed: qty(h.blobGasUsed ?? 0n),
      excessBlobGas: qty(h.excessBlobGas ?? 0n), parentBeaconBlockRoot: hex(h.parentBeaconBlockRoot!),
      ...(h.requestsHash ? { requestsHash: hex(h.requestsHash) } : {}),
    };
  };

  /** Why block `n`'s state cannot be read, if it cannot (docs/CHAIN.md §5.1). */
  const notKept = (n: number): string | undefined => {
    const head = headNumber();
    if (n > head) return `header for block ${n} not found (the head is block ${head})`;
    const oldest = Math.max(0, head - chain.stateHistory);
    if (n < oldest) return `this node keeps the state of blocks ${oldest} to ${head} only (its head and the ${chain.stateHistory} before it); block ${n} was asked`;
    return undefined;
  };

  /** The number of the block whose state `tag` names, or the refusal naming what is kept. */
  const stateBlock = async (tag: unknown): Promise<number> => {
    const n = await blockRef(tag);
    const why = notKept(n);
    if (why !== undefined) throw new RpcError(-32000, why);
    return n;
  };

  /**
   * The state `tag` names: the head's own state manager, or a read-only one on a kept
   * block's root. The caller holds the chain's mutex, so no block is sealed (and no node
   * of a kept state deleted) while it reads.
   */
  const stateAt = async (tag: unknown) => {
    const n = await stateBlock(tag);
    if (n === headNumber()) return chain.state;
    return chain.engineAtHead.stateAt((await header(n))!);
  };

  /** Where a call at `tag` runs (CallRunner, here or in the call executor's process). */
  const callSite = async (tag: unknown): Promise<{ site: CallSite; base: CallBase }> => {
    const n = await stateBlock(tag);
    const engine = chain.engineAtHead;
    const next = n === headNumber();
    const h = next ? engine.head.header : (await header(n))!;
    const environment = next ? n + 1 : n;
    return {
      site: { number: n, headerRlp: h.serialize(), next, hashes: engine.recentHashes(environment - 256, environment - 1) },
      base: { header: h, next, vm: () => engine.scratchVm(h) },
    };
  };

  /** Block by tag/number or by hash (null when there is none). */
  const loadRef = async (method: string, ref: unknown) => {
    if (method.includes("ByHash")) {
      const n = await store.blockNumberOf(String(ref).toLowerCase());
      return n === undefined ? undefined : load(n);
    }
    return load(blockNumber(ref)!);
  };

  const matches = (log: Json, address: unknown, topics: unknown): boolean => {
    if (address !== undefined && address !== null) {
      const wanted = (Array.isArray(address) ? address : [address]).map((a) => String(a).toLowerCase());
      if (!wanted.includes(String(log.address))) return false;
    }
    if (Array.isArray(topics)) {
      const have = log.topics as string[];
      for (const [i, want] of topics.entries()) {
        if (want === null || want === undefined) continue;
        const options = (Array.isArray(want) ? want : [want]).map((t) => String(t).toLowerCase());
        if (!options.includes(have[i])) return false;
      }
    }
    return true;
  };

  const request = async ({ method, params = [] }: EvmRequest): Promise<unknown> => {
    switch (method) {
      case "eth_chainId": return qty(BigInt(genesis.chainId));
      case "net_version": return genesis.chainId;
      case "web3_clientVersion": return ENGINE_NAME;
      case "eth_blockNumber": return qty(headNumber());
      case "eth_getBlockByNumber": {
        const loaded = await load(blockNumber(params[0])!);
        return loaded ? blockJson(loaded.block, loaded.receipts, params[1] === true) : null;
      }
      case "eth_getBlockByHash": {
        const n = await store.blockNumberOf(String(params[0]).toLowerCase());
        const loaded = n === undefined ? undefined : await load(n);
        return loaded ? blockJson(loaded.block, loaded.receipts, params[1] === true) : null;
      }
      case "eth_getBlockTransactionCountByNumber":
      case "eth_getBlockTransactionCountByHash": {
        const loaded = await loadRef(method, params[0]);
        return loaded ? qty(loaded.block.transactions.length) : null;
      }
      case "eth_getTransactionByBlockNumberAndIndex":
      case "eth_getTransactionByBlockHashAndIndex": {
        const loaded = await loadRef(method, params[0]);
        const index = Number(BigInt(String(params[1])));
        if (!loaded || index >= loaded.block.transactions.length) return null;
        return txJson(loaded.block.transactions[index], loaded.block, index, loaded.receipts[index]);
      }
      case "eth_feeHistory":
        return feeHistory(Number(BigInt(String(params[0]))), blockNumber(params[1])!, (params[2] ?? []) as number[]);
      case "eth_getTransactionByHash":
      case "eth_getTransactionReceipt": {
        const at = await store.txLocation(String(params[0]).toLowerCase());
        const loaded = at === undefined ? undefined : await load(at.block);
        if (!at || !loaded) return method === "eth_getTransactionByHash" ? (opts.pending?.(String(params[0]).toLowerCase()) ?? null) : null;
        return method === "eth_getTransactionReceipt" ? receiptJson(loaded.block, loaded.receipts, at.index) : txJson(loaded.block.transactions[at.index], loaded.block, at.index, loaded.receipts[at.index]);
      }
      case "eth_getLogs": {
        const filter = (params[0] ?? {}) as { fromBlock?: string; toBlock?: string; blockHash?: string; address?: unknown; topics?: unknown };
        let from: number;
        let to: number;
        if (filter.blockHash !== undefined) {
          const n = await store.blockNumberOf(filter.blockHash.toLowerCase());
          if (n === undefined) throw new RpcError(-32000, `unknown block ${filter.blockHash}`);
          from = to = n;
        } else {
          from = blockNumber(filter.fromBlock ?? "latest")!;
          to = Math.min(blockNumber(filter.toBlock ?? "latest")!, headNumber());
        }
        const out: Json[] = [];
        for (let n = from; n <= to; n++) {
          const loaded = await load(n);
          if (loaded) for (const log of logsOf(loaded.block, loaded.receipts)) if (matches(log, filter.address, filter.topics)) out.push(log);
        }
        return out;
      }
      case "eth_getBalance": {
        const account = await (await stateAt(params[1])).getAccount(createAddressFromString(String(params[0]).toLowerCase()));
        return qty(account?.balance ?? 0n);
      }
      case "eth_getTransactionCount": {
        const account = await (await stateAt(params[1])).getAccount(createAddressFromString(String(params[0]).toLowerCase()));
        return qty(account?.nonce ?? 0n);
      }
      case "eth_getCode":
        return hex(await (await stateAt(params[1])).getCode(createAddressFromString(String(params[0]).toLowerCase())));
      case "eth_getStorageAt": {
        const slot = setLengthLeft(bigIntToBytes(BigInt(String(params[1]))), 32);
        const value = await (await stateAt(params[2])).getStorage(createAddressFromString(String(params[0]).toLowerCase()), slot);
        return hex(setLengthLeft(value, 32));
      }
      case "eth_call":
        return calls.call((await callSite(params[1])).base, params[0] as CallRequest);
      case "eth_estimateGas":
        return calls.estimateGas((await callSite(params[1])).base, params[0] as CallRequest);
      default:
        throw new RpcError(-32601, `Method ${method} is not supported by the ethereumjs engine`);
    }
  };

  /**
   * eth_feeHistory (as geth): `count` blocks up to `newest`, their base fees and the next
   * block's, the share of the gas limit each used, and per block the priority fee paid at
   * each percentile of its gas (effective price less base fee, transactions by that fee).
   */
  const feeHistory = async (count: number, newest: number, percentiles: number[]) => {
    const last = Math.min(newest, headNumber());
    const oldest = Math.max(0, last - count + 1);
    const baseFeePerGas: string[] = [];
    const gasUsedRatio: number[] = [];
    const reward: string[][] = [];
    let h: BlockHeader | undefined;
    for (let n = oldest; n <= last; n++) {
      const loaded = await load(n);
      if (!loaded) break;
      h = loaded.block.header;
      const baseFee = h.baseFeePerGas ?? 0n;
      baseFeePerGas.push(qty(baseFee));
      gasUsedRatio.push(Number(h.gasUsed) / Number(h.gasLimit));
      if (percentiles.length > 0) {
        const paid = loaded.receipts.map((r) => ({ tip: BigInt(r.effectiveGasPrice) - baseFee, gas: BigInt(r.gasUsed) })).sort((a, b) => (a.tip < b.tip ? -1 : a.tip > b.tip ? 1 : 0));
        const total = paid.reduce((sum, t) => sum + t.gas, 0n);
        reward.push(percentiles.map((pct) => {
          if (paid.length === 0) return "0x0";
          const threshold = (Number(total) * pct) / 100;
          let sum = 0;
          for (const t of paid) {
            sum += Number(t.gas);
            if (sum >= threshold) return qty(t.tip);
          }
          return qty(paid.at(-1)!.tip);
        }));
      }
    }
    if (h) {
      const next = nextBaseFee({ number: Number(h.number), hash: hex(h.hash()), timestamp: Number(h.timestamp), baseFeePerGas: h.baseFeePerGas ?? 0n, gasUsed: h.gasUsed, gasLimit: h.gasLimit }, genesis.baseFeeRule === "zero");
      baseFeePerGas.push(qty(next));
    }
    return { oldestBlock: qty(oldest), baseFeePerGas, gasUsedRatio, ...(percentiles.length > 0 ? { reward } : {}) };
  };
  return {
    request,
    engine: ENGINE_NAME,
    callSite: async (ref) => (await callSite(ref ?? "latest")).site,
    readNode: async (number, key) => {
      // A node of a kept state is deleted only once that state has left the window
      // (state-history.ts). A node found is right whatever happened since (its key is its
      // hash); one not found is missing from the state only if the state is still kept
      // after the read (a block may have been sealed meanwhile: this read holds no lock).
      const value = await chain.engineAtHead.readNode(key);
      if (value !== undefined) return { value };
      const gone = notKept(number);
      return gone !== undefined ? { gone } : {};
    },
  };
}

/**
 * The block's size as EDR reports it: the consensus RLP of the block (ethereumjs'
 * serialize) less, for each typed transaction (EIP-2718), the RLP string header around its
 * bytes (EDR counts a typed transaction's bytes alone: 2 bytes less for a transaction of
 * 56 to 255 bytes; measured against EDR, engine-rpc.test.ts). Legacy ones count the same.
 */
function edrSize(block: Block): number {
  let size = block.serialize().length;
  for (const tx of block.transactions) {
    if (tx.type === 0) continue;
    const bytes = tx.serialize();
    size -= RLP.encode(bytes).length - bytes.length;
  }
  return size;
}
