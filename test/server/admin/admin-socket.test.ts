// `urne app` against a RUNNING service: through the admin socket, a new app's key works at
// once and a revoked one is refused at once; with the service stopped, the same command
// opens the store itself. The command runs as an operator runs it (a child process).
import { expect } from "chai";
import { existsSync, statSync } from "node:fs";
import { adminSocketPath } from "../../../server/admin/admin-socket.js";
import { runUrne } from "../../helpers/urne-cli.js";
import { call, startTestStack, type TestStack } from "../api/stack-fixture.js";

const urneApp = (dataDir: string, ...args: string[]) => runUrne(["app", ...args, "--data", dataDir]);

describe("server/admin: `urne app` while the service runs", function () {
  this.timeout(120_000);
  let stack: TestStack;
  let stopped = false;

  before(async () => {
    stack = await startTestStack();
  });
  after(async () => {
    if (!stopped) await stack?.destroy();
  });

  it("listens on a 0600 Unix socket in the data directory", () => {
    const stat = statSync(adminSocketPath(stack.dataDir));
    expect(stat.isSocket()).to.equal(true);
    expect(stat.mode & 0o777).to.equal(0o600);
  });

  it("creates an app whose key works at once, lists it, and revokes it at once", async () => {
    const created = await urneApp(stack.dataDir, "create", "--name", "Live", "--origin", "https://live.example", "--json");
    expect(created.code, created.stderr).to.equal(0);
    const { app, apiKey } = JSON.parse(created.stdout) as { app: { id: string }; apiKey: string };
    expect((await call(stack, "GET", "/v1/ballots", { key: apiKey })).status).to.equal(200);
    expect((await stack.apps.liveOrigins()).has("https://live.example")).to.equal(true);

    const listed = await urneApp(stack.dataDir, "list");
    expect(listed.stdout).to.include(app.id).and.to.include("https://live.example");

    expect((await urneApp(stack.dataDir, "revoke", app.id)).code).to.equal(0);
    expect((await call(stack, "GET", "/v1/ballots", { key: apiKey })).status).to.equal(401);
  });

  it("reports a refused input by name and creates nothing", async () => {
    const before = (await stack.apps.list()).length;
    const refused = await urneApp(stack.dataDir, "create", "--name", "No origin");
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.match(/origin/);
    const unknown = await urneApp(stack.dataDir, "revoke", "app_nope");
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.include("app_nope");
    expect((await stack.apps.list()).length).to.equal(before);
  });

  it("opens the store itself once the service has stopped (and the socket is gone)", async () => {
    const dataDir = stack.dataDir;
    await stack.stop();
    stopped = true;
    expect(existsSync(adminSocketPath(dataDir))).to.equal(false);
    const listed = await urneApp(dataDir, "list", "--json");
    expect(listed.code, listed.stderr).to.equal(0);
    expect((JSON.parse(listed.stdout) as { apps: unknown[] }).apps).to.have.length(1);
    await stack.destroy().catch(() => {});
  });
});
