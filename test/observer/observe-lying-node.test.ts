// `urne observe` against a node that lies behind honest block hashes (PROTOCOL.md §9.1
// C5-C7): a proxy in front of a real node drops, adds or alters a VoteCast log, shifts a
// block's time, or serves a header that does not hash to its hash, placed FIRST (the node
// mirrored, an honest node second) and SECOND (after an honest first node). Each lie ends
// the run with its named step and exit 5, and the mirror never holds what the liar said.
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { EVENT_TOPICS } from "../../protocol/events.js";
import { receiptsRoot } from "../../protocol/audit/receipts-root.js";
import { run } from "../../observer/cli/observe.js";
import { MirrorStore } from "../../observer/mirror/mirror-store.js";
import { ballotBoxFixture, voteArg, type BallotBoxFixture } from "../helpers/ballot-box-fixture.js";
import { rpcCall } from "../helpers/rpc.js";
import { changeOneChar } from "../protocol/audit/proof-helpers.js";
import { observedChains, type ObservedChain } from "./observed-chains.js";
import { lieAboutBlock, lieAboutLogs, lies, startLyingNode, type Lie } from "../helpers/lying-node.js";
import { runCli } from "./run-cli.js";

type Json = Record<string, any>;

for (const backend of observedChains()) {
  describe(`urne observe and a lying node (${backend.name})`, function () {
    this.timeout(90_000);
    let chain: ObservedChain;
    let fx: BallotBoxFixture;
    const dirs: string[] = [];
    /** The block of three votes the liars lie about, as the honest node serves it. */
    let block: Json;
    let receipts: Json[];
    /** Its second VoteCast log (eth_getLogs), the one the liars drop, copy or alter. */
    let target: Json;
    let logsAt: Json[];

    before(async () => {
      chain = await backend.start();
      fx = await ballotBoxFixture(chain);
      const ballot = await fx.createBallot();
      const votes = await Promise.all([0, 1, 2].map((o) => fx.signedVote(ballot, Uint8Array.of(o))));
      const receipt = (await (await fx.box.castVotes(votes.map(voteArg))).wait())!;
      await chain.transact(1); // a block after it: the lie is not at the head
      block = (await rpcCall(chain.rpcUrl, "eth_getBlockByNumber", ["0x" + receipt.blockNumber.toString(16), false])) as Json;
      receipts = await Promise.all(block.transactions.map((h: string) => rpcCall(chain.rpcUrl, "eth_getTransactionReceipt", [h]))) as Json[];
      logsAt = (await rpcCall(chain.rpcUrl, "eth_getLogs", [{ blockHash: block.hash, address: fx.deployment.address }])) as Json[];
      target = logsAt.filter((l) => l.topics[0] === EVENT_TOPICS.VoteCast)[1];
      expect(target, "the block's second VoteCast").to.not.equal(undefined);
    });
    after(async () => {
      fx?.destroy();
      try {
        await chain?.stop();
      } finally {
        for (const d of dirs) await rm(d, { recursive: true, force: true });
      }
    });

    const n = () => Number(block.number);
    const at = () => `block ${n()} ${block.hash}`;
    const index = () => Number(target.logIndex);
    const isTarget = (log: Json) => log.transactionHash === target.transactionHash && Number(log.logIndex) === index();
    const newDir = async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), "urne-mirror-"));
      dirs.push(dir);
      return dir;
    };
    const withMirror = async <T>(dir: string, f: (m: MirrorStore) => Promise<T>) => {
      const m = await MirrorStore.open(dir);
      try {
        return await f(m);
      } finally {
        await m.close();
      }
    };
    /** Runs `urne observe --once` with the liar first or second; the lines and what the mirror holds of the lied-about block. */
    const observeWith = async (lie: Lie, position: "first" | "second", opts: { refuse?: string[] } = {}) => {
      const liar = await startLyingNode(chain.rpcUrl, lie, opts);
      try {
        const dir = await newDir();
        const rpc = position === "first" ? `${liar.rpcUrl},${chain.rpcUrl}` : `${chain.rpcUrl},${liar.rpcUrl}`;
        const r = await runCli(run, ["--rpc", rpc, "--data", dir, "--ballot-box", fx.deployment.address, "--once"]);
        const mirrored = await withMirror(dir, async (m) => {
          let logs: Json[] | undefined;
          for await (const b of m.logs(n())) if (b.number === n()) logs = b.logs;
          return { header: await m.header(n()), logs };
        });
        return { ...r, liar: liar.rpcUrl, mirrored };
      } finally {
        await liar.close();
      }
    };
    /** The mirror holds block n as the honest node serves it (the liar second), or not at all (the liar first). */
    const expectHonestOrNothing = (mirrored: { header?: Json; logs?: Json[] }, position: "first" | "second") => {
      if (position === "first") {
        expect(mirrored.header, "block mirrored from the liar").to.equal(undefined);
        expect(mirrored.logs).to.equal(undefined);
        return;
      }
      expect(mirrored.header!.timestamp).to.equal(Number(block.timestamp));
      expect(mirrored.logs!.map((l) => [l.logIndex, l.data, l.topics])).to.deep.equal(logsAt.map((l) => [Number(l.logIndex), l.data.toLowerCase(), l.topics]));
    };

    const dropTarget = (log: Json) => (isTarget(log) ? undefined : log);
    const ADDED_INDEX = 1024;
    const addAfterTarget = (log: Json) => (isTarget(log) ? [log, { ...log, logIndex: "0x" + ADDED_INDEX.toString(16) }] : log);
    const alterTarget = (log: Json) => (isTarget(log) ? { ...log, data: changeOneChar(log.data, 200) } : log);

    /** The C7 line of a liar first: its receipts do not hash to the (honest) receiptsRoot. */
    const badReceipts = (liar: string) => new RegExp(`^BAD-RECEIPTS C7 ${at()} at ${liar}: its receipts hash to 0x[0-9a-f]{64}, its header's receiptsRoot is ${block.receiptsRoot}$`);
    const badHeader = (liar: string) => new RegExp(`^BAD-HEADER C6 ${at()} at ${liar}: its header fields hash to 0x[0-9a-f]{64}$`);

    type Expected = (liar: string) => RegExp | string;
    const cases: { lie: string; make: () => Lie; first: [string, Expected]; second: [string, Expected] }[] = [
      {
        lie: "(a) drops one VoteCast log from eth_getLogs and from its receipts",
        make: () => lieAboutLogs(dropTarget),
        first: ["C7 BAD-RECEIPTS", badReceipts],
        second: ["C5 BAD-LOGS", (liar) => `BAD-LOGS C5 ${at()} at ${liar}: eth_getLogs lacks log ${index()} of the block's receipts`],
      },
      {
        lie: "(b) adds a log (a copy of a vote) to eth_getLogs and to its receipts",
        make: () => lieAboutLogs(addAfterTarget),
        first: ["C7 BAD-RECEIPTS", badReceipts],
        second: ["C5 BAD-LOGS", (liar) => `BAD-LOGS C5 ${at()} at ${liar}: eth_getLogs adds log ${ADDED_INDEX}, which the block's receipts do not hold`],
      },
      {
        lie: "(c) alters one character of a log's data in eth_getLogs and in its receipts",
        make: () => lieAboutLogs(alterTarget),
        first: ["C7 BAD-RECEIPTS", badReceipts],
        second: ["C5 BAD-LOGS", (liar) => `BAD-LOGS C5 ${at()} at ${liar}: eth_getLogs alters log ${index()}: its data differ from the block's receipts`],
      },
      {
        lie: "(d) shifts the block's timestamp by an hour, keeping its hash",
        make: () => lieAboutBlock(n(), (b) => ({ ...b, timestamp: "0x" + (BigInt(b.timestamp) + 3600n).toString(16) })),
        first: ["C6 BAD-HEADER", badHeader],
        second: ["C6 BAD-HEADER", badHeader],
      },
      {
        lie: "(e) drops a log everywhere and serves a receiptsRoot that matches, in a header that no longer hashes to its hash",
        make: () => {
          const forged = receipts.map((r) => ({ ...r, logs: r.logs.filter((l: Json) => !isTarget(l)) }));
          return lies(lieAboutLogs(dropTarget), lieAboutBlock(n(), (b) => ({ ...b, receiptsRoot: receiptsRoot(forged) })));
        },
        first: ["C6 BAD-HEADER", badHeader],
        second: ["C6 BAD-HEADER", badHeader],
      },
    ];

    for (const position of ["first", "second"] as const) {
      describe(`the liar ${position}`, () => {
        for (const c of cases) {
          const [step, line] = position === "first" ? c.first : c.second;
          it(`${c.lie}: ${step}, exit 5`, async () => {
            const r = await observeWith(c.make(), position);
            expect(r.code, r.out.join("\n")).to.equal(5);
            const expected = line(r.liar);
            if (typeof expected === "string") expect(r.out.at(-1)).to.equal(expected);
            else expect(r.out.at(-1)).to.match(expected);
            expectHonestOrNothing(r.mirrored, position);
          });
        }
      });
    }

    it("C5: a first node whose eth_getLogs alone lacks a log (its receipts honest) is caught, and nothing of the block is mirrored", async () => {
      const r = await observeWith(lieAboutLogs(dropTarget, { receipts: false }), "first");
      expect(r.code, r.out.join("\n")).to.equal(5);
      expect(r.out.at(-1)).to.equal(`BAD-LOGS C5 ${at()} at ${r.liar}: eth_getLogs lacks log ${index()} of the block's receipts`);
      expectHonestOrNothing(r.mirrored, "first");
    });

    it("C7: a node that hides a block's transactions (no receipts asked) is caught by the non-empty receiptsRoot", async () => {
      const r = await observeWith(lies(lieAboutBlock(n(), (b) => ({ ...b, transactions: [] })), lieAboutLogs(() => undefined, { receipts: false })), "first");
      expect(r.code, r.out.join("\n")).to.equal(5);
      expect(r.out.at(-1)).to.equal(`BAD-RECEIPTS C7 ${at()} at ${r.liar}: no transactions, but receiptsRoot ${block.receiptsRoot}, not the empty trie's`);
    });

    it("C7: a node that withholds the receipt of a transaction the block lists is caught", async () => {
      const withheld = target.transactionHash;
      const r = await observeWith((method, params, result) => {
        if (method === "eth_getTransactionReceipt" && params[0] === withheld) return null;
        if (method === "eth_getBlockReceipts" && Array.isArray(result)) return result.filter((x: Json) => x.transactionHash !== withheld);
        return result;
      }, "first");
      expect(r.code, r.out.join("\n")).to.equal(5);
      // Both nodes answer eth_getBlockReceipts (the per-transaction path has its own test below).
      expect(r.out.at(-1)).to.equal(`BAD-RECEIPTS C7 ${at()} at ${r.liar}: ${block.transactions.length - 1} receipts for ${block.transactions.length} transactions`);
    });

    it("reads a node without eth_getBlockReceipts transaction by transaction, and checks those receipts as well", async () => {
      const ok = await observeWith((_m, _p, result) => result, "first", { refuse: ["eth_getBlockReceipts"] });
      expect(ok.code, ok.out.join("\n")).to.equal(0);
      expectHonestOrNothing(ok.mirrored, "second");
      const r = await observeWith(lieAboutLogs(alterTarget, { logs: false }), "first", { refuse: ["eth_getBlockReceipts"] });
      expect(r.code, r.out.join("\n")).to.equal(5);
      expect(r.out.at(-1)).to.match(badReceipts(r.liar));
    });
  });
}
