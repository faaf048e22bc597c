// A signed vote as JSON (PROTOCOL.md §4: the body of the relay's POST /v1/votes, the file
// `urne submit` sends) becomes a well-formed SignedVote, or an UrneError naming the field
// ("vote.tokenSignature"). Shape only: what the contract decides (token, signature,
// payload rules) is vote-check.ts's job. One parser for the relay and the observer tools.
import type { SignedVote } from "./ballot.js";
import { UrneError } from "./errors.js";
import { checkSafeInteger, parseAddress, parseDecimal } from "./fields.js";
import { parseHex, toHex } from "./hex.js";
import { MAX_REVISION } from "./vote.js";
import { MAX_SEALED_PAYLOAD_BYTES } from "./sealed/sealed-layout.js";

const FIELDS = new Set(["ballotId", "voter", "revision", "payload", "tokenSignature", "voterSignature"]);

export function parseVoteBody(body: unknown): SignedVote {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new UrneError("ERR_INVALID_VOTE", "The body must be a JSON object: a signed vote (PROTOCOL.md §4).", { field: "vote" });
  }
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) {
    if (!FIELDS.has(key)) throw new UrneError("ERR_INVALID_VOTE", `vote.${key} is not a field of a signed vote`, { field: `vote.${key}` });
  }
  const payload = parseHex(b.payload, "vote.payload");
  // A public ballot's payload has at most MAX_OPTIONS bytes, a sealed one's is longer
  // (§11.3); which one a ballot takes is the vote check's business.
  if (payload.length > MAX_SEALED_PAYLOAD_BYTES) {
    throw new UrneError("ERR_INVALID_HEX", `vote.payload must be at most ${MAX_SEALED_PAYLOAD_BYTES} bytes (the longest sealed ballot)`, { field: "vote.payload" });
  }
  return {
    ballotId: parseDecimal(b.ballotId, "vote.ballotId"),
    voter: parseAddress(b.voter, "vote.voter"),
    revision: checkSafeInteger(b.revision, "vote.revision", 0, MAX_REVISION),
    // Canonical lower-case hex: the journal and the duplicate check compare strings.
    payload: toHex(payload),
    tokenSignature: toHex(parseHex(b.tokenSignature, "vote.tokenSignature", 256)),
    voterSignature: toHex(parseHex(b.voterSignature, "vote.voterSignature", 65)),
  };
}
