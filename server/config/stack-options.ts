// Settings of `urne start`, from flags first, then environment variables, then embedded
// defaults (docs/OPERATIONS.md lists them all). Secrets are not settings: secrets.ts.
import path from "node:path";
import { doorLimitsFromEnv, type DoorLimits } from "../chain/door-limits.js";
import { DEFAULT_BODY_LIMIT_BYTES } from "../http/json-body.js";
import { DEFAULT_PUBLIC_READS_PER_SECOND } from "../http/public-reads.js";

export type StackOptions = {
  dataDir: string;
  /** Address every server binds (loopback by default). */
  host: string;
  /** 0 picks a free port. */
  apiPort: number;
  /** The relay's own port (another origin than the API's). */
  relayPort: number;
  chainPort: number;
  idpPort: number;
  blockIntervalMs: number;
  /** Chain id of a NEW embedded chain. */
  chainId?: bigint;
  /** The API's public base URL (default http://host:port as bound). */
  publicUrl?: string;
  /** The relay's public base URL (default http://host:relayPort as bound). */
  publicRelayUrl?: string;
  /** The embedded chain door's limits (URNE_CHAIN_*, docs/CHAIN.md §5). */
  doorLimits: DoorLimits;
  /** Public JSON-RPC URLs announced in /.well-known/urne.json (default: the embedded node's). */
  publicRpcUrls?: string[];
  /** Start the embedded development identity provider (default yes, never in production). */
  devIdp: boolean;
  /**
   * An EVM network urne does not run, instead of the embedded chain (docs/CHAIN.md §7):
   * its node, the deployed BallotBox and the operator keys (environment only: secrets).
   */
  externalChain?: { rpcUrl: string; ballotBox: string; organizerKey: string; relayerKey: string; adminKey?: string };
  /** A real OpenID provider instead (FranceConnect): docs/IDENTITY.md §3. */
  oidc?: { issuer: string; clientId: string; clientSecret: string; redirectUri?: string; signingAlg?: string };
  bodyLimitBytes: number;
  /** URNE_PUBLIC_READS_PER_SECOND: chain reads a second each client network may cause through the public endpoints. */
  publicReadsPerSecond: number;
  /**
   * Port of the demo partner site that `urne start` serves in development (0: a free
   * port); null when it is not to be started: with no dev identity provider, and under
   * NODE_ENV=test unless set explicitly (parallel test runs would race for one port).
   */
  demoPort: number | null;
  /**
   * express `trust proxy`: false (default: the TCP peer is the client), a number of proxy
   * hops, or the proxies' addresses/subnets. Rate limits key on the address it yields.
   */
  trustProxy: false | number | string[];
  env: Readonly<Record<string, string | undefined>>;
};

export type StackFlags = Partial<Record<"data" | "host" | "port" | "relay-port" | "chain-port" | "idp-port" | "block-interval-ms" | "chain-id" | "public-url" | "demo-port", string>> & { "no-dev-idp"?: boolean };

