// The API's durable state: ONE LevelDB at `<data>/api`, one sublevel per concept (apps,
// ballots, issuer keys, key ceremonies; the issuer adds its token ledger). Every write that an answer
// depends on is synced before the answer (`SYNC`). Opened through durable-level.ts: checked
// before it is opened (damage refuses the start, nothing changed), never created afresh
// over an existing store, and a failed write stops every later one (a 503, `health()`).
import path from "node:path";
import { ensurePrivateDir } from "../config/private-file.js";
import { openStore, type DurableLevel, type StoreHealth } from "./durable-level.js";
import type { HeldEntry } from "./store-check.js";

export const API_DB_DIR = "api";
/**
 * Write options of every record an HTTP answer or a CLI output depends on. `sync` is
 * classic-level's fsync option, which abstract-level's types do not name.
 */
export const SYNC = { sync: true } as object;

/** Names what API store entries held, for store-check.ts: "app app_…", "ballot 7", "token records of ballot 7". */
export function describeApiKeys(entries: HeldEntry[]): string {
  const named = new Set<string>();
  const tokens = new Map<string, number>();
  for (const { key } of entries) {
    const m = /^!([^!]+)!(.*)$/s.exec(key);
    if (!m) continue;
    const [, sublevel, rest] = m;
    if (sublevel === "apps") named.add(`app ${rest}`);
    else if (sublevel === "ballots") named.add(`ballot ${rest.replace(/^0+(?=\d)/, "")}`);
    else if (sublevel === "ballots-by-app") named.add(`ballot ${rest.split("!").at(-1)!.replace(/^0+(?=\d)/, "")}`);
    else if (sublevel === "issuer-keys") named.add(`issuer key ${rest}`);
    else if (sublevel === "ceremonies") named.add(`key ceremony ${rest}`);
    else if (sublevel === "app-key-hashes") named.add("an app's API key");
    else if (sublevel === "issuer-ledger" && rest.startsWith("t:")) tokens.set(rest.split(":")[1], (tokens.get(rest.split(":")[1]) ?? 0) + 1);
    else if (sublevel === "issuer-ledger" && rest.startsWith("c:")) named.add(`the close of token issuance for ballot ${rest.slice(2)}`);
    else if (sublevel === "relay") named.add("entries of the relay's journal from before it had a store of its own");
  }
  for (const [ballot, n] of tokens) named.add(`${n} token record${n === 1 ? "" : "s"} of ballot ${ballot} (who received a voting token)`);
  return [...named].join(", ");
}

export class ApiStore {
  private constructor(readonly db: DurableLevel<unknown>, readonly location: string) {}

  /**
   * Opens (or creates) `<dataDir>/api`; fails clearly if it is damaged (ERR_STORE_CORRUPT)
   * or another process holds it (ERR_STORE_IN_USE). The data directory is made 0700 first:
   * `urne app` on a stopped service, or `urne api` alone, may be the first to open it.
   */
  static async open(dataDir: string, log?: (event: string, fields: Record<string, unknown>) => void): Promise<ApiStore> {
    const location = path.join(path.resolve(dataDir), API_DB_DIR);
    await ensurePrivateDir(path.resolve(dataDir));
    const db = await openStore<unknown>(location, {
      name: "API store", describe: describeApiKeys, valueEncoding: "json", log,
      inUseHint: 'stop "urne start" on this data directory first',
    });
    return new ApiStore(db, location);
  }

  /** A JSON sublevel; names are part of the on-disk format: never rename one. */
  sublevel<V>(name: string) {
    return this.db.sublevel<string, V>(name, { valueEncoding: "json" });
  }

  /** ok, or why nothing more can be written. */
  health(): StoreHealth {
    return this.db.health();
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
