// The limits of the chain's public door (docs/CHAIN.md §5 lists each one, its default and
// its setting). Each exists because one anonymous request once stopped or stalled the
// whole service without it; each refusal is a JSON-RPC error with a code and a message,
// never a dropped connection. Geth's defaults are the anchors where geth has one.

export type DoorLimits = {
  /** Gas of any eth_call / eth_estimateGas (geth --rpc.gascap). */
  rpcGasCap: bigint;
  /** Wall-clock limit of one call in the call executor (geth --rpc.evmtimeout). */
  evmTimeoutMs: number;
  /** Memory of the call executor process; above it the process is replaced. */
  executorMemoryBytes: number;
  /**
   * Calls to the BallotBox with at most this much gas run on the sealing EVM, between two
   * blocks (its code is known and bounded: a measured few milliseconds); every other
   * call runs in the separate call executor.
   */
  ballotBoxCallGas: bigint;
  /** eth_getLogs: widest block range, most logs in one answer. */
  maxLogsBlockRange: number;
  maxLogs: number;
  /** Largest answer to one HTTP request, a batch's answers together (geth: 25 MB). */
  maxResponseBytes: number;
  /** Requests in one batch (geth: 1,000). */
  maxBatchLength: number;
  /** Request body (a castVotes batch of a few hundred ballots is ~0.5 MB of hex). */
  maxBodyBytes: number;
  /** Per client address: a bucket of request units (rpc-cost.ts), refilled every second. */
  clientBurst: number;
  clientUnitsPerSecond: number;
  /** Transactions: the pool, and what one sender may hold in it. */
  maxPoolTransactions: number;
  maxPoolBytes: number;
  maxSenderTransactions: number;
  /** A sender's nonce may run ahead of its next one by this much (waiting for the gap to fill). */
  maxNonceAhead: number;
  /** A transaction behind a nonce gap is dropped after this long. */
  queuedTtlMs: number;
  /** Lowest fee per gas of a paying transaction (the base fee may be lower: 0 on new chains). */
  minGasPrice: bigint;
  /** Gas limit of a free ballot (a castVote anyone may send without fee, docs/CHAIN.md §5.4). */
  freeBallotGas: bigint;
  /** Largest transaction (geth: 128 KiB). */
  maxTransactionBytes: number;
};

export const DEFAULT_DOOR_LIMITS: Readonly<DoorLimits> = Object.freeze({
  rpcGasCap: 10_000_000n,
  evmTimeoutMs: 5_000,
  executorMemoryBytes: 3 * 1024 ** 3,
  ballotBoxCallGas: 2_000_000n,
  maxLogsBlockRange: 10_000,
  maxLogs: 10_000,
  maxResponseBytes: 25_000_000,
  maxBatchLength: 1_000,
  maxBodyBytes: 4 * 1024 * 1024,
  clientBurst: 20_000,
  clientUnitsPerSecond: 2_000,
  maxPoolTransactions: 4_096,
  maxPoolBytes: 64 * 1024 * 1024,
  maxSenderTransactions: 64,
  maxNonceAhead: 64,
  queuedTtlMs: 120_000,
  minGasPrice: 1_000_000_000n,
  freeBallotGas: 1_000_000n,
  maxTransactionBytes: 128 * 1024,
});

/** Environment variable of each limit (urne chain and urne start read them). */
export const DOOR_LIMIT_ENV: Readonly<Record<keyof DoorLimits, string>> = Object.freeze({
  rpcGasCap: "URNE_CHAIN_RPC_GAS_CAP",
  evmTimeoutMs: "URNE_CHAIN_EVM_TIMEOUT_MS",
  executorMemoryBytes: "URNE_CHAIN_EXECUTOR_MEMORY_BYTES",
  ballotBoxCallGas: "URNE_CHAIN_BALLOT_BOX_CALL_GAS",
  maxLogsBlockRange: "URNE_CHAIN_MAX_LOGS_BLOCK_RANGE",
  maxLogs: "URNE_CHAIN_MAX_LOGS",
  maxResponseBytes: "URNE_CHAIN_MAX_RESPONSE_BYTES",
  maxBatchLength: "URNE_CHAIN_MAX_BATCH_LENGTH",
  maxBodyBytes: "URNE_CHAIN_MAX_BODY_BYTES",
  clientBurst: "URNE_CHAIN_CLIENT_BURST",
  clientUnitsPerSecond: "URNE_CHAIN_CLIENT_UNITS_PER_SECOND",
  maxPoolTransactions: "URNE_CHAIN_MAX_POOL_TRANSACTIONS",
  maxPoolBytes: "URNE_CHAIN_MAX_POOL_BYTES",
  maxSenderTransactions: "URNE_CHAIN_MAX_SENDER_TRANSACTIONS",
  maxNonceAhead: "URNE_CHAIN_MAX_NONCE_AHEAD",
  queuedTtlMs: "URNE_CHAIN_QUEUED_TTL_MS",
  minGasPrice: "URNE_CHAIN_MIN_GAS_PRICE",
  freeBallotGas: "URNE_CHAIN_FREE_BALLOT_GAS",
  maxTransactionBytes: "URNE_CHAIN_MAX_TRANSACTION_BYTES",
});

/** The limits with every URNE_CHAIN_* variable of `env` applied; a malformed value stops the start, naming it. */
export function doorLimitsFromEnv(env: Readonly<Record<string, string | undefined>>, base: Readonly<DoorLimits> = DEFAULT_DOOR_LIMITS): DoorLimits {
  const out: Record<string, number | bigint> = { ...base };
  for (const [key, name] of Object.entries(DOOR_LIMIT_ENV) as [keyof DoorLimits, string][]) {
    const value = env[name];
    if (value === undefined || value === "") continue;
    if (!/^[0-9]{1,30}$/.test(value)) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
    if (typeof base[key] === "bigint") out[key] = BigInt(value);
    else {
      const n = Number(value);
      if (!Number.isSafeInteger(n)) throw new Error(`${name} is too large: "${value}"`);
      out[key] = n;
    }
  }
  const limits = out as DoorLimits;
  if (limits.ballotBoxCallGas > limits.rpcGasCap) throw new Error(`${DOOR_LIMIT_ENV.ballotBoxCallGas} must not exceed ${DOOR_LIMIT_ENV.rpcGasCap}`);
  if (limits.maxBatchLength < 1 || limits.maxLogsBlockRange < 1 || limits.evmTimeoutMs < 1) throw new Error("URNE_CHAIN_MAX_BATCH_LENGTH, URNE_CHAIN_MAX_LOGS_BLOCK_RANGE and URNE_CHAIN_EVM_TIMEOUT_MS must be at least 1");
  return limits;
}
