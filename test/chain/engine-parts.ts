// The chain's parts on the ethereumjs engine without the node around them (sealer and
// executor tests): a journal with its genesis, the derived store, the engine's JSON-RPC, a pool.
import path from "node:path";
import { bytesToHex } from "@ethereumjs/util";
import { DEFAULT_DOOR_LIMITS, type DoorLimits } from "../../server/chain/door-limits.js";
import { BlockEngine } from "../../server/chain/engine/block-engine.js";
import { chainCommon } from "../../server/chain/engine/chain-common.js";
import { DurableChain } from "../../server/chain/engine/durable-chain.js";
import { createEngineEvm } from "../../server/chain/engine/engine-rpc.js";
import { hasZeroBaseFee, type Genesis } from "../../server/chain/genesis.js";
import { Journal } from "../../server/chain/journal.js";
import { headOfBlock } from "../../server/chain/sealer.js";
import { TxPool } from "../../server/chain/tx-pool.js";

export async function engineParts(dir: string, genesis: Genesis, limits: DoorLimits = DEFAULT_DOOR_LIMITS, opts: { stateHistory?: number } = {}) {
  const recorded: Genesis = { ...genesis, genesisHash: bytesToHex((await BlockEngine.fromGenesis(genesis)).head.hash()) };
  const journal = await Journal.open(path.join(dir, "chain"));
  await journal.putGenesis(recorded);
  const chain = await DurableChain.open({ location: path.join(dir, "chain-state"), journal, genesis: recorded, stateHistory: opts.stateHistory });
  const evm = createEngineEvm(chain, journal, recorded, { pending: (hash) => pool.pendingTransaction(hash) });
  const pool = new TxPool({
    evm, common: chainCommon(recorded), blockGasLimit: BigInt(recorded.blockGasLimit), limits, chainId: BigInt(recorded.chainId), zeroBaseFee: hasZeroBaseFee(recorded), ballotBox: () => undefined,
  });
  return { genesis: recorded, journal, chain, evm, pool, head: headOfBlock(chain.head) };
}
