// The execution engine: a fresh, in-memory EDR network (the Rust EVM behind Hardhat),
// configured so that the same inputs always give the same block hashes (automine and
// interval mining off, FIFO mempool, fixed coinbase and initial date). It keeps nothing
// across restarts: the journal is the chain, the EVM is a cache rebuilt by replay.
//
// Only EDR's public API (its index.d.ts), at the exact version package.json declares: a
// different EDR may build different block hashes, and replay would then refuse every
// journal (test/chain/journal-fixture.test.ts fails first, on a committed journal). The
// genesis holds public addresses only, no "owned accounts": anyone can replay a journal
// without our keys, and the EVM holds no key at all.
import { createRequire } from "node:module";
import { getAddress } from "ethers";
import type { Genesis } from "./genesis.js";
import { RpcError } from "./rpc-error.js";

const require = createRequire(import.meta.url);
const edr = require("@nomicfoundation/edr");

export type EvmRequest = { method: string; params?: unknown[] };

/** The only surface the rest of urne sees: one JSON-RPC call at a time. */
export type Evm = {
  request(args: EvmRequest): Promise<unknown>;
  /** "@nomicfoundation/edr, " and EDR's web3_clientVersion (recorded in the genesis, for diagnosis). */
  readonly engine: string;
};

const hex = (s: string) => Buffer.from(s.replace(/^0x/, ""), "hex");

/** The compiler's evmVersion names (genesis.hardfork) that urne chains use, as EDR names them. */
const EDR_HARDFORKS: Readonly<Record<string, string>> = {
  london: edr.LONDON, paris: edr.MERGE, merge: edr.MERGE, shanghai: edr.SHANGHAI, cancun: edr.CANCUN, prague: edr.PRAGUE,
};

/** EDR allows one context per process; every EVM of this process is a provider in it. */
let context: Promise<{ createProvider: (...args: unknown[]) => Promise<EdrProvider> }> | undefined;
type EdrProvider = { handleRequest(request: string): Promise<{ data: string | object }> };

function edrContext() {
  context ??= (async () => {
    const created = new edr.EdrContext();
    await created.registerProviderFactory(edr.GENERIC_CHAIN_TYPE, edr.genericChainProviderFactory());
    return created;
  })();
  return context;
}

export async function createEvm(genesis: Genesis): Promise<Evm> {
  const hardfork = EDR_HARDFORKS[genesis.hardfork];
  if (hardfork === undefined) {
    throw new Error(`journal genesis.hardfork is ${JSON.stringify(genesis.hardfork)}; this urne runs ${Object.keys(EDR_HARDFORKS).join(", ")}`);
  }
  // The hardfork's system contracts (EIP-4788, EIP-2935...) plus our funded addresses.
  const genesisState = edr.l1GenesisState(edr.l1HardforkFromString(hardfork));
  for (const account of genesis.accounts) {
    genesisState.push({ address: hex(getAddress(account.address)), balance: BigInt(account.balance), code: new Uint8Array() });
  }
  const config = {
    allowBlocksWithSameTimestamp: true, // several blocks may be sealed within one second
    allowUnlimitedContractSize: false,
    // A reverted eth_call must answer a JSON-RPC error carrying the revert data, as geth
    // does (ethers decodes custom errors from it), not a "successful" result.
    bailOnCallFailure: true,
    // Never true: a reverted transaction is a normal part of a block, not a mining error.
    bailOnTransactionFailure: false,
    // Format 2: a gas target equal to the limit, so the EIP-1559 rule keeps a zero base fee at zero.
    ...(genesis.baseFeeRule === "zero" ? { baseFeeConfig: [{ activation: { blockNumber: 0n }, maxChangeDenominator: 8n, elasticityMultiplier: 1n }] } : {}),
    blockGasLimit: BigInt(genesis.blockGasLimit),
    chainId: BigInt(genesis.chainId),
    coinbase: hex(genesis.coinbase),
    genesisState,
    hardfork,
    initialBaseFeePerGas: BigInt(genesis.initialBaseFeePerGas),
    initialDate: BigInt(genesis.initialDate),
    minGasPrice: 0n,
    // urne seals blocks itself (sealer.ts): EDR must never mine on its own.
    mining: { autoMine: false, interval: undefined, memPool: { order: edr.MineOrdering.Fifo } },
    networkId: BigInt(genesis.chainId),
    observability: {},
    ownedAccounts: [],
    precompileOverrides: [],
  };
  const logger = { enable: false, decodeConsoleLogInputsCallback: () => [], printLineCallback: () => {} };
  const provider = await (await edrContext()).createProvider(
    edr.GENERIC_CHAIN_TYPE, config, logger, { subscriptionCallback: () => {} }, edr.ContractDecoder.withContracts({}),
  );

  const request = async ({ method, params = [] }: EvmRequest): Promise<unknown> => {
    const response = await provider.handleRequest(JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }));
    const body = typeof response.data === "string" ? JSON.parse(response.data) : response.data;
    if (body.error) throw new RpcError(body.error.code, body.error.message, revertData(body.error.data));
    return body.result;
  };
  const clientVersion = (await request({ method: "web3_clientVersion" })) as string;
  return { request, engine: `@nomicfoundation/edr, ${clientVersion}` };
}

/**
 * EDR puts revert data either as a hex string or as `{ message, data }`; it also echoes the
 * whole request in `data` for unknown methods. Keep only revert data: it is what clients
 * decode (custom errors), and echoing requests back helps nobody.
 */
function revertData(data: unknown): string | undefined {
  if (typeof data === "string" && /^0x[0-9a-fA-F]*$/.test(data)) return data;
  if (data && typeof data === "object" && "data" in data) return revertData((data as { data: unknown }).data);
  return undefined;
}
