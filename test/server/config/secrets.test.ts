import { mkdtemp, rm, stat, chmod } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { loadSecrets, SECRETS_FILE } from "../../../server/config/secrets.js";

describe("server/config/secrets", () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(os.tmpdir(), "urne-secrets-"))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("generates 32-byte secrets into secrets.json (0600) on first start and reads the same ones later", async () => {
    const first = loadSecrets(dir, {});
    expect(first.sources.masterKey).to.equal("generated");
    expect(first.secrets.masterKey).to.have.length(32);
    expect(((await stat(path.join(dir, SECRETS_FILE))).mode & 0o777).toString(8)).to.equal("600");
    const second = loadSecrets(dir, {});
    expect(second.sources.masterKey).to.equal("file");
    expect(second.secrets.masterKey.equals(first.secrets.masterKey)).to.equal(true);
    expect(second.secrets.sessionKey.equals(first.secrets.masterKey)).to.equal(false);
  });

  it("takes a secret from the environment first (hex or base64url)", () => {
    const hex = "ab".repeat(32);
    const { secrets, sources } = loadSecrets(dir, { URNE_MASTER_KEY: hex });
    expect(sources.masterKey).to.equal("env");
    expect(secrets.masterKey.toString("hex")).to.equal(hex);
  });

  it("in production, writes no file and requires the secrets in the environment", () => {
    expect(() => loadSecrets(dir, { URNE_ENV: "production" })).to.throw(/URNE_MASTER_KEY, URNE_VOTER_KEY_SECRET, URNE_SESSION_KEY/);
    const env = { URNE_ENV: "production", URNE_MASTER_KEY: "01".repeat(32), URNE_VOTER_KEY_SECRET: "02".repeat(32), URNE_SESSION_KEY: "03".repeat(32) };
    expect(loadSecrets(dir, env).sources.sessionKey).to.equal("env");
  });

  it("refuses a malformed secret without echoing it, and a secrets file others can read", async () => {
    expect(() => loadSecrets(dir, { URNE_SESSION_KEY: "short-secret-value" })).to.throw(Error).that.satisfies((e: Error) => !e.message.includes("short-secret-value"));
    loadSecrets(dir, {});
    await chmod(path.join(dir, SECRETS_FILE), 0o644);
    expect(() => loadSecrets(dir, {})).to.throw(/chmod 600/);
  });
});
