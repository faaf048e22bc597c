// Writes test/vectors/sealed-v2.json: deterministic vectors of sealed ballots (PROTOCOL.md
// §11) for both verifiers (sealed-ballot.ts in @noble/curves, verify-sealed.node.ts on
// libsecp256k1) and for any other implementation: valid ballots of the three kinds, and
// ballots each wrong in one named way, with the error code and field a verifier must give.
// Every secret comes from a labelled hash, so test/protocol/sealed/sealed-vectors.test.ts
// re-derives the file and fails if it drifts. Run: npx tsx scripts/make-sealed-vectors.ts
import { writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { keccak256, toUtf8Bytes } from "ethers";
import { BallotKind, type BallotRules } from "../protocol/ballot.js";
import type { Choice } from "../protocol/payload.js";
import { electionKeyHash, sealedContext, type SealedContextInput } from "../protocol/sealed/ballot-context.js";
import { G, ORDER, encodePoint, mod } from "../protocol/sealed/group.js";
import { sealBallot } from "../protocol/sealed/sealed-ballot.js";
import { forgeSealedPayload } from "./vectors/forge-sealed.js";
import { toHex } from "../protocol/hex.js";

const root = path.resolve(import.meta.dirname, "..");
export const SEALED_VECTORS_FILE = path.join(root, "test/vectors/sealed-v2.json");

/** Scalars in [1, n) from a label: keccak256("urne/sealed-vectors/<label>/<i>") mod n. */
export function labelledRandom(label: string): () => bigint {
  let i = 0;
  return () => {
    const value = mod(BigInt(keccak256(toUtf8Bytes(`urne/sealed-vectors/${label}/${i++}`))));
    return value === 0n ? 1n : value;
  };
}

const CHAIN_ID = 31337n;
const BALLOT_BOX = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const VOTER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const OTHER_VOTER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

export type SealedVector = {
  name: string;
  rules: BallotRules;
  context: { chainId: string; ballotBox: string; ballotId: string; electionKeyHash: string; voter: string };
  /** The election key, 33 bytes compressed. */
  electionKey: string;
  payload: string;
  tracker: string;
  /** Absent: valid. Present: what every verifier must answer. */
  invalid?: { code: string; field: string; why: string };
};

export function makeSealedVectors(): { about: string; electionSecret: string; vectors: SealedVector[] } {
  const x = labelledRandom("election-secret")();
  const Y = G.multiply(x);
  const Ybytes = encodePoint(Y);
  const keyHash = electionKeyHash(Ybytes, keccak256(toUtf8Bytes("urne/sealed-vectors/ceremony")));
  const otherKey = G.multiply(labelledRandom("other-election-secret")());
  const single: BallotRules = { kind: BallotKind.SingleChoice, optionCount: 3, minChoices: 0, maxChoices: 0 };
  const multiple: BallotRules = { kind: BallotKind.MultipleChoice, optionCount: 5, minChoices: 1, maxChoices: 3 };
  const judgment: BallotRules = { kind: BallotKind.MajorityJudgment, optionCount: 3, minChoices: 0, maxChoices: 0 };
  const contextOf = (ballotId: bigint, rules: BallotRules, voter = VOTER, key = keyHash): SealedContextInput =>
    ({ chainId: CHAIN_ID, ballotBox: BALLOT_BOX, ballotId, electionKeyHash: key, rules, voter });

  const vectors: SealedVector[] = [];
  const push = (name: string, rules: BallotRules, ctx: SealedContextInput, payload: Uint8Array, invalid?: SealedVector["invalid"]) => {
    vectors.push({
      name, rules,
      context: { chainId: ctx.chainId.toString(), ballotBox: ctx.ballotBox, ballotId: ctx.ballotId.toString(), electionKeyHash: ctx.electionKeyHash, voter: ctx.voter },
      electionKey: toHex(Ybytes), payload: toHex(payload), tracker: keccak256(payload), ...(invalid ? { invalid } : {}),
    });
  };
  const seal = (label: string, ballotId: bigint, rules: BallotRules, choice: Choice, ctx = contextOf(ballotId, rules), key = Y) =>
    sealBallot({ context: sealedContext(ctx), electionKey: key, rules, choice, random: labelledRandom(label) }).payload;
  const forge = (label: string, ballotId: bigint, rules: BallotRules, cells: number[]) =>
    forgeSealedPayload({ context: sealedContext(contextOf(ballotId, rules)), electionKey: Y, rules, cells, random: labelledRandom(label) });
  const proofFails = (field: string, why: string) => ({ code: "ERR_INVALID_BALLOT_PROOF", field, why });
  const badPayload = (field: string, why: string) => ({ code: "ERR_INVALID_PAYLOAD", field, why });

  // Valid ballots, one per kind (and the bounds of a multiple choice).
  const sc = seal("single-contre", 1n, single, { kind: BallotKind.SingleChoice, option: 1 });
  push("single choice: Contre", single, contextOf(1n, single), sc);
  push("single choice: the last option, which has no cell (both cells 0)", single, contextOf(1n, single), seal("single-last", 1n, single, { kind: BallotKind.SingleChoice, option: 2 }));
  push("multiple choice: 1 of 5 (the minimum)", multiple, contextOf(2n, multiple), seal("multiple-min", 2n, multiple, { kind: BallotKind.MultipleChoice, options: [4] }));
  push("multiple choice: 3 of 5 (the maximum)", multiple, contextOf(2n, multiple), seal("multiple-max", 2n, multiple, { kind: BallotKind.MultipleChoice, options: [0, 2, 3] }));
  push("majority judgment: 3 candidates", judgment, contextOf(3n, judgment), seal("judgment", 3n, judgment, { kind: BallotKind.MajorityJudgment, grades: [5, 0, 3] }));

  // Wrong in one way each.
  push("a cell that encrypts 2", single, contextOf(1n, single), forge("cell-2", 1n, single, [2, 0]), proofFails("payload.cellProofs[0]", "a cell holds 0 or 1"));
  push("single choice with two options (sum 2)", single, contextOf(1n, single), forge("sum-2", 1n, single, [1, 1]), proofFails("payload.sumProofs[0]", "one option at most among the cells"));
  push("multiple choice above its maximum (4 of 5, max 3)", multiple, contextOf(2n, multiple), forge("above-max", 2n, multiple, [1, 1, 1, 1, 0]), proofFails("payload.sumProofs[0]", "at most maxChoices"));
  push("multiple choice below its minimum (0 of 5, min 1)", multiple, contextOf(2n, multiple), forge("below-min", 2n, multiple, [0, 0, 0, 0, 0]), proofFails("payload.sumProofs[0]", "at least minChoices"));
  push("majority judgment: a candidate with two grades", judgment, contextOf(3n, judgment),
    forge("two-grades", 3n, judgment, [0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0]), proofFails("payload.sumProofs[1]", "one grade at most among a candidate's cells"));
  push("a ballot copied to another voter", single, contextOf(1n, single, OTHER_VOTER), sc, proofFails("payload.cellProofs[0]", "proofs bind the voter's address"));
  push("a ballot for another ballot id", single, contextOf(7n, single), sc, proofFails("payload.cellProofs[0]", "proofs bind the ballot id"));
  push("a ballot under another election key", single, contextOf(1n, single), seal("other-key", 1n, single, { kind: BallotKind.SingleChoice, option: 0 }, contextOf(1n, single), otherKey),
    proofFails("payload.cellProofs[0]", "proofs bind the election key"));
  push("a payload cut short by one byte", single, contextOf(1n, single), sc.subarray(0, sc.length - 1), badPayload("payload", "the exact length of its kind"));
  push("a payload with one byte more", single, contextOf(1n, single), Uint8Array.from([...sc, 0]), badPayload("payload", "the exact length of its kind"));
  push("another version byte", single, contextOf(1n, single), Uint8Array.from([0x01, ...sc.subarray(1)]), badPayload("payload[0]", "version 0x02"));
  const notOnCurve = sc.slice();
  notOnCurve.set(Uint8Array.from({ length: 32 }, () => 0xff), 2); // x = 2^256 - 1 >= p
  push("a point that is not on the curve", single, contextOf(1n, single), notOnCurve, badPayload("payload.cells[0].A", "a point of secp256k1"));
  const repeated = sc.slice();
  repeated.set(sc.subarray(1, 34), 1 + 66); // cell 1's A := cell 0's A
  push("two cells with the same A", single, contextOf(1n, single), repeated, badPayload("payload.cells[1].A", "the same randomness twice"));
  const bigScalar = sc.slice();
  const firstResponse = 1 + 2 * 66 + 2 * 16; // after the cells and the first proof's two challenges
  bigScalar.set(Uint8Array.from(Buffer.from(ORDER.toString(16).padStart(64, "0"), "hex")), firstResponse);
  push("a proof response equal to the group order", single, contextOf(1n, single), bigScalar, badPayload("payload.cellProofs[0].responses[0]", "responses below n"));
  const flipped = sc.slice();
  flipped[flipped.length - 1] ^= 0x01;
  push("one bit of the sum proof flipped", single, contextOf(1n, single), flipped, proofFails("payload.sumProofs[0]", "any change breaks a proof"));

  return {
    about: "Sealed ballots (PROTOCOL.md §11), made by scripts/make-sealed-vectors.ts; every verifier must accept the valid ones and answer each invalid one's code and field.",
    electionSecret: toHex(Uint8Array.from(Buffer.from(x.toString(16).padStart(64, "0"), "hex"))),
    vectors,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  writeFileSync(SEALED_VECTORS_FILE, JSON.stringify(makeSealedVectors(), null, 1) + "\n");
  console.log(`wrote ${path.relative(process.cwd(), SEALED_VECTORS_FILE)}`);
}
