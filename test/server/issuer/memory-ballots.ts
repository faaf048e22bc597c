import { generateIssuerKey } from "../../../protocol/token/blind-sign.node.js";
import type { IssuerPublicKey } from "../../../protocol/token/issuer-key.js";
import type { BallotDirectory, IssuableBallot } from "../../../server/issuer/ballot-directory.js";

const DAY = 24 * 3600 * 1000;

/** Test double of server/ballots: ballots in a Map, each with a fresh RSA-2048 issuer key. */
export class MemoryBallots implements BallotDirectory {
  readonly #ballots = new Map<bigint, IssuableBallot>();
  #next = 1n;

  /** A ballot open from yesterday to in a week, unless `rules` says otherwise. */
  add(rules: Partial<IssuableBallot["rules"]> = {}): { id: bigint; publicKey: IssuerPublicKey } {
    const { privateKey, publicKey } = generateIssuerKey();
    const id = this.#next++;
    this.#ballots.set(id, {
      issuerPrivateKey: privateKey,
      rules: { opensAt: new Date(Date.now() - DAY), closesAt: new Date(Date.now() + 7 * DAY), ...rules },
    });
    return { id, publicKey };
  }

  closeEarly(id: bigint): void {
    const ballot = this.#ballots.get(id);
    if (ballot) ballot.closedAt = new Date();
  }

  async get(ballotId: bigint): Promise<IssuableBallot | undefined> {
    return this.#ballots.get(ballotId);
  }
}
