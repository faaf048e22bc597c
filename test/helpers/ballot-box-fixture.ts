// A deployed BallotBox on a test chain, with ballots and votes built by the production code:
// the contract is deployed by server/chain/deploy.ts, tokens are blind-issued with
// protocol/token (blind → blindSign → finalize) and votes signed with protocol/vote.ts, so
// the contract and the protocol module are tested against each other.
import { randomBytes } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { Contract, Interface, Wallet, hexlify, type InterfaceAbi, type TransactionReceipt } from "ethers";
import { BallotBoxAbi } from "../../protocol/generated/BallotBox.js";
import {
  blind, finalize, modulusBytes, signVote, toHex, tokenMessage,
  type BallotParams, type IssuerPublicKey, type SignedVote,
} from "../../protocol/index.js";
import { blindSign, generateIssuerKey, proveIssuerKey } from "../../protocol/node.js";
import { ballotBoxAt, deployBallotBox, type BallotBoxDeployment } from "../../server/chain/deploy.js";
import type { TestBackend, TestChain } from "./backends.js";
import { NodeProvider, nodeChainId } from "../../server/chain/node-provider.js";

export type Issuer = {
  privateKey: KeyObject;
  publicKey: IssuerPublicKey;
  modulus: string;
  /** The issuer key proof createBallot requires (PROTOCOL.md §2.5), hex. */
  keyProof: string;
};

// RSA-2048 key generation takes up to a second: the suites of one process share a few keys.
const issuers: Issuer[] = [];

/** The i-th shared issuer key (generated on first use). */
export function testIssuer(i = 0): Issuer {
  while (issuers.length <= i) {
    const { privateKey, publicKey } = generateIssuerKey();
    issuers.push({ privateKey, publicKey, modulus: toHex(modulusBytes(publicKey)), keyProof: toHex(proveIssuerKey(privateKey)) });
  }
  return issuers[i];
}

/** urne's provider (no batching, no cache, receipts looked for on a timer), polling every 20 ms. */
export async function connectProvider(rpcUrl: string): Promise<NodeProvider> {
  return new NodeProvider(rpcUrl, await nodeChainId(rpcUrl), { pollingIntervalMs: 20 });
}

/** A fresh voter key, as the widget makes one per ballot. */
export function randomVoter(): Wallet {
  return new Wallet(hexlify(randomBytes(32)));
}

export type TestBallot = { id: bigint; params: BallotParams; issuer: Issuer; receipt: TransactionReceipt };

export type VoteOptions = {
  revision?: number;
  voter?: Wallet;
  /** A token signature to use instead of issuing one (e.g. a tampered one). */
  tokenSignature?: string;
};

export type BallotBoxFixture = {
  provider: NodeProvider;
  /** The node's JSON-RPC URL (what `provider` talks to). */
  rpcUrl: string;
  chainId: bigint;
  deployment: BallotBoxDeployment;
  /** The contract, connected to the relayer (anybody may submit votes). */
  box: Contract;
  iface: Interface;
  admin: Wallet;
  organizer: Wallet;
  relayer: Wallet;
  outsider: Wallet;
  /** Timestamp of the latest block, the clock the contract sees. */
  now(): Promise<bigint>;
  /** Default parameters: an open single-choice ballot on the default options, no revote. */
  ballotParams(overrides?: Partial<BallotParams>): Promise<BallotParams>;
  createBallot(overrides?: Partial<BallotParams>, opts?: { issuer?: Issuer; from?: Wallet }): Promise<TestBallot>;
  /** Blind-issues a token for `voter` in `ballotId` under `issuer`, as the widget and the API do. */
  issueToken(issuer: Issuer, ballotId: bigint, voter: string): Uint8Array;
  /** A signed vote with a freshly issued token (PROTOCOL.md §3-§5). */
  signedVote(ballot: TestBallot, payload: Uint8Array | string, opts?: VoteOptions): Promise<SignedVote & { wallet: Wallet }>;
  destroy(): void;
};

