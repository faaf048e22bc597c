// The public transcript of a key ceremony (PROTOCOL.md §11.7) as an observer is handed it:
// the parameters and every trustee's round-1 package, from which anyone derives the
// election key and each trustee's verification key (key-ceremony.ts). The chain names the
// transcript by its digest only (BallotSealed's keyCeremonyDigest, §11.9): the recount
// takes it from a file and checks it against that digest. Two shapes are read, strictly:
//   { "params": {...}, "round1": [package of trustee 1, ..., package of trustee n], "operator"?: {...} }
//   the vote host's GET /v1/ceremonies/:id answer (api-types.ts CeremonyView), whose
//   `round1` is keyed by index ({"1": {"package": {...}, "signature": "0x…"}, ...})
// The packages' signatures are not needed: a transcript that hashes to the ballot's digest
// is the ballot's, whoever hands it over.
import { UrneError, ErrorCode } from "../errors.js";
import { operatorKeyOfTranscript, transcriptCommitments, type CeremonyParams, type CeremonyTranscript, type Round1Package } from "./key-ceremony.js";
import type { OperatorPackage } from "./operator-key.js";

const invalid = (field: string, why: string): never => {
  throw new UrneError(ErrorCode.ERR_KEY_CEREMONY, `${field} ${why}`, { field });
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const HEX = /^0x(?:[0-9a-fA-F]{2})*$/;

function hexString(v: unknown, field: string): string {
  if (typeof v !== "string" || !HEX.test(v)) invalid(field, "must be 0x-prefixed hex of whole bytes");
  return v as string;
}

function round1Package(v: unknown, field: string): Round1Package {
  if (!isObject(v)) return invalid(field, "must be an object");
  if (!Number.isSafeInteger(v.index)) invalid(`${field}.index`, "must be an integer");
  if (!Array.isArray(v.commitment)) invalid(`${field}.commitment`, "must be an array of points");
  return {
    index: v.index as number,
    commitment: (v.commitment as unknown[]).map((c, k) => hexString(c, `${field}.commitment[${k}]`)),
    proofOfKnowledge: hexString(v.proofOfKnowledge, `${field}.proofOfKnowledge`),
    encryptionKey: hexString(v.encryptionKey, `${field}.encryptionKey`),
  };
}

/**
 * Reads a transcript from parsed JSON (ERR_KEY_CEREMONY naming the field), and checks its
 * shape as key-ceremony.ts does (parameters, one package per trustee in index order,
 * every point on the curve).
 */
export function parseCeremonyTranscript(json: unknown, field = "transcript"): CeremonyTranscript {
  if (!isObject(json)) return invalid(field, "must be a JSON object");
  const p = json.params;
  if (!isObject(p)) return invalid(`${field}.params`, "must be an object");
  if (typeof p.ceremonyId !== "string") invalid(`${field}.params.ceremonyId`, "must be a string");
  if (!Number.isSafeInteger(p.threshold)) invalid(`${field}.params.threshold`, "must be an integer");
  if (!Array.isArray(p.trustees) || !p.trustees.every((t) => typeof t === "string")) invalid(`${field}.params.trustees`, "must be an array of addresses");
  if (p.operator !== undefined && typeof p.operator !== "string") invalid(`${field}.params.operator`, "must be an address");
  const params: CeremonyParams = { ceremonyId: p.ceremonyId as string, threshold: p.threshold as number, trustees: [...(p.trustees as string[])], ...(p.operator !== undefined ? { operator: p.operator as string } : {}) };
  let round1: Round1Package[];
  if (Array.isArray(json.round1)) {
    round1 = json.round1.map((pkg, i) => round1Package(pkg, `${field}.round1[${i}]`));
  } else if (isObject(json.round1)) {
    const byIndex = json.round1;
    round1 = params.trustees.map((_, i) => {
      const entry = byIndex[String(i + 1)];
      if (!isObject(entry)) return invalid(`${field}.round1.${i + 1}`, "is missing: every trustee's round-1 package is needed");
      return round1Package(entry.package, `${field}.round1.${i + 1}.package`);
    });
    const extra = Object.keys(byIndex).find((k) => !/^[1-9]\d*$/.test(k) || Number(k) > params.trustees.length);
    if (extra !== undefined) invalid(`${field}.round1.${extra}`, "names no trustee of the ceremony");
  } else {
    return invalid(`${field}.round1`, "must be the round-1 packages (an array in index order, or an object keyed by index)");
  }
  let operator: OperatorPackage | undefined;
  if (json.operator !== undefined) {
    if (!isObject(json.operator)) return invalid(`${field}.operator`, "must be the operator's package");
    operator = { key: hexString(json.operator.key, `${field}.operator.key`), proofOfKnowledge: hexString(json.operator.proofOfKnowledge, `${field}.operator.proofOfKnowledge`) };
  }
  const transcript: CeremonyTranscript = { params, round1, ...(operator ? { operator } : {}) };
  transcriptCommitments(transcript); // parameters, order, points: CeremonyError naming the trustee
  operatorKeyOfTranscript(transcript); // the operator's package is there exactly when named, and proves its key
  return transcript;
}
