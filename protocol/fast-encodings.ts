// The token message (PROTOCOL.md §3.1) written out byte by byte, for the paths that check
// votes by the thousand (checkVoteFast, vote-check.node.ts: the relay and the recount):
// token/message.ts's version goes through ethers' ABI coder and costs about 0.45 ms a vote
// on this machine; a million votes cannot wait for that. Same inputs, same bytes:
// test/protocol/fast-encodings.test.ts holds it to token/message.ts on random and
// malformed inputs. A mistake here could only make good votes fail (their tokens cover the
// real encoding), never make a bad one pass, and the recount would say so.
// (The voter-key recovery's fast path lives in vote-recover.node.ts.)
import { TOKEN_DOMAIN } from "./constants.js";
import { UrneError, ErrorCode } from "./errors.js";
import { parseHex } from "./hex.js";
import { checkUint } from "./fields.js";
import type { TokenMessageInput } from "./token/message.js";

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const TOKEN_DOMAIN_BYTES = parseHex(TOKEN_DOMAIN, "TOKEN_DOMAIN", 32);

function putUint(out: Uint8Array, at: number, value: bigint) {
  for (let i = 31; i >= 0 && value > 0n; i--, value >>= 8n) out[at + i] = Number(value & 0xffn);
}

function putAddress(out: Uint8Array, at: number, address: string, field: string) {
  // The checksum of a mixed-case address is NOT checked again (a keccak per address): the
  // callers pass addresses already parsed (checkVote parses the voter first; the ballot
  // box is the relay's deployment, or the mirror's meta or --ballot-box). Here, the shape only.
  if (typeof address !== "string" || !ADDRESS.test(address)) throw new UrneError(ErrorCode.ERR_INVALID_ADDRESS, `${field} must be a 20-byte hex address`, { field });
  for (let i = 0; i < 20; i++) out[at + 12 + i] = parseInt(address.slice(2 + 2 * i, 4 + 2 * i), 16);
}

/** Same bytes as protocol's `tokenMessage`: abi.encode(TOKEN_DOMAIN, chainId, ballotBox, ballotId, voter). */
export function tokenMessageFast(p: TokenMessageInput): Uint8Array {
  const out = new Uint8Array(160);
  out.set(TOKEN_DOMAIN_BYTES, 0);
  putUint(out, 32, checkUint(p.chainId, 256, "chainId", 1n));
  putAddress(out, 64, p.ballotBox, "ballotBox");
  putUint(out, 96, checkUint(p.ballotId, 256, "ballotId"));
  putAddress(out, 128, p.voter, "voter");
  return out;
}
