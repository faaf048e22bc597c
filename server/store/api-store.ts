// The API's durable state: ONE LevelDB at `<data>/api`, one sublevel per concept (apps,
// ballots, issuer keys; the issuer and the relay add their own). Every write that an
// answer depends on is synced before the answer (`SYNC`).
import path from "node:path";
import { Level } from "level";
import { ensurePrivateDir } from "../config/private-file.js";

export const API_DB_DIR = "api";
/**
 * Write options of every record an HTTP answer or a CLI output depends on. `sync` is
 * classic-level's fsync option, which abstract-level's types do not name.
 */
export const SYNC = { sync: true } as object;

export class ApiStore {
  private constructor(readonly db: Level<string, unknown>, readonly location: string) {}

  /**
   * Opens (or creates) `<dataDir>/api`; fails clearly if another process holds it. The data
   * directory and the store's own are made 0700 first: `urne app` on a stopped service, or
   * `urne api` alone, may be the first to open them (LevelDB would create them 0755).
   */
  static async open(dataDir: string): Promise<ApiStore> {
    const location = path.join(path.resolve(dataDir), API_DB_DIR);
    await ensurePrivateDir(path.resolve(dataDir));
    await ensurePrivateDir(location);
    const db = new Level<string, unknown>(location, { valueEncoding: "json" });
    try {
      await db.open();
    } catch (error) {
      if ((error as { cause?: { code?: string } }).cause?.code === "LEVEL_LOCKED") {
        throw new Error(`${location} is in use by another process: stop "urne start" on this data directory first`, { cause: error });
      }
      throw error;
    }
    return new ApiStore(db, location);
  }

  /** A JSON sublevel; names are part of the on-disk format: never rename one. */
  sublevel<V>(name: string) {
    return this.db.sublevel<string, V>(name, { valueEncoding: "json" });
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
