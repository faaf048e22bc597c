// A sealed ballot's decryption as the results page and the organizer console show it
// (PROTOCOL.md §11.6-11.7, GET /v1/ballots/:id/decryption): while the counts are not open, which trustees have
// posted a valid share, how many are needed, and the operator's share when the key
// ceremony has the operator's key. Names no number: none exists before t valid shares.
import { h } from "./dom.js";
import type { translator } from "./public-i18n.js";

type ShareState = "valid" | "invalid" | "none";

/** GET /v1/ballots/:id/decryption (server/ballots/ballot-service.ts, DecryptionStatus). */
type DecryptionStatus = {
  opened: boolean;
  threshold: number;
  trustees: { account: string; share: ShareState }[];
  operator: { account: string; share: ShareState } | null;
};

const short = (account: string) => `${account.slice(0, 6)}…${account.slice(-4)}`;

/** The summary line and the list, or null when the status cannot be read. */
export async function decryptionStatus(ballotId: string, t: ReturnType<typeof translator>): Promise<HTMLElement[] | null> {
  const res = await fetch(`/v1/ballots/${encodeURIComponent(ballotId)}/decryption`, { cache: "no-store" });
  if (!res.ok) return null;
  const { decryption: d } = (await res.json()) as { decryption: DecryptionStatus };
  const valid = d.trustees.filter((x) => x.share === "valid").length;
  const state = (share: ShareState) => t(share === "valid" ? "shareValid" : share === "invalid" ? "shareInvalid" : "shareNone");
  const row = (label: string, account: string, share: ShareState) =>
    h("li", { class: `share share-${share}` }, h("span", {}, label, " ", h("code", { title: account }, short(account))), " ", h("strong", {}, state(share)));
  const list = h("ul", { class: "shares", "aria-label": t("sharesHeading") },
    ...d.trustees.map((x, i) => row(t("trusteeLabel", { n: i + 1 }), x.account, x.share)),
    ...(d.operator ? [row(t("operatorLabel"), d.operator.account, d.operator.share)] : []));
  const summary = h("p", { class: "hint" }, t(d.operator ? "awaitingSharesOperator" : "awaitingShares", { valid, needed: d.threshold }));
  return [summary, list];
}
