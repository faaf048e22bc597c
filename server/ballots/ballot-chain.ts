// The API's side of the BallotBox: ordinary signed transactions from the organizer account
// through the chain's public JSON-RPC, like any client's (docs/CHAIN.md, opening and §7:
// urne speaks only standard JSON-RPC to its chain, so production can run on any EVM network).
import { Contract, Wallet, isError, type TransactionReceipt } from "ethers";
import { NodeProvider } from "../chain/node-provider.js";
import { UrneError } from "../../protocol/errors.js";
import type { BallotParams } from "../../protocol/ballot.js";
import { Mutex } from "../chain/mutex.js";

// The one ABI object, from the protocol module (events.ts).
import { ballotBoxInterface, EVENT_TOPICS } from "../../protocol/events.js";
import { ballotFingerprint, sealedLogAfter } from "../../protocol/ballot-fingerprint.js";
export { ballotBoxInterface };

/** IBallotBox.SealedParams: the election key of a finished key ceremony, its transcript digest, its trustees and threshold. */
export type SealedBallotParams = { electionKey: string; keyCeremonyDigest: string; trustees: string[]; threshold: number };

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

const unavailable = (cause: unknown) =>
  new UrneError("ERR_CHAIN_UNAVAILABLE", "The chain did not answer in time. Try again later.", { cause });

export class BallotChain {
  readonly provider: NodeProvider;
  readonly box: Contract;
  readonly organizer: Wallet;
  private readonly sending = new Mutex();
  private nextNonce: number | undefined;

  constructor(readonly opts: BallotChainOptions) {
    // We track our own nonces (the provider neither batches nor caches).
    this.provider = new NodeProvider(opts.rpcUrl, opts.chainId, { pollingIntervalMs: opts.pollingIntervalMs, bearerToken: opts.rpcToken });
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

  /**
   * Sends createBallot (or createSealedBallot, with `sealed`) and waits for its receipt;
   * returns the id from BallotCreated, and the ballot's fingerprint.
   */
  async createBallot(params: BallotParams, sealed?: SealedBallotParams): Promise<ChainReceipt & { ballotId: bigint; organizer: string; fingerprint: string }> {
    const receipt = await (sealed ? this.send("createSealedBallot", [params, sealed]) : this.send("createBallot", [params]));
    const index = receipt.logs.findIndex((l) => l.topics[0]?.toLowerCase() === EVENT_TOPICS.BallotCreated);
    const log = receipt.logs[index];
    const event = log && ballotBoxInterface.parseLog(log);
    if (!log || !event) throw new Error(`createBallot ${receipt.hash}: no BallotCreated event`);
    const sealedLog = sealedLogAfter(receipt.logs, index);
    if (sealed && !sealedLog) throw new Error(`createSealedBallot ${receipt.hash}: no BallotSealed event after BallotCreated`);
    return {
      ballotId: event.args.ballotId as bigint, organizer: event.args.organizer as string, txHash: receipt.hash, blockNumber: receipt.blockNumber,
      fingerprint: ballotFingerprint(this.chainId, log, sealedLog),
    };
  }

  /** The fingerprint of the ballot created by transaction `txHash` (records made before fingerprints). */
  async fingerprintOf(txHash: string, ballotId: bigint): Promise<string> {
    const receipt = await this.read(() => this.provider.getTransactionReceipt(txHash));
    const logs = receipt?.logs ?? [];
    const index = logs.findIndex((l) => l.topics[0]?.toLowerCase() === EVENT_TOPICS.BallotCreated && BigInt(l.topics[1]) === ballotId);
    if (index < 0) throw new Error(`transaction ${txHash} holds no BallotCreated of ballot ${ballotId}`);
    return ballotFingerprint(this.chainId, logs[index], sealedLogAfter(logs, index));
  }

  async closeBallot(ballotId: bigint, tokensIssued: number): Promise<ChainReceipt> {
    const receipt = await this.send("closeBallot", [ballotId, BigInt(tokensIssued)]);
    return { txHash: receipt.hash, blockNumber: receipt.blockNumber };
  }

  /** Posts the organizer's decryption share of a closed sealed ballot: the operator's share (PROTOCOL.md §11.7). */
  async submitOperatorShare(ballotId: bigint, tallyDigest: string, share: Uint8Array): Promise<ChainReceipt> {
    const receipt = await this.send("submitDecryptionShare", [ballotId, tallyDigest, share]);
    return { txHash: receipt.hash, blockNumber: receipt.blockNumber };
  }

  /** The organizer account: the operator of key ceremonies with an operator's key. */
  get organizerAddress(): string {
    return this.organizer.address;
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

  /**
   * Counts and the block they were read at: both calls name the same block, so they agree
   * whatever is sealed meanwhile (urne's own chain keeps the state of its recent blocks,
   * docs/CHAIN.md §5.1, as any node does).
   */
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
        // The estimate names its ceiling, the block's gas limit: a node may give a call that
        // names none less than a transaction may use (urne's door runs such a BallotBox call
        // with 1,000,000 gas, CHAIN.md §5), and the largest ballot the API accepts (64
        // options of 200 three-byte characters) needs some 1,800,000 (EIP-7623 calldata floor).
        const ceiling = (await this.provider.getBlock("latest"))?.gasLimit;
        const gasLimit = await this.provider.estimateGas({ ...request, from: this.organizer.address, ...(ceiling ? { gasLimit: ceiling } : {}) });
        const sent = await this.organizer.sendTransaction({ ...request, nonce: this.nextNonce, gasLimit });
        this.nextNonce++;
        return sent;
      } catch (error) {
        this.nextNonce = undefined; // re-read from the node next time
        // A revert, or arguments ethers cannot encode (a lone surrogate that slipped past
        // the edge once): our bug, a 500, never "the chain did not answer, try again" (503).
        if (isError(error, "CALL_EXCEPTION") || isError(error, "INVALID_ARGUMENT")) throw error;
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
