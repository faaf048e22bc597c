// `urne-dev`: the development entry (`npm start` runs `urne-dev start`): every command of
// `urne`, plus the development identity provider, which imitates FranceConnect with demo
// citizens and must never face real voters. `urne-dev start` runs it (unless a real
// provider is configured or --no-dev-idp) and the demo partner site, as processes of
// their own started from this file; the production entry, urne.ts, cannot reach idp/
// (test/build/import-graph.test.ts walks its import graph).
//   urne-dev dev-idp --data DIR --redirect-uri URL [--host H] [--port N]
import { createHmac } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DEV_IDP_CLIENT_ID } from "../server/api/api-service.js";
import { ensurePrivateDir } from "../server/config/private-file.js";
import { loadSecrets } from "../server/config/secrets.js";
import { runUrne } from "./urne-main.js";
import { log, port, required, stopOn } from "./urne-services.js";

async function runDevIdp(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { data: { type: "string" }, host: { type: "string" }, port: { type: "string" }, "redirect-uri": { type: "string" } } });
  const { startDevIdentityProvider } = await import("../idp/index.js"); // this process only, not urne-dev's others
  const dataDir = path.resolve(required(values, "data"));
  await ensurePrivateDir(dataDir); // this process may be the first to open it (OPERATIONS.md §3)
  const { secrets } = loadSecrets(dataDir);
  const idp = await startDevIdentityProvider({
    host: values.host ?? "127.0.0.1", port: port(values.port, 4010), env: process.env,
    clients: [{ client_id: DEV_IDP_CLIENT_ID, client_secret: secrets.devIdpClientSecret.toString("base64url"), redirect_uris: [required(values, "redirect-uri")], client_name: "urne (développement)" }],
    // The same citizens keep the same subjects across restarts of this process (one token per voter holds).
    pairwiseSalt: createHmac("sha256", secrets.devIdpClientSecret).update("urne dev-idp pairwise salt").digest(),
  });
  log("dev-idp.ready", { issuer: idp.issuer, note: "DEVELOPMENT provider, not FranceConnect" });
  stopOn("dev-idp", idp.stop);
}

runUrne(process.argv.slice(2), {
  name: "urne-dev",
  services: { "dev-idp": runDevIdp },
  servicesUsage: "  urne-dev dev-idp --data DIR --redirect-uri URL [--host H] [--port N]   the development identity provider\n",
  devIdpEntry: fileURLToPath(import.meta.url),
});
