// Writes test/vectors/protocol-v1.json: deterministic test vectors of PROTOCOL.md v1 for
// the contract tests and any other implementation. Everything is derived from the
// test-only issuer keys in test/vectors/*.pem, fixed voter keys and fixed salts and
// blinding factors, so that test/protocol/vectors.test.ts can re-derive the file and
// fail if it drifts. Run: npx tsx scripts/make-vectors.ts
import { readFileSync, writeFileSync } from "node:fs";
import { constants, createPrivateKey, sign as rsaSign } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { keccak256, toUtf8Bytes, Wallet } from "ethers";
import {
  BallotKind, decodePayload, encodePayload, issuerKeyFromKeyObject, ISSUER_KEY_PROOF_ROUNDS, KEY_PROOF_DOMAIN, modulusBytes, proveIssuerKey,
  rulesFromParams, signVote, tokenMessage, TOKEN_DOMAIN, TOKEN_PSS, voteDigest, type BallotParams, type Choice,
} from "../protocol/node.js";
import {
  bigIntToBytes, bytesToBigInt, detBytes, encodingWithDataBlock, KECCAK_PSS, makeToken, rawSign, tokenMessageWithDomain,
  toHex, validEncoding, type Issuer, type MadeToken,
} from "./vectors/craft.js";

const root = path.resolve(import.meta.dirname, "..");
export const PROTOCOL_VECTORS_FILE = path.join(root, "test/vectors/protocol-v1.json");

/** Hardhat's chain id and the address of the first contract its account #0 deploys. */
const CHAIN_ID = 31337n;
const BALLOT_BOX = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const OTHER_BOX = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";

function issuer(name: string, file: string): Issuer {
  const privateKey = createPrivateKey(readFileSync(path.join(root, "test/vectors", file)));
  return { name, privateKey, publicKey: issuerKeyFromKeyObject(privateKey) };
}

type Ballot = BallotParams & { ballotId: bigint };
type Check = "revision" | "payload" | "tokenSignature" | "voterSignature";
type Spec = {
  name: string;
  ballot: Ballot;
  revision?: number;
  /** A choice (valid cases) or raw payload bytes (invalid payloads). */
  choice?: Choice;
  payload?: Uint8Array;
  /** The voter, reused for revotes; a fresh one otherwise. */
  voter?: Wallet;
  /** Overrides of the token message the issuer signs, or a whole token. */
  tokenFor?: { chainId?: bigint; ballotBox?: string; ballotId?: bigint; voter?: string; issuer?: Issuer; salt?: string };
  token?: (message: Uint8Array, made: MadeToken) => { signature: Uint8Array; encodedMessage?: Uint8Array };
  /** Overrides of what the voter signs, or a rewrite of the signature. */
  signFor?: { chainId?: bigint; ballotBox?: string; ballotId?: bigint; revision?: number; payload?: Uint8Array; wallet?: Wallet };
  rewriteSignature?: (sig: Uint8Array) => Uint8Array;
  invalid?: { check: Check; why: string };
};

