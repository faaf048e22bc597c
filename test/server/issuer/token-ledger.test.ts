import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Level } from "level";
import { IssuerError } from "../../../server/issuer/errors.js";
import { TokenLedger } from "../../../server/issuer/token-ledger.js";

const V1 = "1".repeat(64);
const V2 = "2".repeat(64);
const blinded = (byte: number) => new Uint8Array(256).fill(byte);

async function expectCode(action: Promise<unknown>, code: string): Promise<void> {
  let caught: unknown;
  try { await action; } catch (error) { caught = error; }
  expect(caught).to.be.instanceOf(IssuerError);
  expect((caught as IssuerError).code).to.equal(code);
}

describe("issuer: TokenLedger", () => {
  let dir: string;
  let db: Level<string, string>;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "urne-ledger-"));
    db = new Level<string, string>(dir);
    await db.open();
  });
  afterEach(async () => {
    if (db.status === "open") await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("records one blinded message per voter per ballot, repeats the same one, refuses another", async () => {
    const ledger = new TokenLedger(db);
    expect(await ledger.record(1n, V1, blinded(1))).to.equal("recorded");
    expect(await ledger.record(1n, V1, blinded(1))).to.equal("repeated");
    await expectCode(ledger.record(1n, V1, blinded(2)), "ERR_TOKEN_ALREADY_ISSUED");
    expect(await ledger.record(2n, V1, blinded(2))).to.equal("recorded");
    expect(await ledger.record(1n, V2, blinded(3))).to.equal("recorded");
    expect(await ledger.issuedCount(1n)).to.equal(2);
    expect(await ledger.issuedCount(2n)).to.equal(1);
    // Ballot 1 and ballot 10 share a decimal prefix: the ranges must not overlap.
    expect(await ledger.issuedCount(10n)).to.equal(0);
  });

  it("survives a restart: a reopened database still refuses a second token", async () => {
    await new TokenLedger(db).record(7n, V1, blinded(1));
    await db.close();
    db = new Level<string, string>(dir);
    await db.open();
    await expectCode(new TokenLedger(db).record(7n, V1, blinded(9)), "ERR_TOKEN_ALREADY_ISSUED");
  });

  it("works in a JSON sublevel of a JSON database, as the API store hands it over, kept apart from the rest", async () => {
    await db.close();
    const json = new Level<string, unknown>(dir, { valueEncoding: "json" });
    await json.open();
    try {
      const ledger = new TokenLedger(json.sublevel<string, unknown>("issuer-ledger", { valueEncoding: "json" }));
      expect(await ledger.record(1n, V1, blinded(1))).to.equal("recorded");
      expect(await ledger.record(1n, V1, blinded(1))).to.equal("repeated");
      await expectCode(ledger.record(1n, V1, blinded(2)), "ERR_TOKEN_ALREADY_ISSUED");
      await json.put("t:1:" + V2, { unrelated: true });
      expect(await ledger.issuedCount(1n)).to.equal(1);
    } finally {
      await json.close();
    }
  });

  it("closes a ballot for good, counting records in flight", async () => {
    const ledger = new TokenLedger(db);
    const inFlight = [ledger.record(3n, V1, blinded(1)), ledger.record(3n, V2, blinded(2))];
    const count = ledger.close(3n);
    const outcomes = await Promise.allSettled(inFlight);
    const recorded = outcomes.filter((o) => o.status === "fulfilled").length;
    expect(await count).to.equal(recorded);
    await expectCode(ledger.record(3n, "3".repeat(64), blinded(3)), "ERR_BALLOT_CLOSED");
    expect(await ledger.issuedCount(3n)).to.equal(recorded);
  });

  it("refuses caller misuse with a TypeError", async () => {
    const ledger = new TokenLedger(db);
    for (const action of [() => ledger.record(1n, "not-a-key", blinded(1)), () => ledger.record(-1n, V1, blinded(1))]) {
      let caught: unknown;
      try { await action(); } catch (error) { caught = error; }
      expect(caught).to.be.instanceOf(TypeError);
    }
  });
});
