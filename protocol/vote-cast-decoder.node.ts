// VoteCast logs decoded without ethers' generic ABI decoder, which costs about 0.7 ms a
// log here (a million-vote recount would spend minutes in it). The fast path reads only
// the one canonical encoding solc emits for VoteCast (PROTOCOL.md §6.5): three topics,
// then revision, three offsets 0x80.. in order, each byte string's length and its
// zero-padded bytes, nothing after. Anything else goes to events.ts's
// decodeBallotBoxLog, which decodes it or refuses it: this path is never more lenient.
// test/protocol/vote-cast-decoder.test.ts holds both to the same events. Node-only: the
// voter's checksum takes the native keccak (keccak.node.ts).
import { decodeBallotBoxLog, EVENT_TOPICS, type RawLog, type VoteCastEvent } from "./events.js";
import { checksumAddressFast } from "./keccak.node.js";

const WORD = 64; // hex characters in a 32-byte word

const toNumber = (value: number | string | undefined): number => (typeof value === "string" ? Number(BigInt(value)) : (value ?? 0));

/** A VoteCast log of `ballotBox`, decoded; throws ERR_INVALID_EVENT as decodeBallotBoxLog does. */
export function decodeVoteCast(log: RawLog, ballotBox: string): VoteCastEvent {
  const fast = canonical(log, ballotBox);
  if (fast) return fast;
  const event = decodeBallotBoxLog(log, ballotBox);
  if (event?.event !== "VoteCast") throw new TypeError(`log ${toNumber(log.logIndex ?? log.index)} of block ${toNumber(log.blockNumber)} is not a VoteCast of ${ballotBox}`);
  return event;
}

function canonical(log: RawLog, ballotBox: string): VoteCastEvent | undefined {
  const { topics, data } = log;
  if (log.address.toLowerCase() !== ballotBox.toLowerCase() || topics.length !== 3 || topics[0] !== EVENT_TOPICS.VoteCast) return undefined;
  if (!/^0x[0-9a-f]*$/.test(data) || !/^0x0{24}[0-9a-fA-F]{40}$/.test(topics[2]) || !/^0x[0-9a-fA-F]{64}$/.test(topics[1])) return undefined;
  const hex = data.slice(2);
  const word = (i: number) => hex.slice(i * WORD, (i + 1) * WORD);
  const small = (w: string) => (/^0{56}[0-9a-f]{8}$/.test(w) ? parseInt(w.slice(56), 16) : -1);
  if (hex.length < 4 * WORD || !/^0{56}/.test(word(0))) return undefined;
  const revision = parseInt(word(0).slice(56), 16);
  const bytes: string[] = [];
  let at = 4; // word index of the next byte string
  for (let k = 1; k <= 3; k++) {
    if (small(word(k)) !== at * 32) return undefined;
    const length = small(word(at));
    if (length < 0) return undefined;
    const words = Math.ceil(length / 32);
    const body = hex.slice((at + 1) * WORD, (at + 1 + words) * WORD);
    if (body.length !== words * WORD || !/^0*$/.test(body.slice(length * 2))) return undefined;
    bytes.push("0x" + body.slice(0, length * 2));
    at += 1 + words;
  }
  if (hex.length !== at * WORD) return undefined;
  return {
    event: "VoteCast",
    blockNumber: toNumber(log.blockNumber),
    blockHash: log.blockHash,
    transactionHash: log.transactionHash,
    logIndex: toNumber(log.logIndex ?? log.index),
    vote: {
      ballotId: BigInt(topics[1]), voter: checksumAddressFast(topics[2].slice(26).toLowerCase()), revision,
      payload: bytes[0], tokenSignature: bytes[1], voterSignature: bytes[2],
    },
  };
}
