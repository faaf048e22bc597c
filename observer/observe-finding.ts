// What `urne observe` ends with: its exit codes, and a failed check of PROTOCOL.md §9.1 as
// the one line it prints (docs/OBSERVERS.md).

export const OBSERVE_EXIT = Object.freeze({ OK: 0, UNREACHABLE: 1, USAGE: 2, DIVERGENCE: 3, REWRITE: 4, BROKEN_CHAIN: 5 });

export type ObserveStep = "C1" | "C2" | "C3" | "C4" | "C5" | "C6" | "C7";

/** A failed check: the line printed and the exit code it ends with. */
export class ObserveFinding extends Error {
  constructor(readonly step: ObserveStep, readonly block: number | undefined, readonly line: string, readonly exitCode: number) {
    super(line);
    this.name = "ObserveFinding";
  }
}
