// `urne observe`: mirrors the chain's blocks and BallotBox logs from the first node into a
// LevelDB mirror, follows the head, and checks PROTOCOL.md §9.1 on every node given:
//   C1 chain id, C2 hash chain, C3 same history on every node, C4 history never changes,
//   C5 each node's eth_getLogs are the block's logs, C6 each header hashes to its hash,
//   C7 the mirrored logs come from receipts that hash to the header's receiptsRoot.
// A failed check prints ONE line naming the step, the block and the nodes, writes nothing
// more to the mirror (it keeps the history as first seen), and ends with the step's exit
// code (docs/OBSERVERS.md).
import { getAddress } from "ethers";
import { EVENT_TOPICS } from "../protocol/events.js";
import { JsonRpcClient, NodeRequestError } from "../protocol/json-rpc.js";
import { blockNumber, blocks, chainId as readChainId, logsByBlockHash, nodeClient, receiptsOf, type BlockHeader, type ReceiptsMethod } from "./rpc/chain-reader.js";
import { MIRROR_FORMAT, MirrorStore, READABLE_MIRROR_FORMATS, type Counters, type StoredHeader, type BlockLog } from "./mirror/mirror-store.js";
import { readCounters } from "./mirror/counters.js";
import { checkHeader, checkLogs, logsFromReceipts } from "./block-checks.js";
import { OBSERVE_EXIT, ObserveFinding } from "./observe-finding.js";

export { OBSERVE_EXIT, ObserveFinding };
export type { ObserveStep } from "./observe-finding.js";

export type ObserveOptions = {
  rpcUrls: string[];
  dataDir: string;
  /** Required to create a mirror; must match the mirror's when given again. */
  ballotBox?: string;
  /** Expected chain id (C1); default: the mirror's, or the first node's for a new mirror. */
  chainId?: bigint;
  /** Mirror up to the current head, check, and return. */
  once?: boolean;
  pollMs?: number;
  /** Blocks fetched and written per batch. */
  batchBlocks?: number;
  signal?: AbortSignal;
  /** One line per event: progress, node trouble, findings. */
  print?: (line: string) => void;
};

export type ObserveResult = { exitCode: number; finding?: ObserveFinding; head: number | undefined };

/** `verified`: the highest height whose hash it confirmed (C3/C4); `blockReceipts`: whether it answers eth_getBlockReceipts. */
type Node = { url: string; client: JsonRpcClient; verified: number } & ReceiptsMethod;

const HANDLED_TOPICS = new Set<string>([EVENT_TOPICS.BallotCreated, EVENT_TOPICS.VoteCast, EVENT_TOPICS.BallotClosed]);

export async function observe(opts: ObserveOptions): Promise<ObserveResult> {
  const print = opts.print ?? ((line: string) => console.log(line));
  if (opts.rpcUrls.length === 0) throw new TypeError("observe: at least one node URL is needed");
  const store = await MirrorStore.open(opts.dataDir);
  try {
    const meta = await openMeta(store, opts);
    const nodes: Node[] = [];
    for (const url of opts.rpcUrls) nodes.push({ url, client: nodeClient(url), verified: await store.nodeVerified(url) });
    const round = new Round(store, nodes, meta.ballotBox, BigInt(meta.chainId), opts.batchBlocks ?? 100, print);
    for (;;) {
      try {
        await round.run();
      } catch (error) {
        if (error instanceof ObserveFinding) {
          print(error.line);
          return { exitCode: error.exitCode, finding: error, head: (await store.cursor())?.number };
        }
        if (!(error instanceof NodeRequestError || error instanceof TypeError)) throw error;
        // A node that does not answer, or answers nonsense, proves nothing either way.
        print(`NODE ${error.message}`);
        if (opts.once) return { exitCode: OBSERVE_EXIT.UNREACHABLE, head: (await store.cursor())?.number };
      }
      if (opts.once || opts.signal?.aborted) return { exitCode: OBSERVE_EXIT.OK, head: (await store.cursor())?.number };
      await sleep(opts.pollMs ?? 1000, opts.signal);
      if (opts.signal?.aborted) return { exitCode: OBSERVE_EXIT.OK, head: (await store.cursor())?.number };
    }
  } finally {
    await store.close();
  }
}

