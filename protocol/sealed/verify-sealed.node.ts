// A second, faster implementation of `verifySealedBallot` (sealed-ballot.ts) for the parts
// that check ballots by the thousand: the relay, the trustees and the observers' recount.
// The curve arithmetic is Bitcoin Core's libsecp256k1 through the `secp256k1` package's
// public API (prebuilt binaries, as vote-recover.node.ts uses it; where none fits the
// platform the package falls back to its own JavaScript: same answers, slower); the format parser, the
// transcript and the challenge are the shared ones (sealed-payload.ts, membership-proof.ts),
// so only the point operations differ. Same verdicts on the same bytes, the same error and
// field: test/protocol/sealed/ holds both to the committed vectors and to the same
// tampered ballots.
import { createRequire } from "node:module";
import type { BallotRules } from "../ballot.js";
import { UrneError, ErrorCode } from "../errors.js";
import { PROOF_DOMAIN } from "./challenge.js";
import { encodeScalar, mod, POINT_BYTES } from "./group.js";
import { membershipChallenge, type EncodedStatement, type MembershipProof } from "./membership-proof.js";
import { CELL_VALUES, sealedLayout } from "./sealed-layout.js";
import { splitSealedPayload } from "./sealed-payload.js";

type Secp = {
  publicKeyVerify(key: Uint8Array): boolean;
  publicKeyCreate(secret: Uint8Array, compressed: boolean): Uint8Array;
  publicKeyTweakMul(key: Uint8Array, tweak: Uint8Array, compressed: boolean): Uint8Array;
  publicKeyTweakAdd(key: Uint8Array, tweak: Uint8Array, compressed: boolean): Uint8Array;
  publicKeyCombine(keys: Uint8Array[], compressed: boolean): Uint8Array;
};
const secp = createRequire(import.meta.url)("secp256k1") as Secp;

/** A point as 33 compressed bytes, or null for the identity (which the library cannot hold). */
type Pt = Uint8Array | null;
const IDENTITY_BYTES = new Uint8Array(POINT_BYTES);

/** k·P (k public, in [0, n)). */
function mul(point: Pt, k: bigint): Pt {
  if (point === null || k === 0n) return null;
  return secp.publicKeyTweakMul(point, encodeScalar(k), true);
}

/** k·G. */
const mulG = (k: bigint): Pt => (k === 0n ? null : secp.publicKeyCreate(encodeScalar(k), true));

/** The sum of points; null when it is the identity. */
function add(...points: Pt[]): Pt {
  const present = points.filter((p): p is Uint8Array => p !== null);
  if (present.length === 0) return null;
  if (present.length === 1) return present[0];
  try {
    return secp.publicKeyCombine(present, true);
  } catch {
    return null; // the library refuses a sum that is the identity
  }
}

/** P − m·G. */
const minusG = (point: Pt, m: bigint): Pt => (m === 0n ? point : add(point, mulG(mod(-m))));

function verifyMembershipNative(s: EncodedStatement, proof: MembershipProof): boolean {
  const k = s.values.length;
  if (proof.challenges.length !== k || proof.responses.length !== k) return false;
  const commitments: Uint8Array[] = [];
  let sum = 0n;
  for (let j = 0; j < k; j++) {
    const c = proof.challenges[j];
    const v = proof.responses[j];
    sum += c;
    const P = add(mulG(v), mul(s.A, c));
    const Q = add(mul(s.electionKey, v), mul(minusG(s.B, s.values[j]), c));
    commitments.push(P ?? IDENTITY_BYTES, Q ?? IDENTITY_BYTES);
  }
  return mod(sum) === membershipChallenge(s, commitments);
}

export type NativeVerifyInput = {
  context: Uint8Array;
  /** The election key, 33 bytes compressed (checked here). */
  electionKey: Uint8Array;
  rules: BallotRules;
  payload: Uint8Array;
  field?: string;
};

/** Same contract as verifySealedBallot: throws ERR_INVALID_PAYLOAD or ERR_INVALID_BALLOT_PROOF naming the field. */
export function verifySealedBallotNative(input: NativeVerifyInput): void {
  const field = input.field ?? "payload";
  if (input.electionKey.length !== POINT_BYTES || !secp.publicKeyVerify(input.electionKey)) throw new TypeError("verifySealedBallotNative: electionKey is not a compressed point");
  const parts = splitSealedPayload(input.rules, input.payload, field);
  parts.cells.forEach((c, k) => {
    for (const [name, p] of [["A", c.A], ["B", c.B]] as const) {
      if (!secp.publicKeyVerify(p)) throw new UrneError(ErrorCode.ERR_INVALID_PAYLOAD, `${field}.cells[${k}].${name} is not a point of secp256k1`, { field: `${field}.cells[${k}].${name}` });
    }
  });
  const base = { context: input.context, electionKey: input.electionKey };
  parts.cells.forEach((c, k) => {
    const ok = verifyMembershipNative({ ...base, domain: PROOF_DOMAIN.cell, A: c.A, B: c.B, values: CELL_VALUES }, parts.cellProofs[k]);
    if (!ok) throw new UrneError(ErrorCode.ERR_INVALID_BALLOT_PROOF, `${field}.cellProofs[${k}] does not verify`, { field: `${field}.cellProofs[${k}]` });
  });
  for (const [i, rule] of sealedLayout(input.rules).sums.entries()) {
    const cells = parts.cells.slice(rule.first, rule.first + rule.count);
    const A = add(...cells.map((c) => c.A));
    const B = add(...cells.map((c) => c.B));
    const name = `${field}.sumProofs[${i}]`;
    if (A === null || B === null) throw new UrneError(ErrorCode.ERR_INVALID_BALLOT_PROOF, `${name} is over cells that add up to the identity`, { field: name });
    if (!verifyMembershipNative({ ...base, domain: PROOF_DOMAIN.sum, A, B, values: rule.values }, parts.sumProofs[i])) {
      throw new UrneError(ErrorCode.ERR_INVALID_BALLOT_PROOF, `${name} does not verify`, { field: name });
    }
  }
}
