// What the BLOCKHASH opcode reads: the hashes of the 256 blocks before the one being built
// (the EVM answers zero further back without asking). ethereumjs asks its `blockchain`
// option for them; this is that blockchain, holding only those hashes, fed by the engine
// as it builds or opens the chain.
import type { EVMMockBlockchainInterface } from "@ethereumjs/evm";

const KEPT = 257;

export class RecentBlockHashes implements EVMMockBlockchainInterface {
  readonly #hashes = new Map<number, Uint8Array>();

  set(number: number, hash: Uint8Array): void {
    this.#hashes.set(number, hash);
    this.#hashes.delete(number - KEPT);
  }

  async getBlock(blockId: number): Promise<{ hash(): Uint8Array }> {
    const hash = this.#hashes.get(blockId);
    if (hash === undefined) throw new Error(`BLOCKHASH asked for block ${blockId}, which is not among the last ${KEPT - 1}`);
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
