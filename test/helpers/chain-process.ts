// `urne chain` as a real child process, read through its `chain.ready` line: for the tests
// in which the node must survive what is thrown at it (the door's attacks) or die on
// purpose (crash safety), without taking the test runner down with it.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { until } from "../chain/transfers.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

export type ChainProcess = {
  child: ChildProcess;
  rpcUrl: string;
  ballotBox: string;
  output: string[];
  exited: Promise<number | null>;
  /** True while the process runs. */
  alive(): boolean;
  kill(signal?: NodeJS.Signals): Promise<void>;
};

export async function startChainProcess(dataDir: string, port: number, opts: { blockIntervalMs?: number; env?: Record<string, string> } = {}): Promise<ChainProcess> {
  const args = ["--import", "tsx", "scripts/urne.ts", "chain", "--data", dataDir, "--port", String(port), "--block-interval-ms", String(opts.blockIntervalMs ?? 20)];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...opts.env } });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let ready: { rpcUrl: string; ballotBox: string } | undefined;
  child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    output.push(d);
    for (const line of d.split("\n")) {
      if (line.includes('"chain.ready"')) ready = JSON.parse(line);
    }
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => output.push(d));
  await until("node ready", async () => {
    if (child.exitCode !== null) throw new Error(`node exited (${child.exitCode}): ${output.join("")}`);
    return ready;
  }, 60_000).catch((e) => {
    child.kill("SIGKILL");
    throw new Error(`${e.message}\n${output.join("")}`);
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    child, exited, output, ...ready!, alive,
    kill: async (signal = "SIGKILL") => {
      if (alive()) child.kill(signal);
      await exited;
    },
  };
}
