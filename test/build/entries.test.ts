// The two entries of the command line (docs/ARCHITECTURE.md §7): `urne`, the production
// one, has no development identity provider to start nor its flags; `urne-dev` (npm start)
// has them. Run as an operator runs them: child processes on the compiled entries.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";

const ROOT = path.resolve(import.meta.dirname, "../..");

async function run(entry: "urne" | "urne-dev", args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [`dist/scripts/${entry}.js`, ...args], { cwd: ROOT, timeout: 30_000, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("build: the production and development entries", function () {
  this.timeout(60_000);

  it("urne (production) has no dev-idp command, and its start takes none of the development flags", async () => {
    const help = await run("urne", ["--help"]);
    expect(help.code).to.equal(0);
    // (`urne api --dev-idp-issuer` is the vote host's side: where to send citizens to log in.)
    expect(help.stdout.replaceAll("--dev-idp-issuer", "")).to.not.match(/dev-idp|--idp-port|--demo-port/);
    const devIdp = await run("urne", ["dev-idp"]);
    expect(devIdp.code).to.equal(2);
    expect(devIdp.stderr).to.include('unknown command "dev-idp"');
    for (const flag of ["--idp-port", "--demo-port", "--no-dev-idp"]) {
      const start = await run("urne", ["start", flag, ...(flag === "--no-dev-idp" ? [] : ["0"])]);
      expect(start.code, flag).to.equal(1);
      expect(start.stderr, flag).to.include(`Unknown option '${flag}'`);
    }
  });

  it("in production mode, the vote host refuses to send citizens to a development provider", async () => {
    const api = await run("urne", ["api", "--data", "/nonexistent", "--rpc", "http://127.0.0.1:1", "--ballot-box", "0x0", "--relay-url", "http://127.0.0.1:2", "--dev-idp-issuer", "http://127.0.0.1:3"], { URNE_ENV: "production" });
    expect(api.code).to.equal(1);
    expect(api.stderr).to.include("--dev-idp-issuer: the development identity provider is off here");
  });

  it("urne-dev (npm start) has them", async () => {
    const help = await run("urne-dev", ["--help"]);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.include("urne-dev dev-idp").and.include("--idp-port").and.include("--demo-port");
  });
});
