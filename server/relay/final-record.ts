// The relay's highest final ballot: the block, and the transaction in it, of the final
// receipt with the highest block number. The relay keeps it in its journal's receipts and
// copies it to `<data>/relay/URNE-FINAL` (a slot file, server/store/slot-file.ts) after
// each settle, so that the embedded chain of the same data directory can check at its start,
// before it serves anything, that it still holds that block and that transaction (node.ts);
// and the relay checks the same against whatever chain it is given, at its own start
// (relay-service.ts). A chain that fails either lost blocks it announced as final, or is
// not the chain the relay used: nobody may be served another history (docs/OPERATIONS.md §3.1).
import path from "node:path";
import type { Provider } from "ethers";
import { readSlotFile, type SlotRead } from "../store/slot-file.js";

/** The relay's own LevelDB, `<data>/relay`. */
export const RELAY_DB_DIR = "relay";
export const FINAL_RECORD_FILE = "URNE-FINAL";

export type FinalRecord = { blockNumber: number; txHash: string; receiptId: string; ballotId: string };

export const finalRecordPath = (dataDir: string) => path.join(dataDir, RELAY_DB_DIR, FINAL_RECORD_FILE);

export function readFinalRecord(dataDir: string): Promise<SlotRead<FinalRecord>> {
  return readSlotFile<FinalRecord>(finalRecordPath(dataDir));
}

/** The chain does not hold what the relay recorded as final. */
export class ChainLostFinalError extends Error {
  readonly code = "ERR_CHAIN_LOST_FINAL";
  constructor(readonly final: FinalRecord, chain: string) {
    super(
      `the relay recorded ballot receipt ${final.receiptId} (ballot ${final.ballotId}) final in block ${final.blockNumber}, ` +
        `transaction ${final.txHash}, but ${chain}: the chain lost blocks it had announced as final, or is not the relay's chain. ` +
        "Refusing to go on with another history; nothing was changed. Restore the chain's journal (docs/OPERATIONS.md §3.1).",
    );
    this.name = "ChainLostFinalError";
  }
}

/**
 * The relay's own check, against any chain it is given (at its start, before it sends
 * anything): the chain's head reaches the block of its highest final receipt, and that
 * block holds its transaction.
 */
export async function checkChainHoldsFinal(final: FinalRecord | undefined, provider: Pick<Provider, "getBlockNumber" | "getTransactionReceipt">, chain: string): Promise<void> {
  if (!final) return;
  const head = await provider.getBlockNumber();
  if (head < final.blockNumber) throw new ChainLostFinalError(final, `${chain} has head ${head}`);
  const receipt = await provider.getTransactionReceipt(final.txHash);
  if (receipt?.blockNumber !== final.blockNumber) {
    throw new ChainLostFinalError(final, `${chain} has that transaction ${receipt ? `in block ${receipt.blockNumber}` : "in no block"}`);
  }
}