async function openMeta(store: MirrorStore, opts: ObserveOptions) {
  const meta = await store.meta();
  const given = opts.ballotBox === undefined ? undefined : getAddress(opts.ballotBox);
  if (meta) {
    if (meta.format !== MIRROR_FORMAT) {
      const older = READABLE_MIRROR_FORMATS.includes(meta.format) ? " (urne recount still reads it)" : "";
      throw new TypeError(`${opts.dataDir} is a mirror of format ${meta.format}, this tool writes format ${MIRROR_FORMAT}: mirror again into a new directory${older}`);
    }
    if (given && given !== meta.ballotBox) throw new TypeError(`${opts.dataDir} mirrors ballot box ${meta.ballotBox}, not ${given}`);
    if (opts.chainId !== undefined && opts.chainId.toString() !== meta.chainId) throw new TypeError(`${opts.dataDir} mirrors chain ${meta.chainId}, not ${opts.chainId}`);
    return meta;
  }
  if (!given) throw new TypeError("--ballot-box is required to create a mirror");
  const chainId = opts.chainId ?? (await readChainId(nodeClient(opts.rpcUrls[0])));
  const created = { format: MIRROR_FORMAT, chainId: chainId.toString(), ballotBox: given };
  await store.setMeta(created);
  return created;
}

const stored = (b: BlockHeader): StoredHeader => ({ number: b.number, hash: b.hash, parentHash: b.parentHash, timestamp: Number(b.timestamp) });

/** One pass over every node: C1, C4, mirror from the first node (C2, C5-C7), C3 and C5-C6 on the others. */
class Round {
  constructor(
    private readonly store: MirrorStore,
    private readonly nodes: Node[],
    private readonly ballotBox: string,
    private readonly chainId: bigint,
    private readonly batchBlocks: number,
    private readonly print: (line: string) => void,
  ) {}

  async run(): Promise<void> {
    const heads = new Map<Node, number>();
    for (const node of this.nodes) {
      const id = await readChainId(node.client);
      if (id !== this.chainId) throw new ObserveFinding("C1", undefined, `WRONG-CHAIN C1 ${node.url} answers chain id ${id}, expected ${this.chainId}`, OBSERVE_EXIT.BROKEN_CHAIN);
      heads.set(node, await blockNumber(node.client));
    }
    // History a node already confirmed must not have changed (C4), before anything new is read.
    for (const node of this.nodes) await this.checkUnchanged(node, heads.get(node)!);
    // A first node new to this mirror must first agree with what the mirror holds (C3).
    await this.compare(this.nodes[0], heads.get(this.nodes[0])!);
    await this.mirror(this.nodes[0], heads.get(this.nodes[0])!);
    for (const node of this.nodes.slice(1)) await this.compare(node, heads.get(node)!);
  }

  /** C4: the node still tells the hashes it confirmed; a rewrite names the first changed height. */
  private async checkUnchanged(node: Node, head: number): Promise<void> {
    if (node.verified < 0) return;
    const top = Math.min(head, node.verified);
    const [now] = await this.read(node, top, top);
    const mirrored = (await this.store.header(top))!;
    if (now && now.hash === mirrored.hash) {
      if (head >= node.verified) return;
      const lost = (await this.store.header(head + 1))!;
      throw new ObserveFinding("C4", head + 1, `REWRITE C4 block ${head + 1} ${lost.hash} mirrored, confirmed by ${node.url}, which now ends at block ${head}`, OBSERVE_EXIT.REWRITE);
    }
    const first = await this.firstDifference(node, top);
    const [theirs] = await this.read(node, first, first);
    const ours = (await this.store.header(first))!;
    throw new ObserveFinding("C4", first, `REWRITE C4 block ${first} ${ours.hash} mirrored, confirmed by ${node.url} != ${theirs?.hash ?? "(none)"} now at ${node.url}`, OBSERVE_EXIT.REWRITE);
  }

