// urne runs its TypeScript through tsx (bin/urne.js). A child process started from it must
// load tsx too: this is the one place that says how, by absolute URL, so that it works
// from any working directory (an installed `urne` command, a test, a service manager).

/** Node's flags that make a child process run urne's TypeScript files. */
export const TYPESCRIPT_EXEC_ARGV: readonly string[] = Object.freeze(["--import", import.meta.resolve("tsx")]);
