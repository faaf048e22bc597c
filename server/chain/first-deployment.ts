// The BallotBox of an embedded chain is deployed once, when the chain is created, by the
// admin operator, as an ordinary signed transaction through the same path as any client's:
// it is journaled and replayed like any other, and anyone can see who deployed what.
import type { Wallet } from "ethers";
import type { DeploymentRecord } from "./journal.js";

type DeployModule = typeof import("./deploy.js");

export async function deployBallotBoxOnce(
  admin: Wallet,
  chainId: string,
  log: (event: string, fields: Record<string, unknown>) => void,
): Promise<DeploymentRecord> {
  // Loaded on demand: it needs protocol/generated (the compiler output), and a missing
  // build should say how to fix it rather than fail at import time.
  let deployBallotBox: DeployModule["deployBallotBox"];
  try {
    ({ deployBallotBox } = await import("./deploy.js"));
  } catch (error) {
    throw new Error(`cannot load the BallotBox deploy script; run "npm run build:contracts" first (${(error as Error).message})`, { cause: error });
  }
  const address = await admin.getAddress();
  // deployBallotBox waits for the receipt: the block holding it is journaled by then.
  const deployed = await deployBallotBox(admin, { admin: address });
  log("chain.ballotbox_deployed", { ballotBox: deployed.address, block: deployed.blockNumber });
  return { ballotBox: deployed.address, chainId, deployer: address, admin: address, txHash: deployed.transactionHash, blockNumber: deployed.blockNumber };
}
