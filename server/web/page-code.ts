// The tags that load a page's code, each pinned to the release by its integrity value:
//   <script type="importmap">{"integrity": {...}}</script>   every module of the release
//   <link rel="stylesheet" href="/assets/PAGE.css" integrity="...">
//   <script type="module" src="/assets/PAGE.js" integrity="..."></script>
// The import map's `integrity` field makes the browser check every module the entry loads,
// statically or later with import() (the chunks), not only the entry. So a page's HTML
// names, by hash, all the code it may run: whoever holds the HTML a citizen got can check
// it against a build of the release (`urne check-client`, docs/OPERATIONS.md §1.2), and a
// module changed on the way (a cache, a CDN, a file edited on the server after start) is
// refused by the browser. The import map is inline: the page's CSP allows it by its hash
// and allows no other inline script.
import { cspScriptHash, moduleIntegrity } from "../../protocol/client-manifest.node.js";
import type { ClientBundle } from "./client-assets.js";
import { escapeHtml } from "./page-headers.js";

export type PageCode = {
  /** The tags, for the page's <head>. */
  head: string;
  /** CSP source expressions for the inline scripts in `head` ('sha256-...'). */
  scriptHashes: readonly string[];
};

/** The code tags of the page whose entry is client/<page>/main.ts; throws if the bundle lacks it. */
export function pageCode(bundle: ClientBundle, page: string): PageCode {
  const asset = (urlPath: string) => {
    const found = bundle.assets.get(urlPath);
    if (!found) throw new Error(`the client bundle has no ${urlPath}: run \`npm run build\``);
    return found;
  };
  const script = asset(`/assets/${page}.js`);
  const style = asset(`/assets/${page}.css`);
  const importMap = JSON.stringify({ integrity: moduleIntegrity(Object.fromEntries(bundle.assets)) });
  return {
    head: `<script type="importmap">${importMap}</script>`
      + `<link rel="stylesheet" href="${style.path}" integrity="${escapeHtml(style.integrity)}">`
      + `<script type="module" src="${script.path}" integrity="${escapeHtml(script.integrity)}"></script>`,
    scriptHashes: [cspScriptHash(importMap)],
  };
}

/** The code tags of each page, computed once per bundle. */
export function pageCodes(bundle: ClientBundle): (page: string) => PageCode {
  const made = new Map<string, PageCode>();
  return (page) => {
    let code = made.get(page);
    if (!code) made.set(page, (code = pageCode(bundle, page)));
    return code;
  };
}
