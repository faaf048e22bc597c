// One citizen's vote in one ballot, in this page's memory only (SECURITY.md "Widget"):
// a fresh voter key, its blind-signed token (PROTOCOL.md §3.3), the signed vote (§4),
// its journey through the relay to a final block, and the proof file (§7).
// Every step can be retried safely: the blinded message and its inverse are kept until
// finalize succeeds (the issuer answers the same blinded message again), and a signed
// vote is kept until the relay acknowledges it (the same vote gets the same receipt).
import { Wallet, hexlify, randomBytes } from "ethers";
import {
  blind, decodeBallotBoxLog, encodePayload, finalize, rulesFromParams, serializeProof, signVote, toHex, tokenMessage,
  PROOF_TAG, type Choice, type ProofOfVote, type RawLog, type SignedVote,
} from "../../protocol/index.js";
import { getReceipt as readNodeReceipt } from "../../protocol/audit/node-answers.js";
import type { RpcCaller } from "../../protocol/json-rpc.js";
import { getReceipt, requestBlindSignature, submitVote } from "./api.js";
import type { ChainBallot } from "./chain-ballot.js";
import { SealingWorker, type HeldBallot } from "./sealing-worker.js";

export type Step = "token" | "signature" | "sent" | "recorded" | "final";
export const STEPS: readonly Step[] = ["token", "signature", "sent", "recorded", "final"];

export class VoteRejectedError extends Error {
  readonly code = "ERR_VOTE_REJECTED";
}

type Cast = { choiceKey: string; vote: SignedVote; receiptId?: string; trackerText?: string };

const POLL_MS = 400;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A short random wait before the ballot leaves (0.4 to 2 s): the relay and the chain then
 * see it at a moment that is not exactly the moment of the token request.
 */
function anonymityDelayMs(): number {
  const [n] = crypto.getRandomValues(new Uint16Array(1));
  return 400 + Math.floor((n / 0xffff) * 1600);
}

export class VoteSession {
  /**
   * The voter key: never stored, never sent; only its address and signatures leave. A bare
   * key from WebCrypto randomness (not Wallet.createRandom, whose mnemonic would be a second
   * copy of the secret, and costs a PBKDF2).
   */
  readonly #wallet = new Wallet(hexlify(randomBytes(32)));
  #blinding?: { message: Uint8Array; blindedMessage: string; inverse: bigint };
  #token?: Uint8Array;
  #cast?: Cast;
  #lastRevision = -1;
  /** A sealed ballot made for a choice, shown by its tracker before it is cast (PROTOCOL.md §11.8). */
  #held?: { choiceKey: string; ballot: HeldBallot };
  #sealer?: SealingWorker;
  proof?: ProofOfVote;
  /** A sealed ballot's tracker as people read it (PROTOCOL.md §11.8), once cast. */
  trackerText?: string;

  /** `nodes`: the chain nodes the ballot was checked on; the vote must be on every one of them. */
  constructor(readonly chain: ChainBallot, readonly nodes: readonly RpcCaller[], readonly relayUrl: string) {}

  get hasToken(): boolean {
    return this.#token !== undefined;
  }

  /** A token is held, or asked for with a blinded message this page keeps (a retry gets the same answer). */
  get issuanceStarted(): boolean {
    return this.#token !== undefined || this.#blinding !== undefined;
  }