/** `existing`: use the BallotBox already at this address (its admin is `wallets[0]`) instead of deploying one. */
export async function ballotBoxFixture(chain: Pick<TestChain, "rpcUrl" | "wallets">, existing?: string): Promise<BallotBoxFixture> {
  const provider = await connectProvider(chain.rpcUrl);
  const chainId = (await provider.getNetwork()).chainId;
  const [admin, organizer, relayer, outsider] = chain.wallets.slice(0, 4).map((w) => w.connect(provider));
  const deployment = existing ? { address: existing, transactionHash: "", blockNumber: 0 } : await deployBallotBox(admin, {});
  const box = ballotBoxAt(deployment.address, relayer);
  const iface = new Interface(BallotBoxAbi as InterfaceAbi);
  const organizerRole = await box.ORGANIZER_ROLE();
  await (await (box.connect(admin) as Contract).grantRole(organizerRole, organizer.address)).wait();

  const now = async () => BigInt((await provider.getBlock("latest"))!.timestamp);

  const ballotParams = async (overrides: Partial<BallotParams> = {}): Promise<BallotParams> => {
    const t = await now();
    return {
      kind: 0,
      minChoices: 0,
      maxChoices: 0,
      opensAt: t - 60n,
      closesAt: t + 86_400n,
      allowRevote: false,
      liveResults: true,
      issuerModulus: testIssuer(0).modulus,
      issuerKeyProof: testIssuer(0).keyProof,
      question: "Faut-il planter des arbres dans la cour de l'école ?",
      options: ["Pour", "Contre", "Abstention"],
      ...overrides,
    };
  };

  const createBallot: BallotBoxFixture["createBallot"] = async (overrides = {}, opts = {}) => {
    const issuer = opts.issuer ?? testIssuer(0);
    const params = await ballotParams({ issuerModulus: issuer.modulus, issuerKeyProof: issuer.keyProof, ...overrides });
    const tx = await (box.connect(opts.from ?? organizer) as Contract).createBallot(params);
    const receipt = (await tx.wait()) as TransactionReceipt;
    const event = receipt.logs.map((l) => iface.parseLog(l)).find((e) => e?.name === "BallotCreated");
    if (!event) throw new Error("createBallot: no BallotCreated event");
    return { id: event.args.ballotId as bigint, params, issuer, receipt };
  };

  const issueToken = (issuer: Issuer, ballotId: bigint, voter: string): Uint8Array => {
    const message = tokenMessage({ chainId, ballotBox: deployment.address, ballotId, voter });
    const { blindedMessage, inverse } = blind(issuer.publicKey, message);
    return finalize(issuer.publicKey, message, blindSign(issuer.privateKey, blindedMessage), inverse);
  };

  const signedVote: BallotBoxFixture["signedVote"] = async (ballot, payload, opts = {}) => {
    const wallet = opts.voter ?? randomVoter();
    const revision = opts.revision ?? 0;
    const payloadHex = typeof payload === "string" ? payload : toHex(payload);
    const tokenSignature = opts.tokenSignature ?? toHex(issueToken(ballot.issuer, ballot.id, wallet.address));
    const voterSignature = await signVote(wallet, {
      chainId, ballotBox: deployment.address, ballotId: ballot.id, revision, payload: payloadHex,
    });
    return { ballotId: ballot.id, voter: wallet.address, revision, payload: payloadHex, tokenSignature, voterSignature, wallet };
  };

  return {
    provider, rpcUrl: chain.rpcUrl, chainId, deployment, box, iface, admin, organizer, relayer, outsider,
    now, ballotParams, createBallot, issueToken, signedVote,
    destroy: () => provider.destroy(),
  };
}

/** The tuple ethers encodes for a SignedVote argument (drops the helper's `wallet`). */
export function voteArg(v: SignedVote): SignedVote {
  const { ballotId, voter, revision, payload, tokenSignature, voterSignature } = v;
  return { ballotId, voter, revision, payload, tokenSignature, voterSignature };
}

/**
 * Registers before/after hooks in the calling describe: a fresh chain from `backend` with a
 * BallotBox fixture on it, stopped afterwards. `setup.fx` is set once the before hook ran.
 */
export function useBallotBoxFixture(backend: TestBackend): { fx: BallotBoxFixture } {
  let chain: TestChain | undefined;
  const setup = {} as { fx: BallotBoxFixture };
  before(async () => {
    chain = await backend.start();
    setup.fx = await ballotBoxFixture(chain);
  });
  after(async () => {
    setup.fx?.destroy();
    await chain?.stop();
  });
  return setup;
}
