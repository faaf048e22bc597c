// anvil (npm @foundry-rs/anvil) is a second, independent node implementation. Tests run
// the same suites against it to prove urne speaks only standard JSON-RPC.
// We depend on the platform package itself (the wrapper @foundry-rs/anvil cannot be
// locked: it names platform packages the registry does not have) and run its binary.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { HDNodeWallet } from "ethers";
import { rpcCall } from "./rpc.js";
import { freePort } from "./free-port.js";
import toolchain from "../../contracts/toolchain.json" with { type: "json" };

const require = createRequire(import.meta.url);

export function anvilBinary(): string {
  const pkg = `@foundry-rs/anvil-${process.platform}-${process.arch === "x64" ? "amd64" : process.arch}`;
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), "bin", "anvil");
}

export type Anvil = { rpcUrl: string; chainId: bigint; process: ChildProcess; stop(): Promise<void> };

/**
 * Starts anvil on 127.0.0.1 with a random free port. Funded accounts come from anvil's
 * well-known test mnemonic: only ever used in tests, never by `npm start`.
 */
export async function startAnvil(opts: { chainId?: bigint; hardfork?: string; blockTime?: number } = {}): Promise<Anvil> {
  const port = await freePort();
  const chainId = opts.chainId ?? 31337n;
  const args = [
    "--host", "127.0.0.1", "--port", String(port), "--chain-id", String(chainId),
    "--hardfork", opts.hardfork ?? toolchain.evmVersion, "--silent", "--gas-limit", "60000000",
  ];
  if (opts.blockTime) args.push("--block-time", String(opts.blockTime));
  const child = spawn(anvilBinary(), args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const rpcUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`anvil exited (${child.exitCode}): ${stderr}`);
    try {
      await rpcCall(rpcUrl, "eth_chainId", []);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`anvil did not answer on ${rpcUrl}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    rpcUrl, chainId, process: child,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    }),
  };
}

/** anvil's funded test accounts come from this public mnemonic (test-only). */
export const ANVIL_TEST_MNEMONIC = "test test test test test test test test test test test junk";

/** The i-th funded anvil account, derived as anvil does (m/44'/60'/0'/0/i). */
export function anvilWallet(index: number, provider?: import("ethers").Provider) {
  const wallet = HDNodeWallet.fromPhrase(ANVIL_TEST_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`);
  return provider ? wallet.connect(provider) : wallet;
}
