import { randomBytes } from "node:crypto";
import { type DevIdentityProvider, startDevIdentityProvider } from "../../../idp/provider.js";
import { type IdentityClient, type IdentityClientOptions, createIdentityClient } from "../../../server/identity/oidc-client.js";

// One embedded provider with two relying parties on different hosts (hence different
// pairwise sectors). The redirect URIs are never fetched: the test browser stops there.

export const CLIENT_A = {
  client_id: "urne-test-a",
  client_secret: randomBytes(32).toString("base64url"),
  redirect_uris: ["https://vote.example.org/v1/identity/callback"],
  client_name: "urne (test A)",
};
export const CLIENT_B = {
  client_id: "urne-test-b",
  client_secret: randomBytes(32).toString("base64url"),
  redirect_uris: ["https://autre-service.example.net/v1/identity/callback"],
  client_name: "autre service (test B)",
};

export interface IdentityFixture {
  provider: DevIdentityProvider;
  /** A relying party for CLIENT_A / CLIENT_B, with optional overrides. */
  client(which: "a" | "b", overrides?: Partial<IdentityClientOptions>): IdentityClient;
  redirectUri(which: "a" | "b"): string;
  stop(): Promise<void>;
}

export async function startIdentityFixture(options: { acr?: string | null } = {}): Promise<IdentityFixture> {
  const provider = await startDevIdentityProvider({
    port: 0,
    clients: [CLIENT_A, CLIENT_B],
    env: {},
    ...(options.acr === undefined ? {} : { acr: options.acr }),
  });
  const registered = { a: CLIENT_A, b: CLIENT_B };
  return {
    provider,
    client: (which, overrides = {}) => createIdentityClient({
      discoveryUrl: provider.issuer,
      clientId: registered[which].client_id,
      clientSecret: registered[which].client_secret,
      redirectUri: registered[which].redirect_uris[0] as string,
      allowInsecureHttp: true,
      ...overrides,
    }),
    redirectUri: (which) => registered[which].redirect_uris[0] as string,
    stop: () => provider.stop(),
  };
}
