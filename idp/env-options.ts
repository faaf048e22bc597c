import type { DevIdentityProviderOptions } from "./provider.js";

// Reads the development provider's settings from the environment, for `tsx idp/main.ts`
// or for `npm start` to pass through. Secrets come from the environment only: never from a
// file in the repository, never printed.

export const DEV_IDP_DEFAULT_PORT = 4010;

export function devIdentityProviderOptionsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): DevIdentityProviderOptions {
  const secret = env.URNE_DEV_IDP_CLIENT_SECRET;
  if (secret === undefined || secret.length < 32) {
    throw new TypeError("URNE_DEV_IDP_CLIENT_SECRET must be set, at least 32 characters (e.g. `openssl rand -base64 32`)");
  }
  const redirectUris = (env.URNE_DEV_IDP_REDIRECT_URIS ?? "").split(/[\s,]+/).filter((uri) => uri.length > 0);
  if (redirectUris.length === 0) {
    throw new TypeError("URNE_DEV_IDP_REDIRECT_URIS must list the API's callback URL(s), comma-separated");
  }
  for (const uri of redirectUris) new URL(uri); // throws on a malformed URL, naming it
  const port = Number(env.URNE_DEV_IDP_PORT ?? DEV_IDP_DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError("URNE_DEV_IDP_PORT must be a port number");
  const salt = env.URNE_DEV_IDP_PAIRWISE_SALT;
  if (salt !== undefined && !/^[0-9a-f]{64,}$/i.test(salt)) {
    throw new TypeError("URNE_DEV_IDP_PAIRWISE_SALT, when set, must be at least 32 bytes of hex");
  }
  return {
    host: env.URNE_DEV_IDP_HOST ?? "127.0.0.1",
    port,
    env,
    clients: [{
      client_id: env.URNE_DEV_IDP_CLIENT_ID ?? "urne-dev",
      client_secret: secret,
      redirect_uris: redirectUris,
      client_name: "urne (développement)",
    }],
    ...(salt === undefined ? {} : { pairwiseSalt: Buffer.from(salt, "hex") }),
  };
}
