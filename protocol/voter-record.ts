// A voter's record in the BallotBox, read straight from its storage (eth_getStorageAt): the
// word `_records[ballotId][voter]` that `voteOf` reads (PROTOCOL.md §6.3), revision + 1 in its
// low 64 bits (0: not voted), a sealed ballot's tracker above them (§11.9). A storage read
// costs a node one trie lookup where an eth_call costs an EVM run over the whole contract's
// code (about 4 ms on urne's own chain, most of it ethereumjs' jump-destination analysis of
// 20 KB of bytecode): the relay asks it for every ballot it takes. The slot comes from the
// compiler's storage layout (protocol/generated); test/server/relay/ballot-box-view.test.ts
// holds it to voteOf on both chains. Unlike voteOf, an unknown ballot reads as "not voted".
import { AbiCoder, keccak256 } from "ethers";
import { BallotBoxStorageSlots } from "./generated/BallotBox.js";

const abi = AbiCoder.defaultAbiCoder();

/** The storage slot of `_records[ballotId][voter]` (Solidity's mapping layout), 0x hex of 32 bytes. */
export function voterRecordSlot(ballotId: bigint, voter: string): string {
  const inner = keccak256(abi.encode(["uint256", "uint256"], [ballotId, BallotBoxStorageSlots._records]));
  return keccak256(abi.encode(["address", "bytes32"], [voter, inner]));
}

/** The voter's counted revision from the record's word (eth_getStorageAt's answer), undefined if it has not voted. */
export function decodeVoterRecord(word: unknown): { revision: number } | undefined {
  if (typeof word !== "string" || !/^0x[0-9a-fA-F]{1,64}$/.test(word)) throw new Error("voter record: the node answered something that is not a storage word");
  const record = BigInt(word);
  if (record === 0n) return undefined;
  const low = record & 0xffffffffffffffffn;
  if (low === 0n || low - 1n > 0xffffffffn) throw new Error("voter record: the word holds no revision");
  return { revision: Number(low - 1n) };
}
