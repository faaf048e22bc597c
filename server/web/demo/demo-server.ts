// The demo partner site of `npm start` (development only): a tiny HTTP server on ANOTHER
// site than the vote host (http://localhost:<port> while the API is on 127.0.0.1), so the
// widget runs cross-site exactly as on a real partner's page.
import http from "node:http";
import { demoPage } from "./demo-page.js";
import { listen } from "../../http/listen.js";
import { ensureDemo, type DemoState } from "./demo-setup.js";

export type DemoPartner = {
  url: string;
  state: DemoState;
  /** embed.js's integrity value, as the vote host announced it when the demo started. */
  embedIntegrity: string | undefined;
  stop(): Promise<void>;
};

/** embed.js's integrity value from the vote host's /.well-known/urne.json (client.embed), as a partner pins it. */
export async function embedIntegrity(apiUrl: string): Promise<string | undefined> {
  const res = await fetch(`${apiUrl}/.well-known/urne.json`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${apiUrl}/.well-known/urne.json: ${res.status}`);
  const body = (await res.json()) as { client?: { embed?: { integrity?: unknown } | null } };
  const integrity = body.client?.embed?.integrity;
  return typeof integrity === "string" ? integrity : undefined;
}

/** The demo site for the vote host at `apiUrl` (its organizer API and, on `dataDir`, its admin socket). */
export async function startDemoPartner(opts: {
  apiUrl: string; dataDir: string; port: number; log?: (event: string, fields: Record<string, unknown>) => void;
}): Promise<DemoPartner> {
  const log = opts.log ?? (() => {});
  const voteHost = new URL(opts.apiUrl).origin;
  let state: DemoState | undefined;
  let integrity: string | undefined;
  const server = http.createServer((req, res) => {
    let url: URL;
    try {
      // A request target that is not a path ("//..%2f..%2f") makes URL throw: a 400, not a crash.
      url = new URL(req.url ?? "/", "http://demo.invalid");
      if (url.origin !== "http://demo.invalid") throw new TypeError("not a path");
    } catch {
      res.writeHead(400, { "content-type": "text/plain; charset=utf-8" }).end("Requête invalide.");
      return;
    }
    if (!state) {
      // Listening before its ballots exist: answered at once, never left waiting.
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8", "retry-after": "1" }).end("Démarrage en cours, réessayez dans un instant.");
      return;
    }
    if (req.method !== "GET" || url.pathname !== "/") {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Page introuvable.");
      return;
    }
    const lang = url.searchParams.get("lang") === "en" ? "en" : "fr";
    res.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      // What a partner's policy needs for the widget: embed.js and its check from the vote
      // host, and the vote host in frames.
      "content-security-policy": `default-src 'none'; script-src ${voteHost}; connect-src ${voteHost}; frame-src ${voteHost}; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'`,
    }).end(demoPage(voteHost, state.ballots, state.fingerprints, lang, integrity));
  });
  // Loopback only: the demo is for the developer's own browser.
  const listener = await listen(server, opts.port, "127.0.0.1");
  const stop = () => listener.close();
  try {
    // "localhost", not 127.0.0.1: another site than the API's, as a real partner is.
    const origin = `http://localhost:${listener.port}`;
    state = await ensureDemo({ apiUrl: opts.apiUrl, dataDir: opts.dataDir, origin, log });
    // Pinned as a partner pins it (<script integrity>): the demo runs the release's embed.js or none.
    integrity = await embedIntegrity(opts.apiUrl);
    return { url: origin + "/", state, embedIntegrity: integrity, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
