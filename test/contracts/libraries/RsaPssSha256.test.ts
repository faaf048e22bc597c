// RsaPssSha256 (PROTOCOL.md §3.2), through BallotBox.isTokenValid: the contract must accept
// exactly the tokens OpenSSL accepts (node:crypto.verify, RSA-PSS, SHA-256, saltLength 32).
// Besides random and tampered tokens, encodings that break one rule of RFC 8017 §9.1.2 at a
// time are built here independently of protocol/ and raised to the private exponent by raw RSA.
import { constants, createHash, randomBytes, randomInt, privateDecrypt, sign, verify, type KeyObject } from "node:crypto";
import { expect } from "chai";
import { getBytes } from "ethers";
import { testBackends, type TestChain } from "../../helpers/backends.js";
import { ballotBoxFixture, randomVoter, testIssuer, type BallotBoxFixture, type Issuer, type TestBallot } from "../../helpers/ballot-box-fixture.js";

const K = 256; // modulus bytes; emLen = 256, emBits = 2047
const sha256 = (...parts: Uint8Array[]) => createHash("sha256").update(Buffer.concat(parts)).digest();
const PSS = (key: KeyObject, saltLength = 32) => ({ key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
const openSslAccepts = (issuer: Issuer, message: Uint8Array, signature: Uint8Array) =>
  verify("sha256", message, PSS(issuer.privateKey), signature);

function mgf1(seed: Uint8Array, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let c = 0; blocks.length * 32 < length; c++) blocks.push(sha256(seed, Buffer.of(c >>> 24, (c >>> 16) & 255, (c >>> 8) & 255, c & 255)));
  return Buffer.concat(blocks).subarray(0, length);
}

type EncodingEdit = {
  salt?: Buffer;
  trailer?: number;
  separator?: number;
  /** XORed into DB before masking, at this index. */
  dbFlip?: [index: number, mask: number];
  /** Sets the top bit of EM (the bit emBits = 2047 requires to be zero). */
  topBit?: boolean;
  /** Replaces H (EM's hash field) after masking. */
  hash?: Buffer;
};

/** EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with SHA-256, emBits 2047, and one rule optionally broken. */
function encode(message: Uint8Array, edit: EncodingEdit = {}): Buffer {
  const salt = edit.salt ?? randomBytes(32);
  const h = sha256(Buffer.alloc(8), sha256(message), salt);
  const db = Buffer.concat([Buffer.alloc(K - 32 - 1 - salt.length - 1), Buffer.of(edit.separator ?? 0x01), salt]);
  if (edit.dbFlip) db[edit.dbFlip[0]] ^= edit.dbFlip[1];
  const mask = mgf1(h, db.length);
  const maskedDb = Buffer.from(db.map((b, i) => b ^ mask[i]));
  maskedDb[0] = edit.topBit ? maskedDb[0] | 0x80 : maskedDb[0] & 0x7f;
  return Buffer.concat([maskedDb, edit.hash ?? h, Buffer.of(edit.trailer ?? 0xbc)]);
}

/** s = EM^d mod n by raw RSA (OpenSSL), or undefined when EM >= n. */
function rawSign(issuer: Issuer, em: Buffer): Buffer | undefined {
  if (BigInt("0x" + em.toString("hex")) >= issuer.publicKey.n) return undefined;
  return privateDecrypt({ key: issuer.privateKey, padding: constants.RSA_NO_PADDING }, em);
}

const toBytes = (v: bigint) => Buffer.from(v.toString(16).padStart(2 * K, "0"), "hex");

for (const backend of testBackends()) {
  describe(`RsaPssSha256 against OpenSSL (${backend.name})`, function () {
    this.timeout(300_000);
    let chain: TestChain;
    let fx: BallotBoxFixture;
    let ballot: TestBallot;
    const issuer = () => ballot.issuer;

    before(async () => {
      chain = await backend.start();
      fx = await ballotBoxFixture(chain);
      ballot = await fx.createBallot();
    });
    after(async () => {
      fx?.destroy();
      await chain?.stop();
    });

    const message = async (voter: string) => getBytes(await fx.box.tokenMessage(ballot.id, voter));
    const contractAccepts = async (voter: string, signature: Uint8Array) => (await fx.box.isTokenValid(ballot.id, voter, signature)) as boolean;
    /** Both verdicts for one token; the test asserts they agree and returns the verdict. */
    const agree = async (voter: string, signature: Uint8Array): Promise<boolean> => {
      const ours = await contractAccepts(voter, signature);
      const openssl = signature.length === K && openSslAccepts(issuer(), await message(voter), signature);
      expect(ours, `contract ${ours}, OpenSSL ${openssl} for ${Buffer.from(signature).toString("hex")}`).to.equal(openssl);
      return ours;
    };

    it("accepts 64 tokens of random voters signed by OpenSSL, and rejects each with one byte changed", async () => {
      let accepted = 0;
      let tamperedAccepted = 0;
      for (let i = 0; i < 64; i++) {
        const voter = randomVoter().address;
        const token = sign("sha256", await message(voter), PSS(issuer().privateKey));
        if (await agree(voter, token)) accepted++;
        const tampered = Buffer.from(token);
        tampered[randomInt(K)] ^= 1 + randomInt(255);
        if (await agree(voter, tampered)) tamperedAccepted++;
      }
      expect([accepted, tamperedAccepted]).to.deep.equal([64, 0]);
    });

    it("agrees on tokens issued through blind signing (protocol/token)", async () => {
      for (let i = 0; i < 20; i++) {
        const voter = randomVoter().address;
        expect(await agree(voter, fx.issueToken(issuer(), ballot.id, voter))).to.equal(true);
      }
    });

    it("rejects a token under another key, for another message, or with another hash", async () => {
      const voter = randomVoter().address;
      const m = await message(voter);
      expect(await agree(voter, sign("sha256", m, PSS(testIssuer(1).privateKey)))).to.equal(false);
      expect(await agree(voter, sign("sha256", await message(randomVoter().address), PSS(issuer().privateKey)))).to.equal(false);
      expect(await agree(voter, sign("sha384", m, PSS(issuer().privateKey)))).to.equal(false);
      expect(await agree(voter, sign("sha256", m, { key: issuer().privateKey, padding: constants.RSA_PKCS1_PADDING }))).to.equal(false);
    });

    it("rejects OpenSSL PSS signatures with a salt length other than 32", async () => {
      const voter = randomVoter().address;
      for (const saltLength of [0, 20, 31, 33, 64, 190]) {
        expect(await agree(voter, sign("sha256", await message(voter), PSS(issuer().privateKey, saltLength))), `salt ${saltLength}`).to.equal(false);
      }
    });

    it("accepts a well-formed encoding built here (the reference for the broken ones below)", async () => {
      const voter = randomVoter().address;
      expect(await agree(voter, rawSign(issuer(), encode(await message(voter)))!)).to.equal(true);
      expect(await agree(voter, rawSign(issuer(), encode(await message(voter), { salt: Buffer.alloc(32) }))!)).to.equal(true);
    });

    const broken: [string, EncodingEdit, boolean?][] = [
      ["a trailer other than 0xbc", { trailer: 0xbd }],
      ["a zero trailer", { trailer: 0x00 }],
      ["the top bit of EM set", { topBit: true }],
      ["a nonzero byte at the start of PS", { dbFlip: [0, 0x01] }],
      ["the top bit of DB set (step 9 clears it: valid)", { dbFlip: [0, 0x80] }, true],
      ["a nonzero byte in the middle of PS", { dbFlip: [100, 0x40] }],
      ["a nonzero last byte of PS", { dbFlip: [189, 0x01] }],
      ["a 0x00 separator", { separator: 0x00 }],
      ["a 0x02 separator", { separator: 0x02 }],
      ["a 0x81 separator", { separator: 0x81 }],
      ["a 31-byte salt", { salt: randomBytes(31) }],
      ["a 33-byte salt", { salt: randomBytes(33) }],
      ["no salt", { salt: Buffer.alloc(0) }],
      ["a hash field that does not match the salt", { hash: randomBytes(32) }],
    ];
    for (const [what, edit, valid = false] of broken) {
      it(`${valid ? "accepts" : "rejects"}, as OpenSSL does, an encoding with ${what}`, async () => {
        let checked = 0;
        for (let i = 0; i < 5 || checked === 0; i++) {
          const voter = randomVoter().address;
          const s = rawSign(issuer(), encode(await message(voter), edit));
          if (!s) continue; // EM >= n has no signature (possible only with the top bit set)
          expect(await agree(voter, s)).to.equal(valid);
          checked++;
        }
      });
    }

    it("rejects the signature values 0, 1, n - 1, n, n + 1 and 2^2048 - 1, and random values", async () => {
      const voter = randomVoter().address;
      const n = issuer().publicKey.n;
      for (const s of [0n, 1n, n - 1n, n, n + 1n, (1n << 2048n) - 1n]) expect(await agree(voter, toBytes(s))).to.equal(false);
      for (let i = 0; i < 20; i++) expect(await agree(voter, randomBytes(K))).to.equal(false);
    });

    it("rejects signatures that are not 256 bytes, a valid one padded or cut included", async () => {
      const voter = randomVoter().address;
      const token = sign("sha256", await message(voter), PSS(issuer().privateKey));
      for (const bad of [Buffer.alloc(0), token.subarray(1), Buffer.concat([Buffer.alloc(1), token]), Buffer.concat([token, Buffer.alloc(1)])]) {
        expect(await contractAccepts(voter, bad)).to.equal(false);
      }
    });

    it("is false for an unknown ballot", async () => {
      const voter = randomVoter().address;
      const token = fx.issueToken(issuer(), ballot.id, voter);
      expect(await fx.box.isTokenValid(ballot.id + 1000n, voter, token)).to.equal(false);
    });
  });
}
