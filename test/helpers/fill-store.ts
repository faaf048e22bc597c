// Run as a child process under a file-size limit (`ulimit -f`, RLIMIT_FSIZE: a write past
// it fails with EFBIG, as on a full disk it fails with ENOSPC): opens a store through
// openStore and writes synced entries until one fails, then tries once more. Prints one
// JSON line: the keys acknowledged, the failure as callers see it, the store's health.
//   node --import tsx test/helpers/fill-store.ts <store dir>
import { randomBytes } from "node:crypto";
import { openStore } from "../../server/store/durable-level.js";

const db = await openStore<string>(process.argv[2], { name: "test store", describe: () => "", valueEncoding: "utf8", inUseHint: "" });
const acknowledged: string[] = [];
let failure: { code?: string; message: string; reason?: string } | undefined;
for (let i = 0; !failure && i < 100_000; i++) {
  const key = `k:${String(i).padStart(6, "0")}`;
  try {
    // Several at once, as under load: they share one group.
    await Promise.all([0, 1, 2].map((j) => db.put(`${key}:${j}`, randomBytes(300).toString("hex"), { sync: true } as never)));
    acknowledged.push(`${key}:0`, `${key}:1`, `${key}:2`);
  } catch (error) {
    failure = { code: (error as { code?: string }).code, message: (error as Error).message, reason: (error as { reason?: string }).reason };
  }
}
const again = await db.put("after", "x", { sync: true } as never).then(() => "written", (e: { code?: string }) => e.code);
console.log(JSON.stringify({ acknowledged, failure, health: db.health(), again }));
await db.close();
