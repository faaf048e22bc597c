// Transactions the node forgets (a restart loses its mempool): the submitter sends the
// same bytes again; if the nonce was meanwhile taken by another transaction, it re-packs
// the ballots; a relay that restarts finds its journaled transaction and finishes it.
// anvil lets the test drop the mempool and mine at will (anvil_* and evm_* are test-only
// levers here; the relay itself uses standard JSON-RPC only).
import { expect } from "chai";
import { Wallet } from "ethers";
import { startAnvil, anvilWallet, type Anvil } from "../../helpers/anvil.js";
import { rpcCall } from "../../helpers/rpc.js";
import { Relay } from "../../../server/relay/relay.js";
import type { TestBallot } from "../../helpers/ballot-box-fixture.js";
import { relayFixture, voteBody, type RelayFixture } from "./relay-fixture.js";

describe("relay: transactions the node forgets (anvil)", function () {
  this.timeout(60_000);
  let anvil: Anvil;
  let rf: RelayFixture;
  let ballot: TestBallot;
  const events: string[] = [];
  /** relayFixture gives the relay wallets[5]. */
  const relayer = new Wallet(anvilWallet(5).privateKey);
  const rpc = (method: string, params: unknown[] = []) => rpcCall(anvil.rpcUrl, method, params);

  before(async () => {
    anvil = await startAnvil();
    const wallets = Array.from({ length: 10 }, (_, i) => new Wallet(anvilWallet(i).privateKey));
    rf = await relayFixture({ rpcUrl: anvil.rpcUrl, wallets, stop: anvil.stop }, { vanishAfterMs: 300, log: (e) => events.push(e) });
    ballot = await rf.fx.createBallot();
    await rpc("evm_setAutomine", [false]);
  });
  after(async () => {
    await rf?.close();
    await anvil?.stop();
  });

  const post = async (n: number) => {
    const answers = await Promise.all(Array.from({ length: n }, async (_, i) => rf.post(voteBody(await rf.fx.signedVote(ballot, `0x0${i % 3}`)))));
    return answers.map((a) => a.body.receiptId as string);
  };
  const until = async (what: string, check: () => boolean | Promise<boolean>) => {
    const deadline = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const pooled = async () => Number(((await rpc("txpool_status")) as { pending: string }).pending) > 0;
  /**
   * Waits for `ids` to be final, mining whenever a transaction waits, as a live node would.
   * Regression: mining once raced the relay's re-send under load (its transaction could
   * reach the pool after the only evm_mine, and nothing mined it).
   */
  const minedUntilFinal = (ids: string[], receipt: (id: string) => Promise<{ status: string }>) =>
    until("final receipts", async () => {
      if (await pooled()) await rpc("evm_mine");
      return (await Promise.all(ids.map(receipt))).every((r) => r.status === "final");
    });

  it("sends a forgotten transaction again, byte for byte", async () => {
    const ids = await post(3);
    await until("the batch in the pool", pooled);
    await rpc("anvil_dropAllTransactions");
    const resent = events.filter((e) => e === "relay.tx_resent").length;
    await until("a resend", () => events.filter((e) => e === "relay.tx_resent").length > resent);
    await rpc("evm_mine");
    for (const id of ids) expect((await rf.settled(id)).status).to.equal("final");
  });

  it("re-packs the ballots of a transaction whose nonce another one took", async () => {
    const ids = await post(2);
    await until("the batch in the pool", pooled);
    await rpc("anvil_dropAllTransactions");
    // Somebody else uses the relayer key: a plain transfer takes the nonce.
    const nonce = Number(await rpc("eth_getTransactionCount", [relayer.address, "latest"]));
    const raw = await relayer.signTransaction({ type: 2, chainId: rf.fx.chainId, nonce, to: relayer.address, value: 0n, gasLimit: 21_000n, maxFeePerGas: 10n ** 11n, maxPriorityFeePerGas: 1n });
    await rpc("eth_sendRawTransaction", [raw]);
    await rpc("evm_mine");
    await until("the nonce seen as taken", () => events.includes("relay.nonce_consumed"));
    await until("the ballots sent again", pooled);
    await minedUntilFinal(ids, (id) => rf.relay.receipt(id));
  });

  it("finishes, after a restart, a journaled transaction the node forgot", async () => {
    const ids = await post(2);
    await until("the batch in the pool", pooled);
    await rf.relay.stop(); // as if it crashed: the journal holds the transaction
    await rpc("anvil_dropAllTransactions");
    const restarted = new Relay(rf.relay.journal, rf.relay.view, relayer, { chainId: rf.fx.chainId, submitter: { vanishAfterMs: 300, log: (e) => events.push(e) } });
    await restarted.start();
    try {
      await until("the batch in the pool again", pooled);
      await minedUntilFinal(ids, (id) => restarted.receipt(id));
      expect(await rf.fx.box.votersCount(ballot.id)).to.equal(7n);
    } finally {
      await restarted.stop();
    }
  });
});

describe("relay: a batch that runs out of gas (anvil)", function () {
  this.timeout(60_000);
  it("counts nothing, queues its ballots again and estimates gas from then on", async () => {
    const anvil = await startAnvil();
    const wallets = Array.from({ length: 10 }, (_, i) => new Wallet(anvilWallet(i).privateKey));
    const events: string[] = [];
    // A bound far below what a vote costs (about 70k gas): the first batch must revert.
    const rf = await relayFixture({ rpcUrl: anvil.rpcUrl, wallets, stop: anvil.stop }, { voteGas: 30_000n, lingerMs: 300, log: (e) => events.push(e) });
    try {
      const ballot = await rf.fx.createBallot();
      const answers = await Promise.all([0, 1, 2].map(async (c) => rf.post(voteBody(await rf.fx.signedVote(ballot, `0x0${c}`)))));
      for (const a of answers) expect((await rf.settled(a.body.receiptId)).status).to.equal("final");
      expect(events).to.include("relay.tx_reverted");
      expect(await rf.fx.box.votersCount(ballot.id)).to.equal(3n);
    } finally {
      await rf.close();
      await anvil.stop();
    }
  });
});
