// What a dishonest node (or vote host) would show one voter: the ballot's BallotCreated
// event with another issuer key (one whose private key the operator holds, with a key
// proof that verifies), in a block forged to match: the receipts re-hashed into the
// header's receipts root and the header re-hashed. Only another node, or the ballot's
// fingerprint, can tell it from the real block.
import { ballotBoxInterface, EVENT_TOPICS, decodeBallotBoxLog, toHex, modulusBytes } from "../../protocol/index.js";
import { generateIssuerKey } from "../../protocol/token/blind-sign.node.js";
import { proveIssuerKey } from "../../protocol/token/key-proof.node.js";
import { headerHash } from "../../protocol/audit/block-header.js";
import { receiptsRoot } from "../../protocol/audit/receipts-root.js";
import { rpcCall } from "./rpc.js";
import type { Lie } from "./lying-node.js";

type Json = Record<string, any>;
const q = (n: number) => "0x" + n.toString(16);

export type ForgedBallot = { block: Json; receipts: Json[]; creationTx: string; issuerModulus: string };

/**
 * The block holding `ballotId`'s BallotCreated on `rpcUrl`, with another issuer key (a fresh
 * one, or `key`); `rehash` false keeps the honest header (a clumsy liar).
 */
export async function forgeBallotCreated(rpcUrl: string, ballotBox: string, ballotId: bigint, blockNumber: number, rehash = true, key?: { modulus: string; keyProof: string }): Promise<ForgedBallot> {
  const block = (await rpcCall(rpcUrl, "eth_getBlockByNumber", [q(blockNumber), false])) as Json;
  const receipts = (await Promise.all((block.transactions as string[]).map((h) => rpcCall(rpcUrl, "eth_getTransactionReceipt", [h])))) as Json[];
  const fresh = key ? undefined : generateIssuerKey();
  const issuerModulus = key?.modulus ?? toHex(modulusBytes(fresh!.publicKey));
  const issuerKeyProof = key?.keyProof ?? toHex(proveIssuerKey(fresh!.privateKey));
  let creationTx = "";
  const forgedReceipts = structuredClone(receipts);
  for (const receipt of forgedReceipts) {
    for (const log of receipt.logs as Json[]) {
      if (log.topics[0]?.toLowerCase() !== EVENT_TOPICS.BallotCreated || BigInt(log.topics[1]) !== ballotId) continue;
      const event = decodeBallotBoxLog(log as never, ballotBox);
      if (event?.event !== "BallotCreated") continue;
      const params = { ...event.params, issuerModulus, issuerKeyProof };
      log.data = ballotBoxInterface.encodeEventLog("BallotCreated", [ballotId, event.organizer, params]).data;
      creationTx = receipt.transactionHash;
    }
  }
  if (!creationTx) throw new Error(`no BallotCreated of ballot ${ballotId} in block ${blockNumber}`);
  const forgedBlock = { ...block };
  if (rehash) {
    forgedBlock.receiptsRoot = receiptsRoot(forgedReceipts);
    forgedBlock.hash = headerHash(forgedBlock);
    for (const receipt of forgedReceipts) {
      receipt.blockHash = forgedBlock.hash;
      for (const log of receipt.logs) log.blockHash = forgedBlock.hash;
    }
  }
  return { block: forgedBlock, receipts: forgedReceipts, creationTx, issuerModulus };
}

/** The lie that serves `forged` wherever its block or receipts are asked for. */
export function serveForged(forged: ForgedBallot): Lie {
  const number = forged.block.number as string;
  return (method, params, result) => {
    if ((method === "eth_getBlockByNumber" && params[0] === number) || (method === "eth_getBlockByHash" && params[0] === forged.block.hash)) return forged.block;
    if (method === "eth_getBlockReceipts" && (params[0] === number || params[0] === forged.block.hash)) return forged.receipts;
    if (method === "eth_getTransactionReceipt") return forged.receipts.find((r) => r.transactionHash === params[0]) ?? result;
    return result;
  };
}
