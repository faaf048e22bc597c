// The relay's edge (STYLE.md habit 6): a POST /v1/votes body becomes a well-formed
// SignedVote, or an UrneError naming the field ("vote.tokenSignature"). Shape only: what
// the contract decides (token, signature, payload rules) is vote-check.ts's job.
import {
  MAX_OPTIONS, MAX_REVISION, UrneError, checkSafeInteger, parseAddress, parseDecimal, parseHex, toHex, type SignedVote,
} from "../../protocol/index.js";

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
  if (payload.length > MAX_OPTIONS) {
    throw new UrneError("ERR_INVALID_HEX", `vote.payload must be at most ${MAX_OPTIONS} bytes`, { field: "vote.payload" });
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
