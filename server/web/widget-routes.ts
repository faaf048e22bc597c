// The "Je vote" widget's server side:
//   GET /v1/widget/ballots/:id          the ballot's public facts (widget-ballot.ts)
//   GET /v1/widget/ballots/:id/allowed  may the calling page (its Origin header) embed
//                                       this ballot? Asked by embed.js before it frames
//                                       the widget, so that a refused site shows a clear
//                                       sentence instead of a frame the browser blanks.
//   GET /widget/:id?lang=fr|en&host=<partner origin>   the widget page, framed by embed.js
//   GET /proof/print?lang=fr|en         the printable proof, opened by the widget
// The widget page is served by the vote host, so the partner's scripts cannot read into
// it (SECURITY.md "Widget"): frame-ancestors lists exactly the origins of the app that
// owns the ballot, and the vote host's own (the organizer console's preview).
import { Router, type Request, type Response } from "express";
import { UrneError } from "../../protocol/errors.js";
import type { AppRegistry } from "../apps/app-registry.js";
import type { BallotChain } from "../ballots/ballot-chain.js";
import type { BallotService } from "../ballots/ballot-service.js";
import type { BallotRecord } from "../ballots/ballot-registry.js";
import { statusForCode } from "../http/http-errors.js";
import { parseBallotId } from "../http/ballot-id.js";
import { canonicalOrigin } from "../issuer/origin-policy.js";
import type { PublicReads } from "../http/public-reads.js";
import type { PageCode } from "./page-code.js";
import { escapeHtml, jsonForScript, setPageHeaders } from "./page-headers.js";
import { widgetBallot } from "./widget-ballot.js";

export type WidgetRouteDeps = {
  apps: AppRegistry;
  ballots: BallotService;
  chain: BallotChain;
  /** Public JSON-RPC URLs (the widget reads the ballot's BallotCreated event there). */
  rpcUrls: readonly string[];
  /** The relay's public base URL: the widget sends the ballot there, not to this origin. */
  relayUrl: string;
  /** The clients' budget of public reads (server/http/public-reads.ts): the two JSON endpoints read the chain or the store. */
  reads: PublicReads;
};

export type WidgetLang = "fr" | "en";

/** The widget's configuration, in its page as JSON (client/widget/config.ts reads it). */
export type WidgetPageConfig = { ballotId: string; lang: WidgetLang; host: string | null; relayUrl: string; fingerprint?: string; nodes?: string[] };

/** At most this many nodes in an embed tag's data-nodes. */
const MAX_TAG_NODES = 5;

/** The embed tag's fingerprint (query `fingerprint`), checked for shape; the widget compares it with the chain's. */
function tagFingerprint(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(value)) throw new UrneError("ERR_INVALID_QUERY", "fingerprint must be 0x and 64 hex digits.", { field: "fingerprint" });
  return value.toLowerCase();
}

