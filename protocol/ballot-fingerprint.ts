// A ballot's fingerprint (PROTOCOL.md §6.7): one 32-byte hash of everything its
// BallotCreated event says (chain, ballot box, ballot id, organizer, and the parameters:
// question, options, rules, times, issuer key and its proof), and for a sealed ballot
// everything its BallotSealed event says too (election key, ceremony digest, trustees,
// threshold: §11.9), so that no node can show a voter another key to seal under while
// keeping the BallotCreated event. The organizer gets it when
// the ballot is created (API, `urne fingerprint` from any node) and the partner site puts
// it in the embed tag; the widget refuses a ballot whose event does not hash to it, so a
// vote host or a node that shows a voter another ballot (another issuer key, another
// question) is caught before any choice is made.
import { AbiCoder, keccak256, toUtf8Bytes } from "ethers";
import { EVENT_TOPICS, type RawLog } from "./events.js";

/** keccak256("urne.ballot-fingerprint.v1"). */
export const FINGERPRINT_DOMAIN = keccak256(toUtf8Bytes("urne.ballot-fingerprint.v1"));

const FINGERPRINT_RE = /^0x[0-9a-f]{64}$/;

/** Whether `value` is written as a fingerprint is (0x and 64 lowercase hex digits). */
export const isFingerprint = (value: unknown): value is string => typeof value === "string" && FINGERPRINT_RE.test(value);

/**
 * keccak256(abi.encode(FINGERPRINT_DOMAIN, chainId, ballotBox, ballotId, organizer,
 * keccak256(data))) of a BallotCreated log: `data` is the event's ABI-encoded parameters
 * exactly as the chain holds them, `ballotId` and `organizer` its indexed topics. For a
 * sealed ballot, `sealed` is its BallotSealed log (the next log of the same receipt) and
 * keccak256 of its data is one more word of the encoding.
 */
export function ballotFingerprint(chainId: bigint, log: Pick<RawLog, "address" | "topics" | "data">, sealed?: Pick<RawLog, "address" | "topics" | "data">): string {
  const [topic0, ballotId, organizer] = log.topics;
  if (log.topics.length !== 3 || topic0.toLowerCase() !== EVENT_TOPICS.BallotCreated) throw new TypeError("ballotFingerprint: not a BallotCreated log");
  // An address topic is 12 zero bytes and the address: any other topic is not one the EVM emits.
  if (!/^0x0{24}[0-9a-fA-F]{40}$/.test(organizer)) throw new TypeError("ballotFingerprint: the organizer topic is not an address");
  const types = ["bytes32", "uint256", "address", "uint256", "address", "bytes32"];
  const values: unknown[] = [FINGERPRINT_DOMAIN, chainId, log.address, BigInt(ballotId), "0x" + organizer.slice(26), keccak256(log.data)];
  if (sealed) {
    if (sealed.topics.length !== 2 || sealed.topics[0].toLowerCase() !== EVENT_TOPICS.BallotSealed || sealed.topics[1].toLowerCase() !== ballotId.toLowerCase()
      || sealed.address.toLowerCase() !== log.address.toLowerCase()) throw new TypeError("ballotFingerprint: not this ballot's BallotSealed log");
    types.push("bytes32");
    values.push(keccak256(sealed.data));
  }
  return keccak256(AbiCoder.defaultAbiCoder().encode(types, values));
}

/** The BallotSealed log that follows `logs[index]` (a BallotCreated) in the same receipt, if the ballot is sealed. */
export function sealedLogAfter<T extends Pick<RawLog, "address" | "topics" | "data">>(logs: readonly T[], index: number): T | undefined {
  const created = logs[index];
  const next = logs[index + 1];
  return next && next.address.toLowerCase() === created.address.toLowerCase() && next.topics[0]?.toLowerCase() === EVENT_TOPICS.BallotSealed
    && next.topics[1]?.toLowerCase() === created.topics[1]?.toLowerCase() ? next : undefined;
}
