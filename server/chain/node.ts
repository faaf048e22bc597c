// urne's embedded chain node: journal + engine (ethereumjs, its state derived from the
// journal in <data>/chain-state) + pool + sealer + public JSON-RPC front, wired in the
// order that keeps "journaled" and "final" the same thing. docs/CHAIN.md.
import { existsSync } from "node:fs";
import { rm, rename, open } from "node:fs/promises";
import path from "node:path";
import { BrowserProvider, Network, Wallet } from "ethers";
import { ensurePrivateDir } from "../config/private-file.js";
import { CallExecutor } from "./call-executor.js";
import { createChainDoor, type RpcBackend } from "./chain-door.js";
import { readChainServiceToken, ensureChainServiceToken } from "./chain-service-token.js";
import { DEFAULT_DOOR_LIMITS, type DoorLimits } from "./door-limits.js";
import { BlockEngine } from "./engine/block-engine.js";
import { chainCommon } from "./engine/chain-common.js";
import { DurableChain } from "./engine/durable-chain.js";
import { createEngineEvm, ENGINE_NAME, type Evm } from "./engine/engine-rpc.js";
import { hasZeroBaseFee, newGenesis, type Genesis } from "./genesis.js";
import { Journal, type DeploymentRecord } from "./journal.js";
import { Mutex } from "./mutex.js";
import { createOperatorKeys, readOperatorKeys, type OperatorKey } from "./operator-keys.js";
import type { ReplayResult } from "./replay.js";
import { ChainLostFinalError, readFinalRecord, type FinalRecord } from "../relay/final-record.js";
import { startRpcFront, type ChainStatus } from "./rpc-front.js";
import { headOfBlock, Sealer, type ChainHead } from "./sealer.js";
import { TxPool } from "./tx-pool.js";
import { deployBallotBoxOnce } from "./first-deployment.js";

export type StartChainOptions = {
  dataDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  blockIntervalMs?: number;
  /** Used when the chain is created; a later start with another value is refused. */
  chainId?: bigint;
  /** Extra funded accounts (test-1...) created with the chain; for tests and benchmarks. */
  testAccounts?: number;
  /** Deploy the BallotBox when the chain is created (default true). */
  deploy?: boolean;
  /** More addresses funded in the genesis (tests: anvil's public test accounts). */
  fundAddresses?: string[];
  /** The chain cannot go on safely (journal write failed). Default: log and exit(70). */
  onFatal?: (error: Error) => void;
  /** The door's limits (docs/CHAIN.md §5); default DEFAULT_DOOR_LIMITS. */
  limits?: DoorLimits;
  /**
   * BallotBox contracts deployed on this chain besides its own (the test backends deploy
   * one at a known address): their calls run on the sealing EVM, as the chain's own
   * BallotBox's do (docs/CHAIN.md §5.2). Name only BallotBox deployments: their code is
   * what bounds the work of such a call.
   */
  otherBallotBoxes?: string[];
  /** Proxy hops whose X-Forwarded-For the door's rate limits believe (URNE_CHAIN_TRUST_PROXY). */
  trustProxyHops?: number;
  log?: (event: string, fields: Record<string, unknown>) => void;
  /**
   * Awaited once the door listens (answering 503 "replaying") and before the replay starts:
   * tests hold the node there to see what it answers meanwhile.
   */
  beforeReplay?: () => Promise<void>;
};

export type Chain = {
  rpcUrl: string;
  chainId: bigint;
  /** Undefined only for a chain created with `deploy: false` (or before the contract existed). */
  deployment: DeploymentRecord | undefined;
  /** Operator wallets by role (admin, organizer, relayer, test-N), not connected. */
  operators: Record<string, Wallet>;
  /** All funded wallets, operators first. */
  wallets: Wallet[];
  replay: ReplayResult;
  /** Bearer token of the operator's own services on the door (not rate-limited); chain-service-token.ts. */
  serviceToken: string;
  /** The call executor's counters (tests). */
  executorStats: CallExecutor["stats"];
  head(): ChainHead;
  /** Seals what waits now instead of at the next tick (tests). */
  sealPending(): Promise<unknown>;
  stop(): Promise<void>;
};

