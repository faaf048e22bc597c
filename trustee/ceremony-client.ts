// The trustee's side of the vote host's ceremony endpoints (server/api/ceremony-routes.ts):
// plain JSON over HTTP. The vote host only relays: everything read here is checked by the
// trustee (signatures, shapes, proofs) before it is used.
import type { CeremonyView } from "../protocol/api-types.js";
import type { Round1Package } from "../protocol/sealed/key-ceremony.js";
import type { ShareMessage } from "../protocol/sealed/trustee.js";

export class VoteHostError extends Error {
  constructor(readonly status: number, readonly code: string | undefined, message: string) {
    super(message);
  }
}

export class CeremonyClient {
  constructor(readonly api: string, readonly ceremonyId: string) {}

  private async call(method: "GET" | "POST", path: string, body?: unknown): Promise<CeremonyView> {
    const url = new URL(`/v1/ceremonies/${this.ceremonyId}${path}`, this.api);
    const res = await fetch(url, {
      method, signal: AbortSignal.timeout(30_000),
      ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
    const answer = (await res.json().catch(() => ({}))) as { ceremony?: CeremonyView; error?: { code?: string; message?: string; field?: string } };
    if (!res.ok || !answer.ceremony) {
      const e = answer.error;
      throw new VoteHostError(res.status, e?.code, `the vote host answered ${res.status}${e ? ` ${e.code}: ${e.message}${e.field ? ` (${e.field})` : ""}` : ""}`);
    }
    return answer.ceremony;
  }

  get(): Promise<CeremonyView> {
    return this.call("GET", "");
  }

  postRound1(pkg: Round1Package, signature: string) {
    return this.call("POST", "/round1", { package: pkg, signature });
  }

  postShares(from: number, messages: ShareMessage[], signature: string) {
    return this.call("POST", "/shares", { from, messages: messages.map((m) => ({ to: m.to, envelope: m.envelope })), signature });
  }

  postAccept(index: number, transcriptDigest: string, signature: string) {
    return this.call("POST", "/accept", { index, transcriptDigest, signature });
  }
}
