// The ethereumjs engine's genesis holds EDR's system accounts byte for byte
// (server/chain/engine/system-contracts.ts): compared with what EDR's public
// l1GenesisState gave for each hardfork the engine builds, recorded before EDR was removed
// (test/vectors/edr-answers.json, systemAccounts).
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { systemAccounts } from "../../../server/chain/engine/system-contracts.js";
import { ENGINE_HARDFORKS } from "../../../server/chain/engine/chain-common.js";

type RecordedAccount = { address: string; balance: string; nonce: string; code: string; storage: number };
const recorded = (JSON.parse(readFileSync(path.join(import.meta.dirname, "..", "..", "vectors", "edr-answers.json"), "utf8")) as { systemAccounts: Record<string, RecordedAccount[]> }).systemAccounts;

describe("ethereumjs engine: EDR's system accounts", function () {
  for (const hardfork of ENGINE_HARDFORKS) {
    it(`${hardfork}: the same addresses and codes as EDR's genesis, no balance, nonce or storage`, () => {
      const state = recorded[hardfork];
      expect(state, `EDR's ${hardfork} genesis was recorded`).to.have.length.above(0);
      for (const account of state) {
        expect(account.balance).to.equal("0");
        expect(account.nonce).to.equal("0");
        expect(account.storage).to.equal(0);
      }
      expect(systemAccounts(hardfork)).to.deep.equal(state.map((a) => ({ address: a.address, code: a.code })));
    });
  }

  it("knows no system accounts for a hardfork it does not build", () => {
    expect(() => systemAccounts("osaka")).to.throw(/no system accounts/);
  });
});
