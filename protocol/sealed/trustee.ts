// A trustee's side of the key ceremony (PROTOCOL.md §11.7), on its own machine: its
// polynomial and encryption secret never leave it; what it publishes is checked by the
// others and by anyone (key-ceremony.ts). The DKG rounds are @noble/curves' FROST DKG on
// secp256k1 (RFC 9591's ciphersuite); the key share it ends with is used to decrypt
// tallies only, never to sign.
//   1. beginCeremony   round-1 package: commitments, proof of knowledge, encryption key
//   2. dealShares      checks every other package (noble checks each proof of knowledge)
//                      and seals f_i(j) for each other trustee j (share-envelope.ts)
//   3. finishCeremony  opens the envelopes sent to it, checks each share against its
//                      sender's commitments (naming a cheater), and keeps s_i = Σ_j f_j(i),
//                      checked against the transcript's Y_i
import { secp256k1_FROST } from "@noble/curves/secp256k1.js";
import { getBytes, hexlify } from "ethers";
import { G, decodePoint, encodePoint, randomScalar, type Point } from "./group.js";
import { CeremonyError, ceremonyDigest, checkCeremonyParams, electionKeyOf, operatorKeyOfTranscript, shareMatchesCommitment, transcriptCommitments, trusteesKeyOf, verificationKeysOf, type CeremonyParams, type CeremonyTranscript, type Round1Package } from "./key-ceremony.js";
import { openShare, sealShare } from "./share-envelope.js";
import type { OperatorPackage } from "./operator-key.js";

const DKG = secp256k1_FROST.DKG;
type DkgSecret = ReturnType<typeof DKG.round1>["secret"];

/** What a trustee keeps between the steps: secret. */
export type TrusteeState = { params: CeremonyParams; index: number; dkg: DkgSecret; encryptionSecret: bigint };

/** An envelope in transit: trustee `from`'s share for trustee `to`, hex. */
export type ShareMessage = { from: number; to: number; envelope: string };

const identifier = (index: number) => secp256k1_FROST.Identifier.fromNumber(index);

export function beginCeremony(params: CeremonyParams, index: number): { round1: Round1Package; state: TrusteeState } {
  checkCeremonyParams(params);
  if (!Number.isInteger(index) || index < 1 || index > params.trustees.length) throw new CeremonyError(`trustee index ${index} is not in 1..${params.trustees.length}`);
  const { public: pub, secret } = DKG.round1(identifier(index), { min: params.threshold, max: params.trustees.length });
  const encryptionSecret = randomScalar();
  return {
    round1: { index, commitment: pub.commitment.map((c) => hexlify(c)), proofOfKnowledge: hexlify(pub.proofOfKnowledge), encryptionKey: hexlify(encodePoint(G.multiply(encryptionSecret))) },
    state: { params, index, dkg: secret, encryptionSecret },
  };
}

const othersOf = (state: TrusteeState, round1: readonly Round1Package[]) =>
  round1.filter((p) => p.index !== state.index).map((p) => ({ identifier: identifier(p.index), commitment: p.commitment.map((c) => getBytes(c)), proofOfKnowledge: getBytes(p.proofOfKnowledge) }));

/** Checks the round-1 transcript and seals this trustee's share for each other trustee. */
export async function dealShares(state: TrusteeState, round1: Round1Package[]): Promise<ShareMessage[]> {
  const transcript: CeremonyTranscript = { params: state.params, round1 };
  transcriptCommitments(transcript); // shape, points, order
  let shares: Record<string, { signingShare: Uint8Array }>;
  try {
    shares = DKG.round2(state.dkg, othersOf(state, round1));
  } catch (error) {
    throw new CeremonyError(`the round-1 transcript does not check: ${(error as Error).message}`);
  }
  const messages: ShareMessage[] = [];
  for (const p of round1) {
    if (p.index === state.index) continue;
    const share = BigInt(hexlify(shares[identifier(p.index)].signingShare));
    const envelope = await sealShare({ ceremonyId: state.params.ceremonyId, from: state.index, to: p.index }, decodePoint(getBytes(p.encryptionKey), "encryptionKey"), share);
    messages.push({ from: state.index, to: p.index, envelope: hexlify(envelope) });
  }
  return messages;
}

export type TrusteeKey = {
  index: number;
  /** s_i: secret. */
  keyShare: bigint;
  verificationKey: Point;
  electionKey: Point;
  /** What the trustee signs: the transcript is the one it checked. */
  ceremonyDigest: string;
};

/**
 * Opens and checks the shares sent to this trustee and derives its key share. A share that
 * does not open or check names its sender. `operator`: the operator's package of a ceremony
 * that names one (its proof of knowledge is checked here too: the trustee accepts no key
 * the operator could have chosen to cancel theirs).
 */
export async function finishCeremony(state: TrusteeState, round1: Round1Package[], received: ShareMessage[], operator?: OperatorPackage): Promise<TrusteeKey> {
  const transcript: CeremonyTranscript = { params: state.params, round1, ...(operator ? { operator } : {}) };
  const commitments = transcriptCommitments(transcript);
  operatorKeyOfTranscript(transcript); // before any share is opened
  const round2: { identifier: string; signingShare: Uint8Array }[] = [];
  for (const p of round1) {
    if (p.index === state.index) continue;
    const mine = received.filter((m) => m.from === p.index && m.to === state.index);
    if (mine.length !== 1) throw new CeremonyError(`trustee ${p.index} sent ${mine.length} shares to trustee ${state.index}, not one`, p.index);
    const share = await openShare({ ceremonyId: state.params.ceremonyId, from: p.index, to: state.index }, state.encryptionSecret, getBytes(mine[0].envelope));
    if (share === undefined) throw new CeremonyError(`trustee ${p.index}'s share for trustee ${state.index} does not open`, p.index);
    if (!shareMatchesCommitment(commitments[p.index - 1], state.index, share)) throw new CeremonyError(`trustee ${p.index}'s share for trustee ${state.index} does not match its commitments`, p.index);
    round2.push({ identifier: identifier(p.index), signingShare: getBytes("0x" + share.toString(16).padStart(64, "0")) });
  }
  let key;
  try {
    key = DKG.round3(state.dkg, othersOf(state, round1), round2);
  } catch (error) {
    throw new CeremonyError(`the ceremony does not finish: ${(error as Error).message}`);
  }
  const keyShare = BigInt(hexlify(key.secret.signingShare));
  const electionKey = electionKeyOf(transcript);
  const verificationKey = verificationKeysOf(transcript)[state.index - 1];
  // The DKG's own view and the transcript's must agree: both come from the same commitments
  // (the DKG's group key is the trustees' part; the operator's key, if any, is added to it).
  if (!decodePoint(key.public.commitments[0], "groupKey").equals(trusteesKeyOf(transcript)) || !G.multiply(keyShare).equals(verificationKey)) {
    throw new CeremonyError("the key share does not match the transcript's keys");
  }
  return { index: state.index, keyShare, verificationKey, electionKey, ceremonyDigest: ceremonyDigest(transcript) };
}
