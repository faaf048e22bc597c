// Where a recount reads the BallotBox's events (PROTOCOL.md §6.5): a local mirror
// (`urne observe`), or a node straight (paged eth_getLogs), in chain order, each with its
// block's timestamp (the `now` of §6.2 check 2); and where it reads the contract's
// counters to compare with (§9.3 R3): eth_call on a node at the recount's block, or the
// counters the mirror recorded at mirror time.
import { getAddress } from "ethers";
import { ballotIdTopic, blockLogs, EVENT_TOPICS, type RawLog, type TimedLog } from "../../protocol/events.js";
import { toQuantity } from "../../protocol/json-rpc.js";
import { blockNumber, blocks, chainId as readChainId, logsInRange, nodeClient } from "../rpc/chain-reader.js";
import { MirrorStore, READABLE_MIRROR_FORMATS, type Counters } from "../mirror/mirror-store.js";
import { readCounters } from "../mirror/counters.js";

export type EventSource = {
  chainId: bigint;
  ballotBox: string;
  /** The block the recount stops at and reads the counters at. */
  asOf: { number: number; hash: string };
  /** Where the counters come from, for the report. */
  countersFrom: string;
  /** The ballot box's logs in chain order, a block or a page at a time, not decoded yet (the recount decodes, VoteCast on worker threads). */
  logs(): AsyncGenerator<TimedLog[]>;
  /**
   * The same blocks as the mirror's bytes, for the fast path (mirror-blocks.ts), with the
   * id topic `only` keeps; a mirror of format 2 only, whose hex is all in lower case.
   */
  rawBlocks?: { only?: string; blocks(): AsyncGenerator<Uint8Array> };
  /** The contract's counters of a ballot at `asOf` (or where the mirror recorded them); undefined if unknown. */
  counters(ballotId: bigint): Promise<Counters | undefined>;
  close(): Promise<void>;
};

const ALL_TOPICS = [EVENT_TOPICS.BallotCreated, EVENT_TOPICS.VoteCast, EVENT_TOPICS.VoteRejected, EVENT_TOPICS.BallotClosed, EVENT_TOPICS.BallotSealed, EVENT_TOPICS.DecryptionShareSubmitted];

/** From a mirror; with `rpc`, the counters are read from that node at the mirror's last block. */
export async function mirrorSource(dir: string, opts: { ballotId?: bigint; rpc?: string } = {}): Promise<EventSource> {
  const store = await MirrorStore.open(dir, { create: false });
  try {
    const meta = await store.meta();
    const cursor = await store.cursor();
    if (!meta || !cursor) throw new TypeError(`${dir} holds no mirror: run urne observe --once --data ${dir} first`);
    if (!READABLE_MIRROR_FORMATS.includes(meta.format)) throw new TypeError(`${dir} is a mirror of format ${meta.format}, this tool reads formats ${READABLE_MIRROR_FORMATS.join(" and ")}`);
    const client = opts.rpc ? nodeClient(opts.rpc) : undefined;
    if (client && (await readChainId(client)).toString() !== meta.chainId) throw new TypeError(`${opts.rpc} is not on chain ${meta.chainId}, the mirror's`);
    const only = opts.ballotId === undefined ? undefined : ballotIdTopic(opts.ballotId);
    return {
      chainId: BigInt(meta.chainId),
      ballotBox: meta.ballotBox,
      asOf: cursor,
      countersFrom: client ? `eth_call at ${opts.rpc}` : "the mirror (eth_call at mirror time)",
      async *logs() {
        for await (const block of store.logs(cursor.number)) {
          const out = blockLogs(block, meta.ballotBox, only);
          if (out.length > 0) yield out;
        }
      },
      rawBlocks: meta.format >= 2 ? { only, blocks: () => store.rawLogs(cursor.number) } : undefined,
      counters: async (ballotId) => (client ? readCounters(client, meta.ballotBox, ballotId, cursor) : store.counters(ballotId)),
      close: () => store.close(),
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** Straight from a node, up to its head when the recount starts. */
export async function nodeSource(rpc: string, ballotBoxAddress: string, opts: { ballotId?: bigint; pageBlocks?: number } = {}): Promise<EventSource> {
  const client = nodeClient(rpc);
  const ballotBox = getAddress(ballotBoxAddress);
  const chainId = await readChainId(client);
  const head = await blockNumber(client);
  const [top] = await blocks(client, head, head);
  if (!top) throw new TypeError(`${rpc} has no block ${head}, its own head`);
  const asOf = { number: head, hash: top.hash };
  const page = opts.pageBlocks ?? 5_000;
  const topics = [ALL_TOPICS, ...(opts.ballotId === undefined ? [] : [ballotIdTopic(opts.ballotId)])];
  return {
    chainId, ballotBox, asOf, countersFrom: `eth_call at ${rpc}`,
    async *logs() {
      for (let from = 0; from <= head; from += page) {
        const to = Math.min(head, from + page - 1);
        const logs = await logsInRange(client, ballotBox, from, to, topics);
        if (logs.length === 0) continue;
        // Each log's block must be the block the node names at that height: one history.
        const numbers = [...new Set(logs.map((l) => Number(BigInt(l.blockNumber))))].sort((a, b) => a - b);
        const blocks = new Map<number, { hash: string; timestamp: bigint }>();
        const answers = await client.batch(numbers.map((n) => ({ method: "eth_getBlockByNumber", params: [toQuantity(n), false] })));
        answers.forEach((raw, i) => {
          const b = raw as { hash: string; timestamp: string } | null;
          if (b) blocks.set(numbers[i], { hash: b.hash.toLowerCase(), timestamp: BigInt(b.timestamp) });
        });
        const out: TimedLog[] = [];
        for (const log of logs) {
          const number = Number(BigInt(log.blockNumber));
          const block = blocks.get(number);
          if (!block || block.hash !== log.blockHash.toLowerCase()) throw new TypeError(`${rpc}: a log of block ${number} names block hash ${log.blockHash}, the node's block there is ${block?.hash ?? "missing"}`);
          out.push({ log, timestamp: block.timestamp });
        }
        // Chain order: by block, then by position in the block.
        const position = (l: RawLog) => [Number(BigInt(l.blockNumber)), Number(BigInt(l.logIndex ?? l.index ?? 0))];
        out.sort((a, b) => {
          const [ba, ia] = position(a.log), [bb, ib] = position(b.log);
          return ba - bb || ia - ib;
        });
        yield out;
      }
    },
    counters: (ballotId) => readCounters(client, ballotBox, ballotId, asOf),
    close: async () => {},
  };
}
