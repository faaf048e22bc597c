// What the relay reads from the BallotBox, through its standard views and logs only
// (PROTOCOL.md §6.3, §6.5, §6.6, §11.9): ballots (cached), whether a ballot is sealed and
// under which election key (its BallotSealed event, kept: it never changes), a voter's
// counted revision, and the VoteCast event of a given vote, which settles a ballot whose
// fate is unknown.
import { Contract, type JsonRpcProvider, type Log } from "ethers";
import type { BallotOnChain, SignedVote } from "../../protocol/index.js";
import type { JsonRpcClient } from "../../protocol/json-rpc.js";
import { LOG_PAGE_BLOCKS } from "../../protocol/audit/node-answers.js";
import { decodeVoterRecord, voterRecordSlot } from "../../protocol/voter-record.js";

// The one ABI object, from the protocol module (events.ts).
import { ballotBoxInterface, ballotIdTopic, decodeBallotBoxLog, EVENT_TOPICS, type BallotSealedEvent } from "../../protocol/events.js";
export { ballotBoxInterface };

/** A sealed ballot's election key and key ceremony as its BallotSealed event gave them. */
export type SealingOnChain = Pick<BallotSealedEvent, "electionKey" | "keyCeremonyDigest" | "trustees" | "threshold">;

/** Sealing answers kept at most (one per ballot id that exists). */
const MAX_SEALINGS = 4096;

/** The revert data of an ethers call error, if the node gave any. */
export function revertData(error: unknown): string | undefined {
  const e = error as { data?: unknown; info?: { error?: { data?: unknown } } };
  for (const d of [e?.data, e?.info?.error?.data, (e?.info?.error?.data as { data?: unknown } | undefined)?.data]) {
    if (typeof d === "string" && /^0x[0-9a-fA-F]{8,}$/.test(d)) return d;
  }
  return undefined;
}

/** The custom error name in revert data, or undefined for anything else. */
export function errorName(data: string | undefined): string | undefined {
  if (!data) return undefined;
  try {
    return ballotBoxInterface.parseError(data)?.name;
  } catch {
    return undefined;
  }
}

export type CastLocation = { txHash: string; blockNumber: number };

export class BallotBoxView {
  readonly contract: Contract;
  #ballots = new Map<string, { at: number; info: Promise<BallotOnChain | undefined> }>();
  #sealings = new Map<string, Promise<SealingOnChain | null>>();

  /**
   * `rpc`: the same node as `provider`, for the batched voteOf reads; `cacheMs`: how long a
   * ballot's state is trusted (only closedAt and the counts change).
   */
  constructor(readonly provider: JsonRpcProvider, readonly address: string, private readonly rpc: JsonRpcClient, private readonly cacheMs = 2000) {
    this.contract = new Contract(address, ballotBoxInterface, provider);
  }