export async function makeProtocolVectors(): Promise<Record<string, unknown>> {
  const main = issuer("main", "issuer-test-key.pem");
  const other = issuer("other", "issuer-other-test-key.pem");
  const n = main.publicKey.n;
  const mainProof = proveIssuerKey(main.privateKey);
  type Fixed = "opensAt" | "closesAt" | "liveResults" | "issuerModulus" | "issuerKeyProof";
  const ballot = (ballotId: bigint, p: Omit<BallotParams, Fixed>): Ballot => ({
    ballotId, opensAt: 1_700_000_000n, closesAt: 4_102_444_800n, liveResults: true,
    issuerModulus: toHex(modulusBytes(main.publicKey)), issuerKeyProof: toHex(mainProof), ...p,
  });
  const sc = ballot(1n, { kind: BallotKind.SingleChoice, minChoices: 0, maxChoices: 0, allowRevote: true, question: "Faut-il adopter la proposition 1 ?", options: ["Pour", "Contre", "Abstention"] });
  const mc = ballot(2n, { kind: BallotKind.MultipleChoice, minChoices: 1, maxChoices: 3, allowRevote: false, question: "Quels projets financer ?", options: ["A", "B", "C", "D", "E"] });
  const mj = ballot(3n, { kind: BallotKind.MajorityJudgment, minChoices: 0, maxChoices: 0, allowRevote: true, question: "Jugez chaque candidat", options: ["Alice", "Bob", "Chloé", "David"] });
  const mj64 = ballot(4n, { kind: BallotKind.MajorityJudgment, minChoices: 0, maxChoices: 0, allowRevote: false, question: "64 candidats", options: Array.from({ length: 64 }, (_, i) => `C${i}`) });
  const ballots = [sc, mc, mj, mj64];

  let voterCount = 0;
  const freshVoter = () => new Wallet(keccak256(toUtf8Bytes(`urne/test-vectors/voter/${++voterCount}`)));
  const voter1 = freshVoter();
  const flip = (i: number) => (_m: Uint8Array, t: MadeToken) => {
    const s = Uint8Array.from(Buffer.from(t.tokenSignature.slice(2), "hex"));
    s[i] ^= 0x01;
    return { signature: s };
  };
  const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex.slice(2), "hex"));
  const crafted = (encode: (m: Uint8Array) => Uint8Array) => (m: Uint8Array) => {
    const encodedMessage = encode(m);
    return { signature: rawSign(main, encodedMessage), encodedMessage };
  };
  const salt = detBytes("crafted/salt", 32);
  // A salt whose valid encoding stays < n once its top bit is set (for the emBits case).
  const topBitSalt = (m: Uint8Array) => {
    for (let i = 0; ; i++) {
      const e = validEncoding(m, detBytes(`crafted/top-bit/${i}`, 32));
      e[0] |= 0x80;
      if (bytesToBigInt(e) < n) return e;
    }
  };
  // Salt labels giving a token whose first byte is zero, and one whose s + n fits 256 bytes.
  const findSalt = (input: Parameters<typeof makeToken>[1], ok: (s: bigint) => boolean) => {
    for (let i = 0; ; i++) if (ok(bytesToBigInt(bytes(makeToken(main, input, `search/${i}`).tokenSignature)))) return `search/${i}`;
  };

  const tokenInput = (v: Wallet) => ({ chainId: CHAIN_ID, ballotBox: BALLOT_BOX, ballotId: 1n, voter: v.address });
  const voterZero = freshVoter();
  const zeroSalt = findSalt(tokenInput(voterZero), (s) => s < 1n << 2040n);
  const voterShort = freshVoter();
  const shortSalt = findSalt(tokenInput(voterShort), (s) => s < 1n << 2040n);
  const voterPlusN = freshVoter();
  const plusNSalt = findSalt(tokenInput(voterPlusN), (s) => s + n < 1n << 2048n);
  const mcVoter = freshVoter();
  const otherVoter = new Wallet(keccak256(toUtf8Bytes("urne/test-vectors/other-voter")));
  const intruder = new Wallet(keccak256(toUtf8Bytes("urne/test-vectors/intruder")));

  const specs: Spec[] = [
    // Valid votes, applied in this order; revotes replace the earlier ballot.
    { name: "single choice, first option", ballot: sc, voter: voter1, choice: { kind: 0, option: 0 } },
    { name: "single choice, last option", ballot: sc, choice: { kind: 0, option: 2 } },
    { name: "token whose first byte is zero (still 256 bytes)", ballot: sc, voter: voterZero, tokenFor: { salt: zeroSalt }, choice: { kind: 0, option: 1 } },
    { name: "revote with revision 1 replaces the first vote", ballot: sc, voter: voter1, revision: 1, choice: { kind: 0, option: 1 } },
    { name: "revote with the largest revision", ballot: sc, voter: voter1, revision: 0xffff_ffff, choice: { kind: 0, option: 2 } },
    { name: "multiple choice, three options", ballot: mc, voter: mcVoter, choice: { kind: 1, options: [0, 2, 4] } },
    { name: "multiple choice, one option", ballot: mc, choice: { kind: 1, options: [3] } },
    { name: "majority judgment", ballot: mj, choice: { kind: 2, grades: [5, 3, 0, 1] } },
    { name: "majority judgment, all rejected", ballot: mj, choice: { kind: 2, grades: [0, 0, 0, 0] } },
    { name: "majority judgment, 64 candidates", ballot: mj64, choice: { kind: 2, grades: Array.from({ length: 64 }, (_, i) => i % 6) } },
    // Check 3: revision.
    { name: "revote with the same revision", ballot: sc, voter: voter1, revision: 0xffff_ffff, choice: { kind: 0, option: 0 }, invalid: { check: "revision", why: "revision must grow on a revote" } },
    { name: "revote on a ballot without revoting", ballot: mc, voter: mcVoter, revision: 1, choice: { kind: 1, options: [1] }, invalid: { check: "revision", why: "the ballot does not allow revoting" } },
    // Check 4: payload (§5).
    ...([
      [sc, "0x03", "option 3 of 3"], [sc, "0xff", "option 255"], [sc, "0x0001", "two bytes for a single choice"], [sc, "0x", "empty payload"],
      [mc, "0x0200", "options not increasing"], [mc, "0x0101", "repeated option"], [mc, "0x00010203", "more than maxChoices"],
      [mc, "0x", "fewer than minChoices"], [mc, "0x0005", "option 5 of 5"],
      [mj, "0x010203", "one grade missing"], [mj, "0x0102030405", "one grade too many"], [mj, "0x00060000", "grade 6"],
    ] as const).map(([b, p, why]): Spec => ({ name: `payload: ${why}`, ballot: b, payload: bytes(p), invalid: { check: "payload", why } })),
    // Check 5: token signature (§3).
    ...([
      ["token for another voter address", { tokenFor: { voter: otherVoter.address } }],
      ["token for another ballot", { tokenFor: { ballotId: 2n } }],
      ["token for another chain", { tokenFor: { chainId: 1n } }],
      ["token for another BallotBox", { tokenFor: { ballotBox: OTHER_BOX } }],
      ["token under another issuer key", { tokenFor: { issuer: other } }],
      ["token with its last bit flipped", { token: flip(255) }],
      ["token with a bit of its first byte flipped", { token: flip(0) }],
      ["token of 255 bytes (leading zero dropped, same integer)", { voter: voterShort, tokenFor: { salt: shortSalt }, token: (_m, t) => ({ signature: bytes(t.tokenSignature).subarray(1) }) }],
      ["token of 257 bytes (zero-prefixed)", { token: (_m, t) => ({ signature: Uint8Array.of(0, ...bytes(t.tokenSignature)) }) }],
      ["token s + n (same residue, >= n)", { voter: voterPlusN, tokenFor: { salt: plusNSalt }, token: (_m, t) => ({ signature: bigIntToBytes(bytesToBigInt(bytes(t.tokenSignature)) + n, 256) }) }],
      ["token equal to n", { token: () => ({ signature: bigIntToBytes(n, 256) }) }],
      ["token zero", { token: () => ({ signature: new Uint8Array(256) }) }],
      ["token one", { token: () => ({ signature: bigIntToBytes(1n, 256) }) }],
      ["empty token", { token: () => ({ signature: new Uint8Array(0) }) }],
      ["PSS salt of 20 bytes", { token: crafted((m) => validEncoding(m, salt.subarray(0, 20), { ...TOKEN_PSS, sLen: 20 })) }],
      ["PSS salt of 0 bytes", { token: crafted((m) => validEncoding(m, new Uint8Array(0), { ...TOKEN_PSS, sLen: 0 })) }],
      ["PSS trailer 0xbd instead of 0xbc", { token: crafted((m) => { const e = validEncoding(m, salt); e[255] = 0xbd; return e; }) }],
      ["PSS encoding with its top bit set (emBits 2047)", { token: crafted(topBitSalt) }],
      ["PSS padding with a non-zero byte", { token: crafted((m) => encodingWithDataBlock(m, salt, (db) => { db[5] = 0x01; })) }],
      ["PSS separator 0x02 instead of 0x01", { token: crafted((m) => encodingWithDataBlock(m, salt, (db) => { db[db.length - 33] = 0x02; })) }],
      ["PSS with keccak256 instead of SHA-256", { token: crafted((m) => validEncoding(m, salt, KECCAK_PSS)) }],
      ["token message with the domain tag urne.token.v0", { token: crafted((m) => validEncoding(tokenMessageWithDomain("urne.token.v0", decodeInput(m)), salt)) }],
      ["RSA PKCS#1 v1.5 signature instead of PSS", { token: (m: Uint8Array) => ({ signature: new Uint8Array(rsaSign("sha256", m, { key: main.privateKey, padding: constants.RSA_PKCS1_PADDING })) }) }],
    ] as [string, Partial<Spec>][]).map(([why, o]): Spec => ({ name: why, ballot: sc, choice: { kind: 0, option: 0 }, invalid: { check: "tokenSignature", why }, ...o })),
    // Check 6: voter signature (§4).
    ...([
      ["signed by another key", { signFor: { wallet: intruder } }],
      ["signed over revision 0, sent as revision 1", { revision: 1, signFor: { revision: 0 } }],
      ["signed over another payload", { signFor: { payload: Uint8Array.of(2) } }],
      ["signed for another ballot", { signFor: { ballotId: 2n } }],
      ["signed for another chain", { signFor: { chainId: 1n } }],
      ["signed for another BallotBox", { signFor: { ballotBox: OTHER_BOX } }],
      ["high-s twin of a valid signature", { rewriteSignature: highS }],
      ["v = 0/1 instead of 27/28", { rewriteSignature: (s: Uint8Array) => Uint8Array.of(...s.subarray(0, 64), s[64] - 27) }],
      ["64-byte compact signature (EIP-2098)", { rewriteSignature: compact }],
      ["66-byte signature", { rewriteSignature: (s: Uint8Array) => Uint8Array.of(...s, 0) }],
    ] as [string, Partial<Spec>][]).map(([why, o]): Spec => ({ name: why, ballot: sc, choice: { kind: 0, option: 1 }, invalid: { check: "voterSignature", why }, ...o })),
  ];
  // Every other case gets a voter of its own, so that only the check it targets can fail.
  for (const spec of specs) spec.voter ??= freshVoter();
  const cases = [];
  for (const spec of specs) cases.push(await buildCase(spec, main, spec.voter!));
  return {
    description: "Test vectors of docs/PROTOCOL.md v1, generated by scripts/make-vectors.ts (do not edit). " +
      "Create the ballots in order (ballotId 1..4) in a BallotBox at `ballotBox` on chain `chainId`, then cast the cases in order: " +
      "a valid case must be accepted, an invalid one rejected by the check named in `failedCheck` (PROTOCOL.md §6.2). " +
      "Every case is also self-contained for a pure verifier: tokenMessage, tokenSignature and the issuer modulus for §3, voteDigest and voterSignature for §4. " +
      "`keyProofs` are issuer key proofs (§2.5): createBallot must accept the valid ones and revert with BallotBoxInvalidIssuerKeyProof(failedIndex) for the others.",
    protocolVersion: 1,
    tokenDomain: TOKEN_DOMAIN,
    chainId: CHAIN_ID.toString(),
    ballotBox: BALLOT_BOX,
    issuers: { main: { modulus: toHex(modulusBytes(main.publicKey)), privateKeyFile: "issuer-test-key.pem" }, other: { modulus: toHex(modulusBytes(other.publicKey)), privateKeyFile: "issuer-other-test-key.pem" } },
    keyProofDomain: KEY_PROOF_DOMAIN,
    keyProofs: keyProofCases(main, other, mainProof),
    ballots: ballots.map((b) => ({ ...b, ballotId: b.ballotId.toString(), opensAt: b.opensAt.toString(), closesAt: b.closesAt.toString() })),
    cases,
    results: results(ballots, specs),
  };

  function decodeInput(m: Uint8Array) {
    const word = (i: number) => bytesToBigInt(m.subarray(32 * i, 32 * i + 32));
    const addr = (i: number) => toHex(m.subarray(32 * i + 12, 32 * i + 32));
    return { chainId: word(1), ballotBox: addr(2), ballotId: word(3), voter: addr(4) };
  }
}

