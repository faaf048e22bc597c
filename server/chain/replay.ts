// Start-up: the journal is replayed into a fresh EVM, block by block, and each rebuilt
// block must have exactly the journaled hash. Any difference (a tampered entry, a changed
// engine, a lost genesis field) stops the node: urne never serves a chain it cannot prove
// is the one it announced. docs/CHAIN.md §Replay.
import { keccak256 } from "ethers";
import type { Evm } from "./evm.js";
import type { Genesis } from "./genesis.js";
import type { BlockRecord, Journal } from "./journal.js";
import { headOf, prevRandaoFor, type ChainHead } from "./sealer.js";

export class ReplayMismatchError extends Error {
  readonly code = "ERR_CHAIN_REPLAY_MISMATCH";
  constructor(
    readonly blockNumber: number,
    readonly expected: string,
    readonly actual: string,
    detail = "",
  ) {
    super(
      `journal replay diverged at block ${blockNumber}: journal says ${expected}, replay gives ${actual}${detail ? ` (${detail})` : ""}. ` +
        "Refusing to serve this chain. Restore the journal from a backup, or run the hardhat version that built it (see docs/CHAIN.md).",
    );
    this.name = "ReplayMismatchError";
  }
}

export type ReplayResult = { head: ChainHead; blocks: number; transactions: number; ms: number };

type RpcBlock = Parameters<typeof headOf>[0];

/**
 * Rebuilds every journaled block in `evm`, which must be fresh (built from `genesis`).
 * `onProgress` is called after each block with the transactions replayed so far.
 */
export async function replayJournal(
  evm: Evm,
  journal: Journal,
  genesis: Genesis,
  onProgress?: (head: ChainHead, transactions: number) => void,
): Promise<ReplayResult> {
  const started = performance.now();
  const head0 = await genesisHead(evm, genesis);
  const { head, transactions } = await replayBlocks(evm, head0, journal.blocks(1), onProgress);
  if (head.number !== journal.head) throw new Error(`journal replay stopped at block ${head.number}, head is ${journal.head}`);

  // EDR's clock now reads the last block's time; a node that was down for a while would
  // estimate gas and run eth_call "pending" in the past. Advance it to now. Sealed blocks
  // always carry an explicit timestamp, so this changes no block.
  await advanceClock(evm, head);
  return { head, blocks: head.number, transactions, ms: performance.now() - started };
}

/** Block 0 of a fresh `evm`, checked against the genesis record's hash. */
export async function genesisHead(evm: Evm, genesis: Genesis): Promise<ChainHead> {
  const block0 = (await evm.request({ method: "eth_getBlockByNumber", params: ["0x0", false] })) as RpcBlock;
  if (genesis.genesisHash !== undefined && block0.hash !== genesis.genesisHash) {
    throw new ReplayMismatchError(0, genesis.genesisHash, block0.hash, "genesis: same record, different engine?");
  }
  return headOf(block0);
}

/** Sets EDR's clock to now (it serves eth_call at the latest block's environment otherwise). */
export async function advanceClock(evm: Evm, head: ChainHead): Promise<void> {
  const lag = Math.floor(Date.now() / 1000) - head.timestamp;
  if (lag > 0) await evm.request({ method: "evm_increaseTime", params: [lag] });
}

/** Rebuilds `records` (the blocks after `head`, in order) in `evm`, each checked against its journaled hash. */
export async function replayBlocks(
  evm: Evm,
  start: ChainHead,
  records: AsyncIterable<BlockRecord> | Iterable<BlockRecord>,
  onProgress?: (head: ChainHead, transactions: number) => void,
): Promise<{ head: ChainHead; transactions: number }> {
  let head = start;
  let transactions = 0;
  for await (const record of records) {
    const n = head.number + 1;
    const mismatch = (actual: string, detail: string) => new ReplayMismatchError(n, record.hash, actual, detail);
    if (record.number !== n) throw mismatch("-", `entry number is ${record.number}`);
    // The sealing rule is part of the chain: check it, so that a journal edited with a
    // consistent fake hash still fails here.
    if (record.prevRandao !== prevRandaoFor(head.hash)) throw mismatch("-", "prevRandao is not keccak256(parent hash)");
    if (!Number.isSafeInteger(record.timestamp) || record.timestamp < head.timestamp) {
      throw mismatch("-", `timestamp ${record.timestamp} is before its parent's ${head.timestamp}`);
    }
    for (const raw of record.transactions) {
      let hash: string;
      try {
        hash = (await evm.request({ method: "eth_sendRawTransaction", params: [raw] })) as string;
      } catch (error) {
        throw mismatch("-", `transaction ${keccak256(raw)} refused: ${(error as Error).message}`);
      }
      if (hash !== keccak256(raw)) throw mismatch("-", `transaction hash ${hash} is not keccak256(raw)`);
    }
    await evm.request({ method: "hardhat_setPrevRandao", params: [record.prevRandao] });
    await evm.request({ method: "evm_mine", params: [record.timestamp] });
    const block = (await evm.request({ method: "eth_getBlockByNumber", params: ["latest", false] })) as RpcBlock;
    if (block.hash !== record.hash) throw mismatch(block.hash, "");
    // Same hash implies same transactions; this only guards against a hash-check bug.
    if (block.transactions.length !== record.transactions.length) {
      throw mismatch(block.hash, `${block.transactions.length} txs mined of ${record.transactions.length} journaled`);
    }
    head = headOf(block);
    transactions += record.transactions.length;
    onProgress?.(head, transactions);
  }
  return { head, transactions };
}
