// The token message binds one voter address to one ballot on one chain (PROTOCOL.md
// §3.1). Every field is there to stop a replay: TOKEN_DOMAIN (another protocol or
// version), chainId (another network), ballotBox (another deployment), ballotId (another
// ballot in the same box), voter (another voter key).
//
// Written byte by byte (it is the Solidity `abi.encode` of five static words): the one
// implementation, in the browser and in the relay's and the recount's checks of every vote,
// where ethers' ABI coder cost about 0.45 ms a vote. test/protocol/token/message.test.ts holds
// it to ethers' ABI coder (an independent encoder) on random and malformed inputs.
import { TOKEN_DOMAIN } from "../constants.js";
import { checkUint, parseAddress } from "../fields.js";
import { parseHex } from "../hex.js";

export type TokenMessageInput = { chainId: bigint; ballotBox: string; ballotId: bigint; voter: string };

/** Length of the ABI encoding: five 32-byte words. */
export const TOKEN_MESSAGE_BYTES = 160;

const TOKEN_DOMAIN_BYTES = parseHex(TOKEN_DOMAIN, "TOKEN_DOMAIN", 32);

function putUint(out: Uint8Array, at: number, value: bigint): void {
  for (let i = 31; i >= 0 && value > 0n; i--, value >>= 8n) out[at + i] = Number(value & 0xffn);
}

/** `address`: a parsed (0x + 40 hex digits) address. */
function putAddress(out: Uint8Array, at: number, address: string): void {
  out.set(parseHex(address, "address", 20), at + 12);
}

/**
 * abi.encode(bytes32 TOKEN_DOMAIN, uint256 chainId, address ballotBox, uint256 ballotId, address voter).
 * `parse` checks each address (EIP-55 checksum included): fields.ts's `parseAddress` by default;
 * checkVoteFast passes keccak.node.ts's `parseAddressFast`, which gives the same verdicts.
 */
export function tokenMessage(p: TokenMessageInput, parse: typeof parseAddress = parseAddress): Uint8Array {
  const out = new Uint8Array(TOKEN_MESSAGE_BYTES);
  out.set(TOKEN_DOMAIN_BYTES, 0);
  putUint(out, 32, checkUint(p.chainId, 256, "chainId", 1n));
  putAddress(out, 64, parse(p.ballotBox, "ballotBox"));
  putUint(out, 96, checkUint(p.ballotId, 256, "ballotId"));
  putAddress(out, 128, parse(p.voter, "voter"));
  return out;
}
