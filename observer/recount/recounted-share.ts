// A decryption share of the tally a sealed recount found (PROTOCOL.md §11.6): D_k = s·A_k for
// each cell's aggregate, with its proof, made and checked here against the verification key
// the readers will check it against. What a trustee posts from its own node
// (trustee/decryption-share-post.ts) and the vote host posts with the operator's key
// (server/ballots/ballot-service.ts): both make it from a recount, never from a tally
// someone hands them.
import { getBytes } from "ethers";
import { encodeDecryptionShare, makeDecryptionShare, verifyDecryptionShare } from "../../protocol/sealed/decryption-share.js";
import { decodeTranscriptPoint, POINT_BYTES, type Point } from "../../protocol/sealed/group.js";
import type { SealedReport } from "./sealed-recount.js";

/** The share's bytes (`D_1 ‖ … ‖ D_K ‖ c ‖ v`) for the report's tally; throws when the report has no tally or the share does not verify. */
export function recountedShare(report: Pick<SealedReport, "tallyDigest" | "aggregates" | "status">, secret: bigint, verificationKey: Point): Uint8Array {
  if (report.tallyDigest === null || report.aggregates === null) throw new Error(`the recount gives no tally (${report.status})`);
  const statement = {
    tallyDigest: getBytes(report.tallyDigest), verificationKey,
    aggregates: report.aggregates.map((hex, k) => decodeTranscriptPoint(getBytes(hex).subarray(0, POINT_BYTES), `aggregates[${k}].A`)),
  };
  const share = makeDecryptionShare(statement, secret);
  if (!verifyDecryptionShare(statement, share)) throw new Error("the decryption share made here does not verify for this tally and key");
  return encodeDecryptionShare(share);
}
