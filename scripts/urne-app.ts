// `urne app create|list|revoke`: organizer apps. With the service running on the data
// directory, the command goes through its admin socket (server/admin/admin-socket.ts) and
// takes effect at once; with the service stopped, it opens the API store itself (LevelDB
// has one writer). The API key is printed ONCE, on stdout, by `create`; it is stored
// only as a SHA-256.
import { adminRequest } from "../server/admin/admin-client.js";
import { AppRegistry, type App } from "../server/apps/app-registry.js";
import { ApiStore } from "../server/store/api-store.js";
import { UrneError } from "../protocol/errors.js";

export const APP_USAGE = `usage:
  urne app create --name NAME --origin https://site.example [--origin ...] [--data DIR]
  urne app list [--data DIR]
  urne app revoke APP_ID [--data DIR]
`;

const line = (app: App) => `${app.id}\t${app.revokedAt ? "revoked" : "active"}\t${app.name}\t${app.origins.join(" ")}`;

type Verb = "create" | "list" | "revoke";
type Values = { data?: string; name?: string; origin?: string[]; json?: boolean };
type Outcome = { app?: App; apiKey?: string; apps?: App[] };

/** The verb through the running service, or undefined when none runs on `dataDir`. */
async function viaService(dataDir: string, verb: Verb, id: string | undefined, values: Values): Promise<Outcome | undefined> {
  const answer = verb === "create" ? await adminRequest(dataDir, "POST", "/apps", { name: values.name, origins: values.origin ?? [] })
    : verb === "list" ? await adminRequest(dataDir, "GET", "/apps")
      : await adminRequest(dataDir, "POST", `/apps/${encodeURIComponent(id!)}/revoke`);
  return answer?.body as Outcome | undefined;
}

/** The verb on the store itself (the service is stopped). */
async function viaStore(dataDir: string, verb: Verb, id: string | undefined, values: Values): Promise<Outcome> {
  const store = await ApiStore.open(dataDir);
  try {
    const apps = new AppRegistry(store);
    if (verb === "create") return apps.create({ name: values.name, origins: values.origin ?? [] });
    if (verb === "list") return { apps: await apps.list() };
    return { app: await apps.revoke(id!) };
  } finally {
    await store.close();
  }
}

export async function runAppCommand(args: string[], values: Values): Promise<number> {
  const [verb, id] = args;
  const dataDir = values.data ?? process.env.URNE_DATA_DIR ?? "./data";
  if (!["create", "list", "revoke"].includes(verb ?? "") || (verb === "revoke" && !id)) {
    process.stderr.write(APP_USAGE);
    return 2;
  }
  try {
    const outcome = (await viaService(dataDir, verb as Verb, id, values)) ?? (await viaStore(dataDir, verb as Verb, id, values));
    if (values.json) process.stdout.write(JSON.stringify(outcome) + "\n");
    else if (verb === "create") {
      process.stdout.write(`app ${outcome.app!.id} created for ${outcome.app!.origins.join(", ")}\n\n`);
      process.stdout.write(`API key (shown ONCE, store it in your secret manager now):\n${outcome.apiKey}\n`);
    } else if (verb === "list") {
      const list = outcome.apps ?? [];
      process.stdout.write(list.length === 0 ? "no app\n" : list.map(line).join("\n") + "\n");
    } else process.stdout.write(`app ${outcome.app!.id} revoked: its API key is refused from now on\n`);
    return 0;
  } catch (error) {
    if (error instanceof UrneError) {
      process.stderr.write(`urne app ${verb}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