const DEFAULT_FATAL = (error: Error) => {
  console.error(JSON.stringify({ level: "fatal", event: "chain.halted", error: error.message }));
  process.exit(70);
};

export async function startChain(opts: StartChainOptions): Promise<Chain> {
  const log = opts.log ?? (() => {});
  const blockIntervalMs = opts.blockIntervalMs ?? 1000;
  if (!Number.isSafeInteger(blockIntervalMs) || blockIntervalMs < 1) throw new TypeError(`blockIntervalMs must be an integer >= 1, got ${blockIntervalMs}`);
  const dataDir = path.resolve(opts.dataDir);
  // `urne chain` may be the first to open the data directory: 0700, even if it existed.
  await ensurePrivateDir(dataDir);
  const chainDir = path.join(dataDir, "chain");

  const limits = opts.limits ?? DEFAULT_DOOR_LIMITS;
  let keys = readOperatorKeys(dataDir);
  const final = await relayFinal(dataDir, log);
  if (!existsSync(chainDir)) {
    // A relay here landed ballots on a chain of this data directory: a new one would be another history.
    if (final) throw new ChainLostFinalError(final, `there is no chain journal at ${chainDir}`);
    keys ??= createOperatorKeys(dataDir, opts.testAccounts ?? 0);
    await createChain(chainDir, keys, opts, log);
  } else if (!keys) {
    log("chain.no_operator_keys", { hint: "operator-keys.json is missing: the chain is served, but no operator can sign" });
    keys = [];
  }

  const journal = await Journal.open(chainDir, { log, final });
  const cleanup: (() => Promise<unknown>)[] = [() => journal.close()];
  try {
    const genesis = await journal.genesis();
    if (!genesis) throw new Error(`${chainDir} has no genesis record: not an urne chain journal`);
    if (opts.chainId !== undefined && BigInt(genesis.chainId) !== opts.chainId) {
      throw new Error(`${chainDir} holds chain ${genesis.chainId}, not ${opts.chainId}: use another data dir`);
    }
    const funded = new Set(genesis.accounts.map((a) => a.address));
    const stranger = keys.find((k) => !funded.has(k.address));
    if (stranger) throw new Error(`operator-keys.json key "${stranger.name}" is not funded by this chain's genesis: wrong data dir?`);

    // The door listens from here on: while the journal replays, it answers every request
    // at once (503, Retry-After, how far the replay is) and GET /health says so.
    let status = (): ChainStatus => ({ status: "starting" });
    const serviceToken = readChainServiceToken(dataDir) ?? ensureChainServiceToken(dataDir);
    const front = await startRpcFront({
      limits, host: opts.host, port: opts.port ?? 8545, log, serviceTokens: [serviceToken], trustProxyHops: opts.trustProxyHops, status: () => status(),
    });
    cleanup.unshift(() => front.close());
    const of = journal.head;
    let replayed = 0;
    status = () => ({ status: "replaying", replay: { block: replayed, of } });
    log("chain.listening", { rpcUrl: front.url, replaying: of });
    await opts.beforeReplay?.();

    const started = performance.now();
    // The genesis record must still build the block 0 it names (cheap: a few accounts);
    // the derived store only remembers which genesis hash it was built for.
    await BlockEngine.fromGenesis(genesis);
    let logged = Date.now();
    const chain = await DurableChain.open({
      location: path.join(dataDir, "chain-state"), journal, genesis, log,
      onProgress: (number) => {
        replayed = number;
        if (Date.now() - logged >= 1000) {
          logged = Date.now();
          log("chain.replay_progress", { block: number, of });
        }
      },
    });
    cleanup.splice(1, 0, () => chain.close());
    const replay: ReplayResult = {
      head: headOfBlock(chain.head), blocks: journal.head, executed: chain.report.executed, ms: performance.now() - started,
      ...(chain.report.rebuilt !== undefined ? { rebuilt: chain.report.rebuilt } : {}),
    };
    if (replay.head.number !== journal.head) throw new Error(`the chain stopped at block ${replay.head.number}, the journal's head is ${journal.head}`);
    log("chain.replayed", { blocks: replay.blocks, executed: replay.executed, checkedHeaders: chain.report.checkedHeaders, ms: Math.round(replay.ms), ...(replay.rebuilt ? { rebuilt: replay.rebuilt } : {}) });

    const deployment = await journal.deployment();
    const parts = assemble(chain, genesis, journal, limits, () => deployment?.ballotBox, {
      intervalMs: blockIntervalMs, onFatal: opts.onFatal ?? DEFAULT_FATAL, log, otherBallotBoxes: opts.otherBallotBoxes,
    });
    if (deployment) await checkDeployment(parts.evm, deployment);
    const { sealer } = parts;
    sealer.on("block", (b) => log("chain.block", { number: b.number, transactions: b.transactions.length }));
    sealer.start();
    // Stopped after the front (no new transactions), before the journal: the sealer drains.
    cleanup.splice(1, 0, () => parts.executor.close(), () => sealer.stop());
    front.serve(parts.door);
    status = () => ({ status: "ok", head: { number: sealer.head.number, hash: sealer.head.hash }, journal: journal.health() });

    const operators = Object.fromEntries(keys.map((k) => [k.name, new Wallet(k.privateKey)]));
    let stopping: Promise<void> | undefined;
    return {
      rpcUrl: front.url,
      chainId: BigInt(genesis.chainId),
      deployment,
      operators,
      wallets: Object.values(operators),
      replay,
      serviceToken,
      executorStats: parts.executor.stats,
      head: () => sealer.head,
      sealPending: () => sealer.sealPending(),
      // Front first (no new transactions), then the sealer drains, then the journal closes.
      stop: () => (stopping ??= runAll(cleanup)),
    };
  } catch (error) {
    await runAll(cleanup);
    throw error;
  }
}

