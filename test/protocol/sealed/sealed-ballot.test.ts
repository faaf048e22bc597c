// Sealing and checking sealed ballots (protocol/sealed/): what a voter seals opens, with the
// election secret, to exactly the one-hot cells of the choice, and the cells add up to
// counts; both verifiers (@noble/curves, libsecp256k1) accept every honest ballot and give
// the same verdict, code and field on every altered one; each proof is bound to its kind,
// its context and its statement.
import { randomInt } from "node:crypto";
import { expect } from "chai";
import { BallotKind, MJ_GRADE_COUNT, type BallotRules } from "../../../protocol/ballot.js";
import type { Choice } from "../../../protocol/payload.js";
import { electionKeyHash, sealedContext, type SealedContextInput } from "../../../protocol/sealed/ballot-context.js";
import { PROOF_DOMAIN } from "../../../protocol/sealed/challenge.js";
import { addCiphertexts } from "../../../protocol/sealed/elgamal.js";
import { G, Point, encodePoint, pointFromUncompressed, randomScalar } from "../../../protocol/sealed/group.js";
import { verifyMembership } from "../../../protocol/sealed/membership-proof.js";
import { encodePayload } from "../../../protocol/payload.js";
import { cellValues, CELL_VALUES, countsOfCells, sealedLayout } from "../../../protocol/sealed/sealed-layout.js";
import { sealBallot, verifySealedBallot } from "../../../protocol/sealed/sealed-ballot.js";
import { decodeSealedPayload } from "../../../protocol/sealed/sealed-payload.js";
import { verifySealedBallotNative } from "../../../protocol/sealed/verify-sealed.node.js";

const x = randomScalar();
const Y = G.multiply(x);
const keyBytes = encodePoint(Y);
const keyHash = electionKeyHash(keyBytes, "0x" + "11".repeat(32));
const VOTER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const ctxInput = (rules: BallotRules, over: Partial<SealedContextInput> = {}): SealedContextInput =>
  ({ chainId: 1970433637n, ballotBox: "0x5FbDB2315678afecb367f032d93F642f64180aa3", ballotId: 4n, electionKeyHash: keyHash, rules, voter: VOTER, ...over });

const RULES: Record<string, BallotRules> = {
  single: { kind: BallotKind.SingleChoice, optionCount: 3, minChoices: 0, maxChoices: 0 },
  multiple: { kind: BallotKind.MultipleChoice, optionCount: 4, minChoices: 1, maxChoices: 3 },
  judgment: { kind: BallotKind.MajorityJudgment, optionCount: 2, minChoices: 0, maxChoices: 0 },
};

function randomChoice(rules: BallotRules): Choice {
  switch (rules.kind) {
    case BallotKind.SingleChoice: return { kind: BallotKind.SingleChoice, option: randomInt(rules.optionCount) };
    case BallotKind.MultipleChoice: {
      const count = rules.minChoices + randomInt(rules.maxChoices - rules.minChoices + 1);
      const options = [...Array(rules.optionCount).keys()].sort(() => Math.random() - 0.5).slice(0, count);
      return { kind: BallotKind.MultipleChoice, options };
    }
    default: return { kind: BallotKind.MajorityJudgment, grades: Array.from({ length: rules.optionCount }, () => randomInt(MJ_GRADE_COUNT)) };
  }
}

/** The plaintext of a ciphertext holding a small number, with the election secret. */
function decryptSmall(c: { A: typeof G; B: typeof G }, max: number): number {
  const M = c.B.subtract(c.A.multiply(x));
  for (let m = 0; m <= max; m++) if (m === 0 ? M.is0() : M.equals(G.multiply(BigInt(m)))) return m;
  throw new Error("not a small plaintext");
}

const verdict = (run: () => unknown) => {
  try {
    run();
    return "valid";
  } catch (error) {
    const e = error as { code?: string; field?: string };
    if (!e.code) throw error;
    return `${e.code} ${e.field}`;
  }
};

