// The `urne` command, as deployed (package.json "bin" → bin/urne.js → dist/scripts/urne.js):
// the production entry. It never imports idp/, the development identity provider: its
// `start` runs the chain, the relay and the vote host, and citizens log in with the
// OpenID provider configured (docs/IDENTITY.md). The development entry is urne-dev.ts.
import { runUrne } from "./urne-main.js";

runUrne(process.argv.slice(2), { name: "urne", services: {}, servicesUsage: "" });
