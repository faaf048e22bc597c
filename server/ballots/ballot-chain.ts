// The API's side of the BallotBox: ordinary signed transactions from the organizer account
// through the chain's public JSON-RPC, like any client's (ARCHITECTURE.md: the service
// speaks only standard JSON-RPC, so production can run on any EVM network).
import { Contract, FetchRequest, JsonRpcProvider, Network, Wallet, isError, type TransactionReceipt } from "ethers";
import { UrneError } from "../../protocol/errors.js";
import type { BallotParams } from "../../protocol/ballot.js";
import { Mutex } from "../chain/mutex.js";

// The one ABI object, from the protocol module (events.ts).
import { ballotBoxInterface } from "../../protocol/events.js";
export { ballotBoxInterface };

export type OnChainBallot = {
  kind: number; minChoices: number; maxChoices: number; optionCount: number;
  opensAt: number; closesAt: number; allowRevote: boolean; liveResults: boolean;
  organizer: string; closedAt: number; tokensIssued: number; votersCount: number; issuerModulus: string;
};

export type ChainReceipt = { txHash: string; blockNumber: number };

export type BallotChainOptions = {
  rpcUrl: string;
  /** The chain door's service token (server/chain/chain-service-token.ts), if the node is urne's own. */
  rpcToken?: string;
  chainId: bigint;
  ballotBox: string;
  /** The organizer operator's private key (holds ORGANIZER_ROLE). */
  organizerKey: string;
  pollingIntervalMs?: number;
  /** How long to wait for a receipt before answering 503. */
  receiptTimeoutMs?: number;
};

/**
 * The gas createBallot's estimate may use: its Fermat check of the issuer modulus (PROTOCOL.md §2.5) is one
 * modexp of about 700,000 gas under prague (7,900,000 under osaka), so createBallot needs about 1,090,000
 * gas, more than urne's chain door gives a call to the BallotBox that names no gas (ballotBoxCallGas, 1,000,000:
 * docs/CHAIN.md §5.2). Naming this allowance sends the estimate to the call executor, under the node's gas cap;
 * any node caps it the same way (geth --rpc.gascap). 2^24 is EIP-7825's cap on a transaction's gas.
 */
const CREATE_BALLOT_GAS_ALLOWANCE = 1n << 24n;

const unavailable = (cause: unknown) =>
  new UrneError("ERR_CHAIN_UNAVAILABLE", "The chain did not answer in time. Try again later.", { cause });

export class BallotChain {
  readonly provider: JsonRpcProvider;
  readonly box: Contract;
  readonly organizer: Wallet;
  private readonly sending = new Mutex();
  private nextNonce: number | undefined;

  constructor(readonly opts: BallotChainOptions) {
    // No batching, no cache (ARCHITECTURE.md, toolchain facts): we track our own nonces.
    const request = new FetchRequest(opts.rpcUrl);
    if (opts.rpcToken) request.setHeader("authorization", `Bearer ${opts.rpcToken}`);
    this.provider = new JsonRpcProvider(request, Network.from(opts.chainId), {
      staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1, pollingInterval: opts.pollingIntervalMs ?? 250,
    });
    this.organizer = new Wallet(opts.organizerKey, this.provider);
    this.box = new Contract(opts.ballotBox, ballotBoxInterface, this.provider);
  }

  get chainId() { return this.opts.chainId; }
  get ballotBox() { return this.opts.ballotBox; }

  /** Grants ORGANIZER_ROLE to the organizer account with the admin key, once. */
  async ensureOrganizerRole(adminKey: string): Promise<boolean> {
    const role = (await this.box.ORGANIZER_ROLE()) as string;
    if (await this.box.hasRole(role, this.organizer.address)) return false;
    const admin = new Wallet(adminKey, this.provider);
    const tx = await (this.box.connect(admin) as Contract).grantRole(role, this.organizer.address);
    const receipt = await tx.wait(1, this.opts.receiptTimeoutMs ?? 60_000);
    if (receipt?.status !== 1) throw new Error("granting ORGANIZER_ROLE failed");
    return true;
  }