/**
 * Issuer key proofs (PROTOCOL.md §2.5), each valid or failing at `failedIndex` (the root
 * BallotBoxInvalidIssuerKeyProof names). Keys whose φ(n) is a multiple of 65537 cannot be
 * made deterministically here: test/protocol/token/key-proof.test.ts builds them.
 */
function keyProofCases(main: Issuer, other: Issuer, mainProof: Uint8Array) {
  const K = 256;
  const otherProof = proveIssuerKey(other.privateKey);
  const n = main.publicKey.n;
  const edit = (f: (p: Uint8Array) => Uint8Array) => f(mainProof.slice());
  const root = (p: Uint8Array, i: number) => bytesToBigInt(p.subarray(i * K, (i + 1) * K));
  const withRoot = (i: number, v: bigint) => edit((p) => (p.set(bigIntToBytes(v, K), i * K), p));
  // σ + n is the same residue, >= n: find a root where it still fits in 256 bytes.
  const plusN = Array.from({ length: ISSUER_KEY_PROOF_ROUNDS }, (_, i) => i).find((i) => root(mainProof, i) + n < 1n << 2048n);
  if (plusN === undefined) throw new Error("make-vectors: no root of the main proof leaves room for σ + n");
  const cases: [string, Issuer, Uint8Array, number | null][] = [
    ["valid proof of the main key", main, mainProof, null],
    ["valid proof of the other key", other, otherProof, null],
    ["proof of the other key for the main modulus", main, otherProof, 0],
    ["last bit of the first root flipped", main, edit((p) => ((p[K - 1] ^= 1), p)), 0],
    ["a bit of the last root's first byte flipped", main, edit((p) => ((p[(ISSUER_KEY_PROOF_ROUNDS - 1) * K] ^= 0x10), p)), ISSUER_KEY_PROOF_ROUNDS - 1],
    ["two roots swapped", main, edit((p) => { const a = p.slice(2 * K, 3 * K); p.copyWithin(2 * K, 3 * K, 4 * K); p.set(a, 3 * K); return p; }), 2],
    [`root ${plusN} replaced by root + n (same residue, >= n)`, main, withRoot(plusN, root(mainProof, plusN) + n), plusN],
    ["root 6 equal to n", main, withRoot(6, n), 6],
    ["root 5 zero", main, withRoot(5, 0n), 5],
    ["one root short", main, mainProof.subarray(0, (ISSUER_KEY_PROOF_ROUNDS - 1) * K), ISSUER_KEY_PROOF_ROUNDS - 1],
    ["last byte missing", main, mainProof.subarray(0, ISSUER_KEY_PROOF_ROUNDS * K - 1), ISSUER_KEY_PROOF_ROUNDS - 1],
    ["one root too many", main, Uint8Array.of(...mainProof, ...mainProof.subarray(0, K)), ISSUER_KEY_PROOF_ROUNDS],
    ["empty proof", main, new Uint8Array(0), 0],
  ];
  return cases.map(([name, issuer, proof, failedIndex]) => ({
    name, expected: failedIndex === null ? "valid" : "invalid", ...(failedIndex === null ? {} : { failedIndex }),
    modulus: toHex(modulusBytes(issuer.publicKey)), proof: toHex(proof),
  }));
}

