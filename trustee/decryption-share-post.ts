// A trustee's decryption share of a closed sealed ballot (PROTOCOL.md §11.6), made on the
// trustee's machine from the trustee's own node: the ballot is recounted there (every
// ballot's proofs checked, each voter's latest valid revision, the tally digest and the
// aggregates: observer/recount, steps S1-S3), the share and its proof made with the key
// share of the state file, checked, and posted on chain with submitDecryptionShare from the
// trustee's account. Nothing is taken from the vote host but the ceremony's transcript,
// whose digest the ballot names on chain.
import { Transaction, type Wallet } from "ethers";
import { ballotBoxInterface } from "../protocol/events.js";
import { getReceipt } from "../protocol/audit/node-answers.js";
import { JsonRpcClient, toQuantity } from "../protocol/json-rpc.js";
import { G } from "../protocol/sealed/group.js";
import { verificationKeysOf, type CeremonyTranscript } from "../protocol/sealed/key-ceremony.js";
import type { TrusteeKey } from "../protocol/sealed/trustee.js";
import { nodeSource } from "../observer/recount/event-source.js";
import { recount } from "../observer/recount/recount.js";
import { recountedShare } from "../observer/recount/recounted-share.js";

export class DecryptionRefused extends Error {}

export type PostedShare = { txHash: string; blockNumber: number; tallyDigest: string; ballotsCounted: number; cells: number };

export type PostShareInput = {
  /** The trustee's own node. */
  rpc: string;
  ballotBox: string;
  ballotId: bigint;
  transcript: CeremonyTranscript;
  /** This trustee's index in the ceremony (1-based) and its key (the state file's). */
  index: number;
  key: TrusteeKey;
  /** The trustee's chain account, which the ballot names. */
  wallet: Wallet;
  timeoutMs?: number;
};

export async function postDecryptionShare(input: PostShareInput): Promise<PostedShare> {
  const node = new JsonRpcClient(input.rpc, 30_000);
  const { ballotId, wallet } = input;
  const report = await recount(await nodeSource(input.rpc, input.ballotBox, { ballotId }), { ballotId, ceremonies: [input.transcript] });
  const ballot = report.ballots.find((b) => b.ballotId === ballotId.toString());
  const sealed = ballot?.sealed;
  if (!ballot || !sealed) throw new DecryptionRefused(`ballot ${ballotId} is not a sealed ballot of BallotBox ${input.ballotBox} (on ${input.rpc})`);
  if (!sealed.transcript) throw new DecryptionRefused(`ballot ${ballotId} names key ceremony ${sealed.keyCeremonyDigest}, not this ceremony`);
  if (sealed.tallyDigest === null || sealed.aggregates === null) {
    const s1 = ballot.checks.find((c) => c.step === "S1");
    throw new DecryptionRefused(`ballot ${ballotId} cannot be counted: ${s1?.message ?? "S1 failed"}`);
  }
  if (sealed.trustees[input.index - 1]?.toLowerCase() !== wallet.address.toLowerCase()) {
    throw new DecryptionRefused(`ballot ${ballotId} does not name ${wallet.address} as trustee ${input.index}`);
  }
  if (sealed.shares.some((s) => s.trustee.toLowerCase() === wallet.address.toLowerCase())) {
    throw new DecryptionRefused(`trustee ${wallet.address} already posted a share for ballot ${ballotId}`);
  }
  // The tally is final only once the ballot is closed at the block recounted: a share of a
  // tally that grows afterwards would be of another digest, and a trustee posts only one.
  const asOf = report.asOf.blockNumber;
  const info = ballotBoxInterface.decodeFunctionResult("ballot", await node.call<string>("eth_call", [{ to: input.ballotBox, data: ballotBoxInterface.encodeFunctionData("ballot", [ballotId]) }, toQuantity(asOf)]))[0];
  const block = await node.call<{ timestamp: string }>("eth_getBlockByNumber", [toQuantity(asOf), false]);
  if (BigInt(info.closedAt) === 0n && BigInt(block.timestamp) < BigInt(info.closesAt)) {
    throw new DecryptionRefused(`ballot ${ballotId} is not closed at block ${asOf} (it closes at ${new Date(Number(info.closesAt) * 1000).toISOString()}): its tally may still change`);
  }

  // The verification key the others check this share against is the transcript's.
  const verificationKey = verificationKeysOf(input.transcript)[input.index - 1];
  if (!G.multiply(input.key.keyShare).equals(verificationKey)) throw new DecryptionRefused(`the state file's key share is not trustee ${input.index}'s of this ceremony`);
  const share = recountedShare(sealed, input.key.keyShare, verificationKey);

  const chainId = BigInt(await node.call<string>("eth_chainId"));
  const data = ballotBoxInterface.encodeFunctionData("submitDecryptionShare", [ballotId, sealed.tallyDigest, share]);
  const from = wallet.address;
  const [nonce, gasPrice, estimate] = await Promise.all([
    node.call<string>("eth_getTransactionCount", [from, "pending"]),
    node.call<string>("eth_gasPrice"),
    node.call<string>("eth_estimateGas", [{ from, to: input.ballotBox, data }, "latest"]),
  ]);
  const raw = await wallet.signTransaction(Transaction.from({
    type: 2, chainId, nonce: Number(BigInt(nonce)), to: input.ballotBox, data, gasLimit: (BigInt(estimate) * 6n) / 5n,
    maxFeePerGas: BigInt(gasPrice) * 2n, maxPriorityFeePerGas: 0n,
  }));
  const hash = await node.call<string>("eth_sendRawTransaction", [raw]);
  const deadline = Date.now() + (input.timeoutMs ?? 120_000);
  for (;;) {
    const receipt = await getReceipt(node, hash);
    if (receipt) {
      if (receipt.status !== 1n) throw new DecryptionRefused(`the transaction ${hash} failed (status ${receipt.status})`);
      return { txHash: hash, blockNumber: Number(receipt.blockNumber), tallyDigest: sealed.tallyDigest, ballotsCounted: sealed.ballotsCounted, cells: sealed.aggregates.length };
    }
    if (Date.now() > deadline) throw new DecryptionRefused(`no block holds ${hash} after ${(input.timeoutMs ?? 120_000) / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
