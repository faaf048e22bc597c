// What a voter does with the proof file (PROTOCOL.md §7), or with the audit file of a
// sealed ballot opened for checking (§11.8): download it, or print the proof with
// a QR code on the printable page (client/print). The printable page is opened on this
// same origin and asks for the proof by message; we answer only that window, at exactly
// this origin, so the proof never travels through a URL, a cookie or the partner page.
import { h } from "../shared/dom.js";

/** One name per ballot AND revision: the proof of a changed vote never overwrites the earlier one's file. */
export function proofFileName(ballotId: string, revision: number, lang: string): string {
  return `${lang === "en" ? "proof-of-vote" : "preuve-de-vote"}-${ballotId}-revision-${revision}.json`;
}

/** The audit file's name: the ballot and the audited ballot's tracker (PROTOCOL.md §11.8). */
export function auditFileName(ballotId: string, trackerText: string): string {
  return `audit-bulletin-${ballotId}-${trackerText}.json`;
}

function fileLink(json: string, name: string, label: string): HTMLAnchorElement {
  const url = URL.createObjectURL(new Blob([json], { type: "application/json" }));
  return h("a", { class: "button", href: url, download: name }, label);
}

export function downloadLink(proofJson: string, ballotId: string, revision: number, lang: string, label: string): HTMLAnchorElement {
  return fileLink(proofJson, proofFileName(ballotId, revision, lang), label);
}

export function auditDownloadLink(auditJson: string, ballotId: string, trackerText: string, label: string): HTMLAnchorElement {
  return fileLink(auditJson, auditFileName(ballotId, trackerText), label);
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
