#!/usr/bin/env node
// The `urne` command (package.json "bin"). urne ships as TypeScript; tsx compiles it on
// the fly, so the installed command and `npm start` run the very same files.
import { register } from "tsx/esm/api";

register();
await import("../scripts/urne.ts");
