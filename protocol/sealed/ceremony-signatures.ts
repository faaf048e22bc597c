// Every message of the key ceremony is signed by its trustee's chain account (EIP-712, the
// domain of the BallotBox it is for, as votes are: PROTOCOL.md §11.7). The service that
// relays the messages checks the signatures, and so does every trustee and observer: the
// service cannot speak for a trustee, change a package, or move one to another ceremony,
// chain or BallotBox.
//   KeyCeremonyRound1(bytes32 ceremonyId,uint8 index,bytes32 packageHash)
//   KeyCeremonyShares(bytes32 ceremonyId,uint8 from,bytes32 sharesHash)
//   KeyCeremonyAccept(bytes32 ceremonyId,uint8 index,bytes32 transcriptDigest)
import { AbiCoder, getBytes, keccak256, verifyTypedData, type Signer, type TypedDataField } from "ethers";
import { voteDomain } from "../vote.js";
import { CeremonyError, type CeremonyParams, type Round1Package } from "./key-ceremony.js";
import type { ShareMessage } from "./trustee.js";

const TYPES: Record<string, Record<string, TypedDataField[]>> = {
  round1: { KeyCeremonyRound1: [{ name: "ceremonyId", type: "bytes32" }, { name: "index", type: "uint8" }, { name: "packageHash", type: "bytes32" }] },
  shares: { KeyCeremonyShares: [{ name: "ceremonyId", type: "bytes32" }, { name: "from", type: "uint8" }, { name: "sharesHash", type: "bytes32" }] },
  accept: { KeyCeremonyAccept: [{ name: "ceremonyId", type: "bytes32" }, { name: "index", type: "uint8" }, { name: "transcriptDigest", type: "bytes32" }] },
};

const abi = AbiCoder.defaultAbiCoder();

/** keccak256(abi.encode(commitment points, proofOfKnowledge, encryptionKey)). */
export const round1PackageHash = (p: Round1Package): string =>
  keccak256(abi.encode(["bytes[]", "bytes", "bytes"], [p.commitment, p.proofOfKnowledge, p.encryptionKey]));

/** keccak256(abi.encode(recipients, envelopes)) of one trustee's share messages, in recipient order. */
export function sharesHash(from: number, messages: readonly ShareMessage[]): string {
  const mine = [...messages].sort((a, b) => a.to - b.to);
  if (mine.some((m) => m.from !== from)) throw new CeremonyError(`a share message in trustee ${from}'s set is not from trustee ${from}`, from);
  return keccak256(abi.encode(["uint8[]", "bytes[]"], [mine.map((m) => m.to), mine.map((m) => m.envelope)]));
}

export type CeremonyWhere = { chainId: bigint; ballotBox: string; params: CeremonyParams };
export type CeremonyStatement =
  | { kind: "round1"; index: number; packageHash: string }
  | { kind: "shares"; from: number; sharesHash: string }
  | { kind: "accept"; index: number; transcriptDigest: string };

const valueOf = (where: CeremonyWhere, s: CeremonyStatement): Record<string, unknown> => {
  const { kind, ...rest } = s;
  void kind;
  return { ceremonyId: where.params.ceremonyId, ...rest };
};
const signerIndex = (s: CeremonyStatement) => (s.kind === "shares" ? s.from : s.index);

export function signCeremonyStatement(signer: Signer, where: CeremonyWhere, s: CeremonyStatement): Promise<string> {
  return signer.signTypedData(voteDomain(where.chainId, where.ballotBox), TYPES[s.kind], valueOf(where, s));
}

/** Throws CeremonyError naming the trustee unless `signature` is its account's over `s`. */
export function checkCeremonySignature(where: CeremonyWhere, s: CeremonyStatement, signature: string): void {
  const index = signerIndex(s);
  const expected = where.params.trustees[index - 1];
  if (expected === undefined) throw new CeremonyError(`no trustee ${index} in this ceremony`);
  let recovered: string;
  try {
    if (getBytes(signature).length !== 65) throw new Error("not 65 bytes");
    recovered = verifyTypedData(voteDomain(where.chainId, where.ballotBox), TYPES[s.kind], valueOf(where, s), signature);
  } catch {
    throw new CeremonyError(`trustee ${index}'s ${s.kind} signature is not a signature`, index);
  }
  if (recovered.toLowerCase() !== expected.toLowerCase()) throw new CeremonyError(`the ${s.kind} message of trustee ${index} is signed by ${recovered}, not by ${expected}`, index);
}
