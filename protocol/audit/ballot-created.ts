// A ballot's BallotCreated event as one node shows it, bound to the block that holds it:
// the block's header hashes to the block's hash, and the log is in that block's receipts,
// which hash to the header's receipts root (as proof check P5 does). A node that changes
// the event (another issuer key, another question) under an honest block hash is caught;
// a node that forges a whole block is caught by comparing nodes, or by the ballot's
// fingerprint (ballot-fingerprint.ts). The widget and `urne fingerprint` use it.
import { ballotFingerprint, sealedLogAfter } from "../ballot-fingerprint.js";
import { decodeBallotBoxLog, EVENT_TOPICS, type BallotCreatedEvent, type BallotSealedEvent, type RawLog } from "../events.js";
import type { RpcCaller } from "../json-rpc.js";
import { getBlock, getBlockReceipts, parseReceipt, receiptsMismatch } from "./node-answers.js";
import { receiptsRoot } from "./receipts-root.js";

/**
 * `sealed`: a sealed ballot's BallotSealed event (PROTOCOL.md §11.9), the log right after its
 * BallotCreated in the same receipt, as createSealedBallot emits them; absent for a public ballot.
 */
export type VerifiedBallot = { event: BallotCreatedEvent; log: RawLog; blockHash: string; fingerprint: string; sealed?: BallotSealedEvent };

/** Why a node's BallotCreated cannot be taken; the caller words it. */
export type BallotCreatedFailure =
  | { reason: "wrong-chain"; chainId: bigint }
  | { reason: "no-block"; blockNumber: number }
  | { reason: "bad-header"; blockNumber: number }
  | { reason: "bad-receipts"; blockNumber: number; detail: string }
  | { reason: "not-found"; blockNumber: number }
  | { reason: "several"; blockNumber: number };

export class BallotCreatedError extends Error {
  constructor(readonly failure: BallotCreatedFailure) {
    super(`BallotCreated check failed: ${failure.reason}${"detail" in failure ? ` (${failure.detail})` : ""}`);
    this.name = "BallotCreatedError";
  }
}

/**
 * The BallotCreated event of `ballotId` in block `blockNumber` of `rpc`, checked against
 * the block's header hash and receipts root. Throws BallotCreatedError with the reason; a
 * node that does not answer throws its NodeRequestError.
 */
export async function verifiedBallotCreated(rpc: RpcCaller, where: { chainId: bigint; ballotBox: string; ballotId: bigint; blockNumber: number }): Promise<VerifiedBallot> {
  const chainId = BigInt(await rpc.call<string>("eth_chainId"));
  if (chainId !== where.chainId) throw new BallotCreatedError({ reason: "wrong-chain", chainId });
  const block = await getBlock(rpc, where.blockNumber);
  if (!block) throw new BallotCreatedError({ reason: "no-block", blockNumber: where.blockNumber });
  if (block.hashOfHeader !== block.hash) throw new BallotCreatedError({ reason: "bad-header", blockNumber: where.blockNumber });
  const receipts = await getBlockReceipts(rpc, block);
  const mismatch = receiptsMismatch(block, receipts) ?? (receiptsRoot(receipts) === block.receiptsRoot ? undefined : "the receipts do not hash to the block's receipts root");
  if (mismatch) throw new BallotCreatedError({ reason: "bad-receipts", blockNumber: where.blockNumber, detail: mismatch });
  const found: { log: RawLog; event: BallotCreatedEvent; sealedLog?: RawLog; sealed?: BallotSealedEvent }[] = [];
  for (const receipt of receipts.map((r) => parseReceipt(r))) {
    if (receipt.status !== 1n) continue;
    for (const [i, log] of receipt.logs.entries()) {
      if (log.address.toLowerCase() !== where.ballotBox.toLowerCase() || log.topics[0]?.toLowerCase() !== EVENT_TOPICS.BallotCreated) continue;
      const event = decodeBallotBoxLog(log, where.ballotBox);
      if (event?.event !== "BallotCreated" || event.ballotId !== where.ballotId) continue;
      const sealedLog = sealedLogAfter(receipt.logs, i);
      const sealed = sealedLog && decodeBallotBoxLog(sealedLog, where.ballotBox);
      found.push({ log, event, ...(sealed?.event === "BallotSealed" ? { sealedLog, sealed } : {}) });
    }
  }
  if (found.length === 0) throw new BallotCreatedError({ reason: "not-found", blockNumber: where.blockNumber });
  if (found.length > 1) throw new BallotCreatedError({ reason: "several", blockNumber: where.blockNumber });
  const [{ log, event, sealedLog, sealed }] = found;
  // The fingerprint covers the BallotSealed event too: the election key is pinned by the embed tag as the question is.
  return { event, log, blockHash: block.hash, fingerprint: ballotFingerprint(chainId, log, sealedLog), ...(sealed ? { sealed } : {}) };
}
