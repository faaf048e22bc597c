// The widget takes the ballot from the chain, not from the vote host (SECURITY.md, Widget):
// it reads the ballot's BallotCreated event from every node it was given (the embed tag's
// `data-nodes`, else the vote host's list), checks it against its block's header hash and
// receipts root (protocol/audit/ballot-created.ts), requires every node to agree, and
// compares it with the fingerprint the partner site put in the embed tag. Then it checks
// the issuer key (its proof, PROTOCOL.md §2.5) and that what the citizen reads is what is
// counted. Any mismatch stops the vote before the ballot form is shown.
import {
  checkModulus, describeModulusProblem, isFingerprint, issuerKeyFromModulus, verifyIssuerKeyProof,
  type BallotParams, type IssuerPublicKey,
} from "../../protocol/index.js";
import { BallotCreatedError, verifiedBallotCreated, type VerifiedBallot } from "../../protocol/audit/ballot-created.js";
import { JsonRpcClient, type RpcCaller } from "../../protocol/json-rpc.js";
import type { WidgetBallot } from "../../protocol/api-types.js";

export type ChainBallot = {
  chainId: bigint;
  ballotBox: string;
  ballotId: bigint;
  params: BallotParams;
  issuerKey: IssuerPublicKey;
  fingerprint: string;
  /**
   * A sealed ballot's election key and key ceremony digest (its BallotSealed event, in the
   * same verified receipt as its BallotCreated): the widget seals every choice under it. The
   * chain decides, never the vote host: absent, the ballot is public and the voter is told so.
   */
  sealing?: { electionKey: string; keyCeremonyDigest: string };
};

/** Why the ballot was refused; error-message.ts words each one. */
export type ChainCheckReason = "fingerprint" | "nodes-disagree" | "node-check" | "key-proof" | "unsafe-key" | "shown-differs";

export class ChainCheckError extends Error {
  readonly code = "ERR_CHAIN_CHECK";
  constructor(readonly reason: ChainCheckReason, detail: string) {
    super(detail);
    this.name = "ChainCheckError";
  }
}

const KIND_NUMBERS: Record<WidgetBallot["kind"], number> = { single_choice: 0, multiple_choice: 1, majority_judgment: 2 };

/** The nodes to read: the embed tag's when it named any (the partner's, observers'), else the vote host's list. */
export function nodesFor(ballot: WidgetBallot, tagNodes: readonly string[] | undefined): RpcCaller[] {
  const urls = tagNodes && tagNodes.length > 0 ? tagNodes : ballot.chain.rpcUrls;
  return urls.map((url) => new JsonRpcClient(url));
}

export async function readChainBallot(ballot: WidgetBallot, nodes: readonly RpcCaller[], expectedFingerprint: string | undefined): Promise<ChainBallot> {
  const where = { chainId: BigInt(ballot.chain.chainId), ballotBox: ballot.chain.ballotBox, ballotId: BigInt(ballot.id), blockNumber: ballot.chain.blockNumber };
  // Every node, and all must agree: with two or more, one lying node is caught.
  let seen: VerifiedBallot[];
  try {
    seen = await Promise.all(nodes.map((node) => verifiedBallotCreated(node, where)));
  } catch (error) {
    if (error instanceof BallotCreatedError) throw new ChainCheckError("node-check", error.message);
    throw error; // a node that does not answer: the network message, and a retry
  }
  const first = seen[0];
  if (seen.some((s) => s.blockHash !== first.blockHash || s.fingerprint !== first.fingerprint)) {
    throw new ChainCheckError("nodes-disagree", "the nodes do not tell the same BallotCreated event");
  }
  // The partner site's word (the embed tag) against the chain's: another ballot, another key, stop.
  if (expectedFingerprint !== undefined && (!isFingerprint(expectedFingerprint) || expectedFingerprint !== first.fingerprint)) {
    throw new ChainCheckError("fingerprint", `the ballot on chain has fingerprint ${first.fingerprint}, the site announced ${expectedFingerprint}`);
  }
  const { params } = first.event;
  const issuerKey = issuerKeyFromModulus(params.issuerModulus);
  if (!verifyIssuerKeyProof(issuerKey, params.issuerKeyProof)) throw new ChainCheckError("key-proof", "the issuer key proof does not verify");
  // A key anyone can factor (a prime, a small factor, a power) lets anyone sign tokens: no vote under it.
  const modulus = checkModulus(issuerKey.n);
  if (!modulus.ok) throw new ChainCheckError("unsafe-key", `the issuer key is unsafe: ${describeModulusProblem(modulus)}`);
  // What the citizen reads must be what is counted.
  const differs = params.question !== ballot.question
    || params.options.length !== ballot.options.length || params.options.some((o, i) => o !== ballot.options[i])
    || params.kind !== KIND_NUMBERS[ballot.kind] || params.minChoices !== ballot.minChoices || params.maxChoices !== ballot.maxChoices
    || params.allowRevote !== ballot.allowRevote || params.liveResults !== ballot.liveResults
    || params.opensAt !== BigInt(Date.parse(ballot.opensAt) / 1000) || params.closesAt !== BigInt(Date.parse(ballot.closesAt) / 1000);
  if (differs) throw new ChainCheckError("shown-differs", "the question, options, rules or schedule shown differ from the chain's");
  const sealing = first.sealed ? { electionKey: first.sealed.electionKey, keyCeremonyDigest: first.sealed.keyCeremonyDigest } : undefined;
  return { chainId: where.chainId, ballotBox: where.ballotBox, ballotId: where.ballotId, params, issuerKey, fingerprint: first.fingerprint, ...(sealing ? { sealing } : {}) };
}
