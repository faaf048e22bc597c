// The endpoints the widget calls: the vote host's, on its own origin (the widget page is
// served by the vote host), and the relay's, on the relay's origin; JSON, errors turned
// into ApiError with the server's stable code. The relay calls carry no Authorization
// header, no cookie, nothing identifying.

// The answers' types (WidgetBallot, ReceiptView) are declared once, in protocol/api-types.ts.
import type { ReceiptView, WidgetBallot } from "../../protocol/api-types.js";

export class ApiError extends Error {
  /** The server's code (ERR_…), or ERR_NETWORK when no answer came. */
  readonly code: string;
  readonly status: number;
  readonly field?: string;

  constructor(code: string, status: number, message: string, field?: string) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = status;
    if (field !== undefined) this.field = field;
  }
}

/**
 * Longest wait for one answer. Past it the request is abandoned and the voter offered a retry
 * (every request here may be sent again: the issuer answers the same blinded message again,
 * the relay gives the same vote the same receipt), instead of a screen that waits forever.
 */
export const ANSWER_TIMEOUT_MS = 30_000;

export async function request<T>(path: string, init: RequestInit = {}, timeoutMs = ANSWER_TIMEOUT_MS): Promise<T> {
  let response: Response;
  try {
    // Same origin, no cookie needed: the only credential is an explicit bearer session.
    response = await fetch(path, { credentials: "omit", cache: "no-store", signal: AbortSignal.timeout(timeoutMs), ...init });
  } catch {
    throw new ApiError("ERR_NETWORK", 0, "no answer");
  }
  const body = await response.json().catch(() => undefined) as { error?: { code?: string; message?: string; field?: string } } | undefined;
  if (!response.ok) {
    const error = body?.error;
    throw new ApiError(error?.code ?? (response.status >= 500 ? "ERR_NETWORK" : "ERR_HTTP"), response.status, error?.message ?? response.statusText, error?.field);
  }
  return body as T;
}

export const getBallot = (id: string) => request<{ ballot: WidgetBallot }>(`/v1/widget/ballots/${encodeURIComponent(id)}`).then((r) => r.ballot);

/** What the issuer would answer this session for this ballot, before any choice (server/issuer/issuer.ts). */
export const getEligibility = (ballotId: string, session: string) =>
  request<{ eligibility: { eligible: boolean; rule?: string; tokenIssued: boolean } }>(`/v1/ballots/${encodeURIComponent(ballotId)}/eligibility`, {
    method: "POST", // carries Origin, which the issuer checks
    headers: { authorization: `Bearer ${session}` },
  }).then((r) => r.eligibility);

/** PROTOCOL.md §3.3 step 2. The same blinded message may be sent again: the issuer answers it again. */
export const requestBlindSignature = (ballotId: string, session: string, blindedMessage: string) =>
  request<{ blindSignature: string }>(`/v1/ballots/${encodeURIComponent(ballotId)}/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${session}` },
    body: JSON.stringify({ blindedMessage }),
  }).then((r) => r.blindSignature);

/**
 * The signed vote, as the relay takes it (`relayUrl`: another origin than the vote host's):
 * no session, no name, no cookie. The same vote again gets the same receipt.
 */
export const submitVote = (relayUrl: string, vote: Record<string, unknown>) =>
  request<{ receiptId: string }>(`${relayUrl}/v1/votes`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(vote) }).then((r) => r.receiptId);

export const getReceipt = (relayUrl: string, receiptId: string) => request<ReceiptView>(`${relayUrl}/v1/receipts/${encodeURIComponent(receiptId)}`);
