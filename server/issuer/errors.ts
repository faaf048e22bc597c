import { UrneError } from "../../protocol/errors.js";

// Coded errors of token issuance and of the login routes. Same shape as IdentityError
// (code, safe message, field); the API maps codes to statuses in server/http/http-errors.ts.

export type IssuerErrorCode =
  /** This voter already received a token for this ballot (another blinded message). 409. */
  | "ERR_TOKEN_ALREADY_ISSUED"
  /** No such ballot, or a ballot id that is not a canonical decimal uint256. 404. */
  | "ERR_BALLOT_NOT_FOUND"
  /** The ballot was closed by its organizer or is past `closesAt`. 409. */
  | "ERR_BALLOT_CLOSED"
  /** The ballot is not open yet (`opensAt` in the future). 409. */
  | "ERR_BALLOT_NOT_OPEN"
  /** Not 256 bytes of 0x-hex, or not in (0, n) for this ballot's issuer key. 400. */
  | "ERR_INVALID_BLINDED_MESSAGE"
  /** No `Authorization: Bearer` session on a route that needs one. 401. */
  | "ERR_UNAUTHENTICATED"
  /** The origin is malformed or not the vote host's widget frame (a partner page is refused). 403. */
  | "ERR_ORIGIN_NOT_ALLOWED"
  /** A query parameter out of its values (the login window's `lang`). 400. */
  | "ERR_INVALID_QUERY";

export class IssuerError extends UrneError {
  declare readonly code: IssuerErrorCode;

  constructor(code: IssuerErrorCode, message: string, options: { field?: string } = {}) {
    super(code, message, options.field === undefined ? {} : { field: options.field });
    this.name = "IssuerError";
  }
}

export function isIssuerError(value: unknown, code?: IssuerErrorCode): value is IssuerError {
  return value instanceof IssuerError && (code === undefined || value.code === code);
}