async function buildCase(spec: Spec, main: Issuer, voter: Wallet) {
  const b = spec.ballot;
  const revision = spec.revision ?? 0;
  const payload = spec.payload ?? encodePayload(rulesFromParams(b), spec.choice!);
  const tf = spec.tokenFor ?? {};
  const made = makeToken(tf.issuer ?? main, {
    chainId: tf.chainId ?? CHAIN_ID, ballotBox: tf.ballotBox ?? BALLOT_BOX, ballotId: tf.ballotId ?? b.ballotId, voter: tf.voter ?? voter.address,
  }, tf.salt ?? `token/${spec.name}`);
  const message = tokenMessage({ chainId: CHAIN_ID, ballotBox: BALLOT_BOX, ballotId: b.ballotId, voter: voter.address });
  const override = spec.token?.(message, made);
  const sf = spec.signFor ?? {};
  const signed = await signVote(sf.wallet ?? voter, {
    chainId: sf.chainId ?? CHAIN_ID, ballotBox: sf.ballotBox ?? BALLOT_BOX, ballotId: sf.ballotId ?? b.ballotId,
    revision: sf.revision ?? revision, payload: sf.payload ?? payload,
  });
  const signature = spec.rewriteSignature ? toHex(spec.rewriteSignature(Uint8Array.from(Buffer.from(signed.slice(2), "hex")))) : signed;
  let choice: Choice | null = null;
  try {
    choice = decodePayload(rulesFromParams(b), payload);
  } catch { /* an invalid payload has no choice */ }
  return {
    name: spec.name,
    expected: spec.invalid ? "invalid" : "valid",
    ...(spec.invalid ? { failedCheck: spec.invalid.check, why: spec.invalid.why } : {}),
    ballotId: b.ballotId.toString(),
    voter: voter.address,
    voterPrivateKey: voter.privateKey,
    revision,
    payload: toHex(payload),
    choice,
    tokenMessage: toHex(message),
    tokenSignature: override ? toHex(override.signature) : made.tokenSignature,
    token: override ? (override.encodedMessage ? { craftedEncodedMessage: toHex(override.encodedMessage) } : null) : made,
    voteDigest: voteDigest({ chainId: CHAIN_ID, ballotBox: BALLOT_BOX, ballotId: b.ballotId, revision, payload }),
    voterSignature: signature,
  };
}

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** (r, n - s, v ^ 1): the other valid ECDSA signature of the same digest. */
function highS(sig: Uint8Array): Uint8Array {
  const s = SECP256K1_N - bytesToBigInt(sig.subarray(32, 64));
  return Uint8Array.of(...sig.subarray(0, 32), ...bigIntToBytes(s, 32), sig[64] === 27 ? 28 : 27);
}