  /** Sends createBallot and waits for its receipt; returns the id from BallotCreated. */
  async createBallot(params: BallotParams): Promise<ChainReceipt & { ballotId: bigint; organizer: string }> {
    const receipt = await this.send("createBallot", [params]);
    const event = receipt.logs.map((log) => ballotBoxInterface.parseLog(log)).find((e) => e?.name === "BallotCreated");
    if (!event) throw new Error(`createBallot ${receipt.hash}: no BallotCreated event`);
    return { ballotId: event.args.ballotId as bigint, organizer: event.args.organizer as string, txHash: receipt.hash, blockNumber: receipt.blockNumber };
  }

  async closeBallot(ballotId: bigint, tokensIssued: number): Promise<ChainReceipt> {
    const receipt = await this.send("closeBallot", [ballotId, BigInt(tokensIssued)]);
    return { txHash: receipt.hash, blockNumber: receipt.blockNumber };
  }

  async ballot(ballotId: bigint): Promise<OnChainBallot> {
    const b = await this.read(() => this.box.ballot(ballotId));
    return {
      kind: Number(b.kind), minChoices: Number(b.minChoices), maxChoices: Number(b.maxChoices), optionCount: Number(b.optionCount),
      opensAt: Number(b.opensAt), closesAt: Number(b.closesAt), allowRevote: b.allowRevote as boolean, liveResults: b.liveResults as boolean,
      organizer: b.organizer as string, closedAt: Number(b.closedAt), tokensIssued: Number(b.tokensIssued), votersCount: Number(b.votersCount),
      issuerModulus: b.issuerModulus as string,
    };
  }

  /** Counts and the block they were read at (one block for both: they agree). */
  async tally(ballotId: bigint): Promise<{ counts: bigint[]; votersCount: number; blockNumber: number }> {
    const blockNumber = await this.read(() => this.provider.getBlockNumber());
    const [counts, voters] = await this.read(() => Promise.all([
      this.box.tally(ballotId, { blockTag: blockNumber }) as Promise<bigint[]>,
      this.box.votersCount(ballotId, { blockTag: blockNumber }) as Promise<bigint>,
    ]));
    return { counts: [...counts], votersCount: Number(voters), blockNumber };
  }

  async blockNumber(): Promise<number> {
    return this.read(() => this.provider.getBlockNumber());
  }

  destroy(): void {
    this.provider.destroy();
  }

  private async read<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (isError(error, "CALL_EXCEPTION")) throw error; // a revert: our bug, not the network
      throw unavailable(error);
    }
  }

  /**
   * One organizer transaction at a time up to the node's acceptance (nonces in order),
   * then the receipt is awaited outside the lock, so that ballots created together share blocks.
   */
  private async send(method: string, args: unknown[]): Promise<TransactionReceipt> {
    const tx = await this.sending.run(async () => {
      try {
        this.nextNonce ??= await this.provider.getTransactionCount(this.organizer.address, "pending");
        const request = await (this.box.connect(this.organizer) as Contract).getFunction(method).populateTransaction(...args);
        const gasLimit = method === "createBallot"
          ? await this.provider.estimateGas({ ...request, from: this.organizer.address, gasLimit: CREATE_BALLOT_GAS_ALLOWANCE })
          : undefined;
        const sent = await this.organizer.sendTransaction({ ...request, nonce: this.nextNonce, ...(gasLimit === undefined ? {} : { gasLimit }) });
        this.nextNonce++;
        return sent;
      } catch (error) {
        this.nextNonce = undefined; // re-read from the node next time
        if (isError(error, "CALL_EXCEPTION")) throw error;
        throw unavailable(error);
      }
    });
    let receipt: TransactionReceipt | null;
    try {
      receipt = await tx.wait(1, this.opts.receiptTimeoutMs ?? 60_000);
    } catch (error) {
      if (isError(error, "CALL_EXCEPTION")) throw error;
      throw unavailable(error);
    }
    if (!receipt || receipt.status !== 1) throw new Error(`${method} transaction ${tx.hash} failed`);
    return receipt;
  }
}
