// One of `urne start`'s services (`urne relay`, `urne api`) as a child process, read through
// its `<service>.ready` line; optionally under a file-size limit (`ulimit -f`: its writes
// past the limit fail with EFBIG, as on a full disk), without the developer's URNE_* settings.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { onJsonLines } from "./json-lines.js";
import { urneChildEnv } from "./urne-cli.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

export type UrneService = {
  child: ChildProcess;
  ready: Record<string, unknown>;
  /** Every stdout line so far, parsed. */
  events: Record<string, unknown>[];
  output: string[];
  stop(signal?: NodeJS.Signals): Promise<void>;
};

export async function startUrneService(command: string, args: string[], opts: { env?: Record<string, string>; fileSizeBlocks?: number } = {}): Promise<UrneService> {
  const env = urneChildEnv(opts.env);
  const node = [process.execPath, "--import", "tsx", "scripts/urne.ts", command, ...args];
  const child = opts.fileSizeBlocks === undefined
    ? spawn(node[0], node.slice(1), { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] })
    : spawn("/bin/sh", ["-c", `ulimit -f ${opts.fileSizeBlocks} && exec "$@"`, "sh", ...node], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const output: string[] = [];
  const events: Record<string, unknown>[] = [];
  let onReady: ((fields: Record<string, unknown>) => void) | undefined;
  child.stdout!.on("data", (d: string) => output.push(d));
  onJsonLines(child.stdout!, (parsed) => {
    events.push(parsed);
    if (parsed.event === `${command}.ready`) onReady?.(parsed);
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => output.push(d));
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command}.ready not seen: ${output.join("").slice(-3000)}`)), 90_000);
    onReady = (fields) => (clearTimeout(timer), resolve(fields));
    void exited.then(() => (clearTimeout(timer), reject(new Error(`urne ${command} exited before it was ready: ${output.join("").slice(-3000)}`))));
  });
  return {
    child, ready, events, output,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