/** EIP-2098: r ‖ (yParity << 255 | s). */
function compact(sig: Uint8Array): Uint8Array {
  const vs = bigIntToBytes(bytesToBigInt(sig.subarray(32, 64)) | (BigInt(sig[64] - 27) << 255n), 32);
  return Uint8Array.of(...sig.subarray(0, 32), ...vs);
}

/** Counts after all valid cases, as tally() and votersCount() must return them (§6.3). */
function results(ballots: Ballot[], specs: Spec[]) {
  return ballots.map((b) => {
    const latest = new Map<string, Choice>();
    for (const s of specs) if (s.ballot === b && !s.invalid) latest.set(s.voter!.address, s.choice!);
    const N = b.options.length;
    const tally = new Array<number>(b.kind === BallotKind.MajorityJudgment ? N * 6 : N).fill(0);
    for (const c of latest.values()) {
      if (c.kind === BallotKind.SingleChoice) tally[c.option]++;
      else if (c.kind === BallotKind.MultipleChoice) for (const o of c.options) tally[o]++;
      else c.grades.forEach((g, i) => tally[i * 6 + g]++);
    }
    return { ballotId: b.ballotId.toString(), votersCount: latest.size, tally };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const vectors = await makeProtocolVectors();
  writeFileSync(PROTOCOL_VECTORS_FILE, JSON.stringify(vectors, null, 2) + "\n");
  console.log(`wrote ${path.relative(root, PROTOCOL_VECTORS_FILE)} (${(vectors.cases as unknown[]).length} cases)`);
}
