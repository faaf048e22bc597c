import { spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";

/** Resolves with the first stdout JSON line whose event is `event`. */
function waitForEvent(child: ChildProcess, event: string): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        try {
          const parsed = JSON.parse(line);
          if (parsed.event === event) resolve(parsed);
        } catch {
          // not a log line
        }
      }
    });
    child.once("exit", (code) => reject(new Error(`urne start exited (${code}) before ${event}`)));
  });
}

describe("urne start (smoke test of the whole stack)", function () {
  this.timeout(120_000);
  let dir: string;
  let child: ChildProcess | undefined;
  before(async () => (dir = await mkdtemp(path.join(os.tmpdir(), "urne-start-"))));
  after(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  });

  it("starts chain, identity provider and API on free ports, serves /health and /.well-known/urne.json, and stops cleanly on SIGTERM", async () => {
    // A data directory that already existed, readable by all (as one was seen): made private.
    await chmod(dir, 0o755);
    const env: NodeJS.ProcessEnv = { ...process.env, URNE_ENV: "development", NODE_ENV: "test" };
    for (const k of ["URNE_MASTER_KEY", "URNE_VOTER_KEY_SECRET", "URNE_SESSION_KEY", "URNE_DEV_IDP_CLIENT_SECRET", "URNE_OIDC_ISSUER"]) delete env[k];
    child = spawn(process.execPath, ["--import", "tsx", "scripts/urne-dev.ts", "start", "--data", dir, "--port", "0", "--relay-port", "0", "--chain-port", "0", "--idp-port", "0", "--block-interval-ms", "50"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "", stdout = "";
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.stdout!.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    const ready = await waitForEvent(child, "urne.ready");
    for (const url of [ready.api, ready.rpc, ready.identityProvider]) expect(new URL(url).hostname).to.equal("127.0.0.1");

    const health = await fetch(`${ready.api}/health`);
    expect(health.status).to.equal(200);
    const wellKnown = (await (await fetch(ready.wellKnown)).json()) as Record<string, unknown>;
    expect(wellKnown).to.include({ protocolVersion: 1, ballotBox: ready.ballotBox, chainId: ready.chainId });
    expect(wellKnown.rpcUrls).to.deep.equal([ready.rpc]);
    const discovery = await fetch(`${ready.identityProvider}/.well-known/openid-configuration`);
    expect(discovery.status).to.equal(200);

    expect(((await stat(path.join(dir, "secrets.json"))).mode & 0o777).toString(8)).to.equal("600");
    // The data directory and each process's LevelDB in it: the owner's only.
    for (const sub of ["", "api", "relay", "chain"]) expect(((await stat(path.join(dir, sub))).mode & 0o777).toString(8), `<data>/${sub}`).to.equal("700");

    const exited = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));
    const stopped = waitForEvent(child, "urne.stopped");
    child.kill("SIGTERM");
    await stopped;
    expect(await exited, stderr).to.equal(0);

    // Nothing secret ever reaches the logs: neither the API's secrets nor the operator keys.
    const secrets = Object.values(JSON.parse(await readFile(path.join(dir, "secrets.json"), "utf8")).secrets as Record<string, string>);
    const operatorKeys = (JSON.parse(await readFile(path.join(dir, "operator-keys.json"), "utf8")).keys as { privateKey: string }[]).map((k) => k.privateKey);
    expect(secrets).to.have.length(4);
    for (const secret of [...secrets, ...operatorKeys]) expect(stdout + stderr).not.to.include(secret.replace(/^0x/, ""));
  });
});
