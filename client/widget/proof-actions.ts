// What a voter does with the proof file (PROTOCOL.md §7): download it, or print it with
// a QR code on the printable page (client/print). The printable page is opened on this
// same origin and asks for the proof by message; we answer only that window, at exactly
// this origin, so the proof never travels through a URL, a cookie or the partner page.
import { h } from "../shared/dom.js";

export function proofFileName(ballotId: string): string {
  return `preuve-de-vote-${ballotId}.json`;
}

export function downloadLink(proofJson: string, ballotId: string, label: string): HTMLAnchorElement {
  const url = URL.createObjectURL(new Blob([proofJson], { type: "application/json" }));
  return h("a", { class: "button", href: url, download: proofFileName(ballotId) }, label);
}

export type PrintData = { proof: string; question: string; ballotId: string };

/** Opens the printable proof; call from a click handler. */
export function openPrintPage(data: PrintData, lang: string): void {
  const page = window.open(`/proof/print?lang=${lang}`, "_blank");
  if (!page) return;
  const onMessage = (event: MessageEvent) => {
    if (event.origin !== location.origin || event.source !== page || (event.data as { type?: string })?.type !== "urne:print-ready") return;
    window.removeEventListener("message", onMessage);
    page.postMessage({ type: "urne:print-proof", ...data }, location.origin);
  };
  window.addEventListener("message", onMessage);
}
