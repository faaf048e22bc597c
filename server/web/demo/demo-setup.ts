// At `npm start` (development only), make sure the demo partner exists: an organizer app
// "demo" whose only origin is the demo site, and one open ballot per demo kind (the sealed
// one under a key ceremony of simulated trustees, demo-ceremony.ts). The demo
// is a process of its own, an organizer like any other: it gets its app through the vote
// host's admin socket (as `urne app create` does) and makes its ballots with the public
// organizer API and that app's key. The ids and the key are kept in <data>/demo.json
// (0600), so a restart reuses them; anything missing, closed, closing within a day,
// revoked, or registered for another origin (another demo port) is replaced.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { adminRequest } from "../../admin/admin-client.js";
import { DEMO_BALLOT_NAMES, demoBallotBody, type DemoBallotName } from "./demo-ballots.js";
import { demoCeremony } from "./demo-ceremony.js";

/** `fingerprints`: each ballot's (PROTOCOL.md §6.7), which the demo page's embed tags carry. */
export type DemoState = { origin: string; appId: string; apiKey: string; ballots: Record<DemoBallotName, string>; fingerprints: Record<DemoBallotName, string> };



export const DEMO_STATE_FILE = "demo.json";
const DAY_MS = 86_400_000;

async function readState(file: string): Promise<Partial<DemoState>> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as Partial<DemoState>;
  } catch {
    return {}; // first start, or an unreadable file: start over
  }
}

type Deps = { apiUrl: string; dataDir: string; origin: string; log: (event: string, fields: Record<string, unknown>) => void };

async function organizer(deps: Deps, apiKey: string, method: "GET" | "POST", route: string, body?: unknown) {
  const res = await fetch(deps.apiUrl + route, {
    method, headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(60_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** A public POST (a trustee's ceremony message carries its own signature, no key). */
async function anyone(deps: Deps, route: string, body: unknown) {
  const res = await fetch(deps.apiUrl + route, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function admin(deps: Deps, method: "GET" | "POST", route: string, body?: unknown) {
  const answer = await adminRequest(deps.dataDir, method, route, body);
  if (!answer) throw new Error("the vote host's admin socket does not answer: is the API running on this data directory?");
  return answer.body as Record<string, any>;
}

/** The demo app's key: the known one if it still works for this origin, else a new app's. */
async function demoApp(deps: Deps, state: Partial<DemoState>): Promise<{ appId: string; apiKey: string }> {
  if (state.apiKey && state.appId && state.origin === deps.origin) {
    const probe = await organizer(deps, state.apiKey, "GET", "/v1/ballots?limit=1");
    if (probe.status === 200) return { appId: state.appId, apiKey: state.apiKey };
  }
  if (state.appId) await admin(deps, "POST", `/apps/${encodeURIComponent(state.appId)}/revoke`).catch(() => undefined); // the old port's origin
  const created = await admin(deps, "POST", "/apps", { name: "demo", origins: [deps.origin] });
  return { appId: created.app.id as string, apiKey: created.apiKey as string };
}

/** The ballot's fingerprint if it is still open for more than a day, else undefined. */
async function stillUsable(deps: Deps, apiKey: string, id: string | undefined): Promise<string | undefined> {
  if (id === undefined) return undefined;
  const { status, body } = await organizer(deps, apiKey, "GET", `/v1/ballots/${encodeURIComponent(id)}`);
  return status === 200 && body.ballot.status === "open" && Date.parse(body.ballot.closesAt) > Date.now() + DAY_MS ? body.ballot.fingerprint : undefined;
}

export async function ensureDemo(deps: Deps): Promise<DemoState> {
  const file = path.join(deps.dataDir, DEMO_STATE_FILE);
  const state = await readState(file);
  const { appId, apiKey } = await demoApp(deps, state);
  const sameApp = state.appId === appId;
  const ballots = {} as Record<DemoBallotName, string>;
  const fingerprints = {} as Record<DemoBallotName, string>;
  // One after the other: each is a transaction from the organizer's one account.
  for (const name of DEMO_BALLOT_NAMES) {
    const known = sameApp ? state.ballots?.[name] : undefined;
    const fingerprint = await stillUsable(deps, apiKey, known);
    if (fingerprint) {
      ballots[name] = known!;
      fingerprints[name] = fingerprint;
    } else {
      // The sealed ballot's key ceremony, with simulated trustees (demo-ceremony.ts).
      const ceremonyId = name === "sealed"
        ? await demoCeremony((route, body) => organizer(deps, apiKey, "POST", route, body), (route, body) => anyone(deps, route, body))
        : undefined;
      const created = await organizer(deps, apiKey, "POST", "/v1/ballots", demoBallotBody(name, new Date(), ceremonyId));
      if (created.status !== 201) throw new Error(`demo ballot "${name}": ${created.status} ${JSON.stringify(created.body.error)}`);
      ballots[name] = created.body.ballot.id;
      fingerprints[name] = created.body.ballot.fingerprint;
      deps.log("demo.ballot_created", { name, ballotId: ballots[name] });
    }
  }
  const next: DemoState = { origin: deps.origin, appId, apiKey, ballots, fingerprints };
  await writeFile(file, JSON.stringify(next, null, 2) + "\n", { mode: 0o600 });
  return next;
}
