// The proof of vote (PROTOCOL.md §7): the JSON file a voter keeps and anybody can check
// against any node. Parsing is strict (no unknown or missing field, canonical integers,
// exact byte lengths) so that one proof has one meaning. Checking it against a chain is
// the observer's job (§9.2).
import type { SignedVote } from "./ballot.js";
import { MAX_SEALED_PAYLOAD_BYTES } from "./sealed/sealed-layout.js";
import { UrneError, ErrorCode } from "./errors.js";
import { checkSafeInteger, parseAddress, parseDecimal } from "./fields.js";
import { parseHex, toHex } from "./hex.js";
import { ISSUER_MODULUS_BYTES } from "./token/issuer-key.js";
import { MAX_REVISION } from "./vote.js";

export const PROOF_TAG = "proof/1";

/** A proof is the signed vote as cast (§4), where it lives (§6) and where it was counted. */
export type ProofOfVote = {
  urne: typeof PROOF_TAG;
  chainId: bigint;
  ballotBox: string;
} & SignedVote & {
  transactionHash: string;
  blockNumber: number;
  blockHash: string;
};

/** The fields of §7, in the order serializeProof writes them. */
const FIELDS = [
  "urne", "chainId", "ballotBox", "ballotId", "voter", "revision", "payload",
  "tokenSignature", "voterSignature", "transactionHash", "blockNumber", "blockHash",
] as const satisfies readonly (keyof ProofOfVote)[];

function hexField(value: unknown, field: string, min: number, max = min): string {
  const bytes = parseHex(value, field);
  if (bytes.length < min || bytes.length > max) {
    const size = min === max ? `${min}` : `${min} to ${max}`;
    throw new UrneError(ErrorCode.ERR_INVALID_HEX, `${field} must be ${size} bytes, got ${bytes.length}`, { field });
  }
  return toHex(bytes);
}

/**
 * Reads a proof file: a JSON string or its parsed value. Structural faults (not JSON,
 * missing or unknown field, other version) throw ERR_INVALID_PROOF; a malformed value
 * throws the code of its type (ERR_INVALID_HEX, ERR_INVALID_ADDRESS, ERR_INVALID_INTEGER).
 * Every error names the field as `proof.<name>`.
 */
export function parseProof(json: unknown): ProofOfVote {
  let value = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json);
    } catch (cause) {
      throw new UrneError(ErrorCode.ERR_INVALID_PROOF, "proof is not valid JSON", { field: "proof", cause });
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UrneError(ErrorCode.ERR_INVALID_PROOF, "proof must be a JSON object", { field: "proof" });
  }
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      throw new UrneError(ErrorCode.ERR_INVALID_PROOF, `proof has an unknown field "${key}"`, { field: `proof.${key}` });
    }
  }
  for (const key of FIELDS) {
    if (!(key in o)) throw new UrneError(ErrorCode.ERR_INVALID_PROOF, `proof.${key} is missing`, { field: `proof.${key}` });
  }
  if (o.urne !== PROOF_TAG) {
    throw new UrneError(ErrorCode.ERR_INVALID_PROOF, `proof.urne must be "${PROOF_TAG}"`, { field: "proof.urne" });
  }
  return {
    urne: PROOF_TAG,
    chainId: parseDecimal(o.chainId, "proof.chainId", 256, 1n),
    ballotBox: parseAddress(o.ballotBox, "proof.ballotBox"),
    ballotId: parseDecimal(o.ballotId, "proof.ballotId", 256, 1n),
    voter: parseAddress(o.voter, "proof.voter"),
    revision: checkSafeInteger(o.revision, "proof.revision", 0, MAX_REVISION),
    // The payload's validity depends on the ballot's rules, which are on chain (§9.2): up to
    // MAX_OPTIONS bytes for a public ballot, a sealed layout's length for a sealed one (§11.3).
    payload: hexField(o.payload, "proof.payload", 1, MAX_SEALED_PAYLOAD_BYTES),
    tokenSignature: hexField(o.tokenSignature, "proof.tokenSignature", ISSUER_MODULUS_BYTES),
    voterSignature: hexField(o.voterSignature, "proof.voterSignature", 65),
    transactionHash: hexField(o.transactionHash, "proof.transactionHash", 32),
    blockNumber: checkSafeInteger(o.blockNumber, "proof.blockNumber", 0, Number.MAX_SAFE_INTEGER),
    blockHash: hexField(o.blockHash, "proof.blockHash", 32),
  };
}

/** Writes a proof file (§7): canonical field order, decimal strings, lower-case hex, checksummed addresses. */
export function serializeProof(p: ProofOfVote): string {
  const json: Record<string, unknown> = {
    urne: p.urne,
    chainId: typeof p.chainId === "bigint" ? p.chainId.toString() : p.chainId,
    ballotBox: p.ballotBox,
    ballotId: typeof p.ballotId === "bigint" ? p.ballotId.toString() : p.ballotId,
    voter: p.voter,
    revision: p.revision,
    payload: p.payload,
    tokenSignature: p.tokenSignature,
    voterSignature: p.voterSignature,
    transactionHash: p.transactionHash,
    blockNumber: p.blockNumber,
    blockHash: p.blockHash,
  };
  // Normalise through the parser, so that only a valid proof is ever written.
  const valid = parseProof(json);
  return JSON.stringify({ ...valid, chainId: valid.chainId.toString(), ballotId: valid.ballotId.toString() }, FIELDS as unknown as string[], 2) + "\n";
}
