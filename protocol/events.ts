// The BallotBox's events (PROTOCOL.md §6.5), decoded into the protocol's own types. One
// decoder for everybody who reads the chain: the widget (the issuer key of a ballot comes
// from its BallotCreated event, not from our API), the verify page, the observer tools,
// and the server. Browser-safe: ethers' ABI coder only.
import { Interface, type InterfaceAbi, type Result } from "ethers";
import { BallotBoxAbi } from "./generated/BallotBox.js";
import type { BallotParams, SignedVote } from "./ballot.js";
import { UrneError, ErrorCode } from "./errors.js";
import { checkUint } from "./fields.js";

/** The one ABI object for the BallotBox: calls, errors and events. */
export const ballotBoxInterface = new Interface(BallotBoxAbi as InterfaceAbi);

const topic = (name: string) => ballotBoxInterface.getEvent(name)!.topicHash;

/** topic0 of each event, for eth_getLogs filters. */
export const EVENT_TOPICS = Object.freeze({
  BallotCreated: topic("BallotCreated"),
  VoteCast: topic("VoteCast"),
  VoteRejected: topic("VoteRejected"),
  BallotClosed: topic("BallotClosed"),
  BallotSealed: topic("BallotSealed"),
  DecryptionShareSubmitted: topic("DecryptionShareSubmitted"),
});

/** A log as JSON-RPC returns it (eth_getLogs, receipts); ethers' Log fits. */
export type RawLog = {
  address: string;
  topics: readonly string[];
  data: string;
  blockNumber: number | string;
  blockHash: string;
  transactionHash: string;
  /** `index` in ethers' Log, `logIndex` in raw JSON-RPC. */
  index?: number;
  logIndex?: number | string;
};

/** A log with its block's timestamp (the `now` of §6.2 check 2 for a VoteCast). */
export type TimedLog = { log: RawLog; timestamp: bigint };

/**
 * A ballot id as the BallotBox's events carry it in topic 1, and as eth_getLogs filters
 * ask for it: 32 bytes of lower-case hex.
 */
export function ballotIdTopic(ballotId: bigint): string {
  return "0x" + checkUint(ballotId, 256, "ballotId").toString(16).padStart(64, "0");
}

/** An address as an indexed event argument (VoteCast's voter, topic 2): left-padded to 32 bytes, lower-case. */
export function addressTopic(address: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new UrneError(ErrorCode.ERR_INVALID_ADDRESS, "an address topic needs a 20-byte hex address", { field: "address" });
  return "0x" + "0".repeat(24) + address.slice(2).toLowerCase();
}

/** A log in a block's list (BlockLogs): the block and the contract are named once for all; `logIndex` counts every log of the block. */
export type BlockLog = { topics: string[]; data: string; transactionHash: string; logIndex: number };

/**
 * One block's logs of one ballot box, as JSON: how a mirror stores them
 * (observer/mirror/mirror-store.ts) and hands them, still as bytes, to the threads that
 * check votes (vote-check.node.ts checkRawBlocks).
 */
export type BlockLogs = { number: number; hash: string; timestamp: number; logs: BlockLog[] };

const utf8 = new TextDecoder();

/** A block's logs (BlockLogs, or its JSON bytes), each as a RawLog of `ballotBox` with its block's timestamp; `only` keeps one ballot's (its ballotIdTopic). */
export function blockLogs(raw: Uint8Array | BlockLogs, ballotBox: string, only?: string): TimedLog[] {
  const block = raw instanceof Uint8Array ? (JSON.parse(utf8.decode(raw)) as BlockLogs) : raw;
  const timestamp = BigInt(block.timestamp);
  const out: TimedLog[] = [];
  for (const log of block.logs) {
    if (only && log.topics[1] !== only) continue;
    out.push({ log: { ...log, address: ballotBox, blockNumber: block.number, blockHash: block.hash }, timestamp });
  }
  return out;
}

/** Where an event was emitted. */
export type EventLocation = { blockNumber: number; blockHash: string; transactionHash: string; logIndex: number };

export type BallotCreatedEvent = EventLocation & { event: "BallotCreated"; ballotId: bigint; organizer: string; params: BallotParams };
export type VoteCastEvent = EventLocation & { event: "VoteCast"; vote: SignedVote };
export type VoteRejectedEvent = EventLocation & { event: "VoteRejected"; ballotId: bigint; voter: string; revision: number; reason: string };
export type BallotClosedEvent = EventLocation & { event: "BallotClosed"; ballotId: bigint; closedAt: bigint; tokensIssued: bigint; votersCount: bigint };
/** A sealed ballot's election key, its ceremony's digest, trustees and threshold (§11.9), emitted right after its BallotCreated. */
export type BallotSealedEvent = EventLocation & {
  event: "BallotSealed"; ballotId: bigint;
  /** 0x hex as emitted: 33 bytes with prefix 02 or 03 (the contract checks no more; the curve is the reader's to check). */
  electionKey: string;
  keyCeremonyDigest: string;
  /** Checksummed, in the order named at creation: trustee i (1-based) of the key ceremony is trustees[i − 1]. */
  trustees: string[];
  threshold: number;
};
/** A trustee's decryption share of a sealed ballot's tally (§11.6): `share` is 0x hex, checked by its reader (33·cells + 64 bytes, points, proof). */
export type DecryptionShareSubmittedEvent = EventLocation & { event: "DecryptionShareSubmitted"; ballotId: bigint; trustee: string; tallyDigest: string; share: string };
export type BallotBoxEvent = BallotCreatedEvent | VoteCastEvent | VoteRejectedEvent | BallotClosedEvent | BallotSealedEvent | DecryptionShareSubmittedEvent;

