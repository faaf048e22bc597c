// test/vectors/sealed-v2.json (scripts/make-sealed-vectors.ts) against both verifiers: the
// file re-derives bit for bit; every valid ballot passes the @noble/curves verifier and
// the libsecp256k1 one; every invalid ballot gets, from both, the same code and field.
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { sealedContext } from "../../../protocol/sealed/ballot-context.js";
import { decodePoint } from "../../../protocol/sealed/group.js";
import { verifySealedBallot } from "../../../protocol/sealed/sealed-ballot.js";
import { verifySealedBallotNative } from "../../../protocol/sealed/verify-sealed.node.js";
import { parseHex } from "../../../protocol/hex.js";
import { makeSealedVectors, SEALED_VECTORS_FILE, type SealedVector } from "../../../scripts/make-sealed-vectors.js";

const file = JSON.parse(readFileSync(SEALED_VECTORS_FILE, "utf8")) as ReturnType<typeof makeSealedVectors>;

function inputs(v: SealedVector) {
  const context = sealedContext({ ...v.context, chainId: BigInt(v.context.chainId), ballotId: BigInt(v.context.ballotId), rules: v.rules });
  const keyBytes = parseHex(v.electionKey, "electionKey");
  return { context, rules: v.rules, payload: parseHex(v.payload, "payload"), keyBytes, electionKey: decodePoint(keyBytes, "electionKey") };
}

const outcome = (run: () => unknown) => {
  try {
    run();
    return "valid";
  } catch (error) {
    const e = error as { code?: string; field?: string; message: string };
    if (!e.code) throw error;
    return `${e.code} ${e.field}`;
  }
};

describe("sealed ballot vectors (test/vectors/sealed-v2.json)", () => {
  it("re-derive exactly from scripts/make-sealed-vectors.ts", () => {
    expect(JSON.parse(JSON.stringify(makeSealedVectors()))).to.deep.equal(file);
  });

  it("cover the three kinds and every way of being wrong the protocol names", () => {
    expect(new Set(file.vectors.filter((v) => !v.invalid).map((v) => v.rules.kind))).to.deep.equal(new Set([0, 1, 2]));
    expect(file.vectors.filter((v) => v.invalid).length).to.be.at.least(15);
  });

  for (const v of file.vectors) {
    const expected = v.invalid ? `${v.invalid.code} ${v.invalid.field}` : "valid";
    it(`${v.name}: ${v.invalid ? `${expected} (${v.invalid.why})` : "valid"}, from both verifiers`, () => {
      const i = inputs(v);
      expect(outcome(() => verifySealedBallot({ context: i.context, electionKey: i.electionKey, rules: i.rules, payload: i.payload })), "@noble/curves").to.equal(expected);
      expect(outcome(() => verifySealedBallotNative({ context: i.context, electionKey: i.keyBytes, rules: i.rules, payload: i.payload })), "libsecp256k1").to.equal(expected);
    });
  }
});
