// The package's root folder (the one with package.json), found from this file, so that
// the same code finds its files whether it runs as TypeScript (server/config/) under tsx or
// as the build's JavaScript (dist/server/config/): the client bundle in dist/client/, the
// docs the observer page quotes.
import { existsSync } from "node:fs";
import path from "node:path";

function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PACKAGE_ROOT = packageRoot(import.meta.dirname);