/**
 * What the relay of this data directory recorded as final (server/relay/final-record.ts):
 * the journal must still hold that block with that transaction in it, or this chain lost
 * blocks it announced (an older copy of the journal, say). Journal.open checks it before
 * LevelDB opens. A record that cannot be read is the relay's to refuse at its start.
 */
async function relayFinal(dataDir: string, log: NonNullable<StartChainOptions["log"]>): Promise<FinalRecord | undefined> {
  const read = await readFinalRecord(dataDir);
  if (read.state === "damaged") log("chain.relay_final_unreadable", { reason: read.reason });
  return read.state === "ok" ? read.value : undefined;
}

type Assembled = { mutex: Mutex; evm: Evm; pool: TxPool; sealer: Sealer; executor: CallExecutor; door: RpcBackend };

/**
 * The running parts of a chain whose engine holds every journaled block: the pool judges
 * transactions, the sealer makes blocks, the door answers JSON-RPC, the call executor runs
 * the calls the sealing engine must not (`inline`: none, for a chain nobody can reach yet).
 */
function assemble(
  chain: DurableChain, genesis: Genesis, journal: Journal, limits: DoorLimits, ballotBox: () => string | undefined,
  o: { intervalMs: number; onFatal: (e: Error) => void; log: NonNullable<StartChainOptions["log"]>; inline?: boolean; otherBallotBoxes?: string[] },
): Assembled {
  const chainId = BigInt(genesis.chainId);
  const zeroBaseFee = hasZeroBaseFee(genesis);
  const mutex = new Mutex();
  // Waiting transactions are the pool's (read back by hash, blockNumber null).
  const evm = createEngineEvm(chain, journal, genesis, { pending: (hash) => pool.pendingTransaction(hash) });
  const pool = new TxPool({ evm, common: chainCommon(genesis), blockGasLimit: BigInt(genesis.blockGasLimit), limits, chainId, zeroBaseFee, ballotBox });
  const head: ChainHead = headOfBlock(chain.head);
  const sealer = new Sealer(evm, chain, journal, mutex, pool, head, {
    intervalMs: o.intervalMs, zeroBaseFee, onFatal: o.onFatal,
    onDropped: (hashes, why) => o.log("chain.tx_dropped", { count: hashes.length, why }),
  });
  const executor = new CallExecutor({
    genesis, chain: evm, evmTimeoutMs: limits.evmTimeoutMs, memoryBytes: limits.executorMemoryBytes, log: o.log,
  });
  const door = createChainDoor({
    evm, mutex, sealer, limits, chainId, ballotBox, otherBallotBoxes: o.otherBallotBoxes, executor: o.inline ? undefined : executor, clientVersion: `urne-chain/${evm.engine}`,
  });
  return { mutex, evm, pool, sealer, executor, door };
}

