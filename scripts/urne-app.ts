// `urne app create|list|revoke`: organizer apps, managed on the data directory's API
// store. LevelDB has one writer: stop `urne start` on the same data directory first.
// The API key is printed ONCE, on stdout, by `create`; it is stored only as a SHA-256.
import { AppRegistry, type App } from "../server/apps/app-registry.js";
import { ApiStore } from "../server/store/api-store.js";
import { UrneError } from "../protocol/errors.js";

export const APP_USAGE = `usage:
  urne app create --name NAME --origin https://site.example [--origin ...] [--data DIR]
  urne app list [--data DIR]
  urne app revoke APP_ID [--data DIR]
`;

const line = (app: App) => `${app.id}\t${app.revokedAt ? "revoked" : "active"}\t${app.name}\t${app.origins.join(" ")}`;

export async function runAppCommand(args: string[], values: { data?: string; name?: string; origin?: string[]; json?: boolean }): Promise<number> {
  const [verb, id] = args;
  const dataDir = values.data ?? process.env.URNE_DATA_DIR ?? "./data";
  if (!["create", "list", "revoke"].includes(verb ?? "")) {
    process.stderr.write(APP_USAGE);
    return 2;
  }
  const store = await ApiStore.open(dataDir);
  try {
    const apps = new AppRegistry(store);
    if (verb === "create") {
      const { app, apiKey } = await apps.create({ name: values.name, origins: values.origin ?? [] });
      if (values.json) process.stdout.write(JSON.stringify({ app, apiKey }) + "\n");
      else {
        process.stdout.write(`app ${app.id} created for ${app.origins.join(", ")}\n\n`);
        process.stdout.write(`API key (shown ONCE, store it in your secret manager now):\n${apiKey}\n`);
      }
    } else if (verb === "list") {
      const list = await apps.list();
      if (values.json) process.stdout.write(JSON.stringify({ apps: list }) + "\n");
      else process.stdout.write(list.length === 0 ? "no app\n" : list.map(line).join("\n") + "\n");
    } else {
      if (!id) {
        process.stderr.write(APP_USAGE);
        return 2;
      }
      const app = await apps.revoke(id);
      process.stdout.write(values.json ? JSON.stringify({ app }) + "\n" : `app ${app.id} revoked: its API key is refused from now on\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof UrneError) {
      process.stderr.write(`urne app ${verb}: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await store.close();
  }
}
