// The bearer token the operator's own services (the API, the relay) present to the
// embedded chain's door, so that their requests are not charged to a rate-limit bucket
// (rpc-front.ts). Everything else the door does applies to them too: checked parameters,
// gas caps, the pool's judgement. One random value per data directory, in
// `<data>/chain-service-token.json`, mode 0600, never logged, never in a URL.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { createPrivateJson, readPrivateJson } from "../config/private-file.js";

export const CHAIN_SERVICE_TOKEN_FILE = "chain-service-token.json";

const file = (dataDir: string) => path.join(dataDir, CHAIN_SERVICE_TOKEN_FILE);

/** The data directory's token, or undefined when it has none. */
export function readChainServiceToken(dataDir: string): string | undefined {
  const parsed = readPrivateJson(file(dataDir)) as { format?: number; token?: unknown } | undefined;
  if (parsed === undefined) return undefined;
  if (parsed.format !== 1 || typeof parsed.token !== "string" || !/^[A-Za-z0-9_-]{43}$/.test(parsed.token)) {
    throw new Error(`${file(dataDir)}: not an urne chain service token (format 1)`);
  }
  return parsed.token;
}

/** Creates the token file (0600, O_EXCL, fsynced) and returns its token. */
export function ensureChainServiceToken(dataDir: string): string {
  const token = randomBytes(32).toString("base64url");
  createPrivateJson(file(dataDir), { format: 1, warning: "SECRET: lets a process skip the chain door's rate limits. Never share or log.", token });
  return token;
}
