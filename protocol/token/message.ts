// The token message binds one voter address to one ballot on one chain (PROTOCOL.md
// §3.1). Every field is there to stop a replay: TOKEN_DOMAIN (another protocol or
// version), chainId (another network), ballotBox (another deployment), ballotId (another
// ballot in the same box), voter (another voter key).
import { AbiCoder, getBytes } from "ethers";
import { TOKEN_DOMAIN } from "../constants.js";
import { checkUint, parseAddress } from "../fields.js";

export type TokenMessageInput = { chainId: bigint; ballotBox: string; ballotId: bigint; voter: string };

/** Length of the ABI encoding: five 32-byte words. */
export const TOKEN_MESSAGE_BYTES = 160;

/** abi.encode(bytes32 TOKEN_DOMAIN, uint256 chainId, address ballotBox, uint256 ballotId, address voter). */
export function tokenMessage(p: TokenMessageInput): Uint8Array {
  const chainId = checkUint(p.chainId, 256, "chainId", 1n);
  const ballotBox = parseAddress(p.ballotBox, "ballotBox");
  const ballotId = checkUint(p.ballotId, 256, "ballotId");
  const voter = parseAddress(p.voter, "voter");
  return getBytes(
    AbiCoder.defaultAbiCoder().encode(
      ["bytes32", "uint256", "address", "uint256", "address"],
      [TOKEN_DOMAIN, chainId, ballotBox, ballotId, voter],
    ),
  );
}
