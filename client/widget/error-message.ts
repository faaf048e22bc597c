// From an error to the sentence a citizen reads and what they may do next. "Réessayer"
// is offered only where retrying is safe: the token request resends the same blinded
// message, the relay answers the same signed vote with the same receipt.
import { ApiError } from "./api.js";
import { ChainCheckError } from "./chain-ballot.js";
import type { WidgetContext } from "./context.js";
import { WorkerIntegrityError } from "./sealing-worker.js";
import { VoteRejectedError } from "./vote-session.js";

export type Remedy = "retry" | "login" | "none";

export function errorMessage(ctx: WidgetContext, error: unknown): { text: string; remedy: Remedy } {
  const { t } = ctx;
  if (error instanceof ChainCheckError) {
    const text = error.reason === "fingerprint" ? t("errFingerprint") : error.reason === "nodes-disagree" ? t("errNodesDisagree")
      : error.reason === "unsafe-key" ? t("errUnsafeKey") : t("errChainCheck");
    return { text, remedy: "none" };
  }
  if (error instanceof WorkerIntegrityError) return { text: t("errWorkerIntegrity"), remedy: "none" };
  if (error instanceof VoteRejectedError) return { text: t("errRejected", { reason: error.message }), remedy: "none" };
  if (!(error instanceof ApiError)) {
    // A JSON-RPC node that did not answer is a network fault; anything else is a bug.
    return error instanceof TypeError || (error instanceof Error && /fetch|network|answer/i.test(error.message))
      ? { text: t("errNetwork"), remedy: "retry" }
      : { text: t("errOther", { code: error instanceof Error ? error.name : "?" }), remedy: "none" };
  }
  switch (error.code) {
    case "ERR_TOKEN_ALREADY_ISSUED":
    case "ERR_ALREADY_VOTED":
    case "ERR_STALE_REVISION":
      return { text: t("errAlreadyVoted"), remedy: "none" };
    case "ERR_NOT_ELIGIBLE":
      return { text: t("errNotEligible", { rule: ctx.ballot.eligibility[ctx.lang] }), remedy: "none" };
    case "ERR_BALLOT_CLOSED":
      return { text: t("errClosed"), remedy: "none" };
    case "ERR_UNSAFE_ISSUER_KEY":
      return { text: t("errUnsafeKey"), remedy: "none" };
    case "ERR_BALLOT_CLOSING":
      return { text: t("errClosing"), remedy: "none" };
    case "ERR_BALLOT_NOT_OPEN":
      return { text: t("errNotOpen"), remedy: "none" };
    case "ERR_BALLOT_NOT_FOUND":
      return { text: t("errUnknownBallot"), remedy: "none" };
    case "ERR_UNAUTHENTICATED":
    case "ERR_SESSION_INVALID":
    case "ERR_SESSION_EXPIRED":
    case "ERR_SESSION_AUDIENCE":
      return { text: t("errSession"), remedy: "login" };
    case "ERR_RATE_LIMITED":
      return { text: t("errRateLimited"), remedy: "retry" };
    case "ERR_NETWORK":
    case "ERR_CHAIN_UNAVAILABLE":
    case "ERR_INTERNAL":
      return { text: t("errNetwork"), remedy: "retry" };
    default:
      return { text: t("errOther", { code: error.code }), remedy: "none" };
  }
}
