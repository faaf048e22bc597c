// The ONE way urne deploys its BallotBox contract: the embedded chain on first start, the
// tests and the benchmarks all call deployBallotBox, so what they test is what runs.
// ABI and bytecode come from the compiler output (protocol/generated, docs/STYLE.md habit 3).
import { Contract, ContractFactory, type ContractRunner, type InterfaceAbi, type Signer } from "ethers";
import { BallotBoxAbi, BallotBoxBytecode } from "../../protocol/generated/BallotBox.js";

export type BallotBoxDeployment = { address: string; transactionHash: string; blockNumber: number };

/**
 * Deploys BallotBox from `deployer` and waits for the receipt. `admin` (default: the deployer)
 * gets DEFAULT_ADMIN_ROLE and ORGANIZER_ROLE.
 */
export async function deployBallotBox(deployer: Signer, opts: { admin?: string } = {}): Promise<BallotBoxDeployment> {
  const admin = opts.admin ?? (await deployer.getAddress());
  const factory = new ContractFactory(BallotBoxAbi as InterfaceAbi, BallotBoxBytecode, deployer);
  const contract = await factory.deploy(admin);
  const tx = contract.deploymentTransaction();
  if (!tx) throw new Error("deployBallotBox: ethers returned no deployment transaction");
  const receipt = await tx.wait();
  if (!receipt || receipt.status !== 1 || !receipt.contractAddress) {
    throw new Error(`deployBallotBox: deployment transaction ${tx.hash} failed`);
  }
  return { address: receipt.contractAddress, transactionHash: receipt.hash, blockNumber: receipt.blockNumber };
}

/** A BallotBox contract handle at `address` (methods typed loosely, as ethers' Contract). */
export function ballotBoxAt(address: string, runner?: ContractRunner | null): Contract {
  return new Contract(address, BallotBoxAbi as InterfaceAbi, runner ?? null);
}
