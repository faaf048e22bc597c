// A store on a disk that fills up (issue 13: "votes got 500 while /health said ok; after
// space came back, ballots answered 202 were gone at the next restart"). The disk is a
// file-size limit (`ulimit -f`, RLIMIT_FSIZE) on a child process: its writes past the
// limit fail with EFBIG, as they would with ENOSPC, and no root is needed. Once one write
// fails, every later one is refused (ERR_STORE_UNAVAILABLE) and health() says why; opened
// again with room, the store holds every write that was acknowledged, and drops the one
// the full disk cut short.
import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { openStore } from "../../../server/store/durable-level.js";

const ROOT = path.resolve(import.meta.dirname, "../../..");

/** `node --import tsx <script> <args>` under `ulimit -f <blocks>` (512- or 1024-byte blocks, as the shell counts). */
async function underFileSizeLimit(blocks: number, script: string, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)("/bin/sh", ["-c", `ulimit -f ${blocks} && exec "$0" --import tsx "$@"`, process.execPath, script, ...args], { cwd: ROOT, timeout: 60_000 });
  return stdout;
}

describe("a store whose disk is full", function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(os.tmpdir(), "urne-disk-full-"))));
  after(() => rm(dir, { recursive: true, force: true }));

  it("refuses every write after the first that failed, says so, and loses nothing it acknowledged", async () => {
    const store = path.join(dir, "store");
    const out = JSON.parse(await underFileSizeLimit(64, "test/helpers/fill-store.ts", [store])) as {
      acknowledged: string[]; failure?: { code: string; reason: string }; health: { ok: boolean; error?: string }; again: string;
    };
    expect(out.acknowledged.length, "some writes fit").to.be.greaterThan(10);
    expect(out.failure).to.deep.include({ code: "ERR_STORE_UNAVAILABLE", reason: "File too large" });
    expect(out.health).to.deep.equal({ ok: false, error: "File too large" });
    expect(out.again, "a write after the failure is refused, not attempted").to.equal("ERR_STORE_UNAVAILABLE");

    const events: string[] = [];
    const db = await openStore<string>(store, { name: "test store", describe: () => "", valueEncoding: "utf8", inUseHint: "", log: (e) => events.push(e) });
    try {
      const missing = [];
      for (const key of out.acknowledged) if ((await db.get(key)) === undefined) missing.push(key);
      expect(missing, "acknowledged and lost").to.deep.equal([]);
      expect(await db.get("after")).to.equal(undefined);
      expect(events, "the write the full disk cut short is dropped").to.include("store.cut_write_dropped");
      await db.put("with room", "ok", { sync: true } as never);
      expect(db.health()).to.deep.equal({ ok: true });
    } finally {
      await db.close();
    }
  });
});
