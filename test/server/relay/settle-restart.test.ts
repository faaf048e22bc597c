// A settle's refusal survives a relay restart (PROTOCOL.md §6.4, §10.4): the vote host asks
// the relay to land what it acknowledged and take no new ballot, then sends closeBallot.
// A relay restarted in between (a crash, the supervisor bringing it back) that had forgotten
// the refusal would acknowledge a ballot the close then makes the contract refuse.
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { JsonRpcProvider } from "ethers";
import { UrneError } from "../../../protocol/index.js";
import { settleMessage } from "../../../protocol/relay-settle.js";
import { BallotBoxView } from "../../../server/relay/ballot-box-view.js";
import { RelayJournal } from "../../../server/relay/journal.js";
import { relayProvider, relayRpcClient } from "../../../server/relay/provider.js";
import { Relay } from "../../../server/relay/relay.js";
import { testBackends, type TestChain } from "../../helpers/backends.js";
import { ballotBoxFixture, type BallotBoxFixture, type TestBallot } from "../../helpers/ballot-box-fixture.js";
import { voteBody } from "./relay-fixture.js";

const [backend] = testBackends();

describe(`relay: a settle's refusal survives a restart (${backend.name})`, function () {
  this.timeout(120_000);
  let chain: TestChain;
  let fx: BallotBoxFixture;
  let provider: JsonRpcProvider;
  let dir: string;
  let journal: RelayJournal;
  let relay: Relay;

  /** A relay over the journal on disk, as `urne relay` starts one; `clock`: its Unix seconds. */
  async function startRelay(clock?: () => bigint): Promise<void> {
    journal = await RelayJournal.open(path.join(dir, "relay"));
    relay = new Relay(journal, new BallotBoxView(provider, fx.deployment.address, relayRpcClient(chain.rpcUrl)), chain.wallets[5], {
      chainId: fx.chainId, checkThreads: 0, clock, submitter: { lingerMs: 20 },
    });
    await relay.start();
  }
  async function stopRelay(): Promise<void> {
    await relay.stop();
    await journal.close();
  }
  const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => (e instanceof UrneError ? e : Promise.reject(e)));
  async function settle(ballot: TestBallot, expiresAt: number) {
    const request = { chainId: fx.chainId, ballotBox: fx.deployment.address, ballotId: ballot.id, expiresAt };
    return relay.settle({ ballotId: ballot.id, expiresAt, signature: await fx.organizer.signMessage(settleMessage(request)) });
  }

  before(async () => {
    chain = await backend.start();
    fx = await ballotBoxFixture(chain);
    provider = await relayProvider(chain.rpcUrl);
    dir = await mkdtemp(path.join(os.tmpdir(), "urne-relay-settle-"));
    await startRelay();
  });
  after(async () => {
    await stopRelay().catch(() => {});
    provider?.destroy();
    fx?.destroy();
    await chain?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("refuses a settled ballot's new ballots after a restart, until expiresAt; other ballots go on", async () => {
    const closing = await fx.createBallot();
    const open = await fx.createBallot();
    await relay.accept(voteBody(await fx.signedVote(closing, "0x00")));
    const now = Math.floor(Date.now() / 1000);
    const counts = await settle(closing, now + 300);
    expect(counts).to.include({ acknowledged: 1, final: 1 });

    await stopRelay();
    await startRelay();
    const refused = await refusal(relay.accept(voteBody(await fx.signedVote(closing, "0x01"))));
    expect(refused?.code).to.equal("ERR_BALLOT_CLOSING");
    expect(refused?.field).to.equal("vote.ballotId");
    expect((await relay.accept(voteBody(await fx.signedVote(open, "0x01")))).receiptId).to.be.a("string");

    // A relay whose clock is past expiresAt takes the ballot's ballots again (the close was not mined).
    await stopRelay();
    await startRelay(() => BigInt(now + 301));
    expect((await relay.accept(voteBody(await fx.signedVote(closing, "0x02")))).receiptId).to.be.a("string");
  });

  it("keeps the later of two refusals, in memory and on disk", async () => {
    await stopRelay();
    await startRelay();
    const ballot = await fx.createBallot();
    const now = Math.floor(Date.now() / 1000);
    await settle(ballot, now + 400);
    await settle(ballot, now + 100);
    expect(journal.closingUntil(ballot.id)).to.equal(now + 400);
    await stopRelay();
    await startRelay(() => BigInt(now + 200));
    expect(journal.closingUntil(ballot.id)).to.equal(now + 400);
    const refused = await refusal(relay.accept(voteBody(await fx.signedVote(ballot, "0x00"))));
    expect(refused?.code).to.equal("ERR_BALLOT_CLOSING");
  });
});
