// Runs the development identity provider alone:
//   URNE_DEV_IDP_CLIENT_SECRET=... URNE_DEV_IDP_REDIRECT_URIS=http://127.0.0.1:8080/v1/login/callback tsx idp/main.ts
// Prints the issuer (never the secret) and stops cleanly on SIGINT/SIGTERM.
import { devIdentityProviderOptionsFromEnv } from "./env-options.js";
import { startDevIdentityProvider } from "./provider.js";

const provider = await startDevIdentityProvider(devIdentityProviderOptionsFromEnv());
console.log(JSON.stringify({ event: "dev_idp_started", issuer: provider.issuer, note: "DEVELOPMENT provider, not FranceConnect" }));

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    provider.stop().then(() => process.exit(0), () => process.exit(1));
  });
}
