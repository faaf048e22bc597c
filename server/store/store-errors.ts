// The ways a store refuses (docs/OPERATIONS.md §3.1): at start, damaged or missing files
// (ERR_STORE_CORRUPT: the service does not start, and nothing on disk was changed) or a
// store another process holds (ERR_STORE_IN_USE); while running, a write that failed
// (ERR_STORE_UNAVAILABLE: a coded 503, nothing more is acknowledged until a restart).
import { UrneError } from "../../protocol/errors.js";

/** Where a store is damaged, and what the damaged bytes held, as far as they can be read. */
export class StoreCorruptError extends Error {
  readonly code = "ERR_STORE_CORRUPT";
  constructor(
    /** The store's directory. */
    readonly location: string,
    /** The damaged or missing file, a path. */
    readonly file: string,
    /** What is wrong, and where in the file. */
    readonly problem: string,
    /** What the damaged bytes held ("block 11", "29 ballots of ballot 7 (receipts ...)"), or "". */
    readonly held: string,
    /** What that means for the data. */
    consequence: string,
  ) {
    super(
      `${file}: ${problem}${held ? `; it holds ${held}` : ""}. ${consequence} ` +
        `Refusing to open ${location}; nothing on disk was changed. Restore it from a backup (docs/OPERATIONS.md §3.1).`,
    );
    this.name = "StoreCorruptError";
  }
}

/** Another process has the store open (LevelDB admits one). */
export class StoreInUseError extends Error {
  readonly code = "ERR_STORE_IN_USE";
  constructor(readonly location: string, hint: string) {
    super(`${location} is in use by another process: ${hint}`);
    this.name = "StoreInUseError";
  }
}

/**
 * A write to the store failed (disk full, I/O error). LevelDB's log may now hold a partial
 * record, after which its writer is out of step with the file: nothing more is written to
 * this store by this process, and nothing more is acknowledged. A 503 (http-errors.ts).
 */
export class StoreUnavailableError extends UrneError {
  constructor(
    /** "relay journal", "API store", ... */
    readonly store: string,
    /** What failed, as the system said it ("No space left on device"), without paths. */
    readonly reason: string,
    cause?: unknown,
  ) {
    super("ERR_STORE_UNAVAILABLE", `The ${store} cannot be written (${reason}): nothing more is recorded until an operator makes room and restarts the service.`, { cause });
    this.name = "StoreUnavailableError";
  }
}
