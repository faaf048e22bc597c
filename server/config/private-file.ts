// Files that hold secrets (operator keys, API secrets) in the data directory: JSON,
// readable by the owner only (0600), created once with O_EXCL and fsynced so that two
// starts cannot both create one and a crash cannot tear one.
import { closeSync, fsyncSync, openSync, readFileSync, statSync, writeSync } from "node:fs";

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