  /** The ballot, or undefined if no ballot has this id. Concurrent callers share one read. */
  ballot(ballotId: bigint): Promise<BallotOnChain | undefined> {
    const key = ballotId.toString();
    const cached = this.#ballots.get(key);
    if (cached && Date.now() - cached.at < this.cacheMs) return cached.info;
    const info = this.#readBallot(ballotId);
    this.#ballots.set(key, { at: Date.now(), info });
    // An RPC failure must not stick, and an unknown id must not stay: anyone may post any
    // ballotId, and remembering each one would grow the cache without bound.
    info.then((b) => { if (!b) this.#ballots.delete(key); }, () => this.#ballots.delete(key));
    return info;
  }

  async #readBallot(ballotId: bigint): Promise<BallotOnChain | undefined> {
    try {
      const r = await this.contract.ballot(ballotId);
      const isSealed = (await this.sealing(ballotId)) !== null;
      return {
        kind: Number(r.kind), minChoices: Number(r.minChoices), maxChoices: Number(r.maxChoices), optionCount: Number(r.optionCount),
        opensAt: r.opensAt, closesAt: r.closesAt, allowRevote: r.allowRevote, liveResults: r.liveResults,
        organizer: r.organizer, closedAt: r.closedAt, tokensIssued: r.tokensIssued, votersCount: r.votersCount,
        issuerModulus: r.issuerModulus, isSealed,
      };
    } catch (error) {
      if (errorName(revertData(error)) === "BallotBoxUnknownBallot") return undefined;
      throw error;
    }
  }

  /**
   * A sealed ballot's election key and ceremony (its BallotSealed event), null for a public
   * ballot; read once per ballot (they never change) and kept. The ballot must exist.
   */
  sealing(ballotId: bigint): Promise<SealingOnChain | null> {
    const key = ballotId.toString();
    let read = this.#sealings.get(key);
    if (!read) {
      read = this.#readSealing(ballotId);
      if (this.#sealings.size >= MAX_SEALINGS) this.#sealings.clear();
      this.#sealings.set(key, read);
      read.catch(() => this.#sealings.delete(key));
    }
    return read;
  }

  async #readSealing(ballotId: bigint): Promise<SealingOnChain | null> {
    let isSealed: boolean;
    try {
      [isSealed] = (await this.contract.sealing(ballotId)) as unknown as [boolean];
    } catch (error) {
      // A BallotBox deployed before sealed ballots has no `sealing` view (a revert without
      // data): all its ballots are public. Any other failure is the node's, and thrown.
      const e = error as { code?: string; data?: unknown };
      if (e.code === "CALL_EXCEPTION" && (e.data === "0x" || e.data === null || e.data === undefined) && revertData(error) === undefined) return null;
      throw error;
    }
    if (!isSealed) return null;
    const head = await this.provider.getBlockNumber();
    const topics = [EVENT_TOPICS.BallotSealed, ballotIdTopic(ballotId)];
    for (let from = 0; from <= head; from += LOG_PAGE_BLOCKS) {
      const logs = await this.provider.getLogs({ address: this.address, topics, fromBlock: from, toBlock: Math.min(head, from + LOG_PAGE_BLOCKS - 1) });
      for (const log of logs) {
        const event = decodeBallotBoxLog(log, this.address);
        if (event?.event === "BallotSealed" && event.ballotId === ballotId) {
          return { electionKey: event.electionKey, keyCeremonyDigest: event.keyCeremonyDigest, trustees: event.trustees, threshold: event.threshold };
        }
      }
    }
    throw new Error(`ballot ${ballotId} is sealed but the node gave no BallotSealed event for it`);
  }

  /**
   * The voter's counted revision (what `voteOf` answers), undefined if it has not voted;
   * the ballot must exist (the relay reads it first). Asked for every ballot the relay
   * receives, so read as cheaply as a node can answer: the record's storage word
   * (protocol/voter-record.ts), not an eth_call, which on urne's chain runs the EVM over the
   * contract's whole code (scripts/bench/api.ts --cpu-prof: about 4 ms of the chain's CPU per
   * ballot). The reads of one turn of the event loop go to the node as one JSON-RPC batch
   * (one HTTP request, protocol/json-rpc.ts). One read's error fails that read only.
   */
  voteOf(ballotId: bigint, voter: string): Promise<{ revision: number } | undefined> {
    return new Promise((resolve, reject) => {
      this.#voteOfQueue.push({ slot: voterRecordSlot(ballotId, voter), resolve, reject });
      if (this.#voteOfQueue.length === 1) setImmediate(() => this.#flushVoteOf());
    });
  }

  #voteOfQueue: { slot: string; resolve: (v: { revision: number } | undefined) => void; reject: (e: unknown) => void }[] = [];

  async #flushVoteOf() {
    const queue = this.#voteOfQueue.splice(0);
    for (let i = 0; i < queue.length; i += VOTE_OF_BATCH) {
      const part = queue.slice(i, i + VOTE_OF_BATCH);
      try {
        const answers = await this.rpc.batchSettled(part.map((q) => ({ method: "eth_getStorageAt", params: [this.address, q.slot, "latest"] })));
        part.forEach((q, i) => {
          const answer = answers[i];
          if (answer.status === "rejected") return q.reject(answer.reason);
          try {
            q.resolve(decodeVoterRecord(answer.value));
          } catch (error) {
            q.reject(error);
          }
        });
      } catch (error) {
        for (const q of part) q.reject(error);
      }
    }
  }

  /**
   * Where exactly this vote (same revision, payload and signatures) was counted, from
   * the VoteCast logs of (ballotId, voter): undefined if it never was.
   */
  async findCast(vote: SignedVote, fromBlock = 0): Promise<CastLocation | undefined> {
    const event = ballotBoxInterface.getEvent("VoteCast")!;
    const topics = ballotBoxInterface.encodeFilterTopics(event, [vote.ballotId, vote.voter]);
    // In pages: nodes bound a query's block range (protocol/audit/node-answers.ts).
    const head = await this.provider.getBlockNumber();
    const logs: Log[] = [];
    for (let from = fromBlock; from <= head; from += LOG_PAGE_BLOCKS) {
      logs.push(...(await this.provider.getLogs({ address: this.address, topics, fromBlock: from, toBlock: Math.min(head, from + LOG_PAGE_BLOCKS - 1) })));
    }
    for (const log of logs) {
      const e = ballotBoxInterface.parseLog(log)!;
      if (Number(e.args.revision) === vote.revision && sameHex(e.args.payload, vote.payload)
        && sameHex(e.args.tokenSignature, vote.tokenSignature) && sameHex(e.args.voterSignature, vote.voterSignature)) {
        return { txHash: log.transactionHash, blockNumber: log.blockNumber };
      }
    }
    return undefined;
  }
}

const sameHex = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Calls per JSON-RPC batch: hosted nodes commonly accept 100; ours up to 1000 (rpc-front.ts). */
const VOTE_OF_BATCH = 100;
