// A trustee's decryption share of a tally (PROTOCOL.md §11.6): for the aggregates A_1..A_K
// of the counted ballots' cells, D_k = s_j·A_k with its key share s_j, and one proof that
// the same s_j links its verification key Y_j = s_j·G to every D_k (a Chaum-Pedersen proof
// of one witness over K+1 bases):
//   random w;  P_0 = w·G,  P_k = w·A_k
//   c = H_decrypt(tallyDigest ‖ Y_j ‖ K ‖ A_1..A_K ‖ D_1..D_K ‖ P_0 ‖ P_1..P_K),  v = w − s_j·c
//   verify: P_0 = v·G + c·Y_j,  P_k = v·A_k + c·D_k
// The tally digest binds the share to one ballot's one tally: a share made for other
// aggregates, another ballot or another trustee fails.
import { UrneError, ErrorCode } from "../errors.js";
import { challenge, PROOF_DOMAIN } from "./challenge.js";
import { G, decodePoint, decodeScalar, encodePoint, encodeScalar, mod, mulPublic, POINT_BYTES, randomScalar, SCALAR_BYTES, transcriptPoint, type Point } from "./group.js";

export type DecryptionShare = { shares: Point[]; challenge: bigint; response: bigint };

export type ShareStatement = {
  /** 32 bytes: what the share is a share of (tally-digest.ts). */
  tallyDigest: Uint8Array;
  /** The trustee's verification key Y_j. */
  verificationKey: Point;
  /** The tally's aggregates ΣA_k, one per cell. */
  aggregates: readonly Point[];
};

function shareChallenge(s: ShareStatement, shares: readonly Point[], commitments: readonly Point[]): bigint {
  return challenge(PROOF_DOMAIN.decrypt, [
    s.tallyDigest, encodePoint(s.verificationKey), encodeScalar(BigInt(s.aggregates.length)),
    ...s.aggregates.map(transcriptPoint), ...shares.map(transcriptPoint), ...commitments.map(transcriptPoint),
  ]);
}

/** The trustee's share of `s.aggregates` with its key share `secret`, and its proof. */
export function makeDecryptionShare(s: ShareStatement, secret: bigint, random: () => bigint = randomScalar): DecryptionShare {
  const shares = s.aggregates.map((A) => (A.is0() ? A : A.multiply(secret)));
  const w = random();
  const commitments = [G.multiply(w), ...s.aggregates.map((A) => (A.is0() ? A : A.multiply(w)))];
  const c = shareChallenge(s, shares, commitments);
  return { shares, challenge: c, response: mod(w - secret * c) };
}

export function verifyDecryptionShare(s: ShareStatement, share: DecryptionShare): boolean {
  if (share.shares.length !== s.aggregates.length) return false;
  const { challenge: c, response: v } = share;
  const commitments = [
    mulPublic(G, v).add(mulPublic(s.verificationKey, c)),
    ...s.aggregates.map((A, k) => mulPublic(A, v).add(mulPublic(share.shares[k], c))),
  ];
  return shareChallenge(s, share.shares, commitments) === c;
}

/** D_1 ‖ ... ‖ D_K ‖ c ‖ v: 33·K + 64 bytes. */
export function encodeDecryptionShare(share: DecryptionShare): Uint8Array {
  const out = new Uint8Array(share.shares.length * POINT_BYTES + 2 * SCALAR_BYTES);
  share.shares.forEach((D, k) => out.set(transcriptPoint(D), k * POINT_BYTES));
  out.set(encodeScalar(share.challenge), share.shares.length * POINT_BYTES);
  out.set(encodeScalar(share.response), share.shares.length * POINT_BYTES + SCALAR_BYTES);
  return out;
}

/** Reads a share of `cells` cells (ERR_INVALID_PAYLOAD naming the field); checks no proof. */
export function decodeDecryptionShare(bytes: Uint8Array, cells: number, field: string): DecryptionShare {
  const length = cells * POINT_BYTES + 2 * SCALAR_BYTES;
  if (bytes.length !== length) throw new UrneError(ErrorCode.ERR_INVALID_PAYLOAD, `${field} must be ${length} bytes for ${cells} cells, got ${bytes.length}`, { field });
  const shares = Array.from({ length: cells }, (_, k) => decodePoint(bytes.subarray(k * POINT_BYTES, (k + 1) * POINT_BYTES), `${field}.shares[${k}]`));
  const at = cells * POINT_BYTES;
  return { shares, challenge: decodeScalar(bytes.subarray(at, at + SCALAR_BYTES), `${field}.challenge`), response: decodeScalar(bytes.subarray(at + SCALAR_BYTES), `${field}.response`) };
}
