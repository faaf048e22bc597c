// The widget's sealing worker (PROTOCOL.md §11.5, §11.8): seals the voter's choice off the
// page's main thread, reporting each proof made, so that the page stays responsive and
// shows the progress (a majority-judgment ballot of 10 candidates is 70 proofs). It keeps
// the last ballot it sealed, with its randomness, and gives its audit file (the Benaloh
// challenge) only when the voter asks to audit it, or forgets it once it is cast: the
// randomness of a cast ballot never reaches the page.
//
// The page loads this file, a self-contained script (no import: nothing it runs escapes
// the integrity check), by fetch() with the integrity value its own HTML names, and runs
// it from a blob: URL (client/widget/sealing-worker.ts).
import { sealVote, type SealVoteInput, type SealedVote } from "../../protocol/sealed/seal-vote.js";
import type { SealRequest, SealResponse } from "../widget/sealing-worker.js";

const scope = globalThis as unknown as { postMessage(message: SealResponse): void; addEventListener(type: "message", listener: (event: MessageEvent<SealRequest>) => void): void };
let last: { id: number; sealed: SealedVote } | undefined;

scope.addEventListener("message", ({ data: request }) => {
  const { id } = request;
  try {
    switch (request.kind) {
      case "seal": {
        last = undefined;
        const sealed = sealVote(request.input as SealVoteInput, (done, total) => scope.postMessage({ id, kind: "progress", done, total }));
        last = { id, sealed };
        scope.postMessage({ id, kind: "sealed", payload: sealed.payload, tracker: sealed.tracker, trackerText: sealed.trackerText });
        break;
      }
      case "audit": {
        if (last?.id !== request.sealId) throw new Error("audit: this ballot is no longer held (sealed again or cast)");
        const file = last.sealed.audit();
        last = undefined;
        scope.postMessage({ id, kind: "audit", file });
        break;
      }
      case "forget":
        if (last?.id === request.sealId) last = undefined;
        scope.postMessage({ id, kind: "forgotten" });
        break;
    }
  } catch (error) {
    scope.postMessage({ id, kind: "error", message: (error as Error).message });
  }
});
