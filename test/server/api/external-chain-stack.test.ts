// The whole service on a chain it does not run: anvil (an independent node) holds a
// BallotBox deployed by `deployBallotBox`, and `startStack` with URNE_CHAIN_RPC_URL creates
// ballots on it, issues tokens, relays votes and reads results, through JSON-RPC only.
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Contract, Wallet, hexlify } from "ethers";
import { NodeProvider } from "../../../server/chain/node-provider.js";
import { randomBytes } from "node:crypto";
import { blind, finalize, issuerKeyFromJwk, signVote, toHex, tokenMessage } from "../../../protocol/index.js";
import { blindSign } from "../../../protocol/node.js";
import { ballotBoxInterface } from "../../../protocol/events.js";
import { startStack, type Stack } from "../../../server/api/stack.js";
import { deployBallotBox } from "../../../server/chain/deploy.js";
import { stackOptions } from "../../../server/config/stack-options.js";
import { anvilWallet, startAnvil, type Anvil } from "../../helpers/anvil.js";
import { call, inSeconds } from "./stack-fixture.js";

describe("server/api on an external chain (anvil, URNE_CHAIN_RPC_URL)", function () {
  this.timeout(120_000);
  let anvil: Anvil, stack: Stack, dataDir: string, ballotBox: string;
  const admin = anvilWallet(0), organizer = anvilWallet(1), relayer = anvilWallet(2);

  before(async () => {
    anvil = await startAnvil();
    const provider = new NodeProvider(anvil.rpcUrl, anvil.chainId);
    ({ address: ballotBox } = await deployBallotBox(admin.connect(provider)));
    provider.destroy();
    dataDir = await mkdtemp(path.join(os.tmpdir(), "urne-ext-"));
    stack = await startStack(stackOptions({ data: dataDir, port: "0", "relay-port": "0", "idp-port": "0" }, {
      URNE_CHAIN_RPC_URL: anvil.rpcUrl, URNE_BALLOT_BOX: ballotBox,
      URNE_ORGANIZER_KEY: organizer.privateKey, URNE_RELAYER_KEY: relayer.privateKey, URNE_ADMIN_KEY: admin.privateKey,
    }));
  });
  after(async () => {
    await stack?.stop();
    await anvil?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("announces the external chain and starts no chain of its own", async () => {
    expect(stack.rpcUrl).to.equal(anvil.rpcUrl);
    const { body } = await call(stack, "GET", "/.well-known/urne.json");
    expect(body).to.include({ chainId: anvil.chainId.toString(), ballotBox });
    expect(body.rpcUrls).to.deep.equal([anvil.rpcUrl]);
  });

  it("creates a ballot on anvil, relays a vote there and counts it", async () => {
    const { apiKey } = await stack.apps.create({ name: "Ext", origins: ["https://ext.example"] });
    const created = await call(stack, "POST", "/v1/ballots", { key: apiKey, body: { sealing: "public", question: "Sur une autre chaîne ?", closesAt: inSeconds(3600), liveResults: true } });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const ballot = created.body.ballot;
    const box = new Contract(ballotBox, ballotBoxInterface, new NodeProvider(anvil.rpcUrl, anvil.chainId));
    expect((await box.ballot(BigInt(ballot.id))).organizer).to.equal(organizer.address);

    // A voter's work, as the widget does it; the issuer's signature from the API's own key.
    const ballotId = BigInt(ballot.id), publicKey = issuerKeyFromJwk(ballot.issuerKey);
    const voter = new Wallet(hexlify(randomBytes(32)));
    const message = tokenMessage({ chainId: anvil.chainId, ballotBox, ballotId, voter: voter.address });
    const { blindedMessage, inverse } = blind(publicKey, message);
    const token = finalize(publicKey, message, blindSign(await stack.ballots.issuerPrivateKey(ballot.id), blindedMessage), inverse);
    const payload = "0x01";
    const voterSignature = await signVote(voter, { chainId: anvil.chainId, ballotBox, ballotId, revision: 0, payload });
    const submitted = await call({ apiUrl: stack.relayUrl }, "POST", "/v1/votes", { body: { ballotId: ballot.id, voter: voter.address, revision: 0, payload, tokenSignature: toHex(token), voterSignature } });
    expect(submitted.status, JSON.stringify(submitted.body)).to.equal(202);

    let receipt: { status: string; txHash?: string } = { status: "pending" };
    for (let i = 0; i < 100 && receipt.status !== "final"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      receipt = (await call({ apiUrl: stack.relayUrl }, "GET", `/v1/receipts/${submitted.body.receiptId}`)).body;
    }
    expect(receipt.status).to.equal("final");
    expect((await box.tally(ballotId)).map(Number)).to.deep.equal([0, 1, 0]);
    // Paid by the relayer account, on anvil.
    expect((await box.runner!.provider!.getTransaction(receipt.txHash!))?.from).to.equal(relayer.address);
    const results = await call(stack, "GET", `/v1/ballots/${ballot.id}/results`);
    expect(results.body.results.options.map((o: { votes: number }) => o.votes)).to.deep.equal([0, 1, 0]);
    (box.runner!.provider as NodeProvider).destroy();
  });

  it("refuses to start when the contract is not a BallotBox, naming the setting", async () => {
    const error = await startStack(stackOptions({ data: dataDir + "-bad", port: "0", "relay-port": "0", "idp-port": "0" }, {
      URNE_CHAIN_RPC_URL: anvil.rpcUrl, URNE_BALLOT_BOX: relayer.address, URNE_ORGANIZER_KEY: organizer.privateKey, URNE_RELAYER_KEY: relayer.privateKey,
    })).then(() => undefined, (e: Error) => e);
    expect(error?.message).to.match(/^URNE_BALLOT_BOX: no contract/);
    await rm(dataDir + "-bad", { recursive: true, force: true });
  });

  it("needs every setting of the external chain", () => {
    expect(() => stackOptions({}, { URNE_CHAIN_RPC_URL: anvil.rpcUrl, URNE_BALLOT_BOX: ballotBox })).to.throw(/URNE_ORGANIZER_KEY, URNE_RELAYER_KEY/);
  });
});