/** The embed tag's nodes (query `nodes`, comma-separated http(s) URLs): the widget reads the chain there. */
function tagNodes(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const fail = () => new UrneError("ERR_INVALID_QUERY", `nodes must be 1 to ${MAX_TAG_NODES} comma-separated http(s) URLs.`, { field: "nodes" });
  if (typeof value !== "string" || value.length > 4096) throw fail();
  const nodes = value.split(",").map((n) => n.trim()).filter(Boolean);
  if (nodes.length === 0 || nodes.length > MAX_TAG_NODES) throw fail();
  for (const node of nodes) {
    let url: URL;
    try {
      url = new URL(node);
    } catch {
      throw fail();
    }
    if ((url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password) throw fail();
  }
  return nodes;
}

const langOf = (value: unknown): WidgetLang => {
  if (value === undefined || value === "fr") return "fr";
  if (value === "en") return "en";
  throw new UrneError("ERR_INVALID_QUERY", 'lang must be "fr" or "en".', { field: "lang" });
};

/** The origins that may embed a ballot: its app's, none if the app is revoked or gone. */
async function embeddingOrigins(deps: WidgetRouteDeps, record: BallotRecord): Promise<string[]> {
  const app = await deps.apps.get(record.appId);
  return app && app.revokedAt === null ? [...app.origins] : [];
}

/** The ballot, or ERR_BALLOT_NOT_FOUND naming "ballotId" (not a uint256, or not ours). */
async function recordOf(deps: WidgetRouteDeps, id: string): Promise<BallotRecord> {
  parseBallotId(id);
  try {
    return await deps.ballots.record(id);
  } catch (error) {
    if (error instanceof UrneError && error.code === "ERR_BALLOT_NOT_FOUND") throw new UrneError(error.code, "No such ballot.", { field: "ballotId" });
    throw error;
  }
}

/** Early close from the chain; the registry's copy when the node does not answer. */
async function closedAtOf(deps: WidgetRouteDeps, record: BallotRecord): Promise<number> {
  try {
    return (await deps.chain.ballot(BigInt(record.id))).closedAt;
  } catch {
    return record.closed?.closedAt ?? 0;
  }
}

function errorPage(res: Response, error: unknown, lang: WidgetLang = "fr"): void {
  const code = error instanceof UrneError ? error.code : "ERR_INTERNAL";
  const text = lang === "en" ? "This vote cannot be shown here." : "Ce vote ne peut pas être affiché ici.";
  // No ancestor may frame an error: it would otherwise be an oracle for any site.
  setPageHeaders(res, { frameAncestors: [] }).status(statusForCode(code)).send(`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>urne</title></head>
<body><p>${escapeHtml(text)} (${escapeHtml(code)})</p></body></html>`);
}

export function widgetRoutes(deps: WidgetRouteDeps, code: (page: string) => PageCode): Router {
  const widgetCode = code("widget");
  const printCode = code("print");
  const router = Router();

  router.get("/v1/widget/ballots/:id", deps.reads.charge(), async (req: Request<{ id: string }>, res) => {
    const record = await recordOf(deps, req.params.id);
    res.set("Cache-Control", "no-store").json({ ballot: widgetBallot(record, await closedAtOf(deps, record), deps.ballots.now(), deps.rpcUrls) });
  });

  router.get("/v1/widget/ballots/:id/allowed", async (req: Request<{ id: string }>, res) => {
    res.vary("Origin").set("Cache-Control", "no-store");
    const header = req.get("origin");
    if (header === undefined) throw new UrneError("ERR_ORIGIN_REQUIRED", "Ask from a web page: the Origin header is missing.", { field: "origin" });
    const origin = canonicalOrigin(header);
    // The answer is public (the list of a ballot's sites is no secret); it is readable by
    // the asking origin only, named exactly, never "*".
    res.set("Access-Control-Allow-Origin", origin);
    deps.reads.take(req, 1); // after the CORS header: a refused page can read why
    const record = await recordOf(deps, req.params.id);
    const allowed = (await embeddingOrigins(deps, record)).includes(origin);
    // The question (public, on the ballots page too) titles the frame for screen readers.
    res.json(allowed ? { allowed, question: record.draft.question } : { allowed });
  });

  router.get("/widget/:id", async (req: Request<{ id: string }>, res) => {
    let lang: WidgetLang = "fr";
    try {
      lang = langOf(req.query.lang);
      const record = await recordOf(deps, req.params.id);
      const ancestors = await embeddingOrigins(deps, record);
      if (ancestors.length === 0) throw new UrneError("ERR_ORIGIN_NOT_ALLOWED", "No site may embed this ballot.", { field: "ballotId" });
      let host: string | null = null;
      if (req.query.host !== undefined) {
        host = canonicalOrigin(req.query.host, "host");
        if (!ancestors.includes(host)) throw new UrneError("ERR_ORIGIN_NOT_ALLOWED", "This site may not embed this ballot.", { field: "host" });
      }
      const fingerprint = tagFingerprint(req.query.fingerprint);
      const nodes = tagNodes(req.query.nodes);
      const config: WidgetPageConfig = { ballotId: record.id, lang, host, relayUrl: deps.relayUrl, ...(fingerprint ? { fingerprint } : {}), ...(nodes ? { nodes } : {}) };
      // The page may reach the nodes it reads (the tag's, else ours) and the relay, nothing else.
      const connect = [...(nodes ?? deps.rpcUrls).map((n) => new URL(n).origin), new URL(deps.relayUrl).origin];
      setPageHeaders(res, { frameAncestors: ancestors, framedBySelf: true, connect: [...new Set(connect)], scriptHashes: widgetCode.scriptHashes, blobWorkers: true }).send(`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${lang === "en" ? "Vote" : "Je vote"} — ${record.draft.question}`)}</title>
${widgetCode.head}</head>
<body><main id="urne-widget"></main>
<script type="application/json" id="urne-widget-config">${jsonForScript(config)}</script></body></html>`);
    } catch (error) {
      errorPage(res, error, lang);
    }
  });

  router.get("/proof/print", (req, res) => {
    let lang: WidgetLang;
    try {
      lang = langOf(req.query.lang);
    } catch (error) {
      errorPage(res, error);
      return;
    }
    setPageHeaders(res, { frameAncestors: [], scriptHashes: printCode.scriptHashes }).send(`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${lang === "en" ? "Proof of vote" : "Preuve de vote"}</title>
${printCode.head}</head>
<body><main id="urne-print"></main></body></html>`);
  });

  return router;
}
