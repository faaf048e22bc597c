// Results of a ballot from the contract's counts (PROTOCOL.md §6.3). The computation is
// protocol/results.ts, shared with the results page and the observer recount (§9.3 R5-R6),
// so that what the API publishes is exactly what an observer recomputes.
import { computeResults as computeFromChain } from "../../protocol/results.js";
import { BALLOT_KIND_NAMES, type BallotDraft } from "./ballot-input.js";

export function computeResults(draft: BallotDraft, counts: readonly bigint[], votersCount: number) {
  return computeFromChain({ kind: BALLOT_KIND_NAMES[draft.kind], options: draft.options, counts, votersCount });
}
