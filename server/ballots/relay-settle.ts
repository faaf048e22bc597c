// Before an early close, the vote host asks the relay to land every ballot it acknowledged
// and to take no new one (protocol/relay-settle.ts, PROTOCOL.md §6.4): a ballot answered
// 202 must not be refused on chain because the close was mined first. The request is
// signed by the organizer account, the one the relay finds on chain as the ballot's.
import type { Wallet } from "ethers";
import { UrneError } from "../../protocol/errors.js";
import { settleMessage } from "../../protocol/relay-settle.js";

export type RelaySettler = { settle(ballotId: bigint): Promise<void> };

/** How long the relay is asked to refuse the ballot's new ballots: long enough for the close to be mined. */
const CLOSING_SECONDS = 300;

export function relaySettler(o: { relayUrl: string; organizer: Wallet; chainId: bigint; ballotBox: string; timeoutMs?: number }): RelaySettler {
  return {
    async settle(ballotId) {
      const expiresAt = Math.floor(Date.now() / 1000) + CLOSING_SECONDS;
      const signature = await o.organizer.signMessage(settleMessage({ chainId: o.chainId, ballotBox: o.ballotBox, ballotId, expiresAt }));
      let res: Response;
      try {
        res = await fetch(`${o.relayUrl}/v1/ballots/${ballotId}/settle`, {
          method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ expiresAt, signature }),
          signal: AbortSignal.timeout(o.timeoutMs ?? 90_000),
        });
      } catch (cause) {
        throw new UrneError("ERR_RELAY_UNAVAILABLE", "The relay does not answer: the ballot was not closed on chain, so that no acknowledged ballot is lost (token issuance is already stopped). Try again shortly.", { field: "id", cause });
      }
      if (res.ok) return;
      const body = (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
      throw new UrneError("ERR_RELAY_UNAVAILABLE", `The relay could not confirm that every acknowledged ballot is on chain (${body?.error?.code ?? res.status}: ${body?.error?.message ?? ""}). The ballot was not closed on chain (token issuance is already stopped); try again shortly.`, { field: "id" });
    },
  };
}
