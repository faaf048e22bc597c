// Organizer apps: a name, the origins where their widget may be embedded, and the hash of
// their API key. `create` returns the key once; afterwards nobody, not even the operator,
// can read it back. A revoked app keeps its record (its ballots still name it) but its key
// no longer authenticates.
import { randomBytes } from "node:crypto";
import { UrneError } from "../../protocol/errors.js";
import { textFault } from "../http/text.js";
import { SYNC, type ApiStore } from "../store/api-store.js";
import { generateApiKey, hashApiKey, isWellFormedApiKey } from "./api-key.js";
import { parseOrigin } from "./origin.js";

export type App = {
  id: string;
  name: string;
  origins: string[];
  /** ISO 8601. */
  createdAt: string;
  revokedAt: string | null;
};

type AppRecord = App & { keyHash: string };

export const APP_NAME_MAX = 100;
/**
 * Origins of one app. Each is a frame-ancestors source of the widget page's CSP header:
 * without a bound, one app (a 64 KB body) made a ~60 KB header that reverse proxies refuse.
 */
export const APP_ORIGINS_MAX = 50;

export class AppRegistry {
  private readonly apps;
  private readonly byKeyHash;

  constructor(store: ApiStore) {
    this.apps = store.sublevel<AppRecord>("apps");
    this.byKeyHash = store.sublevel<string>("app-key-hashes");
  }

  /** Registers an app; the returned `apiKey` is shown once and never stored. */
  async create(input: { name: unknown; origins: unknown }): Promise<{ app: App; apiKey: string }> {
    const name = typeof input.name === "string" ? input.name.trim() : "";
    if (name.length === 0 || name.length > APP_NAME_MAX) {
      throw new UrneError("ERR_INVALID_APP", `name must be 1 to ${APP_NAME_MAX} characters`, { field: "name" });
    }
    // `urne app list` prints names to the operator's terminal: no control character, no
    // escape sequence, no lone surrogate (LevelDB would store U+FFFD in its place).
    const fault = textFault(name);
    if (fault !== undefined) throw new UrneError("ERR_INVALID_APP", `name ${fault}`, { field: "name" });
    if (!Array.isArray(input.origins) || input.origins.length === 0) {
      throw new UrneError("ERR_INVALID_APP", "at least one origin is required (--origin https://...)", { field: "origins" });
    }
    if (input.origins.length > APP_ORIGINS_MAX) {
      throw new UrneError("ERR_INVALID_APP", `at most ${APP_ORIGINS_MAX} origins per app (create another app for more)`, { field: "origins" });
    }
    const origins = [...new Set(input.origins.map((o, i) => parseOrigin(o, `origins[${i}]`)))];
    const apiKey = generateApiKey();
    const keyHash = hashApiKey(apiKey);
    const record: AppRecord = {
      id: `app_${randomBytes(9).toString("base64url")}`,
      name,
      origins,
      createdAt: new Date().toISOString(),
      revokedAt: null,
      keyHash,
    };
    await this.apps.db.batch([
      { type: "put", sublevel: this.apps, key: record.id, value: record },
      { type: "put", sublevel: this.byKeyHash, key: keyHash, value: record.id },
    ] as never, SYNC);
    return { app: publicView(record), apiKey };
  }

  async list(): Promise<App[]> {
    const apps: App[] = [];
    for await (const record of this.apps.values()) apps.push(publicView(record));
    return apps.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async get(id: string): Promise<App | undefined> {
    const record = await this.apps.get(id);
    return record && publicView(record);
  }

  /** Revokes an app's key; idempotent. Throws ERR_APP_NOT_FOUND for an unknown id. */
  async revoke(id: string): Promise<App> {
    const record = await this.apps.get(id);
    if (!record) throw new UrneError("ERR_APP_NOT_FOUND", `no app has id ${JSON.stringify(id)}`, { field: "id" });
    if (record.revokedAt === null) {
      record.revokedAt = new Date().toISOString();
      await this.apps.db.batch([
        { type: "put", sublevel: this.apps, key: id, value: record },
        { type: "del", sublevel: this.byKeyHash, key: record.keyHash },
      ] as never, SYNC);
    }
    return publicView(record);
  }

  /** The live app holding `apiKey`, or undefined (unknown, malformed or revoked). */
  async authenticate(apiKey: string): Promise<App | undefined> {
    if (!isWellFormedApiKey(apiKey)) return undefined;
    const id = await this.byKeyHash.get(hashApiKey(apiKey));
    if (id === undefined) return undefined;
    const record = await this.apps.get(id);
    return record && record.revokedAt === null ? publicView(record) : undefined;
  }

  /** Every origin of a live app (the widget endpoints that serve any ballot accept these). */
  async liveOrigins(): Promise<Set<string>> {
    const origins = new Set<string>();
    for await (const record of this.apps.values()) if (record.revokedAt === null) record.origins.forEach((o) => origins.add(o));
    return origins;
  }
}

function publicView({ keyHash: _keyHash, ...app }: AppRecord): App {
  return app;
}
