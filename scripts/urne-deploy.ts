// `urne deploy --rpc URL`: deploys urne's BallotBox on an EVM network urne does not run
// (docs/CHAIN.md §7), from the admin key in URNE_ADMIN_KEY (an environment variable, never
// a flag: flags show in the process list). Prints the address to give `urne start` as
// URNE_BALLOT_BOX. The embedded chain deploys its own on first start.
import { parseArgs } from "node:util";
import { Wallet } from "ethers";
import { deployBallotBox } from "../server/chain/deploy.js";
import { NodeProvider, nodeChainId } from "../server/chain/node-provider.js";

export const DEPLOY_USAGE = `usage: URNE_ADMIN_KEY=0x... urne deploy --rpc URL [--admin ADDRESS] [--json]
  deploys BallotBox; ADDRESS (default: the key's) gets DEFAULT_ADMIN_ROLE and ORGANIZER_ROLE
`;

export async function runDeploy(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { rpc: { type: "string" }, admin: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  if (values.help) {
    process.stdout.write(DEPLOY_USAGE);
    return 0;
  }
  const key = process.env.URNE_ADMIN_KEY;
  if (!values.rpc || !key) {
    process.stderr.write(`urne deploy: ${!values.rpc ? "--rpc URL is required" : "URNE_ADMIN_KEY is not set"}\n${DEPLOY_USAGE}`);
    return 2;
  }
  let chainId: bigint;
  try {
    chainId = await nodeChainId(values.rpc);
  } catch (error) {
    process.stderr.write(`urne deploy: ${(error as Error).message}\n`);
    return 1;
  }
  const provider = new NodeProvider(values.rpc, chainId);
  try {
    let deployer: Wallet;
    try {
      deployer = new Wallet(key, provider);
    } catch {
      process.stderr.write("urne deploy: URNE_ADMIN_KEY is not a private key (32 bytes hex)\n");
      return 2;
    }
    const deployment = await deployBallotBox(deployer, values.admin ? { admin: values.admin } : {});
    const out = { chainId: chainId.toString(), ballotBox: deployment.address, transactionHash: deployment.transactionHash, blockNumber: deployment.blockNumber, admin: values.admin ?? deployer.address };
    process.stdout.write(values.json ? JSON.stringify(out) + "\n" : `BallotBox deployed on chain ${out.chainId} at ${out.ballotBox} (block ${out.blockNumber})\nstart urne with URNE_CHAIN_RPC_URL=${values.rpc} URNE_BALLOT_BOX=${out.ballotBox}\n`);
    return 0;
  } finally {
    provider.destroy();
  }
}
