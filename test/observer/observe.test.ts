// `urne observe` against real nodes (both backends): the mirror, resuming, following, and
// each check of PROTOCOL.md §9.1 failing on a real divergence, rewrite or lie.
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { keccak256, toUtf8Bytes } from "ethers";
import { decodeBallotBoxLog, type VoteCastEvent } from "../../protocol/events.js";
import { headerHash } from "../../protocol/audit/block-header.js";
import { run } from "../../observer/cli/observe.js";
import { observe } from "../../observer/observe.js";
import { MirrorStore } from "../../observer/mirror/mirror-store.js";
import { ballotBoxFixture, voteArg, type BallotBoxFixture, type TestBallot } from "../helpers/ballot-box-fixture.js";
import { getBlock, until } from "../chain/transfers.js";
import { observedChains, transfer, type ObservedChain } from "./observed-chains.js";
import { startLyingNode } from "../helpers/lying-node.js";
import { runCli } from "./run-cli.js";

for (const backend of observedChains()) {
  describe(`urne observe (${backend.name})`, function () {
    this.timeout(90_000);
    let chain: ObservedChain;
    let fx: BallotBoxFixture;
    let ballot: TestBallot;
    const dirs: string[] = [];

    before(async () => {
      chain = await backend.start();
      fx = await ballotBoxFixture(chain);
      ballot = await fx.createBallot();
    });
    after(async () => {
      fx?.destroy();
      try {
        await chain?.stop();
      } finally {
        for (const d of dirs) await rm(d, { recursive: true, force: true });
      }
    });

    const newDir = async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), "urne-mirror-"));
      dirs.push(dir);
      return dir;
    };
    const castVotes = async (options: number[]) => {
      const votes = await Promise.all(options.map((o) => fx.signedVote(ballot, Uint8Array.of(o))));
      const receipt = await (await fx.box.castVotes(votes.map(voteArg))).wait();
      return { votes, blockNumber: receipt!.blockNumber as number };
    };
    const observeOnce = (rpc: string, dir: string, ...more: string[]) =>
      runCli(run, ["--rpc", rpc, "--data", dir, "--ballot-box", fx.deployment.address, "--once", ...more]);
    const hashAt = async (rpc: string, n: number) => (await getBlock(rpc, n))!.hash;
    const withMirror = async <T>(dir: string, f: (m: MirrorStore) => Promise<T>) => {
      const m = await MirrorStore.open(dir);
      try {
        return await f(m);
      } finally {
        await m.close();
      }
    };
    const mirroredVotes = (dir: string) => withMirror(dir, async (m) => {
      const votes: VoteCastEvent[] = [];
      for await (const block of m.logs()) {
        for (const log of block.logs) {
          const e = decodeBallotBoxLog({ ...log, address: fx.deployment.address, blockNumber: block.number, blockHash: block.hash }, fx.deployment.address);
          if (e?.event === "VoteCast") votes.push(e);
        }
      }
      return votes;
    });

    it("mirrors every block header and ballot-box log, then resumes after the last mirrored block", async () => {
      const { votes } = await castVotes([0, 1, 2]);
      const dir = await newDir();
      const first = await observeOnce(chain.rpcUrl, dir);
      expect(first.code, first.out.join("\n")).to.equal(0);
      const head = await chain.head();
      await withMirror(dir, async (m) => {
        expect(await m.cursor()).to.deep.equal({ number: head, hash: await hashAt(chain.rpcUrl, head) });
        for (const h of await m.headers(0, head)) expect(h.hash, `block ${h.number}`).to.equal(await hashAt(chain.rpcUrl, h.number));
      });
      expect((await mirroredVotes(dir)).map((e) => e.vote.voter)).to.deep.equal(votes.map((v) => v.voter));

      const more = await castVotes([1, 1]);
      const second = await runCli(run, ["--rpc", chain.rpcUrl, "--data", dir, "--once"]);
      expect(second.code, second.out.join("\n")).to.equal(0);
      expect(second.out.find((l) => l.startsWith("MIRRORED"))).to.match(new RegExp(`^MIRRORED blocks ${head + 1}\\.\\.${await chain.head()} `));
      expect((await mirroredVotes(dir)).map((e) => e.vote.voter)).to.deep.equal([...votes, ...more.votes].map((v) => v.voter));
    });

    it("follows new blocks until stopped, and exits 0", async () => {
      const dir = await newDir();
      const lines: string[] = [];
      const stop = new AbortController();
      const running = observe({ rpcUrls: [chain.rpcUrl], dataDir: dir, ballotBox: fx.deployment.address, pollMs: 20, signal: stop.signal, print: (l) => lines.push(l) });
      await until("first pass", async () => (lines.length > 0 ? true : undefined));
      const { blockNumber } = await castVotes([2]);
      await until("the vote's block mirrored", async () => (lines.some((l) => Number(/^MIRRORED blocks \d+\.\.(\d+)/.exec(l)?.[1]) >= blockNumber) ? true : undefined));
      stop.abort();
      const result = await running;
      expect(result.exitCode).to.equal(0);
      expect(result.head).to.be.at.least(blockNumber);
    });

    it("C1: refuses a node on another chain id", async () => {
      const r = await observeOnce(chain.rpcUrl, await newDir(), "--chain-id", "1");
      expect(r.code).to.equal(5);
      expect(r.out).to.include(`WRONG-CHAIN C1 ${chain.rpcUrl} answers chain id 31337, expected 1`);
    });

    it("C2: reports a block whose parentHash is not the hash of the block before it", async () => {
      // A consistent forgery: the header's hash is that of its fields (C6 passes), its parent is not block 1.
      const forged = keccak256(toUtf8Bytes("not the parent"));
      const forge = (block: object) => {
        const header = { ...block, parentHash: forged };
        return { ...header, hash: headerHash(header) };
      };
      const liar = await startLyingNode(chain.rpcUrl, (method, params, result) =>
        method === "eth_getBlockByNumber" && params[0] === "0x2" ? forge(result as object) : result);
      try {
        const r = await observeOnce(liar.rpcUrl, await newDir());
        expect(r.code).to.equal(5);
        const forgedHash = forge((await getBlock(chain.rpcUrl, 2))!).hash;
        expect(r.out).to.include(`BROKEN-CHAIN C2 block 2 ${forgedHash} at ${liar.rpcUrl} has parentHash ${forged}, but block 1 is ${await hashAt(chain.rpcUrl, 1)}`);
      } finally {
        await liar.close();
      }
    });

    it("C5: reports a log given for a block that names another block", async () => {
      const created = ballot.receipt.blockNumber;
      const other = await hashAt(chain.rpcUrl, created - 1);
      const liar = await startLyingNode(chain.rpcUrl, (method, _params, result) =>
        method === "eth_getLogs" && Array.isArray(result) && result.length > 0 && Number(BigInt(result[0].blockNumber)) === created
          ? [{ ...result[0], blockHash: other }, ...result.slice(1)] : result);
      try {
        const r = await observeOnce(liar.rpcUrl, await newDir());
        expect(r.code).to.equal(5);
        expect(r.out.find((l) => l.startsWith("FOREIGN-LOG"))).to.equal(`FOREIGN-LOG C5 block ${created} ${await hashAt(chain.rpcUrl, created)} at ${liar.rpcUrl}: log 0 claims block ${created} ${other} of ${fx.deployment.address.toLowerCase()}`);
      } finally {
        await liar.close();
      }
    });

    it("C3: two nodes that agree pass; once their histories differ, reports the first block that differs, naming both nodes", async () => {
      const twin = await chain.twin();
      try {
        const dir = await newDir();
        const agreed = await observeOnce(`${chain.rpcUrl},${twin.rpcUrl}`, dir);
        expect(agreed.code, agreed.out.join("\n")).to.equal(0);
        const fork = await chain.head();
        await chain.transact(1, "0x0000000000000000000000000000000000000001");
        await transfer(twin.rpcUrl, 1, "0x0000000000000000000000000000000000000002");
        const [a, b] = [await hashAt(chain.rpcUrl, fork + 1), await hashAt(twin.rpcUrl, fork + 1)];
        expect(a).to.not.equal(b);
        const r = await runCli(run, ["--rpc", chain.rpcUrl, "--rpc", twin.rpcUrl, "--data", dir, "--once"]);
        expect(r.code).to.equal(3);
        expect(r.out).to.include(`DIVERGENCE C3 block ${fork + 1} ${a} at ${chain.rpcUrl} != ${b} at ${twin.rpcUrl}`);
        // A new mirror started from the other node sees the same divergence the other way.
        const reverse = await observeOnce(`${twin.rpcUrl},${chain.rpcUrl}`, await newDir());
        expect(reverse.code).to.equal(3);
        expect(reverse.out).to.include(`DIVERGENCE C3 block ${fork + 1} ${b} at ${twin.rpcUrl} != ${a} at ${chain.rpcUrl}`);
      } finally {
        await twin.stop();
      }
    });

    it("C4: reports a node whose mirrored history was rewritten, naming the first rewritten block, and keeps the mirror as it was", async () => {
      const checkpoint = await chain.checkpoint();
      const kept = await chain.head();
      await castVotes([0]);
      await chain.transact(2, "0x0000000000000000000000000000000000000003");
      const dir = await newDir();
      expect((await observeOnce(chain.rpcUrl, dir)).code).to.equal(0);
      const mirroredHead = await chain.head();
      const mirrored = await hashAt(chain.rpcUrl, kept + 1);

      await chain.rewrite(checkpoint);
      expect(await chain.head()).to.equal(kept);
      const shorter = await observeOnce(chain.rpcUrl, dir);
      expect(shorter.code).to.equal(4);
      expect(shorter.out).to.include(`REWRITE C4 block ${kept + 1} ${mirrored} mirrored, confirmed by ${chain.rpcUrl}, which now ends at block ${kept}`);

      await chain.transact(1, "0x0000000000000000000000000000000000000004");
      const rewritten = await hashAt(chain.rpcUrl, kept + 1);
      expect(rewritten).to.not.equal(mirrored);
      const r = await observeOnce(chain.rpcUrl, dir);
      expect(r.code).to.equal(4);
      expect(r.out).to.include(`REWRITE C4 block ${kept + 1} ${mirrored} mirrored, confirmed by ${chain.rpcUrl} != ${rewritten} now at ${chain.rpcUrl}`);
      await withMirror(dir, async (m) => {
        expect((await m.header(kept + 1))!.hash).to.equal(mirrored);
        expect((await m.cursor())!.number).to.equal(mirroredHead);
      });
    });

    it("following, stops with exit 4 when the node rewrites history under it", async () => {
      const checkpoint = await chain.checkpoint();
      const kept = await chain.head();
      await chain.transact(1, "0x0000000000000000000000000000000000000005");
      const lines: string[] = [];
      const running = observe({ rpcUrls: [chain.rpcUrl], dataDir: await newDir(), ballotBox: fx.deployment.address, pollMs: 20, print: (l) => lines.push(l) });
      const mirrored = await hashAt(chain.rpcUrl, kept + 1);
      await until("caught up", async () => (lines.some((l) => Number(/^MIRRORED blocks \d+\.\.(\d+)/.exec(l)?.[1]) >= kept + 1) ? true : undefined));
      await chain.rewrite(checkpoint);
      await chain.transact(1, "0x0000000000000000000000000000000000000006");
      const result = await running;
      expect(result.exitCode).to.equal(4);
      expect(lines.at(-1)).to.match(new RegExp(`^REWRITE C4 block ${kept + 1} ${mirrored} mirrored`));
    });
  });
}
