// Journals sealed on EDR (server/chain/evm.ts) the way the sealer does it (sealer.ts:
// transactions into the mempool, prevRandao, evm_mine at the block's timestamp), for the
// engine tests to rebuild with ethereumjs: the EDR side is the real engine urne runs today.
import { createEvm, type Evm } from "../../../server/chain/evm.js";
import type { Genesis } from "../../../server/chain/genesis.js";
import type { BlockRecord } from "../../../server/chain/journal.js";
import { prevRandaoFor } from "../../../server/chain/sealer.js";

type RpcBlock = { number: string; hash: string; timestamp: string; transactions: string[] };

/**
 * Seals one block per entry of `blocks` (raw signed transactions) on a fresh EDR built from
 * `genesis`, each `secondsApart` after the last; returns the genesis with its hash, the
 * block records, and the EVM (to read EDR's answers).
 */
export async function sealOnEdr(genesis: Genesis, blocks: string[][], secondsApart = 1): Promise<{ genesis: Genesis; records: BlockRecord[]; evm: Evm }> {
  const evm = await createEvm(genesis);
  const block0 = (await evm.request({ method: "eth_getBlockByNumber", params: ["0x0", false] })) as RpcBlock;
  let parent = block0;
  const records: BlockRecord[] = [];
  for (const raws of blocks) {
    for (const raw of raws) await evm.request({ method: "eth_sendRawTransaction", params: [raw] });
    const timestamp = Number(parent.timestamp) + secondsApart;
    const prevRandao = prevRandaoFor(parent.hash);
    await evm.request({ method: "hardhat_setPrevRandao", params: [prevRandao] });
    await evm.request({ method: "evm_mine", params: [timestamp] });
    const block = (await evm.request({ method: "eth_getBlockByNumber", params: ["latest", false] })) as RpcBlock;
    if (block.transactions.length !== raws.length) throw new Error(`EDR mined ${block.transactions.length} of ${raws.length} transactions in block ${Number(block.number)}`);
    records.push({ number: Number(block.number), timestamp, prevRandao, transactions: raws, hash: block.hash });
    parent = block;
  }
  return { genesis: { ...genesis, genesisHash: block0.hash }, records, evm };
}
