// The ethereumjs engine's genesis holds EDR's system accounts byte for byte
// (server/chain/engine/system-contracts.ts): compared with what EDR's public
// l1GenesisState gives for each hardfork the engine builds.
import { expect } from "chai";
import { createRequire } from "node:module";
import { systemAccounts } from "../../../server/chain/engine/system-contracts.js";
import { ENGINE_HARDFORKS } from "../../../server/chain/engine/chain-common.js";

const edr = createRequire(import.meta.url)("@nomicfoundation/edr");
const EDR_NAMES: Record<string, string> = { cancun: edr.CANCUN, prague: edr.PRAGUE };
const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}`;

describe("ethereumjs engine: EDR's system accounts", function () {
  for (const hardfork of ENGINE_HARDFORKS) {
    it(`${hardfork}: the same addresses and codes as EDR's genesis, no balance, nonce or storage`, () => {
      const state = edr.l1GenesisState(edr.l1HardforkFromString(EDR_NAMES[hardfork])) as { address: Uint8Array; balance: bigint; nonce: bigint; code: Uint8Array; storage: unknown[] }[];
      for (const account of state) {
        expect(account.balance).to.equal(0n);
        expect(account.nonce).to.equal(0n);
        expect(account.storage).to.deep.equal([]);
      }
      expect(systemAccounts(hardfork)).to.deep.equal(state.map((a) => ({ address: hex(a.address), code: hex(a.code) })));
    });
  }

  it("knows no system accounts for a hardfork it does not build", () => {
    expect(() => systemAccounts("osaka")).to.throw(/no system accounts/);
  });
});
