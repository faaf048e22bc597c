// The results' `relayFinalShare`, asked of the relay over HTTP (GET /v1/ballots/:id/relay):
// the relay is another process, possibly another organization's, with its own store.
import type { FinalityReporter } from "./finality-reporter.js";

export function relayFinality(relayUrl: string, timeoutMs = 3_000): FinalityReporter {
  return {
    async finalShare(ballotId) {
      try {
        const res = await fetch(`${relayUrl}/v1/ballots/${ballotId}/relay`, { signal: AbortSignal.timeout(timeoutMs) });
        if (!res.ok) return null;
        const body = (await res.json()) as { finalShare?: unknown };
        return typeof body.finalShare === "number" && body.finalShare >= 0 && body.finalShare <= 1 ? body.finalShare : null;
      } catch {
        return null; // the relay does not answer: the share is unknown, the results are not
      }
    },
  };
}
