// Runs `urne <args>` as an operator does: a child process on the repository's CLI, with
// none of the developer's URNE_* settings unless given. Resolves with the exit code and
// the output, also when the command fails.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const ROOT = path.resolve(import.meta.dirname, "../..");

export type UrneRun = { code: number; stdout: string; stderr: string };

export async function runUrne(args: string[], env: Record<string, string> = {}): Promise<UrneRun> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(childEnv)) if (k.startsWith("URNE_")) delete childEnv[k];
  Object.assign(childEnv, env);
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/urne.ts", ...args], { cwd: ROOT, env: childEnv, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The environment of a urne child process: none of the developer's URNE_* settings or secrets, development mode. */
export function urneChildEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, URNE_ENV: "development", NODE_ENV: "test" };
  for (const k of Object.keys(env)) if (k.startsWith("URNE_") && k !== "URNE_ENV") delete env[k];
  return Object.assign(env, extra);
}
