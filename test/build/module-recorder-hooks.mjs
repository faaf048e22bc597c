// The loader hooks of module-recorder.mjs: one line per module the ES loader loads.
import { appendFileSync } from "node:fs";

let file;

export function initialize(data) {
  file = data.file;
}

export async function load(url, context, nextLoad) {
  appendFileSync(file, `esm ${url}\n`);
  return nextLoad(url, context);
}