const SEALED_EVENTS = new Set(["BallotSealed", "DecryptionShareSubmitted"]);

const TOPIC_RE = /^0x[0-9a-fA-F]{64}$/;

/** Whether a log topic has the one shape the EVM emits: 32 bytes of 0x-hex. */
export const isTopic = (topic: unknown): topic is string => typeof topic === "string" && TOPIC_RE.test(topic);

const toNumber = (value: number | string | undefined): number => (typeof value === "string" ? Number(BigInt(value)) : (value ?? 0));

function location(log: RawLog): EventLocation {
  return {
    blockNumber: toNumber(log.blockNumber),
    blockHash: log.blockHash,
    transactionHash: log.transactionHash,
    logIndex: toNumber(log.logIndex ?? log.index),
  };
}

/**
 * Decodes one BallotBox log. Returns undefined for a log of another contract or event;
 * throws ERR_INVALID_EVENT for a log that claims a BallotBox event but does not decode
 * (a node or a contract that lies must not pass for one that said nothing).
 */
export function decodeBallotBoxLog(log: RawLog, ballotBox: string): BallotBoxEvent | undefined {
  if (log.address.toLowerCase() !== ballotBox.toLowerCase()) return undefined;
  try {
    const parsed = ballotBoxInterface.parseLog({ topics: [...log.topics], data: log.data });
    // ethers decodes the topics joined end to end: a topic of another length, or one topic
    // too many, could still decode. The EVM emits exactly one 32-byte topic per indexed
    // argument, after the event's own.
    const expected = parsed ? 1 + parsed.fragment.inputs.filter((i) => i.indexed).length : 0;
    if (parsed && (log.topics.length !== expected || !log.topics.every(isTopic))) {
      throw new TypeError(`a ${parsed.name} log has ${expected} topics of 32 bytes, this one ${JSON.stringify(log.topics)}`);
    }
    // The sealed events carry what the recount computes with (a threshold, trustees, a
    // share): ethers masks an integer word to its type's width and ignores trailing bytes,
    // where Solidity would refuse them. The one encoding solc emits is required instead.
    if (parsed && SEALED_EVENTS.has(parsed.name) && ballotBoxInterface.encodeEventLog(parsed.fragment, [...parsed.args]).data.toLowerCase() !== log.data.toLowerCase()) {
      throw new TypeError(`a ${parsed.name} log's data is not the ABI encoding of its values`);
    }
    // Read inside the try: ethers defers some decoding errors (a string that is not UTF-8,
    // which the contract accepts as given) until the value is read.
    return parsed ? toEvent(parsed.name, parsed.args, location(log)) : undefined;
  } catch (cause) {
    throw new UrneError(ErrorCode.ERR_INVALID_EVENT, `log ${toNumber(log.logIndex ?? log.index)} of block ${toNumber(log.blockNumber)} does not decode as a BallotBox event`, { field: "log", cause });
  }
}

function toEvent(name: string, a: Result, at: EventLocation): BallotBoxEvent | undefined {
  switch (name) {
    case "BallotCreated": {
      const p = a.params;
      return {
        ...at, event: "BallotCreated", ballotId: a.ballotId as bigint, organizer: a.organizer as string,
        params: {
          kind: Number(p.kind), minChoices: Number(p.minChoices), maxChoices: Number(p.maxChoices),
          opensAt: p.opensAt as bigint, closesAt: p.closesAt as bigint,
          allowRevote: p.allowRevote as boolean, liveResults: p.liveResults as boolean,
          issuerModulus: p.issuerModulus as string, issuerKeyProof: p.issuerKeyProof as string,
          question: p.question as string, options: [...(p.options as string[])],
        },
      };
    }
    case "VoteCast":
      return {
        ...at, event: "VoteCast",
        vote: {
          ballotId: a.ballotId as bigint, voter: a.voter as string, revision: Number(a.revision),
          payload: a.payload as string, tokenSignature: a.tokenSignature as string, voterSignature: a.voterSignature as string,
        },
      };
    case "VoteRejected":
      return { ...at, event: "VoteRejected", ballotId: a.ballotId as bigint, voter: a.voter as string, revision: Number(a.revision), reason: a.reason as string };
    case "BallotClosed":
      return { ...at, event: "BallotClosed", ballotId: a.ballotId as bigint, closedAt: a.closedAt as bigint, tokensIssued: a.tokensIssued as bigint, votersCount: a.votersCount as bigint };
    case "BallotSealed":
      return {
        ...at, event: "BallotSealed", ballotId: a.ballotId as bigint, electionKey: a.electionKey as string,
        keyCeremonyDigest: a.keyCeremonyDigest as string, trustees: [...(a.trustees as string[])], threshold: Number(a.threshold),
      };
    case "DecryptionShareSubmitted":
      return { ...at, event: "DecryptionShareSubmitted", ballotId: a.ballotId as bigint, trustee: a.trustee as string, tallyDigest: a.tallyDigest as string, share: a.share as string };
    default:
      return undefined; // OpenZeppelin's role events and the like
  }
}

/** The name and arguments of a VoteRejected reason (the §6.2 error the contract gave). */
export function decodeRejectionReason(reason: string): { name: string; args: unknown[] } | undefined {
  try {
    const parsed = ballotBoxInterface.parseError(reason);
    return parsed ? { name: parsed.name, args: [...parsed.args] } : undefined;
  } catch {
    return undefined;
  }
}
