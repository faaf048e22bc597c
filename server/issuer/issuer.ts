import { UrneError } from "../../protocol/errors.js";
import { parseHex } from "../../protocol/hex.js";
import { blindSign } from "../../protocol/token/blind-sign.node.js";
import { ISSUER_MODULUS_BYTES } from "../../protocol/token/issuer-key.js";
import { checkEligibility } from "../identity/eligibility.js";
import { isIdentityError } from "../identity/errors.js";
import { type VerifiedSession, verifySessionToken } from "../identity/session-token.js";
import type { BallotDirectory, IssuableBallot } from "./ballot-directory.js";
import { parseBallotId } from "../http/ballot-id.js";
import { IssuerError } from "./errors.js";
import type { RecordOutcome, TokenLedger } from "./token-ledger.js";

// Step 5 of "one vote, end to end" (docs/ARCHITECTURE.md §3), issuer side: PROTOCOL.md §3.3 step 2
// for one identified, eligible voter, once per ballot.

export interface IssuerDeps {
  ballots: BallotDirectory;
  ledger: TokenLedger;
  /** The session-token key (32 bytes) the login callback signs with. */
  sessionKey: Uint8Array;
  /** Clock, replaceable in tests (ballot schedule only; JWT expiry uses the real clock). */
  now?: () => Date;
}

export interface IssueTokenParams {
  /** From `authenticate`: never build one by hand, it is what proves the login. */
  session: VerifiedSession;
  /** Raw path parameter: checked here to be a canonical decimal uint256. */
  ballotId: string | bigint;
  /** From the request body: 0x-hex of exactly 256 bytes. */
  blindedMessage: unknown;
}

export interface IssuedToken {
  /** s' = blinded^d mod n, 256 bytes (PROTOCOL.md §3.3 step 2). */
  blindSignature: Uint8Array;
  /** "repeated": the same blinded message was signed before for this voter (idempotent retry). */
  outcome: RecordOutcome;
}

/**
 * What the issuer would answer this voter for this ballot, said before any choice: whether
 * the voter meets the ballot's rules (age at the close), and whether a token was already
 * issued to them (from this browser or another). Read only: nothing is recorded.
 */
export interface VoterEligibility {
  eligible: boolean;
  /** The rule not met ("minimumAge"), when not eligible. */
  rule?: string;
  tokenIssued: boolean;
}

export interface Issuer {
  /** Verifies a session token for the widget origin it must have been issued to. */
  authenticate(sessionToken: string | undefined, origin: string): Promise<VerifiedSession>;
  issueToken(params: IssueTokenParams): Promise<IssuedToken>;
  eligibility(params: { session: VerifiedSession; ballotId: string | bigint }): Promise<VoterEligibility>;
}


export function createIssuer(deps: IssuerDeps): Issuer {
  const now = deps.now ?? (() => new Date());

  return {
    async authenticate(sessionToken, origin) {
      if (sessionToken === undefined || sessionToken.length === 0) {
        throw new IssuerError("ERR_UNAUTHENTICATED", "Log in first: this request needs a session.", { field: "authorization" });
      }
      // The audience is the origin the request comes from: a session handed to widget A
      // is refused from widget B, even if both are allowed origins.
      return verifySessionToken(sessionToken, { key: deps.sessionKey, audience: origin });
    },

    async eligibility({ session, ballotId }) {
      const id = parseBallotId(ballotId);
      const ballot = await deps.ballots.get(id);
      if (ballot === undefined) throw new IssuerError("ERR_BALLOT_NOT_FOUND", "No such ballot.", { field: "ballotId" });
      const tokenIssued = await deps.ledger.has(id, session.voterKey);
      try {
        checkEligibility(eligibilityRules(ballot), session);
      } catch (error) {
        if (!isIdentityError(error, "ERR_NOT_ELIGIBLE")) throw error;
        return { eligible: false, rule: String(error.details?.rule ?? "minimumAge"), tokenIssued };
      }
      return { eligible: true, tokenIssued };
    },

    async issueToken({ session, ballotId, blindedMessage }) {
      const id = parseBallotId(ballotId);
      const ballot = await deps.ballots.get(id);
      if (ballot === undefined) throw new IssuerError("ERR_BALLOT_NOT_FOUND", "No such ballot.", { field: "ballotId" });
      checkSchedule(ballot, now());
      checkEligibility(eligibilityRules(ballot), session);
      const blinded = parseBlinded(blindedMessage);

      // Sign BEFORE recording: blindSign validates 0 < blinded < n, so a malformed request
      // is refused without spending the voter's one token. The signature is pure
      // computation; it leaves only after the record is synced.
      let blindSignature: Uint8Array;
      try {
        blindSignature = blindSign(ballot.issuerPrivateKey, blinded);
      } catch (error) {
        if (error instanceof UrneError && error.code === "ERR_INVALID_BLINDED_MESSAGE") throw invalidBlinded("must be in (0, n) for this ballot's issuer key");
        throw error;
      }
      const outcome = await deps.ledger.record(id, session.voterKey, blinded);
      return { blindSignature, outcome };
    },
  };
}

/**
 * A ballot's eligibility rules, for issueToken and eligibility alike. Judged at the close,
 * not today: a citizen who comes of age while the ballot is open may vote from its start
 * (server/identity/eligibility.ts).
 */
function eligibilityRules(ballot: IssuableBallot) {
  return { atDate: ballot.rules.closesAt, ...(ballot.rules.minimumAge === undefined ? {} : { minimumAge: ballot.rules.minimumAge }) };
}


function checkSchedule(ballot: IssuableBallot, at: Date): void {
  const t = at.getTime();
  if (ballot.closedAt !== undefined || t >= ballot.rules.closesAt.getTime()) {
    throw new IssuerError("ERR_BALLOT_CLOSED", "This ballot is closed: no more voting tokens are issued.", { field: "ballotId" });
  }
  if (t < ballot.rules.opensAt.getTime()) {
    throw new IssuerError("ERR_BALLOT_NOT_OPEN", "This ballot is not open yet.", { field: "ballotId" });
  }
}

function parseBlinded(value: unknown): Uint8Array {
  // Hex strings only: a JSON body cannot carry a Uint8Array, and parseHex would accept one.
  if (typeof value !== "string") throw invalidBlinded(`must be a 0x-prefixed hex string of ${ISSUER_MODULUS_BYTES} bytes`);
  try {
    return parseHex(value, "blindedMessage", ISSUER_MODULUS_BYTES);
  } catch {
    throw invalidBlinded(`must be a 0x-prefixed hex string of ${ISSUER_MODULUS_BYTES} bytes`);
  }
}

function invalidBlinded(why: string): IssuerError {
  return new IssuerError("ERR_INVALID_BLINDED_MESSAGE", `blindedMessage ${why}.`, { field: "blindedMessage" });
}

