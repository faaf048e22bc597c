// Start-up: the chain is rebuilt from its journal (engine/durable-chain.ts: the derived
// store checked against the journal, the blocks past its head executed, each against its
// journaled hash). Any difference (a tampered entry, a changed engine, a lost genesis field)
// stops the node: urne never serves a chain it cannot prove is the one it announced.
// docs/CHAIN.md §4.
import type { ChainHead } from "./sealer.js";

export class ReplayMismatchError extends Error {
  readonly code = "ERR_CHAIN_REPLAY_MISMATCH";
  constructor(
    readonly blockNumber: number,
    readonly expected: string,
    readonly actual: string,
    detail = "",
  ) {
    super(
      `journal replay diverged at block ${blockNumber}: journal says ${expected}, replay gives ${actual}${detail ? ` (${detail})` : ""}. ` +
        "Refusing to serve this chain. Restore the journal from a backup, or run the urne version that built it (see docs/CHAIN.md).",
    );
    this.name = "ReplayMismatchError";
  }
}

export type ReplayResult = {
  head: ChainHead;
  /** Blocks of the chain (the journal's head). */
  blocks: number;
  /** Journaled blocks executed at this start (all of them after a rebuild of the derived store). */
  executed: number;
  /** Why the derived store was rebuilt from the genesis, if it was. */
  rebuilt?: string;
  ms: number;
};
