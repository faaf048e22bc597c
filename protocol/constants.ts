// Protocol constants shared with the contract. They reach TypeScript from the compiler
// output (docs/STYLE.md habit 3): protocol/generated/BallotBox.ts is written by
// `npm run build:contracts` from contracts/BallotBox.sol and is not checked in.
// test/protocol/constants.test.ts pins every value to docs/PROTOCOL.md, so a change on
// the Solidity side that the spec does not make fails there.
import { BallotBoxConstants, BallotBoxEnums } from "./generated/BallotBox.js";

/** Version of the formats in docs/PROTOCOL.md. */
export const PROTOCOL_VERSION = 1;

/** Domain tag of the token message: keccak256("urne.token.v1") (PROTOCOL.md §3.1). */
export const TOKEN_DOMAIN: string = BallotBoxConstants.TOKEN_DOMAIN;

/** keccak256("Vote(uint256 ballotId,uint32 revision,bytes payload)"), the EIP-712 type hash of §4. */
export const VOTE_TYPEHASH: string = BallotBoxConstants.VOTE_TYPEHASH;

/** Domain tag of the issuer key proof's challenges: keccak256("urne.issuer-key-proof.v1") (PROTOCOL.md §2.5). */
export const KEY_PROOF_DOMAIN: string = BallotBoxConstants.KEY_PROOF_DOMAIN;

/** Number of e-th roots in an issuer key proof (PROTOCOL.md §2.5). */
export const ISSUER_KEY_PROOF_ROUNDS = Number(BallotBoxConstants.ISSUER_KEY_PROOF_ROUNDS);

/** Largest number of options or candidates of a ballot (PROTOCOL.md §2.2). */
export const MAX_OPTIONS = Number(BallotBoxConstants.MAX_OPTIONS);

/** Largest number of cells of a sealed ballot (PROTOCOL.md §11.9). */
export const MAX_SEALED_CELLS = Number(BallotBoxConstants.MAX_SEALED_CELLS);

/** Number of majority-judgment grades, 0 (worst) to 5 (best) (PROTOCOL.md §2.3). */
export const MJ_GRADE_COUNT = Number(BallotBoxConstants.MJ_GRADE_COUNT);

/** `{ Name: index }` with literal types, from a Solidity enum's member names. */
type EnumObject<T extends readonly string[]> = {
  readonly [I in keyof T as I extends `${number}` ? T[I] & string : never]: I extends `${infer N extends number}` ? N : never;
};

/** Ballot kinds with their on-chain values, from IBallotBox.BallotKind (PROTOCOL.md §2.2). */
export const BallotKind = Object.freeze(
  Object.fromEntries(BallotBoxEnums.BallotKind.map((name, i) => [name, i])),
) as EnumObject<typeof BallotBoxEnums.BallotKind>;
export type BallotKind = (typeof BallotKind)[keyof typeof BallotKind];
