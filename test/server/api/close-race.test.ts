// Acknowledged means counted (issue "No single party to trust", point 5): an organizer who
// closes a ballot right after votes were answered 202 must not see them refused on chain
// (before, 5 of 8 tries lost some: the close was mined ahead of the relay's batch). The
// vote host first asks the relay, by the organizer's signature, to land every acknowledged
// ballot and take no new one; only then is the close sent.
import { expect } from "chai";
import { Wallet } from "ethers";
import { settleMessage } from "../../../protocol/relay-settle.js";
import { call, inSeconds, signedVote, startTestStack, type TestStack } from "./stack-fixture.js";

const voteBody = (v: Awaited<ReturnType<typeof signedVote>>) => ({ ...v, ballotId: v.ballotId.toString() });

describe("closing a ballot while the relay holds acknowledged ballots", function () {
  this.timeout(180_000);
  let stack: TestStack;
  let apiKey: string;

  before(async () => {
    stack = await startTestStack();
    ({ apiKey } = await stack.apps.create({ name: "MaVoix", origins: ["https://mavoix.example"] }));
  });
  after(() => stack?.destroy());

  const relay = (route: string, body?: unknown) => call({ apiUrl: stack.relayUrl }, body === undefined ? "GET" : "POST", route, body === undefined ? {} : { body });

  for (let attempt = 1; attempt <= 3; attempt++) {
    it(`counts every ballot answered 202 before the close (attempt ${attempt})`, async () => {
      const ballot = (await call(stack, "POST", "/v1/ballots", { key: apiKey, body: { sealing: "public", question: `Tenir bon ${attempt} ?`, closesAt: inSeconds(3600) } })).body.ballot;
      const votes = await Promise.all(Array.from({ length: 30 }, (_, i) => signedVote(stack, ballot, [i % 3])));
      const receipts: string[] = [];
      for (const v of votes) {
        const posted = await relay("/v1/votes", voteBody(v));
        expect(posted.status, JSON.stringify(posted.body)).to.equal(202);
        receipts.push(posted.body.receiptId);
      }
      // At once: some of these ballots are still in the relay's queue or in a transaction not yet mined.
      const closed = await call(stack, "POST", `/v1/ballots/${ballot.id}/close`, { key: apiKey, body: {} });
      expect(closed.status, JSON.stringify(closed.body)).to.equal(200);
      const statuses = await Promise.all(receipts.map(async (id) => (await relay(`/v1/receipts/${id}`)).body.status));
      expect(statuses.filter((s) => s !== "final"), "every acknowledged ballot is final when the close returns").to.deep.equal([]);
      expect(Number(await stack.ballotChain.box.votersCount(BigInt(ballot.id)))).to.equal(votes.length);
      // And the relay takes no ballot for it any more, with a clear refusal.
      const late = await relay("/v1/votes", voteBody(await signedVote(stack, ballot, [0])));
      expect(late.status).to.equal(409);
      expect(late.body.error.code).to.be.oneOf(["ERR_BALLOT_CLOSING", "ERR_BALLOT_CLOSED"]);
    });
  }

  it("takes no ballot it could not land before the scheduled close", async () => {
    const created = await call(stack, "POST", "/v1/ballots", { key: apiKey, body: { sealing: "public", question: "Bientôt clos ?", closesAt: inSeconds(8) } });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const late = await relay("/v1/votes", voteBody(await signedVote(stack, created.body.ballot, [0])));
    expect(late.status).to.equal(409);
    expect(late.body.error).to.include({ code: "ERR_BALLOT_CLOSING", field: "vote.ballotId" });
  });

  it("takes a settle request only from the ballot's organizer, signed, not expired", async () => {
    const ballot = (await call(stack, "POST", "/v1/ballots", { key: apiKey, body: { sealing: "public", question: "Signé ?", closesAt: inSeconds(3600) } })).body.ballot;
    const expiresAt = Math.floor(Date.now() / 1000) + 60;
    const request = { chainId: stack.chain.chainId, ballotBox: stack.ballotChain.ballotBox, ballotId: BigInt(ballot.id), expiresAt };
    const stranger = await Wallet.createRandom().signMessage(settleMessage(request));
    const refused = await relay(`/v1/ballots/${ballot.id}/settle`, { expiresAt, signature: stranger });
    expect(refused.status).to.equal(403);
    expect(refused.body.error).to.include({ code: "ERR_FORBIDDEN", field: "signature" });
    const organizer = stack.chain.operators.organizer;
    const past = { ...request, expiresAt: expiresAt - 120 };
    const expired = await relay(`/v1/ballots/${ballot.id}/settle`, { expiresAt: past.expiresAt, signature: await organizer.signMessage(settleMessage(past)) });
    expect(expired.status).to.equal(400);
    expect(expired.body.error.field).to.equal("expiresAt");
    // Signed for another ballot: the signature recovers another address, refused.
    const other = await organizer.signMessage(settleMessage({ ...request, ballotId: request.ballotId + 1n }));
    expect((await relay(`/v1/ballots/${ballot.id}/settle`, { expiresAt, signature: other })).status).to.equal(403);
    // Nothing was settled: the ballot still takes ballots.
    expect((await relay("/v1/votes", voteBody(await signedVote(stack, ballot, [1])))).status).to.equal(202);
  });
});
