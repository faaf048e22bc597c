import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { generateIssuerKey } from "../../../protocol/node.js";
import { openPrivateKey, sealPrivateKey } from "../../../server/keys/private-key-vault.js";

describe("server/ballots/issuer-key-vault", function () {
  this.timeout(20_000);
  const masterKey = randomBytes(32);
  const { privateKey } = generateIssuerKey();

  it("opens what it sealed, under the same key id", () => {
    const sealed = sealPrivateKey(masterKey, "k1", privateKey);
    expect(sealed.alg).to.equal("A256GCM");
    expect(openPrivateKey(masterKey, "k1", sealed).equals(privateKey)).to.equal(true);
  });

  it("refuses a sealed key moved to another id (the id is associated data)", () => {
    expect(() => openPrivateKey(masterKey, "k2", sealPrivateKey(masterKey, "k1", privateKey))).to.throw();
  });

  it("refuses another master key and an altered ciphertext", () => {
    const sealed = sealPrivateKey(masterKey, "k1", privateKey);
    expect(() => openPrivateKey(randomBytes(32), "k1", sealed)).to.throw();
    const bytes = Buffer.from(sealed.ciphertext, "base64url");
    bytes[10] ^= 1;
    expect(() => openPrivateKey(masterKey, "k1", { ...sealed, ciphertext: bytes.toString("base64url") })).to.throw();
  });

  it("uses a fresh IV per seal", () => {
    expect(sealPrivateKey(masterKey, "k1", privateKey).iv).not.to.equal(sealPrivateKey(masterKey, "k1", privateKey).iv);
  });
});
