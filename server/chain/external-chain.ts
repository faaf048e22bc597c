// urne on an EVM network it does not run (production: a Besu QBFT network hosted by
// several organizations, docs/CHAIN.md §7), instead of the embedded chain. The service
// speaks only standard JSON-RPC, so this is a connection, not a node: it checks that the
// node answers, that the address holds a BallotBox of THIS protocol version, and that the
// operator keys can do their jobs, and refuses to start otherwise, naming the setting.
//
// Finality: the relay reports a ballot "final" once its transaction is mined, which holds
// on a chain with immediate finality (QBFT, IBFT 2.0, the embedded chain). Do not point
// urne at a chain whose blocks can be reorganized (proof-of-work, proof-of-stake before
// finalization): receipts could then vanish after being reported final.
import { Contract, Wallet, isAddress, getAddress } from "ethers";
import { NodeProvider, nodeChainId } from "./node-provider.js";
import { ballotBoxInterface } from "../../protocol/events.js";
import { TOKEN_DOMAIN } from "../../protocol/constants.js";

export type ExternalChainOptions = {
  rpcUrl: string;
  ballotBox: string;
  /** Holds ORGANIZER_ROLE (or gets it from `adminKey`): creates and closes ballots. */
  organizerKey: string;
  /** Pays the gas of castVotes. */
  relayerKey: string;
  /** Optional: DEFAULT_ADMIN_ROLE, used once to grant the organizer its role. */
  adminKey?: string;
};

/** Shaped like the embedded chain's handle (server/chain/node.ts `Chain`) where the stack uses it. */
export type ExternalChain = {
  rpcUrl: string;
  chainId: bigint;
  deployment: { ballotBox: string };
  operators: { organizer: Wallet; relayer: Wallet; admin?: Wallet };
  /** The network seals its own blocks: nothing of ours waits. */
  sealPending(): Promise<void>;
  stop(): Promise<void>;
};

const fail = (setting: string, why: string): never => {
  throw new Error(`${setting}: ${why}`);
};

function wallet(setting: string, key: string): Wallet {
  try {
    return new Wallet(key);
  } catch {
    return fail(setting, "is not a private key (32 bytes hex)"); // never echo the value
  }
}

export async function connectExternalChain(opts: ExternalChainOptions): Promise<ExternalChain> {
  const organizer = wallet("URNE_ORGANIZER_KEY", opts.organizerKey);
  const relayer = wallet("URNE_RELAYER_KEY", opts.relayerKey);
  const admin = opts.adminKey === undefined ? undefined : wallet("URNE_ADMIN_KEY", opts.adminKey);
  if (!isAddress(opts.ballotBox)) fail("URNE_BALLOT_BOX", "is not an address");
  const ballotBox = getAddress(opts.ballotBox);
  {
    const chainId = await nodeChainId(opts.rpcUrl).catch((cause: Error) => { throw new Error(`URNE_CHAIN_RPC_URL: ${cause.message}`, { cause }); });
    const provider = new NodeProvider(opts.rpcUrl, chainId);
    try {
      if ((await provider.getCode(ballotBox)) === "0x") fail("URNE_BALLOT_BOX", `no contract at ${ballotBox} on chain ${chainId}`);
      const box = new Contract(ballotBox, ballotBoxInterface, provider);
      // The EIP-712 domain and the token domain tag are what voters sign and what tokens
      // bind: a contract that answers other values is not a BallotBox of this version.
      let domain: { name: string; version: string; chainId: bigint; verifyingContract: string };
      let tokenDomain: string;
      try {
        const d = await box.eip712Domain();
        domain = { name: d[1], version: d[2], chainId: d[3], verifyingContract: d[4] };
        tokenDomain = await box.TOKEN_DOMAIN();
      } catch (cause) {
        throw new Error(`URNE_BALLOT_BOX: the contract at ${ballotBox} is not a BallotBox (eip712Domain/TOKEN_DOMAIN failed)`, { cause });
      }
      if (domain.name !== "urne" || domain.version !== "1" || domain.chainId !== chainId || getAddress(domain.verifyingContract) !== ballotBox || tokenDomain !== TOKEN_DOMAIN) {
        fail("URNE_BALLOT_BOX", `the contract at ${ballotBox} is not a BallotBox of protocol version 1 (EIP-712 domain or token domain differs)`);
      }
      const role = (await box.ORGANIZER_ROLE()) as string;
      if (!admin && !(await box.hasRole(role, organizer.address))) {
        fail("URNE_ORGANIZER_KEY", `${organizer.address} lacks ORGANIZER_ROLE on ${ballotBox}; grant it, or set URNE_ADMIN_KEY once`);
      }
      if ((await provider.getBalance(relayer.address)) === 0n) fail("URNE_RELAYER_KEY", `${relayer.address} has no funds to pay for votes`);
    } finally {
      provider.destroy();
    }
    return {
      rpcUrl: opts.rpcUrl, chainId, deployment: { ballotBox }, operators: { organizer, relayer, ...(admin ? { admin } : {}) },
      sealPending: async () => {}, stop: async () => {},
    };
  }
}

