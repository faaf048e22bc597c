// The voter's EIP-712 signature over its ballot (PROTOCOL.md §4).
import { expect } from "chai";
import { Signature, TypedDataEncoder, Wallet, keccak256, toUtf8Bytes, AbiCoder, concat } from "ethers";
import { ErrorCode, recoverVoter, signVote, voteDigest, voteDomain, VOTE_TYPES, type VoteInput } from "../../protocol/index.js";
import { keccak256Bytes } from "../../protocol/keccak.node.js";
import { expectUrneError, expectUrneErrorAsync } from "./helpers.js";

const BOX = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

describe("vote", () => {
  const voter = new Wallet(keccak256(toUtf8Bytes("vote test voter")));
  const vote: VoteInput = { chainId: 31337n, ballotBox: BOX, ballotId: 3n, revision: 2, payload: "0x0102" };

  it("digest is the EIP-712 hash computed independently from the spec's type string", () => {
    const coder = AbiCoder.defaultAbiCoder();
    const domainSeparator = keccak256(coder.encode(
      ["bytes32", "bytes32", "bytes32", "uint256", "address"],
      [keccak256(toUtf8Bytes("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")),
        keccak256(toUtf8Bytes("urne")), keccak256(toUtf8Bytes("1")), 31337n, BOX],
    ));
    const structHash = keccak256(coder.encode(
      ["bytes32", "uint256", "uint32", "bytes32"],
      [keccak256(toUtf8Bytes("Vote(uint256 ballotId,uint32 revision,bytes payload)")), 3n, 2, keccak256("0x0102")],
    ));
    const expected = keccak256(concat(["0x1901", domainSeparator, structHash]));
    expect(voteDigest(vote)).to.equal(expected);
    expect(TypedDataEncoder.hash(voteDomain(31337n, BOX), VOTE_TYPES, { ballotId: 3n, revision: 2, payload: "0x0102" })).to.equal(expected);
  });

  it("digest is ethers' TypedDataEncoder.hash on random votes, with either keccak", () => {
    for (let i = 0; i < 100; i++) {
      const p: VoteInput = {
        chainId: BigInt(1 + i) * 7919n, ballotBox: Wallet.createRandom().address, ballotId: i === 0 ? (1n << 256n) - 1n : BigInt(i * 1_000_003),
        revision: i === 1 ? 0xffff_ffff : i, payload: "0x" + "ab".repeat(i % 70),
      };
      const oracle = TypedDataEncoder.hash(voteDomain(p.chainId, p.ballotBox), VOTE_TYPES, { ballotId: p.ballotId, revision: p.revision, payload: p.payload });
      expect(voteDigest(p)).to.equal(oracle);
      expect(voteDigest(p, keccak256Bytes)).to.equal(oracle);
    }
  });

  it("refuses a ballot box with a wrong checksum even once the right spelling was hashed", () => {
    expect(voteDigest(vote)).to.match(/^0x[0-9a-f]{64}$/);
    const at = BOX.search(/[a-fA-F]/);
    const wrong = BOX.slice(0, at) + (BOX[at] === BOX[at].toUpperCase() ? BOX[at].toLowerCase() : BOX[at].toUpperCase()) + BOX.slice(at + 1);
    for (const keccak of [undefined, keccak256Bytes]) expectUrneError(() => voteDigest({ ...vote, ballotBox: wrong }, keccak), ErrorCode.ERR_INVALID_ADDRESS, "ballotBox");
  });

  it("signVote and recoverVoter round-trip, with a 65-byte signature, v in {27, 28} and low s", async () => {
    for (let i = 0; i < 20; i++) {
      const w = Wallet.createRandom();
      const p = { ...vote, revision: i, payload: Uint8Array.of(i) };
      const sig = await signVote(w, p);
      expect(sig).to.match(/^0x[0-9a-f]{130}$/);
      const v = Number.parseInt(sig.slice(130), 16);
      expect([27, 28]).to.include(v);
      expect(BigInt("0x" + sig.slice(66, 130)) <= N / 2n).to.equal(true);
      expect(recoverVoter(p, sig)).to.equal(w.address);
    }
  });

  describe("a tampered vote recovers another address", () => {
    let sig: string;
    before(async () => (sig = await signVote(voter, vote)));
    for (const [what, patch] of [
      ["another payload", { payload: "0x0103" }],
      ["another revision", { revision: 3 }],
      ["another ballot", { ballotId: 4n }],
      ["another chain id", { chainId: 1n }],
      ["another contract", { ballotBox: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" }],
    ] as const) {
      it(what, () => {
        expect(recoverVoter(vote, sig)).to.equal(voter.address);
        let recovered: string | undefined;
        try {
          recovered = recoverVoter({ ...vote, ...patch }, sig);
        } catch (e) {
          // A digest whose signature has no valid key is refused outright: also a rejection.
          expect(e).to.have.property("code", ErrorCode.ERR_INVALID_SIGNATURE);
        }
        expect(recovered).to.not.equal(voter.address);
      });
    }
  });

  describe("recoverVoter rejects with ERR_INVALID_SIGNATURE, field voterSignature", () => {
    let sig: string;
    before(async () => (sig = await signVote(voter, vote)));
    const body = () => sig.slice(2, 130);
    const v = () => Number.parseInt(sig.slice(130), 16);

    it("the high-s twin of a valid signature (OpenZeppelin refuses it)", () => {
      const s = Signature.from(sig);
      const high = s.r + (N - BigInt(s.s)).toString(16).padStart(64, "0") + (v() === 27 ? "1c" : "1b");
      expectUrneError(() => recoverVoter(vote, high), ErrorCode.ERR_INVALID_SIGNATURE, "voterSignature");
    });
    it("v = 0 or 1", () => {
      expectUrneError(() => recoverVoter(vote, "0x" + body() + (v() - 27).toString(16).padStart(2, "0")), ErrorCode.ERR_INVALID_SIGNATURE, "voterSignature");
    });
    it("a 64-byte compact signature (EIP-2098)", () => {
      expectUrneError(() => recoverVoter(vote, Signature.from(sig).compactSerialized), ErrorCode.ERR_INVALID_SIGNATURE, "voterSignature");
    });
    it("66 bytes", () => expectUrneError(() => recoverVoter(vote, sig + "00"), ErrorCode.ERR_INVALID_SIGNATURE, "voterSignature"));
    it("r = 0 or s = 0", () => {
      expectUrneError(() => recoverVoter(vote, "0x" + "00".repeat(32) + sig.slice(66)), ErrorCode.ERR_INVALID_SIGNATURE, "voterSignature");
      expectUrneError(() => recoverVoter(vote, sig.slice(0, 66) + "00".repeat(32) + sig.slice(130)), ErrorCode.ERR_INVALID_SIGNATURE, "voterSignature");
    });
    it("an r that is no curve point's x coordinate", () => {
      // x = 5 is not on secp256k1 (5^3 + 7 = 132 is not a square mod p).
      const r = (5n).toString(16).padStart(64, "0");
      expectUrneError(() => recoverVoter(vote, "0x" + r + sig.slice(66)), ErrorCode.ERR_INVALID_SIGNATURE, "voterSignature");
    });
    it("bad hex", () => expectUrneError(() => recoverVoter(vote, "0x12g4"), ErrorCode.ERR_INVALID_HEX, "voterSignature"));
  });

  describe("rejects malformed vote fields naming them", () => {
    for (const [patch, code, field] of [
      [{ revision: -1 }, ErrorCode.ERR_INVALID_INTEGER, "revision"],
      [{ revision: 2 ** 32 }, ErrorCode.ERR_INVALID_INTEGER, "revision"],
      [{ revision: 1.5 }, ErrorCode.ERR_INVALID_INTEGER, "revision"],
      [{ ballotId: -1n }, ErrorCode.ERR_INVALID_INTEGER, "ballotId"],
      [{ chainId: 0n }, ErrorCode.ERR_INVALID_INTEGER, "chainId"],
      [{ ballotBox: "0x00" }, ErrorCode.ERR_INVALID_ADDRESS, "ballotBox"],
      [{ payload: "0x1" }, ErrorCode.ERR_INVALID_HEX, "payload"],
    ] as const) {
      it(`${field} = ${String((patch as Record<string, unknown>)[field])}`, async () => {
        expectUrneError(() => voteDigest({ ...vote, ...patch }), code, field);
        await expectUrneErrorAsync(signVote(voter, { ...vote, ...patch }), code, field);
      });
    }
  });

  it("refuses a signer that returns a high-s signature", async () => {
    const sloppy = {
      async signTypedData(...args: Parameters<Wallet["signTypedData"]>) {
        const s = Signature.from(await voter.signTypedData(...args));
        return s.r + (N - BigInt(s.s)).toString(16).padStart(64, "0") + (s.v === 27 ? "1c" : "1b");
      },
    };
    await expectUrneErrorAsync(signVote(sloppy, vote), ErrorCode.ERR_INVALID_SIGNATURE, "voterSignature");
  });
});
