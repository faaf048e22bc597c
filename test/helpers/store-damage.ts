// Damage done to a store's files from outside, as a failing disk or a careless copy would,
// and a fingerprint of a directory to show that a refused start changed nothing in it.
import { expect } from "chai";
import { createHash } from "node:crypto";
import { readdir, readFile, stat, truncate, writeFile } from "node:fs/promises";
import path from "node:path";

/** Every file under `dir` (relative path → size and SHA-256), sorted: equal iff nothing changed. */
export async function fingerprint(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string) => {
    for (const entry of (await readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else if (entry.isFile()) {
        const bytes = await readFile(p);
        out[path.relative(dir, p)] = `${bytes.length} ${createHash("sha256").update(bytes).digest("hex")}`;
      }
    }
  };
  await walk(dir);
  return out;
}

/** The store's newest `NNNNNN.log`. */
export async function newestLog(store: string): Promise<string> {
  const logs = (await readdir(store)).filter((n) => /^\d+\.log$/.test(n)).sort();
  if (logs.length === 0) throw new Error(`${store} has no log`);
  return path.join(store, logs[logs.length - 1]);
}

/** The store's table files (`NNNNNN.ldb`), oldest first. */
export async function tables(store: string): Promise<string[]> {
  return (await readdir(store)).filter((n) => /^\d+\.ldb$/.test(n)).sort().map((n) => path.join(store, n));
}

/** Cuts `bytes` off the end of `file`. */
export async function cutTail(file: string, bytes: number): Promise<void> {
  await truncate(file, (await stat(file)).size - bytes);
}

/** Flips every bit of the byte at `offset` (negative: from the end). */
export async function flipByte(file: string, offset: number): Promise<void> {
  const bytes = await readFile(file);
  const at = offset < 0 ? bytes.length + offset : offset;
  bytes[at] ^= 0xff;
  await writeFile(file, bytes);
}

/**
 * `open` (a store, a journal, a node) must be refused with `code`, its message naming each
 * of `mentions`, and every file under `dir` must be as it was. Resolves to the refusal.
 */
export async function expectRefused(
  dir: string, open: () => Promise<{ close(): Promise<void> } | { stop(): Promise<void> }>, code: string, ...mentions: string[]
): Promise<Error & { code?: string }> {
  const before = await fingerprint(dir);
  const error = await open().then(async (opened) => {
    await ("close" in opened ? opened.close() : opened.stop());
    return undefined;
  }, (e: Error & { code?: string }) => e);
  expect(error, "the open must be refused").to.be.instanceOf(Error);
  expect(error!.code, error!.message).to.equal(code);
  for (const m of mentions) expect(error!.message, error!.message).to.contain(m);
  expect(await fingerprint(dir), "nothing on disk changed").to.deep.equal(before);
  return error!;
}