  /** §3.3: blind, ask, finalize (which verifies the token under the chain's key). */
  async obtainToken(session: string): Promise<void> {
    if (this.#token) return;
    const { chainId, ballotBox, ballotId, issuerKey } = this.chain;
    if (!this.#blinding) {
      const message = tokenMessage({ chainId, ballotBox, ballotId, voter: this.#wallet.address });
      const { blindedMessage, inverse } = blind(issuerKey, message);
      this.#blinding = { message, blindedMessage: toHex(blindedMessage), inverse };
    }
    const blindSignature = await requestBlindSignature(ballotId.toString(), session, this.#blinding.blindedMessage);
    this.#token = finalize(issuerKey, this.#blinding.message, blindSignature, this.#blinding.inverse);
    this.#blinding = undefined; // the inverse links the token to the request: forget it
  }

  /** The key of a choice at the next revision: a ballot sealed or signed for one is never sent for another. */
  #choiceKey(choice: Choice): string {
    return `${this.#lastRevision + 1}:${JSON.stringify(choice)}`;
  }

  /**
   * A sealed ballot only: seals `choice` in the sealing worker (a fresh encryption each
   * time) and returns its tracker as people read it, to show before it is cast.
   */
  async seal(choice: Choice, onProgress?: (done: number, total: number) => void): Promise<string> {
    const { chainId, ballotBox, ballotId, params, sealing } = this.chain;
    if (!sealing) throw new Error("seal: this ballot is public");
    this.#sealer ??= new SealingWorker();
    const choiceKey = this.#choiceKey(choice);
    this.#held = undefined;
    const ballot = await this.#sealer.seal({ chainId, ballotBox, ballotId, ...sealing, rules: rulesFromParams(params), voter: this.#wallet.address, choice }, onProgress);
    this.#held = { choiceKey, ballot };
    return ballot.trackerText;
  }

  /**
   * The Benaloh challenge (PROTOCOL.md §11.8): the audit file of the ballot just sealed,
   * its randomness revealed. That ballot is dropped here and in the worker: it is never
   * cast, and the next cast seals the choice again.
   */
  async auditSealed(): Promise<{ file: string; trackerText: string }> {
    const held = this.#held;
    if (!held || !this.#sealer) throw new Error("auditSealed: no sealed ballot to audit");
    this.#held = undefined;
    return { file: await this.#sealer.audit(held.ballot), trackerText: held.ballot.trackerText };
  }

  /** Casts `choice` (or resumes its cast after an error) and returns the proof file's text. */
  async cast(choice: Choice, session: string | undefined, onStep: (step: Step) => void): Promise<string> {
    const { chainId, ballotBox, ballotId, params } = this.chain;
    onStep("token");
    if (!this.#token) {
      if (session === undefined) throw new Error("cast: no session to obtain a token");
      await this.obtainToken(session);
    }
    const rules = rulesFromParams(params);
    // A sealed ballot's payload is new randomness each time: the ballot whose tracker the
    // voter saw is the one cast, and a retry sends the very ballot already sealed and signed.
    const choiceKey = this.#choiceKey(choice);
    onStep("signature");
    if (this.#cast?.choiceKey !== choiceKey) {
      const revision = this.#lastRevision + 1;
      let payload: string, trackerText: string | undefined;
      if (this.chain.sealing) {
        if (this.#held?.choiceKey !== choiceKey) await this.seal(choice);
        const { ballot } = this.#held!;
        this.#held = undefined;
        ({ payload, trackerText } = ballot);
        await this.#sealer!.forget(ballot); // cast from here on: its randomness must not be kept
      } else {
        payload = toHex(encodePayload(rules, choice));
      }
      const voterSignature = await signVote(this.#wallet, { chainId, ballotBox, ballotId, revision, payload });
      this.#cast = { choiceKey, trackerText, vote: { ballotId, voter: this.#wallet.address, revision, payload, tokenSignature: toHex(this.#token!), voterSignature } };
    }
    const cast = this.#cast;
    if (cast.receiptId === undefined) {
      await sleep(anonymityDelayMs());
      const { vote } = cast;
      cast.receiptId = await submitVote(this.relayUrl, { ...vote, ballotId: vote.ballotId.toString() });
    }
    onStep("sent");
    const proof = await this.#awaitFinal(cast, onStep);
    this.proof = proof;
    this.trackerText = cast.trackerText;
    this.#lastRevision = cast.vote.revision;
    this.#cast = undefined;
    return serializeProof(proof);
  }

  /** Relay receipt until final; the block and the VoteCast log are read from the chain, not from the relay. */
  async #awaitFinal(cast: Cast, onStep: (step: Step) => void): Promise<ProofOfVote> {
    let recorded = false;
    for (;;) {
      const receipt = await getReceipt(this.relayUrl, cast.receiptId!);
      if (receipt.status === "rejected") throw new VoteRejectedError(receipt.reason ?? "rejected");
      if (receipt.txHash) {
        const found = await this.#findOnChain(cast.vote, receipt.txHash);
        if (found && !recorded) {
          recorded = true;
          onStep("recorded");
        }
        if (found && receipt.status === "final") {
          onStep("final");
          return {
            urne: PROOF_TAG, chainId: this.chain.chainId, ballotBox: this.chain.ballotBox, ...cast.vote,
            transactionHash: found.transactionHash, blockNumber: found.blockNumber, blockHash: found.blockHash,
          };
        }
      }
      await sleep(POLL_MS);
    }
  }

  /** The VoteCast event of exactly this vote in this transaction, as every node shows it, or undefined. */
  async #findOnChain(vote: SignedVote, txHash: string) {
    const found = await Promise.all(this.nodes.map((node) => this.#findOnNode(node, vote, txHash)));
    const [first] = found;
    return first && found.every((f) => f?.blockHash.toLowerCase() === first.blockHash.toLowerCase() && f.logIndex === first.logIndex) ? first : undefined;
  }

  async #findOnNode(node: RpcCaller, vote: SignedVote, txHash: string) {
    const receipt = await readNodeReceipt(node, txHash);
    if (!receipt || receipt.status !== 1n) return undefined;
    for (const log of receipt.logs as RawLog[]) {
      const event = decodeBallotBoxLog(log, this.chain.ballotBox);
      if (event?.event !== "VoteCast") continue;
      const v = event.vote;
      if (v.ballotId === vote.ballotId && v.voter === vote.voter && v.revision === vote.revision && v.payload === vote.payload
        && v.tokenSignature === vote.tokenSignature && v.voterSignature === vote.voterSignature) return event;
    }
    return undefined;
  }
}
