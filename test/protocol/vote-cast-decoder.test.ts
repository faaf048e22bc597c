// protocol/vote-cast-decoder.node.ts reads VoteCast's canonical encoding by hand; on
// real logs it must give what protocol/events.ts gives, and on anything else (encodings
// solc never emits, truncated data) it must leave the verdict to decodeBallotBoxLog.
import { expect } from "chai";
import type { TransactionReceipt } from "ethers";
import { decodeBallotBoxLog, EVENT_TOPICS, type RawLog } from "../../protocol/events.js";
import { decodeVoteCast } from "../../protocol/vote-cast-decoder.node.js";
import { testBackends } from "../helpers/backends.js";
import { useBallotBoxFixture, voteArg, type BallotBoxFixture } from "../helpers/ballot-box-fixture.js";
import { rpcCall } from "../helpers/rpc.js";

const outcome = (f: () => unknown) => {
  try {
    return { value: f() };
  } catch (e) {
    return { code: (e as { code?: string }).code, message: (e as Error).message };
  }
};

for (const backend of testBackends()) {
  describe(`decodeVoteCast agrees with decodeBallotBoxLog (${backend.name})`, function () {
    this.timeout(120_000);
    const setup = useBallotBoxFixture(backend);
    let fx: BallotBoxFixture;
    let logs: RawLog[];

    before(async () => {
      ({ fx } = setup);
      // Payloads of 1, 2, 32, 33 and 64 bytes: one and several words, and word boundaries.
      const single = await fx.createBallot();
      const multiple = await fx.createBallot({ kind: 1, minChoices: 1, maxChoices: 2, options: ["A", "B", "C"] });
      const labels = (n: number) => Array.from({ length: n }, (_, i) => `C${i}`);
      const mj = [];
      for (const n of [32, 33, 64]) mj.push(await fx.createBallot({ kind: 2, options: labels(n) }));
      const votes = [
        await fx.signedVote(single, "0x02"),
        await fx.signedVote(multiple, "0x0002", { revision: 7 }),
        ...(await Promise.all(mj.map((b) => fx.signedVote(b, Uint8Array.from(b.params.options, (_, i) => i % 6), { revision: 4_294_967_295 })))),
      ];
      const receipt = (await (await fx.box.castVotes(votes.map(voteArg))).wait()) as TransactionReceipt;
      logs = ((await rpcCall(fx.rpcUrl, "eth_getTransactionReceipt", [receipt.hash])) as { logs: RawLog[] }).logs;
      expect(logs.filter((l) => l.topics[0] === EVENT_TOPICS.VoteCast)).to.have.length(5);
    });

    it("decodes real VoteCast logs to the same events", () => {
      for (const log of logs) expect(decodeVoteCast(log, fx.deployment.address)).to.deep.equal(decodeBallotBoxLog(log, fx.deployment.address));
    });

    it("leaves non-canonical and broken encodings to decodeBallotBoxLog: same event or same error", () => {
      const log = logs[1];
      const hex = log.data.slice(2);
      const variants: Record<string, string> = {
        "a trailing word": log.data + "00".repeat(32),
        "truncated": log.data.slice(0, 2 + 64 * 3),
        "non-zero padding after the payload": "0x" + hex.slice(0, 64 * 5) + hex.slice(64 * 5, 64 * 5 + 4) + "ff" + hex.slice(64 * 5 + 6),
        "upper-case hex": "0x" + hex.toUpperCase(),
        "revision above uint32": "0x" + "01" + hex.slice(2),
        "offsets swapped": "0x" + hex.slice(0, 64) + hex.slice(128, 192) + hex.slice(64, 128) + hex.slice(192),
      };
      for (const [what, data] of Object.entries(variants)) {
        const l = { ...log, data };
        expect(outcome(() => decodeVoteCast(l, fx.deployment.address)), what).to.deep.equal(outcome(() => decodeBallotBoxLog(l, fx.deployment.address)));
      }
      const dirtyTopic = { ...log, topics: [log.topics[0], log.topics[1], "0xff" + log.topics[2].slice(4)] };
      expect(outcome(() => decodeVoteCast(dirtyTopic, fx.deployment.address))).to.deep.equal(outcome(() => decodeBallotBoxLog(dirtyTopic, fx.deployment.address)));
    });
  });
}
