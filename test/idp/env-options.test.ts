import { expect } from "chai";
import { devIdentityProviderOptionsFromEnv } from "../../idp/env-options.js";

describe("idp: devIdentityProviderOptionsFromEnv", () => {
  const secret = "s".repeat(32);
  const base = { URNE_DEV_IDP_CLIENT_SECRET: secret, URNE_DEV_IDP_REDIRECT_URIS: "http://127.0.0.1:8080/v1/identity/callback" };

  it("defaults to 127.0.0.1:4010 and one client named urne-dev", () => {
    const options = devIdentityProviderOptionsFromEnv(base);
    expect(options).to.include({ host: "127.0.0.1", port: 4010 });
    expect(options.clients).to.deep.equal([{
      client_id: "urne-dev", client_secret: secret, redirect_uris: ["http://127.0.0.1:8080/v1/identity/callback"], client_name: "urne (développement)",
    }]);
    expect(options).not.to.have.property("pairwiseSalt");
  });

  it("reads a pairwise salt, so subjects survive restarts", () => {
    const options = devIdentityProviderOptionsFromEnv({ ...base, URNE_DEV_IDP_PAIRWISE_SALT: "ab".repeat(32) });
    expect(Buffer.from(options.pairwiseSalt as Uint8Array).toString("hex")).to.equal("ab".repeat(32));
  });

  it("refuses a missing or short client secret, missing redirect URIs and a bad port", () => {
    expect(() => devIdentityProviderOptionsFromEnv({ ...base, URNE_DEV_IDP_CLIENT_SECRET: undefined })).to.throw(TypeError);
    expect(() => devIdentityProviderOptionsFromEnv({ ...base, URNE_DEV_IDP_CLIENT_SECRET: "short" })).to.throw(TypeError);
    expect(() => devIdentityProviderOptionsFromEnv({ ...base, URNE_DEV_IDP_REDIRECT_URIS: "" })).to.throw(TypeError);
    expect(() => devIdentityProviderOptionsFromEnv({ ...base, URNE_DEV_IDP_PORT: "http" })).to.throw(TypeError);
  });
});
