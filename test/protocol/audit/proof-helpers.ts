// Proofs of vote built as the widget builds them (PROTOCOL.md §7): a vote cast on the real
// contract, and the proof taken from its receipt. Plus the one-character tampering the
// proof-check tests apply to a field.
import type { TransactionReceipt } from "ethers";
import { PROOF_TAG, serializeProof, type SignedVote } from "../../../protocol/index.js";
import { voteArg, type BallotBoxFixture } from "../../helpers/ballot-box-fixture.js";

export type ProofJson = Record<string, unknown>;

/** The proof file of `vote`, counted in `receipt`, as parsed JSON. */
export function proofFromReceipt(fx: Pick<BallotBoxFixture, "chainId" | "deployment">, vote: SignedVote, receipt: TransactionReceipt): ProofJson {
  return JSON.parse(serializeProof({
    urne: PROOF_TAG, chainId: fx.chainId, ballotBox: fx.deployment.address, ...voteArg(vote),
    transactionHash: receipt.hash, blockNumber: receipt.blockNumber, blockHash: receipt.blockHash,
  }));
}

/** Casts `vote` alone with castVote and returns its proof. */
export async function castWithProof(fx: BallotBoxFixture, vote: SignedVote): Promise<ProofJson> {
  const receipt = (await (await fx.box.castVote(voteArg(vote))).wait()) as TransactionReceipt;
  return proofFromReceipt(fx, vote, receipt);
}

/**
 * `hex` with ONE hex digit changed at `index` (counted after "0x"), to another digit: the
 * smallest tampering a voter or an attacker can make to a proof file.
 */
export function changeOneChar(hex: string, index: number): string {
  const at = 2 + index;
  const digit = hex[at];
  const other = digit === "0" ? "1" : "0";
  return hex.slice(0, at) + other + hex.slice(at + 1);
}
