// BallotBox.castVote reverts (PROTOCOL.md §6.2): one negative test per attack, each asserting the
// custom error and its arguments, in the order of the checks; votes are built with the production
// protocol module, then altered.
import { expect } from "chai";
import { Wallet, ZeroAddress, getBytes, hexlify, isError, type Contract } from "ethers";
import { blind, finalize, recoverVoter, signVote, toHex, tokenMessage } from "../../../protocol/index.js";
import { blindSign } from "../../../protocol/node.js";
import { testBackends } from "../../helpers/backends.js";
import { randomVoter, testIssuer, voteArg, type BallotBoxFixture, type TestBallot } from "../../helpers/ballot-box-fixture.js";
import { useCastVoteBallots } from "./cast-vote-ballots.js";


for (const backend of testBackends()) {
  describe(`BallotBox.castVote reverts (${backend.name})`, function () {
    this.timeout(180_000);
    const { ctx, cast, rejects, state } = useCastVoteBallots(backend);
    let fx: BallotBoxFixture, single: TestBallot, singleRevote: TestBallot, multiple: TestBallot, mj: TestBallot;
    before(() => ({ fx, single, singleRevote, multiple, mj } = ctx));

    describe("on the ballot", () => {
      it("if the ballot does not exist", async () => {
        const id = ((await fx.box.ballotCount()) as bigint) + 1n;
        const vote = await fx.signedVote({ ...single, id }, "0x00");
        await rejects(vote, "BallotBoxUnknownBallot", [id]);
      });

      it("if the ballot is not open yet", async () => {
        const t = await fx.now();
        const b = await fx.createBallot({ opensAt: t + 3600n, closesAt: t + 7200n });
        await rejects(await fx.signedVote(b, "0x00"), "BallotBoxNotOpenYet", [b.id, t + 3600n]);
      });

      it("if the ballot is closed by time", async () => {
        const t = await fx.now();
        const b = await fx.createBallot({ opensAt: t - 7200n, closesAt: t - 1n });
        await rejects(await fx.signedVote(b, "0x00"), "BallotBoxClosed", [b.id, t - 1n, 0n]);
      });

      it("if the ballot was closed early by its organizer", async () => {
        const b = await fx.createBallot();
        const vote = await fx.signedVote(b, "0x00");
        const receipt = await (await (fx.box.connect(fx.organizer) as Contract).closeBallot(b.id, 10n)).wait();
        const closedAt = BigInt((await fx.provider.getBlock(receipt!.blockNumber))!.timestamp);
        await rejects(vote, "BallotBoxClosed", [b.id, b.params.closesAt, closedAt]);
      });
    });

    describe("on the voter address (one token, one vote)", () => {
      it("if the address already voted and revoting is not allowed, whatever the revision", async () => {
        const voter = randomVoter();
        await cast(await fx.signedVote(single, "0x00", { voter }));
        await rejects(await fx.signedVote(single, "0x00", { voter }), "BallotBoxAlreadyVoted", [single.id, voter.address]);
        await rejects(await fx.signedVote(single, "0x01", { voter, revision: 1 }), "BallotBoxAlreadyVoted", [single.id, voter.address]);
      });

      it("if a revote does not raise the revision", async () => {
        const voter = randomVoter();
        await cast(await fx.signedVote(singleRevote, "0x00", { voter, revision: 3 }));
        await rejects(await fx.signedVote(singleRevote, "0x01", { voter, revision: 3 }),
          "BallotBoxStaleRevision", [singleRevote.id, voter.address, 3n, 3n]);
        await rejects(await fx.signedVote(singleRevote, "0x01", { voter, revision: 2 }),
          "BallotBoxStaleRevision", [singleRevote.id, voter.address, 2n, 3n]);
      });

      it("if the same signed vote is replayed", async () => {
        const vote = await fx.signedVote(singleRevote, "0x01");
        await cast(vote);
        await rejects(vote, "BallotBoxStaleRevision", [singleRevote.id, vote.voter, 0n, 0n]);
      });
    });

    describe("on the payload (PROTOCOL.md §5)", () => {
      const bad: [string, () => TestBallot, string, string, unknown[]][] = [
        ["a single choice of 0 bytes", () => single, "0x", "BallotBoxInvalidPayloadLength", [0n, 1n, 1n]],
        ["a single choice of 2 bytes", () => single, "0x0001", "BallotBoxInvalidPayloadLength", [2n, 1n, 1n]],
        ["a single choice out of range", () => single, "0x03", "BallotBoxInvalidPayloadByte", [0n, 3n]],
        ["a single choice of 0xff", () => single, "0xff", "BallotBoxInvalidPayloadByte", [0n, 255n]],
        ["a multiple choice below minChoices", () => multiple, "0x01", "BallotBoxInvalidPayloadLength", [1n, 2n, 3n]],
        ["a multiple choice above maxChoices", () => multiple, "0x00010203", "BallotBoxInvalidPayloadLength", [4n, 2n, 3n]],
        ["a multiple choice with an option out of range", () => multiple, "0x0106", "BallotBoxInvalidPayloadByte", [1n, 6n]],
        ["a multiple choice repeating an option", () => multiple, "0x0101", "BallotBoxInvalidPayloadByte", [1n, 1n]],
        ["a multiple choice out of order", () => multiple, "0x000302", "BallotBoxInvalidPayloadByte", [2n, 2n]],
        ["a majority judgment missing a candidate", () => mj, "0x01010101", "BallotBoxInvalidPayloadLength", [4n, 5n, 5n]],
        ["a majority judgment with an extra grade", () => mj, "0x010101010101", "BallotBoxInvalidPayloadLength", [6n, 5n, 5n]],
        ["a majority judgment with grade 6", () => mj, "0x0101010601", "BallotBoxInvalidPayloadByte", [3n, 6n]],
      ];
      for (const [what, ballot, payload, name, args] of bad) {
        it(`if it is ${what}`, async () => rejects(await fx.signedVote(ballot(), payload), name, args));
      }
    });

    describe("on the token (PROTOCOL.md §3)", () => {
      /** A token under `issuer` for a message that differs from the right one by `edit`. */
      const tokenFor = (issuer = single.issuer, edit: Partial<Parameters<typeof tokenMessage>[0]> & { voter: string }) => {
        const message = tokenMessage({ chainId: fx.chainId, ballotBox: fx.deployment.address, ballotId: single.id, ...edit });
        const { blindedMessage, inverse } = blind(issuer.publicKey, message);
        return toHex(finalize(issuer.publicKey, message, blindSign(issuer.privateKey, blindedMessage), inverse));
      };
      const rejectsToken = async (voter: Wallet, tokenSignature: string) =>
        rejects(await fx.signedVote(single, "0x00", { voter, tokenSignature }), "BallotBoxInvalidTokenSignature", [single.id, voter.address]);

      it("if one bit of a valid token is flipped", async () => {
        const voter = randomVoter();
        const token = getBytes(tokenFor(undefined, { voter: voter.address }));
        for (const bit of [0, 7, 1000, 2047]) {
          const t = Uint8Array.from(token);
          t[bit >> 3] ^= 1 << (bit & 7);
          await rejectsToken(voter, hexlify(t));
        }
      });

      it("if the token was issued for another ballot (same issuer key)", async () => {
        const voter = randomVoter();
        const other = await fx.createBallot();
        await rejectsToken(voter, tokenFor(undefined, { voter: voter.address, ballotId: other.id }));
      });

      it("if the token was issued for another voter address", async () => {
        const voter = randomVoter();
        await rejectsToken(voter, tokenFor(undefined, { voter: randomVoter().address }));
      });

      it("if the token was issued for another chain id", async () => {
        const voter = randomVoter();
        await rejectsToken(voter, tokenFor(undefined, { voter: voter.address, chainId: fx.chainId + 1n }));
      });

      it("if the token was issued for another BallotBox contract", async () => {
        const voter = randomVoter();
        await rejectsToken(voter, tokenFor(undefined, { voter: voter.address, ballotBox: randomVoter().address }));
      });

      it("if the token was signed with another issuer key", async () => {
        const voter = randomVoter();
        await rejectsToken(voter, tokenFor(testIssuer(1), { voter: voter.address }));
      });

      it("if the token is not 256 bytes long", async () => {
        const voter = randomVoter();
        const token = tokenFor(undefined, { voter: voter.address });
        await rejectsToken(voter, "0x");
        await rejectsToken(voter, token.slice(0, -2));
        await rejectsToken(voter, token + "00");
        await rejectsToken(voter, "0x00" + token.slice(2));
      });

      it("if the token is s + n instead of s (s >= n)", async () => {
        const voter = randomVoter();
        const s = BigInt(tokenFor(undefined, { voter: voter.address }));
        const n = single.issuer.publicKey.n;
        if (s + n < 1n << 2048n) await rejectsToken(voter, "0x" + (s + n).toString(16).padStart(512, "0"));
        await rejectsToken(voter, "0x" + n.toString(16).padStart(512, "0"));
      });
    });

    describe("on the voter signature (PROTOCOL.md §4)", () => {
      const signed = async (ballot: TestBallot, payload: string, revision: number, signer: Wallet) =>
        signVote(signer, { chainId: fx.chainId, ballotBox: fx.deployment.address, ballotId: ballot.id, revision, payload });

      it("if another key signed the vote", async () => {
        const vote = await fx.signedVote(single, "0x00");
        const other = randomVoter();
        const voterSignature = await signed(single, "0x00", 0, other);
        await rejects({ ...vote, voterSignature }, "BallotBoxInvalidVoterSignature", [vote.voter, other.address]);
      });

      it("if the payload was tampered with after signing", async () => {
        const vote = await fx.signedVote(single, "0x00");
        const tampered = { ...vote, payload: "0x01" };
        const recovered = recoverVoter({ chainId: fx.chainId, ballotBox: fx.deployment.address, ballotId: single.id, revision: 0, payload: "0x01" }, vote.voterSignature);
        expect(recovered).to.not.equal(vote.voter);
        await rejects(tampered, "BallotBoxInvalidVoterSignature", [vote.voter, recovered]);
      });

      it("if the revision was tampered with after signing", async () => {
        const vote = await fx.signedVote(singleRevote, "0x00", { revision: 1 });
        const recovered = recoverVoter({ chainId: fx.chainId, ballotBox: fx.deployment.address, ballotId: singleRevote.id, revision: 2, payload: "0x00" }, vote.voterSignature);
        await rejects({ ...vote, revision: 2 }, "BallotBoxInvalidVoterSignature", [vote.voter, recovered]);
      });

      it("if the vote was signed for another ballot", async () => {
        const voter = randomVoter();
        const vote = await fx.signedVote(single, "0x00", { voter });
        const voterSignature = await signed(singleRevote, "0x00", 0, voter);
        const recovered = recoverVoter({ chainId: fx.chainId, ballotBox: fx.deployment.address, ballotId: single.id, revision: 0, payload: "0x00" }, voterSignature);
        await rejects({ ...vote, voterSignature }, "BallotBoxInvalidVoterSignature", [vote.voter, recovered]);
      });

      it("if the signature is malformed (64 bytes, v = 29, high s): recovered is zero", async () => {
        const vote = await fx.signedVote(single, "0x00");
        const sig = getBytes(vote.voterSignature);
        const v29 = Uint8Array.from(sig);
        v29[64] = 29;
        const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
        const highS = Uint8Array.from(sig);
        highS.set(getBytes("0x" + (n - BigInt(hexlify(sig.subarray(32, 64)))).toString(16).padStart(64, "0")), 32);
        highS[64] = sig[64] === 27 ? 28 : 27; // the same point, so ecrecover alone would accept it
        for (const bad of [sig.subarray(0, 64), v29, highS, new Uint8Array(0)]) {
          await rejects({ ...vote, voterSignature: hexlify(bad) }, "BallotBoxInvalidVoterSignature", [vote.voter, ZeroAddress]);
        }
      });
    });

    describe("in the order of PROTOCOL.md §6.2", () => {
      it("reports the first failed check of a vote that fails several", async () => {
        const t = await fx.now();
        const closed = await fx.createBallot({ opensAt: t - 7200n, closesAt: t - 1n });
        const voter = randomVoter();
        const junk = "0x" + "11".repeat(256);
        const badSig = "0x" + "22".repeat(65);
        await rejects({ ...(await fx.signedVote(closed, "0x09", { voter, tokenSignature: junk })), voterSignature: badSig },
          "BallotBoxClosed", [closed.id, t - 1n, 0n]);
        const used = await fx.signedVote(single, "0x00");
        await cast(used);
        await rejects({ ...used, payload: "0x09", tokenSignature: junk, voterSignature: badSig }, "BallotBoxAlreadyVoted", [single.id, used.voter]);
        await rejects({ ...(await fx.signedVote(single, "0x09", { voter, tokenSignature: junk })), voterSignature: badSig },
          "BallotBoxInvalidPayloadByte", [0n, 9n]);
        await rejects({ ...(await fx.signedVote(single, "0x00", { voter, tokenSignature: junk })), voterSignature: badSig },
          "BallotBoxInvalidTokenSignature", [single.id, voter.address]);
      });
    });

    describe("without changing any state", () => {
      it("a mined transaction that reverts leaves counts and records untouched, and the token unspent", async () => {
        const voter = randomVoter();
        const good = await fx.signedVote(singleRevote, "0x01", { voter });
        const bad = { ...good, payload: "0x02" }; // voter signature no longer matches
        const before = { ...(await state(singleRevote, voter.address)), count: await fx.box.ballotCount() };
        const tx = await fx.box.castVote(voteArg(bad), { gasLimit: 1_000_000 });
        try {
          await tx.wait();
          expect.fail("the transaction should have reverted");
        } catch (e) {
          if (!isError(e, "CALL_EXCEPTION")) throw e;
          expect(e.receipt?.status).to.equal(0);
        }
        expect({ ...(await state(singleRevote, voter.address)), count: await fx.box.ballotCount() }).to.deep.equal(before);
        expect(before.voteOf).to.deep.equal([false, 0n]);
        await cast(good);
        expect([...(await fx.box.voteOf(singleRevote.id, voter.address))]).to.deep.equal([true, 0n]);
      });
    });
  });
}
