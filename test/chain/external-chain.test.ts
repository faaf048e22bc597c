// urne on a chain it does not run: `urne deploy` puts a BallotBox on anvil (an independent
// node), and connectExternalChain accepts it and refuses, naming the setting, every
// configuration that cannot work.
import { expect } from "chai";
import { Wallet } from "ethers";
import { NodeProvider } from "../../server/chain/node-provider.js";
import { connectExternalChain } from "../../server/chain/external-chain.js";
import { anvilWallet, startAnvil, type Anvil } from "../helpers/anvil.js";
import { runUrne } from "../helpers/urne-cli.js";

const urneDeploy = (args: string[], adminKey?: string) => runUrne(["deploy", ...args], adminKey ? { URNE_ADMIN_KEY: adminKey } : {});

describe("server/chain/external-chain: urne on an EVM network it does not run (anvil)", function () {
  this.timeout(120_000);
  let anvil: Anvil;
  let ballotBox: string;
  const admin = anvilWallet(0), organizer = anvilWallet(1), relayer = anvilWallet(2);

  before(async () => {
    anvil = await startAnvil();
    const deployed = await urneDeploy(["--rpc", anvil.rpcUrl, "--json"], admin.privateKey);
    expect(deployed.code, deployed.stderr).to.equal(0);
    ({ ballotBox } = JSON.parse(deployed.stdout) as { ballotBox: string });
  });
  after(() => anvil?.stop());

  it("urne deploy needs the admin key from the environment and an RPC URL", async () => {
    expect((await urneDeploy(["--rpc", anvil.rpcUrl])).code).to.equal(2);
    expect((await urneDeploy([], admin.privateKey)).code).to.equal(2);
    const bad = await urneDeploy(["--rpc", anvil.rpcUrl], "not-a-key");
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include("URNE_ADMIN_KEY").and.not.include("not-a-key");
  });

  it("connects to the deployed BallotBox with an admin key, then without once the role is granted", async () => {
    const chain = await connectExternalChain({ rpcUrl: anvil.rpcUrl, ballotBox, organizerKey: organizer.privateKey, relayerKey: relayer.privateKey, adminKey: admin.privateKey });
    expect(chain.chainId).to.equal(anvil.chainId);
    expect(chain.operators.organizer.address).to.equal(organizer.address);
    // The stack grants the role with the admin key; do it here as it would.
    const provider = new NodeProvider(anvil.rpcUrl, anvil.chainId);
    const { ballotBoxAt } = await import("../../server/chain/deploy.js");
    const box = ballotBoxAt(ballotBox, admin.connect(provider));
    await (await box.grantRole(await box.ORGANIZER_ROLE(), organizer.address)).wait();
    const again = await connectExternalChain({ rpcUrl: anvil.rpcUrl, ballotBox, organizerKey: organizer.privateKey, relayerKey: relayer.privateKey });
    expect(again.operators.admin).to.equal(undefined);
    provider.destroy();
  });

  it("refuses each configuration that cannot work, naming the setting", async () => {
    const base = { rpcUrl: anvil.rpcUrl, ballotBox, organizerKey: organizer.privateKey, relayerKey: relayer.privateKey };
    const stranger = Wallet.createRandom();
    // A contract that answers 42 to every call: code, but not a BallotBox.
    const provider = new NodeProvider(anvil.rpcUrl, anvil.chainId);
    const deployer = anvilWallet(3, provider);
    const receipt = await (await deployer.sendTransaction({ data: "0x600a600c600039600a6000f3602a60005260206000f3" })).wait();
    const answers42 = receipt!.contractAddress!;
    provider.destroy();
    const cases: [Partial<typeof base>, RegExp][] = [
      [{ rpcUrl: "http://127.0.0.1:1" }, /^URNE_CHAIN_RPC_URL/],
      [{ ballotBox: "0x1234" }, /^URNE_BALLOT_BOX: is not an address/],
      [{ ballotBox: stranger.address }, /^URNE_BALLOT_BOX: no contract/],
      [{ ballotBox: answers42 }, /^URNE_BALLOT_BOX: .*not a BallotBox/],
      [{ organizerKey: stranger.privateKey }, /^URNE_ORGANIZER_KEY: .* lacks ORGANIZER_ROLE/],
      [{ relayerKey: stranger.privateKey }, /^URNE_RELAYER_KEY: .* no funds/],
      [{ relayerKey: "0xnope" }, /^URNE_RELAYER_KEY: is not a private key/],
    ];
    for (const [change, expected] of cases) {
      const error = await connectExternalChain({ ...base, ...change }).then(() => undefined, (e: Error) => e);
      expect(error?.message, JSON.stringify(change)).to.match(expected);
      expect(error!.message).to.not.include(stranger.privateKey.slice(2));
    }
  });
});
