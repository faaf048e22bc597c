// What the BLOCKHASH opcode reads: the hashes of the 256 blocks before the one being built
// (the EVM answers zero further back without asking). ethereumjs asks its `blockchain`
// option for them; this is that blockchain, holding only those hashes, fed by the engine
// as it builds or opens the chain. It keeps more than the 256: a call at an older block whose
// state is still kept (state-history.ts) reads the 256 before that block.
import type { EVMMockBlockchainInterface } from "@ethereumjs/evm";
import { STATE_HISTORY_BLOCKS } from "./state-history.js";

export const RECENT_HASHES_KEPT = 257 + STATE_HISTORY_BLOCKS;
const KEPT = RECENT_HASHES_KEPT;

export class RecentBlockHashes implements EVMMockBlockchainInterface {
  readonly #hashes = new Map<number, Uint8Array>();

  set(number: number, hash: Uint8Array): void {
    this.#hashes.set(number, hash);
    this.#hashes.delete(number - KEPT);
  }

  /** The hashes of blocks `from` to `to` it holds, oldest first. */
  range(from: number, to: number): [number, Uint8Array][] {
    const out: [number, Uint8Array][] = [];
    for (let n = Math.max(0, from); n <= to; n++) {
      const hash = this.#hashes.get(n);
      if (hash !== undefined) out.push([n, hash]);
    }
    return out;
  }

  async getBlock(blockId: number): Promise<{ hash(): Uint8Array }> {
    const hash = this.#hashes.get(blockId);
    if (hash === undefined) throw new Error(`BLOCKHASH asked for block ${blockId}, which is not among the hashes this engine keeps`);
    return { hash: () => hash };
  }

  /** Blocks reach it through `set`, never from the VM's block builder. */
  async putBlock(): Promise<void> {}

  shallowCopy(): RecentBlockHashes {
    const copy = new RecentBlockHashes();
    for (const [n, h] of this.#hashes) copy.set(n, h);
    return copy;
  }
}
