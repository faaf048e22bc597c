import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { API_KEY_PREFIX, hashApiKey } from "../../../server/apps/api-key.js";
import { APP_ORIGINS_MAX, AppRegistry } from "../../../server/apps/app-registry.js";
import { parseOrigin } from "../../../server/apps/origin.js";
import { ApiStore } from "../../../server/store/api-store.js";

describe("server/apps/app-registry", () => {
  let dir: string, store: ApiStore, apps: AppRegistry;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "urne-apps-"));
    store = await ApiStore.open(dir);
    apps = new AppRegistry(store);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("creates an app and returns its key once: prefix + 32 random bytes base64url, stored only as SHA-256", async () => {
    const { app, apiKey } = await apps.create({ name: "MaVoix", origins: ["https://mavoix.example", "https://mavoix.example"] });
    expect(apiKey).to.match(new RegExp(`^${API_KEY_PREFIX}[A-Za-z0-9_-]{43}$`));
    expect(Buffer.from(apiKey.slice(API_KEY_PREFIX.length), "base64url")).to.have.length(32);
    expect(app.origins).to.deep.equal(["https://mavoix.example"]);
    expect(JSON.stringify(app)).not.to.include(apiKey);
    const raw = [];
    for await (const [k, v] of store.db.iterator()) raw.push(k + JSON.stringify(v));
    expect(raw.join("\n")).not.to.include(apiKey);
    expect(raw.join("\n")).to.include(hashApiKey(apiKey));
    expect((await apps.authenticate(apiKey))?.id).to.equal(app.id);
    expect(await apps.list()).to.deep.equal([app]);
  });

  it("refuses a revoked key, and keeps listing the app as revoked", async () => {
    const { app, apiKey } = await apps.create({ name: "Gone", origins: ["https://gone.example"] });
    const revoked = await apps.revoke(app.id);
    expect(revoked.revokedAt).to.be.a("string");
    expect(await apps.authenticate(apiKey)).to.equal(undefined);
    expect((await apps.list())[0].revokedAt).to.equal(revoked.revokedAt);
    expect(await apps.liveOrigins()).to.deep.equal(new Set());
  });

  it("refuses an unknown id on revoke, names and origins that are not valid", async () => {
    expect((await apps.revoke("app_nope").catch((e) => e)).code).to.equal("ERR_APP_NOT_FOUND");
    expect((await apps.create({ name: "", origins: ["https://a.example"] }).catch((e) => e)).field).to.equal("name");
    expect((await apps.create({ name: "A", origins: [] }).catch((e) => e)).field).to.equal("origins");
    expect((await apps.create({ name: "A", origins: ["https://a.example", "ftp://b"] }).catch((e) => e)).field).to.equal("origins[1]");
    const tooMany = Array.from({ length: APP_ORIGINS_MAX + 1 }, (_, i) => `https://s${i}.example`);
    expect((await apps.create({ name: "A", origins: tooMany }).catch((e) => e)).field).to.equal("origins");
    expect(await apps.list()).to.deep.equal([]);
  });

  it("refuses a name that is not well-formed or holds a control character, and trims the spaces around it", async () => {
    for (const name of ["Ma\uD800Voix", "\uDC00", "Ma\u001B[2JVoix", "Ma\u0000Voix", "Ma\nVoix", "\u202EMaVoix"]) {
      const error = await apps.create({ name, origins: ["https://a.example"] }).catch((e) => e);
      expect(error, JSON.stringify(name)).to.include({ code: "ERR_INVALID_APP", field: "name" });
    }
    expect(await apps.list()).to.deep.equal([]);
    expect((await apps.create({ name: "  Ma Voix 🗳️ ", origins: ["https://a.example"] })).app.name).to.equal("Ma Voix 🗳️");
  });

  describe("parseOrigin", () => {
    it("keeps scheme, host and port, normalized", () => {
      expect(parseOrigin("https://Example.ORG", "o")).to.equal("https://example.org");
      expect(parseOrigin("https://example.org:8443", "o")).to.equal("https://example.org:8443");
      expect(parseOrigin("https://example.org:443", "o")).to.equal("https://example.org");
      expect(parseOrigin("http://localhost:3000", "o")).to.equal("http://localhost:3000");
    });
    it("refuses paths, credentials, plain http off loopback, and what is not a URL", () => {
      for (const bad of ["https://example.org/", "https://example.org/vote", "https://u:p@example.org", "http://example.org", "example.org", "https://example.org?x=1", "javascript:alert(1)", 42]) {
        expect(() => parseOrigin(bad, "origins[0]"), String(bad)).to.throw().with.property("field", "origins[0]");
      }
    });
  });
});
