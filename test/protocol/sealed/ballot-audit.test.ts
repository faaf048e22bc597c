// The Benaloh challenge (protocol/sealed/ballot-audit.ts, `urne audit-ballot`): an honest
// widget's audit file passes A1-A4; a widget that sealed another choice than the one it
// shows is caught (A4), as is a file whose randomness, tracker or voter was changed.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { BallotKind, type BallotRules } from "../../../protocol/ballot.js";
import type { Choice } from "../../../protocol/payload.js";
import { ballotAudit, checkBallotAudit, parseBallotAudit, serializeBallotAudit, type BallotAudit } from "../../../protocol/sealed/ballot-audit.js";
import { electionKeyHash, sealedContext } from "../../../protocol/sealed/ballot-context.js";
import { G, encodePoint, randomScalar } from "../../../protocol/sealed/group.js";
import { sealBallot } from "../../../protocol/sealed/sealed-ballot.js";
import { trackerText } from "../../../protocol/sealed/tracker.js";
import { runUrne } from "../../helpers/urne-cli.js";

const Y = G.multiply(randomScalar());
const keyHash = electionKeyHash(encodePoint(Y), "0x" + randomBytes(32).toString("hex"));
const rules: BallotRules = { kind: BallotKind.MajorityJudgment, optionCount: 3, minChoices: 0, maxChoices: 0 };
const where = { chainId: 1970433637n, ballotBox: "0x5FbDB2315678afecb367f032d93F642f64180aa3", ballotId: 3n, voter: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" };

/** What a widget seals for `sealedChoice` and shows as `shownChoice` in its audit file. */
function audit(sealedChoice: Choice, shownChoice: Choice = sealedChoice): BallotAudit {
  const context = sealedContext({ ...where, electionKeyHash: keyHash, rules });
  const sealed = sealBallot({ context, electionKey: Y, rules, choice: sealedChoice });
  return parseBallotAudit(serializeBallotAudit(ballotAudit({ ...where, electionKey: Y, electionKeyHash: keyHash, rules, choice: shownChoice, sealed })));
}

const failure = (a: BallotAudit) => {
  try {
    checkBallotAudit(a);
    return "passed";
  } catch (error) {
    return `${(error as { code: string }).code} ${(error as { field: string }).field}`;
  }
};

describe("sealed ballots: the Benaloh challenge (audit/2)", function () {
  this.timeout(60_000);
  const choice: Choice = { kind: BallotKind.MajorityJudgment, grades: [4, 0, 2] };

  it("passes an honest widget's audit file, round-tripped through its text", () => {
    expect(checkBallotAudit(audit(choice))).to.deep.include({ choice });
  });

  it("catches a widget that sealed another choice than the one shown (A4)", () => {
    expect(failure(audit({ kind: BallotKind.MajorityJudgment, grades: [4, 0, 3] }, choice))).to.match(/^ERR_AUDIT_MISMATCH randomness\[\d+\]$/);
  });

  it("catches changed randomness (A4), tracker (A2) and voter (A3)", () => {
    const a = audit(choice);
    expect(failure({ ...a, randomness: a.randomness.map((r, k) => (k === 5 ? "0x" + "11".repeat(32) : r)) })).to.equal("ERR_AUDIT_MISMATCH randomness[5]");
    expect(failure({ ...a, tracker: "0x" + "22".repeat(32) })).to.equal("ERR_AUDIT_MISMATCH tracker");
    expect(failure({ ...a, voter: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" })).to.equal("ERR_INVALID_BALLOT_PROOF payload.cellProofs[0]");
  });

  it("parses strictly (A1): unknown, missing or malformed fields are named", () => {
    const text = serializeBallotAudit(audit(choice));
    const parse = (change: (o: Record<string, unknown>) => void) => {
      const o = JSON.parse(text);
      change(o);
      try {
        parseBallotAudit(JSON.stringify(o));
        return "parsed";
      } catch (error) {
        return `${(error as { code: string }).code} ${(error as { field: string }).field}`;
      }
    };
    expect(parse(() => {})).to.equal("parsed");
    expect(parse((o) => (o.extra = 1))).to.equal("ERR_INVALID_AUDIT extra");
    expect(parse((o) => delete o.randomness)).to.equal("ERR_INVALID_AUDIT randomness");
    expect(parse((o) => (o.urne = "audit/1"))).to.equal("ERR_INVALID_AUDIT urne");
    expect(parse((o) => (o.tracker = "0x1234"))).to.equal("ERR_INVALID_AUDIT tracker");
    expect(parse((o) => ((o.choice as { kind: number }).kind = 0))).to.equal("ERR_INVALID_AUDIT choice");
    expect(() => parseBallotAudit("not json")).to.throw("audit is not JSON");
  });

  it("shows a tracker as 16 Crockford base32 characters of its first 80 bits", () => {
    // keccak256("") = c5d246..., its first 10 bytes in base32 computed apart (Python, by hand).
    expect(trackerText("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")).to.equal("RQ94-C0C6-YWHK-S4KY");
    expect(trackerText("0x" + "00".repeat(32))).to.equal("0000-0000-0000-0000");
    expect(trackerText("0x" + "ff".repeat(32))).to.equal("ZZZZ-ZZZZ-ZZZZ-ZZZZ");
  });

  it("is the `urne audit-ballot` command: exit 0 for an honest file, 1 naming the failed check, 2 without a file", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "urne-audit-"));
    try {
      const honest = path.join(dir, "honest.json");
      await writeFile(honest, serializeBallotAudit(audit(choice)));
      const ok = await runUrne(["audit-ballot", honest]);
      expect(ok.code, ok.stderr).to.equal(0);
      expect(ok.stdout).to.match(/^ok: ballot [0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4} of ballot 3 encrypts grades 4, 0, 2 \(A1-A4\)/);
      const cheat = path.join(dir, "cheat.json");
      await writeFile(cheat, serializeBallotAudit(audit({ kind: BallotKind.MajorityJudgment, grades: [0, 0, 2] }, choice)));
      const bad = await runUrne(["audit-ballot", cheat]);
      expect(bad.code).to.equal(1);
      expect(bad.stdout).to.match(/^FAIL ERR_AUDIT_MISMATCH randomness\[\d+\]: cell \d+ does not encrypt/);
      expect((await runUrne(["audit-ballot"])).code).to.equal(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
