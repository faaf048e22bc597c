// The proof-of-vote checks P1-P9 of PROTOCOL.md §9.2, line by line, shared by `urne verify`
// and the verify page. Everything cryptographic is checked HERE (token under the modulus
// of the ballot's BallotCreated event, key proof, EIP-712 signature); the node is asked
// only for standard JSON-RPC facts, each cross-checked where it can be (the receipt's
// block against eth_getBlockByNumber, logs decoded and matched again, not trusted to the
// node's filter). A step that needs a failed one is reported "skipped" with the reason.
// Browser-safe.
import { UrneError } from "../errors.js";
import { addressTopic, ballotBoxInterface, ballotIdTopic, decodeBallotBoxLog, decodeRejectionReason, EVENT_TOPICS, type BallotCreatedEvent, type RawLog, type VoteCastEvent } from "../events.js";
import { parseProof, type ProofOfVote } from "../proof.js";
import { issuerKeyFromModulus } from "../token/issuer-key.js";
import { verifyIssuerKeyProof } from "../token/key-proof.js";
import { checkModulus, describeModulusProblem, type ModulusCheck } from "../token/modulus-check.js";
import { tokenMessage } from "../token/message.js";
import { verifyToken } from "../token/verify.js";
import { recoverVoter } from "../vote.js";
import { toQuantity, type RpcCaller } from "../json-rpc.js";
import { receiptsRoot } from "./receipts-root.js";
import { blockNumberOf, getBlock, getBlockReceipts, getLogs, getReceipt, nodeFailure, parseReceipt, quantity, type BlockHeader, type Receipt } from "./node-answers.js";
import { STEP_LABELS, type ProofCheck, type ProofStep, type Text } from "./proof-steps.js";
import { describeVoteDifference } from "./vote-difference.js";
import { sealedTrackerText } from "../sealed/tracker.js";

export type CheckProofOptions = {
  /** Called as each step ends, in order, so that a page can show progress. */
  onCheck?: (check: ProofCheck) => void;
  /** Called when P4 finds, in the proof's transaction, this voter's vote as the chain recorded it but different from the proof's. */
  onRecordedVote?: (vote: VoteCastEvent["vote"]) => void;
  /** Called once P5 found the ballot's BallotCreated in its block's receipts: the question and options, for showing the vote in words. */
  onBallot?: (params: BallotCreatedEvent["params"]) => void;
};

const t = (fr: string, en: string): Text => ({ fr, en });
const short = (hex: string) => `${hex.slice(0, 10)}…${hex.slice(-6)}`;
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** describeModulusProblem (token/modulus-check.ts), in French. */
function modulusProblemFr(check: Exclude<ModulusCheck, { ok: true }>): string {
  switch (check.reason) {
    case "small-factor":
      return `le module a le facteur premier ${check.factor}, inférieur à 2^16`;
    case "perfect-power":
      return `le module est une puissance parfaite (m^${check.exponent})`;
    case "probable-prime":
      return "le module n'est pas prouvé composé (premier probable fort pour les 12 bases de Miller-Rabin) : s'il est premier, n'importe qui peut calculer la clé privée";
    case "fermat-probable-prime":
      return "le module vérifie 2^(n-1) mod n = 1 (premier probable de Fermat en base 2), ce que le contrat refuse (BallotBoxIssuerModulusProbablePrime)";
  }
}

/** A failed step: ok false and why. Thrown inside a step, caught by `run`. */
class StepFailure extends Error {
  constructor(readonly text: Text) {
    super(text.en);
  }
}
/** A vote replaced by the voter's later revision (P8, P9): not a fault, its own verdict. */
class StepReplaced extends StepFailure {}
const fail = (fr: string, en: string): never => {
  throw new StepFailure(t(fr, en));
};

/**
 * Runs P1-P9 on `proofJson` (the file's text or its parsed JSON) against the node behind
 * `rpc`. Never throws for a bad proof or a bad node: each problem is a failed step.
 */
