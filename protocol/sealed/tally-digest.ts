// What a trustee's decryption share is a share of (PROTOCOL.md §11.6): one ballot's tally,
// that is which ballots were counted, in which order, and the aggregates they add up to.
// Computed by every trustee and observer from the chain alone, incrementally (a million
// ballots need no array in memory):
//   h_0     = keccak256(abi.encode(TALLY_DOMAIN, chainId, ballotBox, ballotId, electionKeyHash, rulesHash))
//   h_{i+1} = keccak256(h_i ‖ tracker_i)        for each counted ballot, in chain order
//   digest  = keccak256(h_n ‖ n ‖ A_1 ‖ B_1 ‖ ... ‖ A_K ‖ B_K)   (n as 32 bytes; points compressed,
//                                                                 the identity as 33 zero bytes)
// A share made for another set of counted ballots, another order or other aggregates is a
// share of another tally: its proof fails for this one (decryption-share.ts hashes the digest).
import { AbiCoder, getBytes, keccak256, toUtf8Bytes } from "ethers";
import type { BallotRules } from "../ballot.js";
import { rulesHash } from "./ballot-context.js";
import type { Ciphertext } from "./elgamal.js";
import { encodeScalar, transcriptPoint } from "./group.js";
import { parseAddress } from "../fields.js";

export const TALLY_DOMAIN = keccak256(toUtf8Bytes("urne.sealed-tally.v2"));
const abi = AbiCoder.defaultAbiCoder();

export type TallyBallot = { chainId: bigint; ballotBox: string; ballotId: bigint; electionKeyHash: string; rules: BallotRules };

export class TallyDigest {
  #chain: Uint8Array;
  #counted = 0;

  constructor(b: TallyBallot) {
    this.#chain = getBytes(keccak256(abi.encode(
      ["bytes32", "uint256", "address", "uint256", "bytes32", "bytes32"],
      [TALLY_DOMAIN, b.chainId, parseAddress(b.ballotBox, "ballotBox"), b.ballotId, b.electionKeyHash, rulesHash(b.rules)],
    )));
  }

  /** One more counted ballot, by its tracker (keccak256 of its payload), in chain order. */
  add(tracker: string): void {
    const t = getBytes(tracker);
    if (t.length !== 32) throw new TypeError("TallyDigest.add: a tracker is 32 bytes");
    const joined = new Uint8Array(64);
    joined.set(this.#chain, 0);
    joined.set(t, 32);
    this.#chain = getBytes(keccak256(joined));
    this.#counted++;
  }

  get counted(): number {
    return this.#counted;
  }

  /** The digest, once every counted ballot was added, over the aggregates of every cell (32 bytes). */
  digest(aggregates: readonly Ciphertext[]): Uint8Array {
    const parts = [this.#chain, encodeScalar(BigInt(this.#counted)), ...aggregates.flatMap((c) => [transcriptPoint(c.A), transcriptPoint(c.B)])];
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      joined.set(p, at);
      at += p.length;
    }
    return getBytes(keccak256(joined));
  }
}
