// The printable proof of vote (PROTOCOL.md §7): opened by the widget on the vote host's
// origin, it asks its opener for the proof by message (so the proof is in no URL) and
// accepts the answer only from that opener at exactly this origin. It shows the fields
// a person can compare with the verify page, and the whole file as a QR code.
import { frenchSpacing } from "../../protocol/french-spacing.js";
import "./print.css";
import { parseProof } from "../../protocol/proof.js";
import { h, showQuietly } from "../shared/dom.js";
import { qrSvg } from "../shared/qr-svg.js";
import { sealedTrackerText } from "../../protocol/sealed/tracker.js";

const root = document.getElementById("urne-print")!;
const en = document.documentElement.lang === "en";
const say = (fr: string, english: string) => (en ? english : frenchSpacing(fr));

type PrintMessage = { type: "urne:print-proof"; proof: string; question: string; ballotId: string };

/**
 * The whole proof as a QR code when it fits in one (a public ballot's proof, about 1 KB); a
 * sealed ballot's is longer (its payload alone is 163 bytes to 23 KB): then the file is the proof.
 */
function proofFigure(compact: string): HTMLElement {
  try {
    return h("figure", {}, qrSvg(compact, say("QR code contenant la preuve de vote complète", "QR code holding the whole proof of vote")),
      h("figcaption", {}, say("Le QR code contient le fichier de preuve complet.", "The QR code holds the whole proof file.")));
  } catch {
    return h("p", { class: "no-qr" }, say(
      "Cette preuve est trop longue pour un QR code : gardez le fichier de preuve téléchargé, c'est lui que la page de vérification lit.",
      "This proof is too long for a QR code: keep the downloaded proof file, which is what the verify page reads."));
  }
}

function render(message: PrintMessage): void {
  const proof = parseProof(message.proof); // only a valid proof is printed
  // A sealed ballot's tracker is what the voter compares (PROTOCOL.md §11.8).
  const tracker = sealedTrackerText(proof.payload);
  // Compact JSON in the QR code: the same proof, fewer modules to print and scan.
  const compact = JSON.stringify(JSON.parse(message.proof));
  const row = (label: string, value: string) => h("tr", {}, h("th", { scope: "row" }, label), h("td", {}, value));
  const printButton = h("button", { type: "button" }, say("Imprimer", "Print"));
  printButton.addEventListener("click", () => window.print());
  showQuietly(root,
    h("h1", {}, say("Preuve de vote", "Proof of vote")),
    h("p", { class: "question" }, message.question),
    h("p", {}, say(
      "Ce document ne dit pas qui vous êtes. Il permet à quiconque de vérifier, sur la chaîne, que ce bulletin a été compté tel qu'il a été envoyé.",
      "This document does not say who you are. It lets anyone check, on the chain, that this ballot was counted as it was sent.")),
    proofFigure(compact),
    h("table", {},
      h("caption", {}, say("Détails de la preuve", "Proof details")),
      h("tbody", {},
        row(say("Scrutin", "Ballot"), proof.ballotId.toString()),
        row(say("Chaîne", "Chain"), proof.chainId.toString()),
        row("BallotBox", proof.ballotBox),
        row(say("Adresse de vote", "Voting address"), proof.voter),
        row(say("Révision", "Revision"), String(proof.revision)),
        ...(tracker ? [row(say("Code de suivi du bulletin scellé", "Sealed ballot's tracking code"), tracker)] : []),
        row(say("Transaction", "Transaction"), proof.transactionHash),
        row(say("Bloc", "Block"), `${proof.blockNumber} (${proof.blockHash})`))),
    h("p", { class: "no-print" }, printButton, " ", h("a", { href: "/verify" }, say("Vérifier une preuve", "Verify a proof"))));
}

function waitForProof(): void {
  const opener = window.opener as Window | null;
  if (!opener) {
    showQuietly(root, h("h1", {}, say("Preuve de vote", "Proof of vote")), h("p", {}, say("Ouvrez cette page depuis le bouton « Imprimer la preuve » du vote.", "Open this page from the vote's \"Print the proof\" button.")));
    return;
  }
  window.addEventListener("message", (event) => {
    if (event.origin !== location.origin || event.source !== opener) return;
    const data = event.data as PrintMessage;
    if (data?.type === "urne:print-proof" && typeof data.proof === "string") render(data);
  });
  opener.postMessage({ type: "urne:print-ready" }, location.origin);
}

waitForProof();