  /**
   * The lowest height <= `top` where the node's hash differs from the mirror's, knowing it
   * differs at `top`. Hashes chain (C2), so histories agree up to a point and differ after
   * it: a binary search finds it in log2(top) reads.
   */
  private async firstDifference(node: Node, top: number): Promise<number> {
    let lo = 0, hi = top; // differs at hi; the answer is in [lo, hi]
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const [theirs] = await this.read(node, mid, mid);
      const ours = (await this.store.header(mid))!;
      if (theirs && theirs.hash === ours.hash) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The node's blocks `from..to`, each header checked against the hash the node declares (C6). */
  private async read(node: Node, from: number, to: number): Promise<(BlockHeader | undefined)[]> {
    const out = await blocks(node.client, from, to);
    for (const block of out) if (block) checkHeader(block, node.url);
    return out;
  }

  /**
   * Appends the first node's new blocks to the mirror, each checked (C2, C6), with the
   * ballot-box logs of its receipts (C7), which the node's eth_getLogs must repeat (C5).
   */
  private async mirror(node: Node, head: number): Promise<void> {
    let cursor = await this.store.cursor();
    while ((cursor?.number ?? -1) < head) {
      const from = (cursor?.number ?? -1) + 1;
      const to = Math.min(head, from + this.batchBlocks - 1);
      const batch = await this.read(node, from, to);
      let previous = cursor?.hash;
      const chain: BlockHeader[] = [];
      for (const [i, block] of batch.entries()) {
        if (!block) throw new NodeRequestError(node.url, "eth_getBlockByNumber", `block ${from + i} missing below the announced head ${head}`);
        if (previous !== undefined && block.parentHash !== previous) {
          // The node's block below may have been rewritten since it was mirrored: that is C4.
          if (i === 0) await this.checkUnchanged({ ...node, verified: from - 1 }, head);
          throw new ObserveFinding("C2", block.number, `BROKEN-CHAIN C2 block ${block.number} ${block.hash} at ${node.url} has parentHash ${block.parentHash}, but block ${block.number - 1} is ${previous}`, OBSERVE_EXIT.BROKEN_CHAIN);
        }
        previous = block.hash;
        chain.push(block);
      }
      // Asked together: a remote node answers one while the other travels (the embedded
      // chain serves one request at a time: no gain measured there, nor a loss).
      const [receipts, logs] = await Promise.all([receiptsOf(node.client, chain, node), logsByBlockHash(node.client, this.ballotBox, chain.map((b) => b.hash))]);
      const records = chain.map((block, i) => ({ header: stored(block), logs: logsFromReceipts(block, receipts[i], this.ballotBox, node.url) }));
      records.forEach((r, i) => checkLogs(r.header, logs[i], r.logs, this.ballotBox, node.url));
      const counters = await this.counters(node, records, records.at(-1)!.header);
      await this.store.append(records, counters);
      node.verified = to;
      await this.store.setNodeVerified(node.url, to);
      cursor = { number: to, hash: chain.at(-1)!.hash };
      if (records.some((r) => r.logs.length > 0) || to === head) this.print(`MIRRORED blocks ${from}..${to} (${records.reduce((n, r) => n + r.logs.length, 0)} ballot-box logs) from ${node.url}`);
    }
  }

  /** The contract's counters of each ballot these blocks touched, at the last of them (R3 from a mirror). */
  private async counters(node: Node, records: { logs: BlockLog[] }[], at: StoredHeader): Promise<Counters[]> {
    const ids = new Set<string>();
    for (const r of records) for (const log of r.logs) if (HANDLED_TOPICS.has(log.topics[0]) && log.topics[1]) ids.add(log.topics[1]);
    const out: Counters[] = [];
    for (const id of ids) {
      try {
        out.push(await readCounters(node.client, this.ballotBox, BigInt(id), at));
      } catch (error) {
        // The node answered with an error (a ballot the box does not know reverts): no
        // counters for it, which the recount's R3 reports. Unreachable is another matter.
        if (!(error instanceof NodeRequestError) || error.rpcCode === undefined) throw error;
        this.print(`COUNTERS ballot ${BigInt(id)} not readable at block ${at.number}: ${error.message}`);
      }
    }
    return out;
  }

  /**
   * C3: a node tells the mirror's hash at every height both have, and (C6) serves headers
   * that hash to it; C5: its eth_getLogs of those blocks are the mirror's logs. The
   * mirror's content was checked against the hash (C6, C7): the same hash is the same block.
   */
  private async compare(node: Node, head: number): Promise<void> {
    const cursor = await this.store.cursor();
    const top = Math.min(head, cursor?.number ?? -1);
    for (let from = node.verified + 1; from <= top; from += this.batchBlocks) {
      const to = Math.min(top, from + this.batchBlocks - 1);
      const [theirs, ours, logs] = await Promise.all([this.read(node, from, to), this.store.headers(from, to), this.store.logsOf(from, to)]);
      for (const [i, mine] of ours.entries()) {
        const other = theirs[i];
        if (!other || other.hash !== mine.hash) {
          const source = node === this.nodes[0] ? "the mirror" : this.nodes[0].url;
          throw new ObserveFinding("C3", mine.number, `DIVERGENCE C3 block ${mine.number} ${mine.hash} at ${source} != ${other?.hash ?? "(none)"} at ${node.url}`, OBSERVE_EXIT.DIVERGENCE);
        }
      }
      const answers = await logsByBlockHash(node.client, this.ballotBox, ours.map((h) => h.hash));
      ours.forEach((h, i) => checkLogs(h, answers[i], logs.get(h.number) ?? [], this.ballotBox, node.url));
      node.verified = to;
      await this.store.setNodeVerified(node.url, to);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
