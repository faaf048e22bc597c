// At `npm start` (development only), make sure the demo partner exists: an organizer app
// "demo" whose only origin is the demo site, and one open ballot per demo kind. The ids
// are kept in <data>/demo.json, so a restart reuses them; anything missing, closed, closing
// within a day, revoked, or registered for another origin (another demo port) is replaced.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { AppRegistry, App } from "../../apps/app-registry.js";
import type { BallotService } from "../../ballots/ballot-service.js";
import { DEMO_BALLOT_NAMES, demoBallotBody, type DemoBallotName } from "./demo-ballots.js";

export type DemoState = { origin: string; appId: string; ballots: Record<DemoBallotName, string> };

export const DEMO_STATE_FILE = "demo.json";
const DAY_SECONDS = 86_400;

async function readState(file: string): Promise<Partial<DemoState>> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as Partial<DemoState>;
  } catch {
    return {}; // first start, or an unreadable file: start over
  }
}

async function demoApp(apps: AppRegistry, state: Partial<DemoState>, origin: string): Promise<App> {
  const existing = state.appId ? await apps.get(state.appId) : undefined;
  if (existing && existing.revokedAt === null && existing.origins.length === 1 && existing.origins[0] === origin) return existing;
  if (existing && existing.revokedAt === null) await apps.revoke(existing.id); // the old port's origin
  // The API key is not kept: the demo creates its ballots in process, as the app.
  return (await apps.create({ name: "demo", origins: [origin] })).app;
}

async function stillUsable(ballots: BallotService, app: App, id: string | undefined): Promise<boolean> {
  if (id === undefined) return false;
  try {
    const record = await ballots.owned(app, id);
    return record.closed === undefined && record.draft.closesAt > ballots.now() + DAY_SECONDS && record.draft.opensAt <= ballots.now();
  } catch {
    return false;
  }
}

export async function ensureDemo(deps: { apps: AppRegistry; ballots: BallotService; dataDir: string; origin: string; log: (event: string, fields: Record<string, unknown>) => void }): Promise<DemoState> {
  const file = path.join(deps.dataDir, DEMO_STATE_FILE);
  const state = await readState(file);
  const app = await demoApp(deps.apps, state, deps.origin);
  const sameApp = state.appId === app.id;
  const ballots = {} as Record<DemoBallotName, string>;
  // One after the other: each is a transaction from the organizer's one account.
  for (const name of DEMO_BALLOT_NAMES) {
    const known = sameApp ? state.ballots?.[name] : undefined;
    if (await stillUsable(deps.ballots, app, known)) ballots[name] = known!;
    else {
      ballots[name] = (await deps.ballots.create(app, demoBallotBody(name, new Date()))).id;
      deps.log("demo.ballot_created", { name, ballotId: ballots[name] });
    }
  }
  const next: DemoState = { origin: deps.origin, appId: app.id, ballots };
  await writeFile(file, JSON.stringify(next, null, 2) + "\n", { mode: 0o600 });
  return next;
}