describe("sealed ballots: seal, verify, open", function () {
  this.timeout(120_000);

  for (const [name, rules] of Object.entries(RULES)) {
    it(`${name}: honest ballots pass both verifiers and open to the choice's one-hot cells`, () => {
      for (let i = 0; i < 3; i++) {
        const choice = randomChoice(rules);
        const context = sealedContext(ctxInput(rules));
        const sealed = sealBallot({ context, electionKey: Y, rules, choice });
        expect(sealed.payload.length).to.equal(sealedLayout(rules).bytes);
        const decoded = verifySealedBallot({ context, electionKey: Y, rules, payload: sealed.payload });
        const native = verifySealedBallotNative({ context, electionKey: keyBytes, rules, payload: sealed.payload });
        // The native verifier's cells, uncompressed, are the very points the JavaScript one read.
        expect(native).to.have.length(decoded.cells.length);
        native.forEach((c, k) => {
          expect(pointFromUncompressed(c.A).equals(decoded.cells[k].A), `cell ${k} A`).to.equal(true);
          expect(pointFromUncompressed(c.B).equals(decoded.cells[k].B), `cell ${k} B`).to.equal(true);
        });
        expect(decoded.cells.map((c) => decryptSmall(c, 1))).to.deep.equal(cellValues(rules, choice));
        expect(sealed.opening.map((o) => o.value)).to.deep.equal(cellValues(rules, choice));
      }
    });
  }

  it("reads a point handed over uncompressed only if it is one, on the curve", () => {
    const bytes = G.multiply(randomScalar()).toBytes(false);
    expect(pointFromUncompressed(bytes).toBytes(true)).to.deep.equal(Uint8Array.from(Buffer.from(encodePoint(Point.fromBytes(bytes)))));
    const off = Uint8Array.from(bytes);
    off[64] ^= 1; // y no longer matches x
    expect(() => pointFromUncompressed(off)).to.throw();
    expect(() => pointFromUncompressed(bytes.subarray(0, 64))).to.throw(TypeError);
    expect(() => pointFromUncompressed(G.toBytes(true))).to.throw(TypeError);
  });

  it("adds up: the sum of many ballots' cells opens to the counts of their choices", () => {
    const rules = RULES.single;
    const context = sealedContext(ctxInput(rules));
    const counts = [0, 0, 0];
    const ballots = Array.from({ length: 12 }, () => {
      const choice = randomChoice(rules) as { option: number };
      counts[choice.option]++;
      return decodeSealedPayload(rules, sealBallot({ context, electionKey: Y, rules, choice: { kind: BallotKind.SingleChoice, option: choice.option } }).payload);
    });
    const totals = [0, 1].map((k) => decryptSmall(addCiphertexts(ballots.map((b) => b.cells[k])), 12));
    expect(totals).to.deep.equal(counts.slice(0, 2)); // option 2 has no cell (§11.2)
    expect(countsOfCells(rules, totals, 12)).to.deep.equal(counts);
  });

  it("leaves out a one-hot group's last value (§11.2): sizes per kind, and the counts given back whole", () => {
    const layout = (kind: BallotKind, optionCount: number, minChoices = 0, maxChoices = 0) => sealedLayout({ kind, optionCount, minChoices, maxChoices });
    const sizes = (l: ReturnType<typeof sealedLayout>) => [l.cells, l.sums.map((s) => s.values.length), l.bytes];
    expect(sizes(layout(BallotKind.SingleChoice, 2))).to.deep.equal([1, [], 163]); // one cell, no sum to prove
    expect(sizes(layout(BallotKind.SingleChoice, 3))).to.deep.equal([2, [2], 1 + 2 * 162 + 96]);
    expect(sizes(layout(BallotKind.MultipleChoice, 5, 1, 3))).to.deep.equal([5, [3], 1 + 5 * 162 + 3 * 48]);
    expect(sizes(layout(BallotKind.MajorityJudgment, 10))).to.deep.equal([50, Array(10).fill(2), 1 + 50 * 162 + 10 * 96]);
    for (const rules of Object.values(RULES)) {
      for (let i = 0; i < 5; i++) {
        const choice = randomChoice(rules);
        const oneHot = new Array<number>(rules.kind === BallotKind.MajorityJudgment ? rules.optionCount * MJ_GRADE_COUNT : rules.optionCount).fill(0);
        for (const [index, chosen] of encodePayload(rules, choice).entries()) oneHot[rules.kind === BallotKind.MajorityJudgment ? index * MJ_GRADE_COUNT + chosen : chosen] = 1;
        expect(countsOfCells(rules, cellValues(rules, choice), 1)).to.deep.equal(oneHot);
      }
    }
    // Cell counts above the ballots counted are not a tally of them: no negative count is made up.
    expect(() => countsOfCells(RULES.single, [2, 1], 2)).to.throw(RangeError, "counts 0..1 add up to 3, more than the 2 ballots counted");
    expect(countsOfCells(RULES.single, [2, 0], 2)).to.deep.equal([2, 0, 0]);
  });

  it("seals the same choice twice to different bytes (fresh randomness: a ballot reveals nothing by equality)", () => {
    const rules = RULES.single;
    const context = sealedContext(ctxInput(rules));
    const choice: Choice = { kind: BallotKind.SingleChoice, option: 2 };
    const [a, b] = [sealBallot({ context, electionKey: Y, rules, choice }), sealBallot({ context, electionKey: Y, rules, choice })];
    expect(a.tracker).not.to.equal(b.tracker);
  });

  it("binds every proof to the chain, the BallotBox, the ballot, the key, the rules and the voter", () => {
    const rules = RULES.multiple;
    const sealed = sealBallot({ context: sealedContext(ctxInput(rules)), electionKey: Y, rules, choice: { kind: BallotKind.MultipleChoice, options: [1] } });
    const others: Partial<SealedContextInput>[] = [
      { chainId: 31337n }, { ballotBox: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" }, { ballotId: 5n },
      { electionKeyHash: electionKeyHash(keyBytes, "0x" + "22".repeat(32)) }, { voter: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" },
      { rules: { ...rules, maxChoices: 4 } },
    ];
    for (const over of others) {
      const context = sealedContext(ctxInput(rules, over));
      expect(verdict(() => verifySealedBallot({ context, electionKey: Y, rules, payload: sealed.payload })), JSON.stringify(over, (_k, v) => (typeof v === "bigint" ? v.toString() : v)))
        .to.equal("ERR_INVALID_BALLOT_PROOF payload.cellProofs[0]");
    }
  });

  it("keeps each proof to its kind: a cell's proof does not pass as a sum's", () => {
    const rules = RULES.single;
    const context = sealedContext(ctxInput(rules));
    const sealed = sealBallot({ context, electionKey: Y, rules, choice: { kind: BallotKind.SingleChoice, option: 0 } });
    const decoded = decodeSealedPayload(rules, sealed.payload);
    const statement = { context, electionKey: Y, ciphertext: decoded.cells[0], values: CELL_VALUES };
    expect(verifyMembership({ ...statement, domain: PROOF_DOMAIN.cell }, decoded.cellProofs[0])).to.equal(true);
    expect(verifyMembership({ ...statement, domain: PROOF_DOMAIN.sum }, decoded.cellProofs[0])).to.equal(false);
    // Nor for another set: {0, 1} proved, {1, 0} asked (the set is part of the statement).
    expect(verifyMembership({ ...statement, domain: PROOF_DOMAIN.cell, values: [1n, 0n] }, decoded.cellProofs[0])).to.equal(false);
  });

  it("gives the same verdict, code and field from both verifiers on 60 ballots with one byte changed", () => {
    const rules = RULES.judgment;
    const context = sealedContext(ctxInput(rules));
    const sealed = sealBallot({ context, electionKey: Y, rules, choice: randomChoice(rules) });
    const seen = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const payload = sealed.payload.slice();
      const at = randomInt(payload.length);
      payload[at] ^= 1 << randomInt(8);
      const js = verdict(() => verifySealedBallot({ context, electionKey: Y, rules, payload }));
      const native = verdict(() => verifySealedBallotNative({ context, electionKey: keyBytes, rules, payload }));
      expect(native, `byte ${at}`).to.equal(js);
      expect(js, `byte ${at}`).not.to.equal("valid");
      seen.add(js.split(" ")[0]);
    }
    expect([...seen].sort()).to.deep.equal(["ERR_INVALID_BALLOT_PROOF", "ERR_INVALID_PAYLOAD"]);
  });
});