export async function checkProof(proofJson: unknown, rpc: RpcCaller, opts: CheckProofOptions = {}): Promise<ProofCheck[]> {
  const checks: ProofCheck[] = [];
  const record = (step: ProofStep, ok: ProofCheck["ok"], detail: Text) => {
    const check = { step, label: STEP_LABELS[step], ok, detail };
    checks.push(check);
    opts.onCheck?.(check);
  };
  /** Runs one step unless a reason to skip it is given; returns whether it passed. */
  const run = async (step: ProofStep, skipBecause: Text | undefined, body: () => Promise<Text> | Text): Promise<boolean> => {
    if (skipBecause) {
      record(step, "skipped", skipBecause);
      return false;
    }
    try {
      record(step, true, await body());
      return true;
    } catch (error) {
      if (error instanceof StepReplaced) record(step, "replaced", error.text);
      else if (error instanceof StepFailure) record(step, false, error.text);
      else if (error instanceof UrneError) record(step, false, t(`${error.field ?? "valeur"} invalide : ${error.message}`, error.message));
      else {
        const why = nodeFailure(error);
        record(step, false, t(`le nœud n'a pas permis la vérification : ${why}`, `could not check with this node: ${why}`));
      }
      return false;
    }
  };
  const needs = (step: string, passed: boolean, fr: string, en: string): Text | undefined =>
    passed ? undefined : t(`non vérifié : ${fr} (${step})`, `not checked: ${en} (${step})`);

  // P1. The file parses as a proof (§7).
  let proof: ProofOfVote | undefined;
  const p1 = await run("P1", undefined, () => {
    proof = parseProof(proofJson);
    return t(`preuve du vote de ${proof.voter} au scrutin n° ${proof.ballotId}`, `proof of the vote of ${proof.voter} in ballot ${proof.ballotId}`);
  });
  if (!p1 || !proof) {
    for (const step of ["P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9"] as const) record(step, "skipped", t("non vérifié : le fichier n'est pas une preuve (P1)", "not checked: the file is not a proof (P1)"));
    return checks;
  }
  const p = proof;

  // P2. The node is on the proof's chain; its head pins every later read.
  let head = 0;
  const p2 = await run("P2", undefined, async () => {
    const chainId = quantity(await rpc.call("eth_chainId"), "eth_chainId");
    if (chainId !== p.chainId) fail(`le nœud est sur la chaîne ${chainId}, la preuve sur la chaîne ${p.chainId}`, `the node is on chain ${chainId}, the proof on chain ${p.chainId}`);
    head = blockNumberOf(await rpc.call("eth_blockNumber"), "eth_blockNumber");
    return t(`chaîne ${chainId}, dernier bloc ${head}`, `chain ${chainId}, head block ${head}`);
  });
  const onChain = needs("P2", p2, "le nœud n'est pas sur la chaîne de la preuve", "the node is not on the proof's chain");

  // P3. Transaction included, in the block the proof names, whose hash THIS node confirms.
  let block: BlockHeader | undefined;
  let receipt: Receipt | undefined;
  const p3 = await run("P3", onChain, async () => {
    const found = await getReceipt(rpc, p.transactionHash);
    if (!found) return fail(`ce nœud ne connaît pas la transaction ${p.transactionHash}`, `this node has no receipt for transaction ${p.transactionHash}`);
    if (found.blockNumber !== p.blockNumber) fail(`la transaction est dans le bloc ${found.blockNumber}, pas dans le bloc ${p.blockNumber} de la preuve`, `the transaction is in block ${found.blockNumber}, not in the proof's block ${p.blockNumber}`);
    const b = await getBlock(rpc, p.blockNumber);
    if (!b) return fail(`ce nœud n'a pas de bloc ${p.blockNumber}`, `this node has no block ${p.blockNumber}`);
    // The header must hash to the hash the node gives: the block's time (P7) and its
    // receipts root are then bound to the proof's blockHash.
    if (b.hashOfHeader !== b.hash) fail(`l'en-tête du bloc ${p.blockNumber} donné par le nœud n'a pas pour empreinte ${b.hash} : le nœud l'a altéré`, `the node's header of block ${p.blockNumber} does not hash to ${b.hash}: the node altered it`);
    if (b.hash !== p.blockHash) fail(`le bloc ${p.blockNumber} a pour empreinte ${b.hash} sur ce nœud, la preuve dit ${p.blockHash}`, `block ${p.blockNumber} has hash ${b.hash} on this node, the proof says ${p.blockHash}`);
    const index = b.transactions.indexOf(p.transactionHash);
    if (index < 0) fail(`le bloc ${p.blockNumber} ne contient pas la transaction`, `block ${p.blockNumber} does not list the transaction`);
    // The receipts must hash to the header's receiptsRoot: the logs P4 reads are then the
    // block's, not a node's invention.
    const receipts = await getBlockReceipts(rpc, b);
    if (receiptsRoot(receipts) !== b.receiptsRoot) fail(`les reçus du bloc ${p.blockNumber} ne correspondent pas à son receiptsRoot : le nœud les a altérés`, `the receipts of block ${p.blockNumber} do not hash to its receiptsRoot: the node altered them`);
    const r = parseReceipt(receipts[index]);
    if (r.transactionHash !== p.transactionHash) fail("le nœud a répondu pour une autre transaction", "the node answered with another transaction's receipt");
    if (r.status !== 1n) fail(`la transaction a échoué (statut ${r.status})`, `the transaction failed (status ${r.status})`);
    if (r.blockHash !== b.hash) fail(`le reçu désigne le bloc ${r.blockHash}, pas ${b.hash}`, `the receipt names block ${r.blockHash}, not ${b.hash}`);
    if (r.to === null || !same(r.to, p.ballotBox)) fail(`la transaction est adressée à ${r.to}, pas à l'urne ${p.ballotBox}`, `the transaction was sent to ${r.to}, not to the ballot box ${p.ballotBox}`);
    block = b;
    receipt = r;
    return t(`transaction ${short(p.transactionHash)} réussie, bloc ${p.blockNumber} (${short(p.blockHash)}, en-tête et reçus vérifiés), adressée à l'urne`, `transaction ${short(p.transactionHash)} succeeded in block ${p.blockNumber} (${short(p.blockHash)}, header and receipts verified), sent to the ballot box`);
  });

  // P4. The receipt holds exactly this vote as a VoteCast of the ballot box.
  let cast: VoteCastEvent | undefined;
  const p4 = await run("P4", needs("P3", p3, "la transaction n'est pas établie", "the transaction is not established"), () => {
    const events = receipt!.logs.map((log) => decodeBallotBoxLog(log, p.ballotBox)).filter((e) => e !== undefined);
    const mine = events.filter((e): e is VoteCastEvent => e.event === "VoteCast" && e.vote.ballotId === p.ballotId && same(e.vote.voter, p.voter));
    cast = mine.find((e) => describeVoteDifference(e.vote, p) === undefined);
    if (cast) {
      // A sealed ballot's payload (longer than any public one, §11.3) is named by its tracker, not shown as kilobytes of hex.
      const bytes = (p.payload.length - 2) / 2;
      const tracker = sealedTrackerText(p.payload);
      const shown = tracker ? { fr: `bulletin scellé de ${bytes} octets, code de suivi ${tracker}`, en: `sealed ballot of ${bytes} bytes, tracking code ${tracker}` } : { fr: `bulletin ${p.payload}`, en: `payload ${p.payload}` };
      return t(`VoteCast n° ${cast.logIndex} : scrutin ${p.ballotId}, révision ${p.revision}, ${shown.fr}`, `VoteCast #${cast.logIndex}: ballot ${p.ballotId}, revision ${p.revision}, ${shown.en}`);
    }
    if (mine.length > 0) {
      opts.onRecordedVote?.(mine[0].vote);
      const diff = describeVoteDifference(mine[0].vote, p)!;
      fail(`le vote enregistré diffère de la preuve : ${diff.fr}`, `the recorded vote differs from the proof: ${diff.en}`);
    }
    const rejected = events.find((e) => e.event === "VoteRejected" && e.ballotId === p.ballotId && same(e.voter, p.voter));
    if (rejected?.event === "VoteRejected") {
      const name = decodeRejectionReason(rejected.reason)?.name ?? rejected.reason;
      fail(`le contrat a refusé ce vote (${name}) : il n'a pas été compté`, `the contract rejected this vote (${name}): it was not counted`);
    }
    return fail(`aucun VoteCast du scrutin ${p.ballotId} pour ${p.voter} dans cette transaction`, `no VoteCast of ballot ${p.ballotId} for ${p.voter} in this transaction`);
  });

  // P5. The token, checked here under the ballot's own key as the chain published it.
  let created: BallotCreatedEvent | undefined;
  await run("P5", onChain, async () => {
    const found = (await getLogs(rpc, { address: p.ballotBox, topics: [EVENT_TOPICS.BallotCreated, ballotIdTopic(p.ballotId)], fromBlock: 0, toBlock: head }))
      .map((raw) => ({ raw, event: decodeBallotBoxLog(raw, p.ballotBox) }))
      .filter((e): e is { raw: RawLog; event: BallotCreatedEvent } => e.event?.event === "BallotCreated" && e.event.ballotId === p.ballotId);
    if (found.length !== 1) {
      fail(`${found.length} événement(s) BallotCreated pour le scrutin ${p.ballotId} sur ce contrat (1 attendu)`, `${found.length} BallotCreated events for ballot ${p.ballotId} on this contract (expected 1)`);
    }
    const { raw, event } = found[0];
    const createdIn = await getBlock(rpc, event.blockNumber);
    if (!createdIn || createdIn.hash !== event.blockHash.toLowerCase() || createdIn.hashOfHeader !== createdIn.hash) fail(`l'événement BallotCreated n'est pas dans le bloc ${event.blockNumber} de ce nœud`, `the BallotCreated event is not in this node's block ${event.blockNumber}`);
    // The issuer key comes from this log: it must be one of its block's receipts, which
    // hash to the receipts root of that block's header.
    const receipts = await getBlockReceipts(rpc, createdIn!);
    const inBlock = receiptsRoot(receipts) === createdIn!.receiptsRoot && receipts.map((r) => parseReceipt(r)).flatMap((r) => r.logs)
      .some((l) => l.transactionHash === raw.transactionHash && same(l.address, raw.address) && l.data === raw.data && l.topics.join() === raw.topics.join());
    if (!inBlock) fail(`l'événement BallotCreated donné par le nœud n'est pas dans les reçus de son bloc ${event.blockNumber}`, `the node's BallotCreated log is not in the receipts of its block ${event.blockNumber}`);
    created = event;
    opts.onBallot?.(event.params);
    const key = issuerKeyFromModulus(event.params.issuerModulus, "BallotCreated.issuerModulus");
    // Under a modulus that fails the rule of §2.5 anyone may have computed d and signed this token.
    const modulus = checkModulus(key.n);
    if (!modulus.ok) fail(`la clé de l'émetteur n'est pas sûre (§2.5) : ${modulusProblemFr(modulus)}`, `unsafe issuer key (§2.5): ${describeModulusProblem(modulus)}`);
    if (!verifyIssuerKeyProof(key, event.params.issuerKeyProof)) fail("la preuve de la clé de l'émetteur (§2.5) est invalide", "the issuer key proof (§2.5) does not verify");
    const message = tokenMessage({ chainId: p.chainId, ballotBox: p.ballotBox, ballotId: p.ballotId, voter: p.voter });
    if (!verifyToken(key, message, p.tokenSignature)) fail("le jeton n'est pas une signature valide de la clé de l'émetteur pour cet électeur et ce scrutin", "the token is not a valid signature of the issuer key for this voter and ballot");
    return t(`jeton RSA-PSS valide sous la clé du scrutin (BallotCreated, bloc ${event.blockNumber}), module conforme à §2.5, preuve de clé valide`, `valid RSA-PSS token under the ballot's key (BallotCreated, block ${event.blockNumber}), modulus passes §2.5, key proof valid`);
  });

  // P6. The voter key signed exactly this ballot, revision and payload (local).
  await run("P6", undefined, () => {
    const recovered = recoverVoter({ chainId: p.chainId, ballotBox: p.ballotBox, ballotId: p.ballotId, revision: p.revision, payload: p.payload }, p.voterSignature);
    if (!same(recovered, p.voter)) fail(`la signature désigne ${recovered}, pas l'électeur ${p.voter}`, `the signature recovers ${recovered}, not the voter ${p.voter}`);
    return t(`la signature EIP-712 du vote désigne bien ${p.voter}`, `the EIP-712 Vote signature recovers ${p.voter}`);
  });

  // P7. Cast while the ballot was open: its block's time, and before any early close.
  const p7Skip = needs("P3", p3, "pas de bloc établi", "no established block")
    ?? needs("P5", created !== undefined, "pas d'événement BallotCreated", "no BallotCreated event")
    ?? needs("P4", p4, "pas de VoteCast établi", "no established VoteCast");
  await run("P7", p7Skip, async () => {
    const { opensAt, closesAt } = created!.params;
    const time = block!.timestamp;
    const iso = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");
    const date = iso(time);
    if (time < opensAt) fail(`bloc daté ${date}, avant l'ouverture (opensAt ${opensAt} = ${iso(opensAt)})`, `block time ${date} is before opensAt (${opensAt} = ${iso(opensAt)})`);
    if (time >= closesAt) fail(`bloc daté ${date}, après la clôture prévue (closesAt ${closesAt} = ${iso(closesAt)})`, `block time ${date} is not before closesAt (${closesAt} = ${iso(closesAt)})`);
    const closes = (await getLogs(rpc, { address: p.ballotBox, topics: [EVENT_TOPICS.BallotClosed, ballotIdTopic(p.ballotId)], fromBlock: created!.blockNumber, toBlock: head }))
      .map((log) => decodeBallotBoxLog(log, p.ballotBox))
      .filter((e) => e?.event === "BallotClosed" && e.ballotId === p.ballotId);
    // Closed in the same block: what counts is the order of the events in that block.
    const earlier = closes.find((e) => e!.blockNumber < p.blockNumber || (e!.blockNumber === p.blockNumber && e!.logIndex < cast!.logIndex));
    if (earlier) fail(`le scrutin avait été clos au bloc ${earlier.blockNumber}`, `the ballot had been closed in block ${earlier.blockNumber}`);
    return t(`bloc daté ${date}, scrutin ouvert du ${iso(opensAt)} au ${iso(closesAt)}${closes.length ? ", clos après ce vote" : ""}`, `block time ${date}, ballot open from ${iso(opensAt)} to ${iso(closesAt)}${closes.length ? ", closed after this vote" : ""}`);
  });

  // P8. No later revision of the same voter replaced this vote, up to the head.
  const castSkip = needs("P4", p4, "le vote n'est pas établi", "the vote is not established");
  await run("P8", castSkip, async () => {
    const later = (await getLogs(rpc, { address: p.ballotBox, topics: [EVENT_TOPICS.VoteCast, ballotIdTopic(p.ballotId), addressTopic(p.voter)], fromBlock: p.blockNumber, toBlock: head }))
      .map((log) => decodeBallotBoxLog(log, p.ballotBox))
      .filter((e): e is VoteCastEvent => e?.event === "VoteCast" && e.vote.ballotId === p.ballotId && same(e.vote.voter, p.voter) && e.vote.revision > p.revision);
    if (later.length > 0) {
      const last = later[later.length - 1];
      throw new StepReplaced(t(`remplacé par votre vote suivant, la révision ${last.vote.revision} (bloc ${last.blockNumber})`, `replaced by your later vote, revision ${last.vote.revision} (block ${last.blockNumber})`));
    }
    return t(`aucune révision plus récente jusqu'au bloc ${head}`, `no higher revision up to block ${head}`);
  });

  // P9. The contract counts this revision for this voter, at the same head.
  await run("P9", castSkip, async () => {
    const data = ballotBoxInterface.encodeFunctionData("voteOf", [p.ballotId, p.voter]);
    const answer = await rpc.call("eth_call", [{ to: p.ballotBox, data }, toQuantity(head)]);
    let voted: boolean, revision: number;
    try {
      const decoded = ballotBoxInterface.decodeFunctionResult("voteOf", answer as string);
      [voted, revision] = [decoded[0] as boolean, Number(decoded[1])];
    } catch {
      return fail(`réponse illisible de voteOf : ${String(answer).slice(0, 80)}`, `unreadable voteOf answer: ${String(answer).slice(0, 80)}`);
    }
    if (!voted) fail("voteOf dit que cet électeur n'a pas voté", "voteOf says this voter has not voted");
    if (revision > p.revision) throw new StepReplaced(t(`le contrat compte votre vote suivant, la révision ${revision}`, `the contract counts your later vote, revision ${revision}`));
    if (revision !== p.revision) fail(`voteOf compte la révision ${revision}, pas ${p.revision}`, `voteOf counts revision ${revision}, not ${p.revision}`);
    return t(`voteOf(${p.ballotId}, électeur) = (oui, révision ${revision}) au bloc ${head}`, `voteOf(${p.ballotId}, voter) = (true, revision ${revision}) at block ${head}`);
  });
  return checks;
}

/** True when every step passed. */
export const proofIsValid = (checks: readonly ProofCheck[]) => checks.length === 9 && checks.every((c) => c.ok === true);

/**
 * True when the proof is of a vote the same voter replaced later: P1-P7 passed (a genuine
 * vote, cast in time) and P8 found the later revision (P9 then counts that one). Neither
 * valid for counting nor a forgery: the proof of the later vote is the one that counts.
 */
export const proofIsReplaced = (checks: readonly ProofCheck[]) =>
  checks.length === 9 && checks.slice(0, 7).every((c) => c.ok === true) && checks[7].ok === "replaced" && (checks[8].ok === true || checks[8].ok === "replaced");
