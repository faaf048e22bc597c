// The issuer's read-only view of the ballots (server/issuer/ballot-directory.ts), served
// from the API's records: the issuer key opened from the vault, the rules, the close.
import type { BallotDirectory, IssuableBallot } from "../issuer/ballot-directory.js";
import type { BallotService } from "./ballot-service.js";
import type { BallotRegistry } from "./ballot-registry.js";

export function issuerDirectory(registry: BallotRegistry, ballots: BallotService): BallotDirectory {
  return {
    async get(ballotId: bigint): Promise<IssuableBallot | undefined> {
      const record = await registry.get(ballotId.toString());
      if (!record) return undefined;
      const { draft } = record;
      return {
        issuerPrivateKey: await ballots.issuerPrivateKey(record.id),
        rules: {
          ...(draft.eligibility.minimumAge === null ? {} : { minimumAge: draft.eligibility.minimumAge }),
          opensAt: new Date(draft.opensAt * 1000),
          closesAt: new Date(draft.closesAt * 1000),
        },
        ...(record.closed ? { closedAt: new Date(record.closed.closedAt * 1000) } : {}),
      };
    },
  };
}
