// The widget does not take the ballot's issuer key from our API: it reads the ballot's
// BallotCreated event from a public node (PROTOCOL.md §6.5), checks the issuer key proof
// (§2.5: blinding is only blind under a key that passes it) and checks that the question
// and options on screen are the ones on chain. A mismatch stops the vote.
import {
  EVENT_TOPICS, decodeBallotBoxLog, issuerKeyFromModulus, verifyIssuerKeyProof,
  type BallotParams, type IssuerPublicKey, type RawLog,
} from "../../protocol/index.js";
import type { WidgetBallot } from "./api.js";

export type ChainBallot = {
  chainId: bigint;
  ballotBox: string;
  ballotId: bigint;
  params: BallotParams;
  issuerKey: IssuerPublicKey;
};

export class ChainCheckError extends Error {
  readonly code = "ERR_CHAIN_CHECK";
}

const KIND_NUMBERS: Record<WidgetBallot["kind"], number> = { single_choice: 0, multiple_choice: 1, majority_judgment: 2 };

/** One JSON-RPC call, trying each public node in turn. */
export async function rpc<T>(urls: readonly string[], method: string, params: unknown[]): Promise<T> {
  let last: unknown;
  for (const url of urls) {
    try {
      const response = await fetch(url, {
        method: "POST", credentials: "omit", headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      });
      const body = await response.json() as { result?: T; error?: { message?: string } };
      if (body.error) throw new Error(`${method}: ${body.error.message ?? "error"}`);
      return body.result as T;
    } catch (error) {
      last = error;
    }
  }
  throw last instanceof Error ? last : new Error(`${method}: no node answered`);
}

const topicOf = (id: bigint) => "0x" + id.toString(16).padStart(64, "0");

export async function readChainBallot(ballot: WidgetBallot): Promise<ChainBallot> {
  const fail = (why: string): never => {
    throw new ChainCheckError(why);
  };
  const ballotId = BigInt(ballot.id);
  const { rpcUrls, ballotBox } = ballot.chain;
  const chainId = BigInt(await rpc<string>(rpcUrls, "eth_chainId", []));
  if (chainId.toString() !== ballot.chain.chainId) fail("the node is on another chain");
  // The API tells where to look; what is found there is checked, not trusted.
  const block = "0x" + ballot.chain.blockNumber.toString(16);
  const logs = await rpc<RawLog[]>(rpcUrls, "eth_getLogs", [{
    address: ballotBox, fromBlock: block, toBlock: block, topics: [EVENT_TOPICS.BallotCreated, topicOf(ballotId)],
  }]);
  const event = logs.map((log) => decodeBallotBoxLog(log, ballotBox)).find((e) => e?.event === "BallotCreated" && e.ballotId === ballotId);
  if (event?.event !== "BallotCreated") return fail("no BallotCreated event for this ballot");
  const { params } = event;
  const issuerKey = issuerKeyFromModulus(params.issuerModulus);
  if (!verifyIssuerKeyProof(issuerKey, params.issuerKeyProof)) fail("the issuer key proof does not verify");
  // What the citizen reads must be what is counted.
  if (params.question !== ballot.question) fail("the question differs from the chain's");
  if (params.options.length !== ballot.options.length || params.options.some((o, i) => o !== ballot.options[i])) fail("the options differ from the chain's");
  if (params.kind !== KIND_NUMBERS[ballot.kind] || params.minChoices !== ballot.minChoices || params.maxChoices !== ballot.maxChoices) fail("the rules differ from the chain's");
  if (params.allowRevote !== ballot.allowRevote) fail("the revote rule differs from the chain's");
  return { chainId, ballotBox, ballotId, params, issuerKey };
}
