// One test per attack on the relay's door (docs/STYLE.md habit 7). Each is refused with the
// coded error the contract's verdict maps to, naming the field; nothing is journaled.
import { expect } from "chai";
import { VOTE_BODY_LIMIT_BYTES } from "../../../server/relay/routes.js";
import { checkVote, toHex, tokenMessage } from "../../../protocol/index.js";
import { testBackends, type TestChain } from "../../helpers/backends.js";
import { randomVoter, testIssuer, voteArg, type TestBallot } from "../../helpers/ballot-box-fixture.js";
import { mintToken, unsafeIssuerKey } from "../../helpers/unsafe-issuer-key.js";
import { relayFixture, voteBody, type RelayFixture } from "./relay-fixture.js";

for (const backend of testBackends()) {
  describe(`relay: attacks (${backend.name})`, function () {
    this.timeout(120_000);
    let chain: TestChain;
    let rf: RelayFixture;
    let ballot: TestBallot;
    before(async () => {
      chain = await backend.start();
      rf = await relayFixture(chain);
      ballot = await rf.fx.createBallot();
    });
    after(async () => {
      await rf?.close();
      await chain?.stop();
    });
    const refused = (a: { status: number; body: any }, status: number, code: string, field?: string) => {
      expect(a.status, JSON.stringify(a.body)).to.equal(status);
      expect(a.body.error.code).to.equal(code);
      if (field) expect(a.body.error.field).to.equal(field);
    };

    it("refuses a tampered ballot (payload changed after signing)", async () => {
      const vote = await rf.fx.signedVote(ballot, "0x00");
      refused(await rf.post({ ...voteBody(vote), payload: "0x01" }), 400, "ERR_INVALID_SIGNATURE", "vote.voterSignature");
    });

    it("refuses a token issued for another ballot", async () => {
      const other = await rf.fx.createBallot();
      const voter = randomVoter();
      const token = toHex(rf.fx.issueToken(other.issuer, other.id, voter.address));
      const vote = await rf.fx.signedVote(ballot, "0x00", { voter, tokenSignature: token });
      refused(await rf.post(voteBody(vote)), 400, "ERR_INVALID_TOKEN", "vote.tokenSignature");
    });

    it("answers a replayed ballot with the same receipt and counts it once", async () => {
      const vote = await rf.fx.signedVote(ballot, "0x02");
      const [a, b] = await Promise.all([rf.post(voteBody(vote)), rf.post(voteBody(vote))]);
      expect([a.status, b.status]).to.deep.equal([202, 202]);
      expect(b.body.receiptId).to.equal(a.body.receiptId);
      await rf.settled(a.body.receiptId);
      const again = await rf.post(voteBody(vote)); // after it is final, too
      expect(again).to.deep.equal({ status: 202, body: { receiptId: a.body.receiptId } });
      const logs = await rf.fx.provider.getLogs({
        address: rf.fx.deployment.address,
        topics: rf.fx.iface.encodeFilterTopics(rf.fx.iface.getEvent("VoteCast")!, [ballot.id, vote.voter]),
        fromBlock: 0,
      });
      expect(logs).to.have.length(1);
    });

    it("refuses another payload under the same voter and revision (409)", async () => {
      const voter = randomVoter();
      const first = await rf.fx.signedVote(ballot, "0x00", { voter });
      expect((await rf.post(voteBody(first))).status).to.equal(202);
      const second = await rf.fx.signedVote(ballot, "0x01", { voter, tokenSignature: first.tokenSignature });
      refused(await rf.post(voteBody(second)), 409, "ERR_VOTE_CONFLICT", "vote");
    });

    it("refuses a second ballot of a voter once the first is counted (no revote)", async () => {
      const voter = randomVoter();
      const first = await rf.fx.signedVote(ballot, "0x00", { voter });
      await rf.settled((await rf.post(voteBody(first))).body.receiptId);
      const revote = await rf.fx.signedVote(ballot, "0x01", { voter, revision: 1, tokenSignature: first.tokenSignature });
      refused(await rf.post(voteBody(revote)), 409, "ERR_ALREADY_VOTED", "vote.voter");
    });

    it("refuses a vote in a closed ballot", async () => {
      const closed = await rf.fx.createBallot();
      await (await rf.fx.box.connect(rf.fx.organizer).getFunction("closeBallot")(closed.id, 1n)).wait();
      refused(await rf.post(voteBody(await rf.fx.signedVote(closed, "0x00"))), 409, "ERR_BALLOT_CLOSED", "vote.ballotId");
    });

    it("refuses every vote for a ballot whose issuer key fails the rule of §2.5 (409), which the contract would count", async () => {
      const key = unsafeIssuerKey("square");
      const unsafe = await rf.fx.createBallot({}, { issuer: { ...testIssuer(0), publicKey: key.publicKey, modulus: key.modulus, keyProof: key.keyProof } });
      const voter = randomVoter();
      const token = toHex(mintToken(key, tokenMessage({ chainId: rf.fx.chainId, ballotBox: rf.fx.deployment.address, ballotId: unsafe.id, voter: voter.address })));
      const vote = await rf.fx.signedVote(unsafe, "0x00", { voter, tokenSignature: token });
      // The contract would count it, and checkVote, the contract's rules, agrees: the refusal is the relay's own.
      await rf.fx.box.castVote.staticCall(voteArg(vote));
      const onChain = await rf.relay.view.ballot(unsafe.id);
      expect(checkVote(onChain, vote, { chainId: rf.fx.chainId, ballotBox: rf.fx.deployment.address, now: await rf.fx.now() }).ok).to.equal(true);
      for (let i = 0; i < 2; i++) {
        const answer = await rf.post(voteBody(vote));
        refused(answer, 409, "ERR_UNSAFE_ISSUER_KEY", "vote.ballotId");
        expect(answer.body.error.message).to.contain("the modulus is a perfect power (m^2)");
      }
      expect(await rf.relay.journal.receiptIdOf(vote)).to.equal(undefined);
      // A ballot under a genuine key is still served.
      expect((await rf.post(voteBody(await rf.fx.signedVote(ballot, "0x01")))).status).to.equal(202);
    });

    it("refuses a vote in a ballot that does not exist (404)", async () => {
      refused(await rf.post(voteBody(await rf.fx.signedVote({ ...ballot, id: 424242n }, "0x00"))), 404, "ERR_BALLOT_NOT_FOUND", "vote.ballotId");
    });

    it("refuses malformed fields, naming each", async () => {
      const good = voteBody(await rf.fx.signedVote(ballot, "0x00"));
      const cases: [Record<string, unknown>, string][] = [
        [{ ballotId: 1 }, "vote.ballotId"],
        [{ ballotId: "01" }, "vote.ballotId"],
        [{ voter: "0x1234" }, "vote.voter"],
        [{ revision: -1 }, "vote.revision"],
        [{ revision: "0" }, "vote.revision"],
        [{ payload: "0xzz" }, "vote.payload"],
        [{ payload: "0x" + "00".repeat(65) }, "vote.payload"],
        [{ tokenSignature: good.tokenSignature.slice(0, -2) }, "vote.tokenSignature"],
        [{ voterSignature: good.voterSignature + "00" }, "vote.voterSignature"],
        [{ extra: true }, "vote.extra"],
      ];
      for (const [change, field] of cases) {
        const a = await rf.post({ ...good, ...change });
        expect(a.status, field).to.equal(400);
        expect(a.body.error.field, JSON.stringify(change)).to.equal(field);
      }
      refused(await rf.post(null, { raw: "[1]" }), 400, "ERR_INVALID_VOTE", "vote");
      refused(await rf.post(null, { raw: "{" }), 400, "ERR_INVALID_JSON", "body");
      refused(await rf.post(null, { raw: JSON.stringify(good), contentType: "text/plain" }), 415, "ERR_UNSUPPORTED_MEDIA_TYPE", "content-type");
      // JSON between systems is UTF-8 (RFC 8259 §8.1): another charset, or bytes that are not UTF-8, are refused by name.
      refused(await rf.post(null, { raw: JSON.stringify(good), contentType: "application/json; charset=utf-16" }), 415, "ERR_UNSUPPORTED_MEDIA_TYPE", "content-type");
      const notUtf8 = Buffer.concat([Buffer.from(JSON.stringify({ ...good, note: "" }).slice(0, -2)), Buffer.from([0xff]), Buffer.from('"}')]);
      refused(await rf.post(null, { raw: notUtf8 }), 400, "ERR_INVALID_JSON", "body");
    });

    it("refuses a body too large (413)", async () => {
      const good = voteBody(await rf.fx.signedVote(ballot, "0x00"));
      // Above the limit, which takes the longest sealed ballot (about 52 KB of JSON).
      refused(await rf.post({ ...good, padding: "x".repeat(VOTE_BODY_LIMIT_BYTES) }), 413, "ERR_BODY_TOO_LARGE", "body");
    });

    it("answers 404 for an unknown receipt", async () => {
      const r = await rf.receipt("00".repeat(16));
      expect(r.status).to.equal(404);
      expect(r.body.error.code).to.equal("ERR_RECEIPT_NOT_FOUND");
    });
  });
}
