// Before the relay had a store of its own, its journal was the "relay" sublevel of the
// API's LevelDB (`<data>/api`). A data directory from then is moved over once, before any
// service opens a store: the entries are copied into `<data>/relay.init`, which is renamed
// to `<data>/relay` only when complete (a crash half way leaves the API's copy, and the
// next start begins again), then removed from the API's store. Nothing acknowledged is lost.
import { existsSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import path from "node:path";
import { openStore } from "../store/durable-level.js";
import { ApiStore } from "../store/api-store.js";
import { RELAY_DB_DIR } from "./final-record.js";
import { describeRelayKeys } from "./journal.js";

const SUBLEVEL = "relay";

/** Moves an old relay journal out of `<data>/api`; returns how many entries moved. */
export async function migrateRelayJournal(dataDir: string, log: (event: string, fields: Record<string, unknown>) => void = () => {}): Promise<number> {
  const target = path.join(dataDir, RELAY_DB_DIR);
  const api = path.join(dataDir, "api");
  if (existsSync(target) || !existsSync(api)) return 0;
  // Checked before it is opened, as at every start: a damaged store is refused here already.
  const source = await ApiStore.open(dataDir, log);
  try {
    const old = source.sublevel<unknown>(SUBLEVEL);
    const entries: [string, unknown][] = [];
    for await (const entry of old.iterator()) entries.push(entry);
    if (entries.length === 0) return 0;
    const staging = `${target}.init`;
    await rm(staging, { recursive: true, force: true });
    const fresh = await openStore<unknown>(staging, {
      name: "relay journal", describe: describeRelayKeys, valueEncoding: "json", inUseHint: "is a relay already running on this data directory?", log,
    });
    try {
      const into = fresh.sublevel<string, unknown>(SUBLEVEL, { valueEncoding: "json" });
      for (let i = 0; i < entries.length; i += 1000) {
        await into.batch(entries.slice(i, i + 1000).map(([key, value]) => ({ type: "put" as const, key, value })), { sync: true } as never);
      }
    } finally {
      await fresh.close();
    }
    await rename(staging, target);
    const dir = await open(dataDir, "r");
    await dir.sync().finally(() => dir.close());
    await old.batch(entries.map(([key]) => ({ type: "del" as const, key })), { sync: true } as never);
    log("relay.journal_migrated", { entries: entries.length, from: api, to: target });
    return entries.length;
  } finally {
    await source.close();
  }
}
