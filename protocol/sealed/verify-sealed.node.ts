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
import { BALLOT_CHALLENGE_SPACE, PROOF_DOMAIN } from "./challenge.js";
import { encodeScalar, mod, POINT_BYTES } from "./group.js";
import { membershipChallenge, type EncodedStatement, type MembershipProof } from "./membership-proof.js";
import { CELL_VALUES, sealedLayout } from "./sealed-layout.js";
import { splitSealedPayload } from "./sealed-payload.js";

type Secp = {
  publicKeyConvert(key: Uint8Array, compressed: boolean): Uint8Array;
  publicKeyCreate(secret: Uint8Array, compressed: boolean): Uint8Array;
  publicKeyTweakMul(key: Uint8Array, tweak: Uint8Array, compressed: boolean): Uint8Array;
  publicKeyCombine(keys: Uint8Array[], compressed: boolean): Uint8Array;
};
const secp = createRequire(import.meta.url)("secp256k1") as Secp;

// Points are held uncompressed (65 bytes) between operations: the library then never
// recomputes a square root to read one (measured here: a sum of two points 9 µs instead of
// about 20, a multiplication 48 µs instead of 67). Only the transcript compresses them.

/** A point, uncompressed, or null for the identity (which the library cannot hold). */
type Pt = Uint8Array | null;
const IDENTITY_BYTES = new Uint8Array(POINT_BYTES);
const UNCOMPRESSED = false;

/** The point of 33 compressed bytes, uncompressed; undefined when it is not on the curve. */
function uncompress(bytes: Uint8Array): Uint8Array | undefined {
  try {
    return secp.publicKeyConvert(bytes, UNCOMPRESSED);
  } catch {
    return undefined;
  }
}

/** k·P (k public, in [0, n)). */
function mul(point: Pt, k: bigint): Pt {
  if (point === null || k === 0n) return null;
  return secp.publicKeyTweakMul(point, encodeScalar(k), UNCOMPRESSED);
}

/** k·G. */
const mulG = (k: bigint): Pt => (k === 0n ? null : secp.publicKeyCreate(encodeScalar(k), UNCOMPRESSED));

/** The sum of points; null when it is the identity. */
function add(...points: Pt[]): Pt {
  const present = points.filter((p): p is Uint8Array => p !== null);
  if (present.length === 0) return null;
  if (present.length === 1) return present[0];
  try {
    return secp.publicKeyCombine(present, UNCOMPRESSED);
  } catch {
    return null; // the library refuses a sum that is the identity
  }
}

/** −m·G for the small values of the sets, made once. */
const minusMG = new Map<bigint, Pt>();
function minusG(point: Pt, m: bigint): Pt {
  if (m === 0n) return point;
  let negated = minusMG.get(m);
  if (negated === undefined) minusMG.set(m, (negated = mulG(mod(-m))));
  return add(point, negated);
}

const transcript = (p: Pt) => (p === null ? IDENTITY_BYTES : secp.publicKeyConvert(p, true));

/** A statement's points uncompressed, with their compressed bytes for the transcript. */
type NativeStatement = { encoded: EncodedStatement; Y: Uint8Array; A: Uint8Array; B: Uint8Array };

function verifyMembershipNative(s: NativeStatement, proof: MembershipProof): boolean {
  const k = s.encoded.values.length;
  if (proof.challenges.length !== k || proof.responses.length !== k) return false;
  const commitments: Uint8Array[] = [];
  let sum = 0n;
  for (let j = 0; j < k; j++) {
    const c = proof.challenges[j];
    const v = proof.responses[j];
    if (c < 0n || c >= BALLOT_CHALLENGE_SPACE) return false;
    sum += c;
    const P = add(mulG(v), mul(s.A, c));
    const Q = add(mul(s.Y, v), mul(minusG(s.B, s.encoded.values[j]), c));
    commitments.push(transcript(P), transcript(Q));
  }
  return sum % BALLOT_CHALLENGE_SPACE === membershipChallenge(s.encoded, commitments);
}

export type NativeVerifyInput = {
  context: Uint8Array;
  /** The election key, 33 bytes compressed (checked here). */
  electionKey: Uint8Array;
  rules: BallotRules;
  payload: Uint8Array;
  field?: string;
};

/** A verified ballot's cells, each point 65 bytes uncompressed (as libsecp256k1 read them: no square root left to take). */
export type NativeCells = { A: Uint8Array; B: Uint8Array }[];

/**
 * Same contract as verifySealedBallot: throws ERR_INVALID_PAYLOAD or ERR_INVALID_BALLOT_PROOF
 * naming the field. Returns the cells, uncompressed, for whoever adds them up (the recount).
 */
export function verifySealedBallotNative(input: NativeVerifyInput): NativeCells {
  const field = input.field ?? "payload";
  const Y = input.electionKey.length === POINT_BYTES ? uncompress(input.electionKey) : undefined;
  if (!Y) throw new TypeError("verifySealedBallotNative: electionKey is not a compressed point");
  const parts = splitSealedPayload(input.rules, input.payload, field);
  const cells = parts.cells.map((c, k) => {
    const point = (name: "A" | "B") => {
      const p = uncompress(c[name]);
      if (!p) throw new UrneError(ErrorCode.ERR_INVALID_PAYLOAD, `${field}.cells[${k}].${name} is not a point of secp256k1`, { field: `${field}.cells[${k}].${name}` });
      return p;
    };
    return { A: point("A"), B: point("B") };
  });
  const base = { context: input.context, electionKey: input.electionKey };
  parts.cells.forEach((c, k) => {
    const statement = { encoded: { ...base, domain: PROOF_DOMAIN.cell, A: c.A, B: c.B, values: CELL_VALUES }, Y, A: cells[k].A, B: cells[k].B };
    if (!verifyMembershipNative(statement, parts.cellProofs[k])) throw new UrneError(ErrorCode.ERR_INVALID_BALLOT_PROOF, `${field}.cellProofs[${k}] does not verify`, { field: `${field}.cellProofs[${k}]` });
  });
  for (const [i, rule] of sealedLayout(input.rules).sums.entries()) {
    const part = cells.slice(rule.first, rule.first + rule.count);
    const A = add(...part.map((c) => c.A));
    const B = add(...part.map((c) => c.B));
    const name = `${field}.sumProofs[${i}]`;
    if (A === null || B === null) throw new UrneError(ErrorCode.ERR_INVALID_BALLOT_PROOF, `${name} is over cells that add up to the identity`, { field: name });
    const statement = { encoded: { ...base, domain: PROOF_DOMAIN.sum, A: transcript(A), B: transcript(B), values: rule.values }, Y, A, B };
    if (!verifyMembershipNative(statement, parts.sumProofs[i])) throw new UrneError(ErrorCode.ERR_INVALID_BALLOT_PROOF, `${name} does not verify`, { field: name });
  }
  return cells.map((c) => ({ A: c.A!, B: c.B! }));
}