function integer(name: string, value: string | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer in [${min}, ${max}], got "${value}"`);
  return n;
}

function demoPort(value: string | undefined, devIdp: boolean, underTest: boolean): number | null {
  const port = integer("--demo-port", value, 8090, 0, 65535); // checked even when unused
  return devIdp && (value !== undefined || !underTest) ? port : null;
}

const list = (value: string | undefined) => (value ?? "").split(/[\s,]+/).filter((v) => v.length > 0);

export function stackOptions(flags: StackFlags, env: Readonly<Record<string, string | undefined>> = process.env): StackOptions {
  const production = env.URNE_ENV === "production" || env.NODE_ENV === "production";
  const chainId = flags["chain-id"] ?? env.URNE_CHAIN_ID;
  if (chainId !== undefined && !/^[1-9][0-9]*$/.test(chainId)) throw new Error(`--chain-id must be a positive integer, got "${chainId}"`);
  const publicUrl = flags["public-url"] ?? env.URNE_PUBLIC_URL;
  if (publicUrl !== undefined) new URL(publicUrl); // throws on a malformed URL
  const publicRelayUrl = env.URNE_PUBLIC_RELAY_URL;
  if (publicRelayUrl !== undefined) new URL(publicRelayUrl);
  const rpcUrls = list(env.URNE_PUBLIC_RPC_URLS);
  rpcUrls.forEach((u) => new URL(u));
  const oidcIssuer = env.URNE_OIDC_ISSUER;
  let oidc: StackOptions["oidc"];
  if (oidcIssuer !== undefined) {
    const clientId = env.URNE_OIDC_CLIENT_ID, clientSecret = env.URNE_OIDC_CLIENT_SECRET;
    if (!clientId || !clientSecret) throw new Error("URNE_OIDC_ISSUER needs URNE_OIDC_CLIENT_ID and URNE_OIDC_CLIENT_SECRET");
    oidc = { issuer: oidcIssuer, clientId, clientSecret, redirectUri: env.URNE_OIDC_REDIRECT_URI, signingAlg: env.URNE_OIDC_SIGNING_ALG };
  }
  let externalChain: StackOptions["externalChain"];
  if (env.URNE_CHAIN_RPC_URL !== undefined) {
    new URL(env.URNE_CHAIN_RPC_URL); // throws on a malformed URL
    const missing = ["URNE_BALLOT_BOX", "URNE_ORGANIZER_KEY", "URNE_RELAYER_KEY"].filter((k) => !env[k]);
    if (missing.length > 0) throw new Error(`URNE_CHAIN_RPC_URL needs ${missing.join(", ")}`);
    externalChain = {
      rpcUrl: env.URNE_CHAIN_RPC_URL, ballotBox: env.URNE_BALLOT_BOX!, organizerKey: env.URNE_ORGANIZER_KEY!, relayerKey: env.URNE_RELAYER_KEY!,
      ...(env.URNE_ADMIN_KEY ? { adminKey: env.URNE_ADMIN_KEY } : {}),
    };
  }
  const devIdp = !flags["no-dev-idp"] && env.URNE_DEV_IDP !== "0" && oidc === undefined && !production;
  return {
    dataDir: path.resolve(flags.data ?? env.URNE_DATA_DIR ?? "./data"),
    host: flags.host ?? env.URNE_HOST ?? "127.0.0.1",
    apiPort: integer("--port", flags.port ?? env.URNE_API_PORT, 8080, 0, 65535),
    relayPort: integer("--relay-port", flags["relay-port"] ?? env.URNE_RELAY_PORT, 8081, 0, 65535),
    chainPort: integer("--chain-port", flags["chain-port"] ?? env.URNE_CHAIN_PORT, 8545, 0, 65535),
    idpPort: integer("--idp-port", flags["idp-port"] ?? env.URNE_DEV_IDP_PORT, 4010, 0, 65535),
    blockIntervalMs: integer("--block-interval-ms", flags["block-interval-ms"] ?? env.URNE_BLOCK_INTERVAL_MS, 1000, 1),
    ...(chainId === undefined ? {} : { chainId: BigInt(chainId) }),
    ...(publicUrl === undefined ? {} : { publicUrl: publicUrl.replace(/\/+$/, "") }),
    ...(publicRelayUrl === undefined ? {} : { publicRelayUrl: publicRelayUrl.replace(/\/+$/, "") }),
    doorLimits: doorLimitsFromEnv(env),
    ...(rpcUrls.length === 0 ? {} : { publicRpcUrls: rpcUrls }),
    devIdp,
    ...(externalChain ? { externalChain } : {}),
    ...(oidc ? { oidc } : {}),
    bodyLimitBytes: integer("URNE_BODY_LIMIT_BYTES", env.URNE_BODY_LIMIT_BYTES, DEFAULT_BODY_LIMIT_BYTES, 1024, 1024 * 1024),
    publicReadsPerSecond: integer("URNE_PUBLIC_READS_PER_SECOND", env.URNE_PUBLIC_READS_PER_SECOND, DEFAULT_PUBLIC_READS_PER_SECOND, 1, 1_000_000),
    demoPort: demoPort(flags["demo-port"] ?? env.URNE_DEMO_PORT, devIdp, env.NODE_ENV === "test"),
    trustProxy: trustProxy(env.URNE_TRUST_PROXY),
    env,
  };
}

/**
 * URNE_TRUST_PROXY: unset or "0" trusts no proxy; "1".."10" trusts that many hops; else a
 * comma list of addresses, CIDR subnets or express's names (loopback, linklocal,
 * uniquelocal). Trusting too much lets any client choose its address (X-Forwarded-For)
 * and escape the rate limits, so a malformed value stops the start.
 */
export function trustProxy(value: string | undefined): false | number | string[] {
  if (value === undefined || value === "" || value === "0") return false;
  if (/^[0-9]+$/.test(value)) return integer("URNE_TRUST_PROXY", value, 0, 0, 10);
  const entries = list(value);
  for (const entry of entries) {
    const named = ["loopback", "linklocal", "uniquelocal"].includes(entry);
    if (!named && !/^[0-9a-fA-F.:]+(\/[0-9]{1,3})?$/.test(entry)) {
      throw new Error(`URNE_TRUST_PROXY must be a hop count or proxy addresses/subnets, got "${entry}"`);
    }
  }
  return entries;
}
