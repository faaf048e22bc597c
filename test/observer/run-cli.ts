// Runs an observer command in this process as `urne <command>` would (observer/cli/*.ts
// `run(args)`), and collects what it printed: the exit code and the lines are what a
// citizen's script sees.
export type CliRun = { code: number; out: string[]; err: string[] };

export async function runCli(run: (args: string[]) => Promise<number>, args: string[]): Promise<CliRun> {
  const out: string[] = [], err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => void out.push(...a.map(String).join(" ").split("\n"));
  console.error = (...a: unknown[]) => void err.push(...a.map(String).join(" ").split("\n"));
  try {
    return { code: await run(args), out, err };
  } finally {
    Object.assign(console, { log, error });
  }
}
