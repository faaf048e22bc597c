import { Router, type NextFunction, type Request, type Response } from "express";
import { toHex } from "../../protocol/hex.js";
import { errorBody, statusForCode } from "../http/http-errors.js";
import { IssuerError } from "./errors.js";
import { parseBallotId } from "../http/ballot-id.js";
import { jsonBody } from "../http/json-body.js";
import type { Issuer } from "./issuer.js";
import { type OriginPolicy, canonicalOrigin } from "./origin-policy.js";
import { clientAddress, clientNetwork } from "../http/client-address.js";
import type { RateLimiter } from "../http/rate-limiter.js";

export interface TokenRoutesDeps {
  issuer: Issuer;
  originPolicy: OriginPolicy;
  issuancePerIp: RateLimiter;
  issuancePerVoter: RateLimiter;
  log: (event: string, fields: Record<string, unknown>) => void;
}

const PATH = "/v1/ballots/:id/tokens";
/**
 * POST, no body: what the issuer would answer this session for this ballot, before any
 * choice (Issuer.eligibility). Records nothing. A POST because a browser sends no Origin
 * on a same-origin GET, and the origin policy needs it.
 */
const ELIGIBILITY_PATH = "/v1/ballots/:id/eligibility";
/** 256 bytes as 0x-hex is 514 characters: anything much larger is not a token request. */
const BODY_LIMIT_BYTES = 2 * 1024;

/**
 * POST /v1/ballots/:id/tokens, `Authorization: Bearer <session>`, `{ blindedMessage }` →
 * `{ blindSignature }` (PROTOCOL.md §3.3 step 2).
 *
 * CORS: the widget calls from its own origin. A response is readable only by an origin the
 * OriginPolicy allows, and a session is accepted only from the origin it was issued to
 * (its audience), so a signature is only ever readable by the session's own origin. No
 * cookies are involved (no Allow-Credentials): the bearer session is the only credential.
 */
export function tokenRoutes(deps: TokenRoutesDeps): Router {
  const router = Router();

  const preflight = (methods: string) => async (req: Request<{ id: string }>, res: Response) => {
    let origin: string | undefined;
    try {
      origin = await allowedRequestOrigin(deps.originPolicy, req.get("origin"), parseBallotId(req.params.id));
    } catch {
      // An unknown ballot id: no CORS headers, like any refused origin.
    }
    if (origin === undefined) {
      res.status(403).set("Vary", "Origin").json(errorBody(new IssuerError("ERR_ORIGIN_NOT_ALLOWED", "Voting tokens are issued to the vote host's widget only.", { field: "origin" })));
      return;
    }
    corsHeaders(res, origin).set({
      "Access-Control-Allow-Methods": methods,
      "Access-Control-Allow-Headers": "authorization, content-type",
      "Access-Control-Max-Age": "600",
    }).status(204).end();
  };
  router.options(PATH, preflight("POST"));
  router.options(ELIGIBILITY_PATH, preflight("POST"));

  /**
   * What both requests check first, in this order: the per-IP rate limit, the ballot id, the
   * origin (the vote host's widget only), then the session, whose audience must be that origin.
   */
  const sessionOf = async (req: Request<{ id: string }>, res: Response) => {
    res.set({ "Cache-Control": "no-store", Vary: "Origin" });
    deps.issuancePerIp.take(clientNetwork(clientAddress(req))); // an IPv6 client counts as its /64
    const ballotId = parseBallotId(req.params.id);
    const origin = await allowedRequestOrigin(deps.originPolicy, req.get("origin"), ballotId);
    if (origin === undefined) {
      // A browser always sends Origin on a POST; its absence is a script.
      throw new IssuerError("ERR_ORIGIN_NOT_ALLOWED", "Voting tokens are issued to the vote host's widget only.", { field: "origin" });
    }
    corsHeaders(res, origin);
    return { ballotId, session: await deps.issuer.authenticate(bearer(req), origin) };
  };

  // Said on the identity screen, before the voter chooses: "you may not vote here" (age at
  // the close) or "a token was already issued to you" (another browser, another device).
  router.post(ELIGIBILITY_PATH, async (req: Request<{ id: string }>, res, next: NextFunction) => {
    try {
      const { ballotId, session } = await sessionOf(req, res);
      res.status(200).json({ eligibility: await deps.issuer.eligibility({ session, ballotId }) });
    } catch (error) {
      next(bearerChallenge(res, error));
    }
  });

  router.post(PATH, ...jsonBody(BODY_LIMIT_BYTES), async (req: Request<{ id: string }>, res, next: NextFunction) => {
    try {
      const { ballotId, session } = await sessionOf(req, res);
      // Per voter, not per token string: logging in again does not refill the bucket.
      deps.issuancePerVoter.take(session.voterKey);
      const { blindSignature } = await deps.issuer.issueToken({
        session,
        ballotId,
        blindedMessage: (req.body as { blindedMessage?: unknown } | undefined)?.blindedMessage,
      });
      res.status(200).json({ blindSignature: toHex(blindSignature) });
    } catch (error) {
      const code = (error as { code?: unknown })?.code;
      // The code only: no ballot id, voter key, session or body beside a time in a log line.
      deps.log("issuer.token_refused", { code: typeof code === "string" ? code : "internal" });
      next(bearerChallenge(res, error));
    }
  });

  return router;
}

/** RFC 6750 §3: a 401 names the scheme to use. Returns the error, for `next`. */
function bearerChallenge(res: Response, error: unknown): unknown {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string" && statusForCode(code) === 401) res.set("WWW-Authenticate", 'Bearer realm="urne"');
  return error;
}

function corsHeaders(res: Response, origin: string): Response {
  return res.set({ "Access-Control-Allow-Origin": origin, Vary: "Origin" });
}

/** The request's origin when the policy lets it serve this ballot; undefined otherwise. */
async function allowedRequestOrigin(policy: OriginPolicy, header: string | undefined, ballotId: bigint): Promise<string | undefined> {
  if (header === undefined) return undefined;
  try {
    const origin = canonicalOrigin(header);
    return (await policy.isAllowed(origin, ballotId)) ? origin : undefined;
  } catch {
    return undefined;
  }
}

function bearer(req: Request): string | undefined {
  const match = /^Bearer ([A-Za-z0-9_.-]{1,4096})$/.exec(req.get("authorization") ?? "");
  return match?.[1];
}