/** An ethers provider on the chain without HTTP: same methods, same raw-tx path. */
export function inProcessProvider(backend: RpcBackend, chainId: bigint): BrowserProvider {
  return new BrowserProvider(
    { request: ({ method, params }) => backend(method, (params as unknown[] | undefined) ?? []) }, // no client: nothing is charged
    Network.from(chainId),
    { staticNetwork: Network.from(chainId), pollingInterval: 20, cacheTimeout: -1 },
  );
}

/**
 * Creates a chain in `<dir>.init` (genesis, then the BallotBox deployed through the normal
 * raw-transaction path) and renames it to `<dir>` only when complete. A crash half way
 * leaves no chain at all, and the next start begins again: nobody has seen it (no RPC yet).
 */
async function createChain(chainDir: string, keys: OperatorKey[], opts: StartChainOptions, log: NonNullable<StartChainOptions["log"]>) {
  const staging = `${chainDir}.init`;
  await rm(staging, { recursive: true, force: true });
  const journal = await Journal.open(staging, { log });
  try {
    const genesis: Genesis = newGenesis({ chainId: opts.chainId, accounts: [...keys.map((k) => k.address), ...(opts.fundAddresses ?? [])] });
    const block0 = (await BlockEngine.fromGenesis(genesis)).head;
    const genesisHash = `0x${Buffer.from(block0.hash()).toString("hex")}`;
    await journal.putGenesis({ ...genesis, genesisHash, engine: ENGINE_NAME });
    log("chain.created", { chainId: genesis.chainId, genesisHash });

    const admin = keys.find((k) => k.name === "admin");
    if (opts.deploy !== false && admin) {
      // The derived store follows the journal being made: a crash before the rename leaves
      // a store for a genesis no journal holds, which the next start rebuilds (durable-chain.ts).
      const chain = await DurableChain.open({ location: path.join(path.dirname(chainDir), "chain-state"), journal, genesis: { ...genesis, genesisHash }, log });
      let fatal: Error | undefined;
      // Nobody can connect yet: the deployment's own calls (its gas estimate) run inline.
      const { sealer, door } = assemble(chain, genesis, journal, opts.limits ?? DEFAULT_DOOR_LIMITS, () => undefined, {
        intervalMs: 5, onFatal: (e) => (fatal = e), log, inline: true,
      });
      sealer.start();
      try {
        const provider = inProcessProvider(door, BigInt(genesis.chainId));
        const deployment = await deployBallotBoxOnce(new Wallet(admin.privateKey, provider), genesis.chainId, log);
        if (fatal) throw fatal;
        if (deployment) await journal.putDeployment(deployment);
      } finally {
        await sealer.stop();
        await chain.close();
      }
    }
  } finally {
    await journal.close();
  }
  await rename(staging, chainDir);
  const dir = await open(path.dirname(chainDir), "r");
  await dir.sync().finally(() => dir.close()); // make the rename itself durable
}

async function checkDeployment(evm: Evm, deployment: DeploymentRecord) {
  const code = await evm.request({ method: "eth_getCode", params: [deployment.ballotBox, "latest"] });
  if (code === "0x") throw new Error(`journal names BallotBox ${deployment.ballotBox} but the replayed chain has no code there`);
}

async function runAll(steps: (() => Promise<unknown>)[]) {
  for (const step of steps) await step().catch(() => {});
}
