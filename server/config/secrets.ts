// The API's own secrets: generated once per data directory into `<data>/secrets.json`
// (mode 0600, O_EXCL, fsynced), or taken from the environment, which production must use
// (URNE_ENV=production refuses to write a secrets file). Never logged, never in the repo:
// a log line names a secret's source ("env" or "file"), never its value.
import { randomBytes } from "node:crypto";
import { createPrivateJson, readPrivateJson } from "./private-file.js";
import path from "node:path";

export const SECRETS_FILE = "secrets.json";

/** 32 random bytes each. */
export type Secrets = {
  /** Encrypts issuer private keys at rest (AES-256-GCM). */
  masterKey: Buffer;
  /** HMAC key of voter keys (server/identity/voter-key.ts). */
  voterKeySecret: Buffer;
  /** HS256 key of session tokens (server/identity/session-token.ts). */
  sessionKey: Buffer;
  /** Client secret between the API and the embedded development identity provider. */
  devIdpClientSecret: Buffer;
};

type SecretName = keyof Secrets;

/** Environment variable of each secret: 32 bytes, base64url or hex. */
export const SECRET_ENV: Record<SecretName, string> = {
  masterKey: "URNE_MASTER_KEY",
  voterKeySecret: "URNE_VOTER_KEY_SECRET",
  sessionKey: "URNE_SESSION_KEY",
  devIdpClientSecret: "URNE_DEV_IDP_CLIENT_SECRET",
};

const NAMES = Object.keys(SECRET_ENV) as SecretName[];
/** Secrets production must provide (the dev provider does not run there). */
const REQUIRED_IN_PRODUCTION: SecretName[] = ["masterKey", "voterKeySecret", "sessionKey"];

export type LoadedSecrets = { secrets: Secrets; sources: Record<SecretName, "env" | "file" | "generated"> };

function decodeSecret(name: string, value: string): Buffer {
  const bytes = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, "hex") : Buffer.from(value, "base64url");
  // Never echo the value: only its name and what is wrong with it.
  if (bytes.length !== 32 || (!/^[0-9a-f]{64}$/i.test(value) && bytes.toString("base64url") !== value.replace(/=+$/, ""))) {
    throw new Error(`${name} must be 32 bytes, as 64 hex characters or 43 base64url characters`);
  }
  return bytes;
}

function readSecretsFile(file: string): Partial<Record<SecretName, string>> | undefined {
  const parsed = readPrivateJson(file) as { format?: number; secrets?: Record<string, string> } | undefined;
  if (parsed === undefined) return undefined;
  if (parsed.format !== 1 || typeof parsed.secrets !== "object") throw new Error(`${file}: not an urne secrets file (format 1)`);
  return parsed.secrets as Partial<Record<SecretName, string>>;
}

function writeSecretsFile(file: string, values: Record<SecretName, string>) {
  const body = { format: 1, warning: "SECRET: keys of this urne API. Never share, log or commit. Losing masterKey loses every ballot's issuer key.", secrets: values };
  createPrivateJson(file, body);
}

/**
 * Each secret from its environment variable if set, else from `<data>/secrets.json`, which
 * is created on first start with fresh random values (outside production).
 */
export function loadSecrets(dataDir: string, env: Readonly<Record<string, string | undefined>> = process.env): LoadedSecrets {
  const production = env.URNE_ENV === "production" || env.NODE_ENV === "production";
  const file = path.join(dataDir, SECRETS_FILE);
  let stored = readSecretsFile(file);
  const missing = NAMES.filter((n) => env[SECRET_ENV[n]] === undefined && stored?.[n] === undefined);
  if (production) {
    const absent = missing.filter((n) => REQUIRED_IN_PRODUCTION.includes(n));
    if (absent.length > 0) throw new Error(`production needs ${absent.map((n) => SECRET_ENV[n]).join(", ")} in the environment (32 bytes each, hex or base64url)`);
  }
  const sources = {} as LoadedSecrets["sources"];
  if (!production && stored === undefined && missing.length > 0) {
    const fresh = Object.fromEntries(NAMES.map((n) => [n, randomBytes(32).toString("base64url")])) as Record<SecretName, string>;
    writeSecretsFile(file, fresh);
    stored = fresh;
    for (const n of NAMES) sources[n] = "generated";
  } else if (!production && stored !== undefined && missing.length > 0) {
    throw new Error(`${file} lacks ${missing.join(", ")}: set ${missing.map((n) => SECRET_ENV[n]).join(", ")} or restore the file`);
  }
  const secrets = {} as Secrets;
  for (const n of NAMES) {
    const fromEnv = env[SECRET_ENV[n]];
    if (fromEnv !== undefined) {
      secrets[n] = decodeSecret(SECRET_ENV[n], fromEnv);
      sources[n] = "env";
    } else if (stored?.[n] !== undefined) {
      secrets[n] = decodeSecret(`${file} ${n}`, stored[n]!);
      sources[n] ??= "file";
    } else {
      // Production without the dev provider: a throw-away value nobody uses.
      secrets[n] = randomBytes(32);
      sources[n] = "generated";
    }
  }
  return { secrets, sources };
}
