// The relay's castVotes transaction, encoded and serialized with Buffers. ethers does the
// same through generic ABI coders and hex strings, copying the ~35 KB of calldata of a
// 50-ballot batch many times over: about 65 ms of CPU per batch (1.3 ms per ballot, the
// relay's largest cost after the checks, scripts/bench/api.ts --cpu-prof), against a few
// here. The bytes must be exactly ethers' own: test/server/relay/cast-votes-tx.test.ts
// compares both on batches of every payload size and signs with the same key (ECDSA
// signatures are deterministic, RFC 6979, so the raw transactions are equal byte for byte).
import { keccak256, type SigningKey } from "ethers";
import type { SignedVote } from "../../protocol/index.js";
import { encodeRlp, integerBytes, type RlpItem } from "../../protocol/rlp.js";
import { ballotBoxInterface } from "./ballot-box-view.js";

const CAST_VOTES = Buffer.from(ballotBoxInterface.getFunction("castVotes")!.selector.slice(2), "hex");

/** Buffer.from(…, "hex") stops quietly at the first non-hex character: refuse instead. */
function hexBytes(hex: string): Buffer {
  const digits = hex.startsWith("0x") ? hex.slice(2) : hex;
  const bytes = Buffer.from(digits, "hex");
  if (bytes.length * 2 !== digits.length) throw new TypeError(`not hex bytes: ${hex.slice(0, 12)}…`);
  return bytes;
}
const padded = (n: number) => Math.ceil(n / 32) * 32;

function writeWord(out: Buffer, at: number, value: bigint) {
  out.write(value.toString(16).padStart(64, "0"), at, 32, "hex");
}

/** ABI calldata of castVotes(SignedVote[]): selector, array offset, length, tuple offsets, tuples. */
export function encodeCastVotes(votes: SignedVote[]): Buffer {
  const tuples = votes.map((v) => {
    const dynamic = [hexBytes(v.payload), hexBytes(v.tokenSignature), hexBytes(v.voterSignature)];
    const size = 6 * 32 + dynamic.reduce((n, b) => n + 32 + padded(b.length), 0);
    return { v, dynamic, size };
  });
  const total = 4 + 32 + 32 + 32 * votes.length + tuples.reduce((n, t) => n + t.size, 0);
  const out = Buffer.alloc(total); // zero-filled: padding comes for free
  CAST_VOTES.copy(out, 0);
  writeWord(out, 4, 32n); // the array starts right after this head word
  writeWord(out, 36, BigInt(votes.length));
  const base = 68; // offsets of the tuples count from here
  let at = base + 32 * votes.length;
  tuples.forEach(({ v, dynamic, size }, i) => {
    writeWord(out, base + 32 * i, BigInt(at - base));
    writeWord(out, at, v.ballotId);
    writeWord(out, at + 32, BigInt(v.voter));
    writeWord(out, at + 64, BigInt(v.revision));
    let tail = 6 * 32; // offsets of the bytes fields count from the tuple's start
    dynamic.forEach((bytes, k) => {
      writeWord(out, at + 96 + 32 * k, BigInt(tail));
      writeWord(out, at + tail, BigInt(bytes.length));
      bytes.copy(out, at + tail + 32);
      tail += 32 + padded(bytes.length);
    });
    at += size;
  });
  return out;
}

export type CastVotesTx = {
  chainId: bigint; nonce: number; to: string; data: Buffer; gasLimit: bigint; maxPriorityFeePerGas: bigint; maxFeePerGas: bigint;
};

/** An EIP-1559 (type 2) transaction, no value, no access list, signed: raw bytes and hash, as 0x-hex. */
export function signCastVotes(key: SigningKey, tx: CastVotesTx): { raw: string; hash: string } {
  // RLP: protocol/rlp.ts. An EIP-2718 envelope: the type byte, then the RLP list.
  const typed = (items: RlpItem[]) => Buffer.concat([Buffer.of(2), encodeRlp(items)]);
  const fields: RlpItem[] = [
    integerBytes(tx.chainId), integerBytes(BigInt(tx.nonce)), integerBytes(tx.maxPriorityFeePerGas), integerBytes(tx.maxFeePerGas), integerBytes(tx.gasLimit),
    hexBytes(tx.to), integerBytes(0n), tx.data, [],
  ];
  const signature = key.sign(keccak256(typed(fields)));
  const raw = typed([...fields, integerBytes(BigInt(signature.yParity)), integerBytes(BigInt(signature.r)), integerBytes(BigInt(signature.s))]);
  return { raw: "0x" + raw.toString("hex"), hash: keccak256(raw) };
}
