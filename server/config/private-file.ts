// Files that hold secrets (operator keys, API secrets) in the data directory: JSON,
// readable by the owner only (0600), created once with O_EXCL and fsynced so that two
// starts cannot both create one and a crash cannot tear one. And the directories that
// hold them and the stores: the owner's only (0700).
import { closeSync, fsyncSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { chmod, mkdir } from "node:fs/promises";

/** Parses `file`; undefined if it does not exist. Refuses a file others can read. */
export function readPrivateJson(file: string): unknown {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  if (process.platform !== "win32" && (mode & 0o077) !== 0) {
    throw new Error(`${file} is readable by others (mode ${(mode & 0o777).toString(8)}); run: chmod 600 ${file}`);
  }
  return JSON.parse(readFileSync(file, "utf8"));
}

/** Creates `file` (0600) with `body`; fails if it already exists. */
export function createPrivateJson(file: string, body: unknown): void {
  const fd = openSync(file, "wx", 0o600);
  try {
    writeSync(fd, JSON.stringify(body, null, 2) + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Creates `dir` (and any missing parent) 0700, and tightens it to 0700 if it already
 * existed: mkdir's mode applies to new directories only, and a data directory made by
 * hand, restored from a backup or created by an older urne was seen 0755, its stores
 * readable by every local user. Whoever opens the data directory or a store in it first
 * calls this (docs/OPERATIONS.md §3). Only on the directory urne owns by role, never on a
 * parent it was merely given.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (process.platform === "win32") return;
  try {
    await chmod(dir, 0o700);
  } catch (error) {
    throw new Error(`${dir} must be private to its owner and cannot be made so (${(error as NodeJS.ErrnoException).code}): run urne as the directory's owner, or chmod 700 it`, { cause: error });
  }
}
