// The native keccak and secp256k1 recovery the engine hands ethereumjs
// (server/chain/engine/native-crypto.ts) must answer exactly as ethereumjs' own JavaScript
// (@ethereumjs/util's ecrecover): same keys for valid signatures, a throw where it throws.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { ecrecover } from "@ethereumjs/util";
import { Wallet, hexlify, getBytes } from "ethers";
import { nativeEcrecover } from "../../../server/chain/engine/native-crypto.js";

const outcome = (f: () => Uint8Array) => {
  try {
    return hexlify(f());
  } catch {
    return "throws";
  }
};

describe("ethereumjs engine: native ecrecover", function () {
  it("recovers the same 64-byte keys as ethereumjs on random signatures, with and without a chain id", () => {
    for (let i = 0; i < 40; i++) {
      const wallet = new Wallet(hexlify(randomBytes(32)));
      const digest = randomBytes(32);
      const sig = wallet.signingKey.sign(digest);
      const r = getBytes(sig.r);
      const s = getBytes(sig.s);
      const chainId = 1970433637n;
      for (const [v, id] of [[BigInt(sig.v), undefined], [BigInt(sig.yParity), undefined], [BigInt(sig.yParity) + chainId * 2n + 35n, chainId]] as const) {
        const expected = outcome(() => ecrecover(digest, v, r, s, id));
        expect(expected).to.equal(hexlify(wallet.signingKey.publicKey).replace(/^0x04/, "0x"));
        expect(outcome(() => nativeEcrecover(digest, v, r, s, id))).to.equal(expected);
      }
    }
  });

  it("throws where ethereumjs throws: a v that is no recovery id, r or s zero or beyond the group order", () => {
    const digest = randomBytes(32);
    const sig = new Wallet(hexlify(randomBytes(32))).signingKey.sign(digest);
    const r = getBytes(sig.r);
    const s = getBytes(sig.s);
    const n = getBytes("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    const cases: [bigint, Uint8Array, Uint8Array, bigint | undefined][] = [
      [29n, r, s, undefined], [26n, r, s, undefined], [27n, new Uint8Array(32), s, undefined],
      [27n, r, new Uint8Array(32), undefined], [27n, n, s, undefined], [27n, r, n, undefined], [37n, r, s, 5n],
    ];
    for (const [v, rr, ss, id] of cases) {
      expect(outcome(() => ecrecover(digest, v, rr, ss, id))).to.equal("throws");
      expect(outcome(() => nativeEcrecover(digest, v, rr, ss, id))).to.equal("throws");
    }
  });
});
