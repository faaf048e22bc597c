// Builds an urne chain journal full of votes on the embedded chain (the ethereumjs engine,
// server/chain/node.ts): BallotBox deployed, one single-choice ballot that allows revotes,
// `votes` valid votes sent by the relayer in `castVotes` batches, plus, when asked, revotes
// (the same voters' revision 1) and votes with a forged token (VoteRejected). Used by the
// replay and engine benchmarks and by the engine's tests (test/chain/engine/), so that what
// is measured and what is checked are the same chain.
//
// Tokens are signed with node:crypto's RSA-PSS (the exact signature the blind flow produces,
// PROTOCOL.md §3.2): the blind round trip only adds client work a replay never sees.
import { constants, sign } from "node:crypto";
import { Contract, Wallet, hexlify, randomBytes, type ContractTransactionResponse } from "ethers";
import { startChain } from "../../../server/chain/node.js";
import { NodeProvider } from "../../../server/chain/node-provider.js";
import { BallotBoxAbi } from "../../../protocol/generated/BallotBox.js";
import { BallotKind, encodePayload, signVote, tokenMessage, modulusBytes } from "../../../protocol/index.js";
import * as protocolNode from "../../../protocol/node.js";

export type VoteChainOptions = {
  votes: number;
  /** Votes per castVotes transaction (one transaction per block at most, as the relay sends). */
  batch?: number;
  /** Voters among the first ones who vote again (revision 1), in batches after the first votes. */
  revotes?: number;
  /** Votes with a forged token, one in each of the first `rejected` batches. */
  rejected?: number;
  log?: (line: string) => void;
};

/** Fills `dataDir` (a new data directory) with a chain holding the votes; the node is stopped at the end. */
export async function buildVoteChain(dataDir: string, opts: VoteChainOptions): Promise<{ ballotBox: string; ballotId: bigint }> {
  const BATCH = opts.batch ?? 50;
  const chain = await startChain({ dataDir, port: 0, blockIntervalMs: 100 });
  try {
    const provider = new NodeProvider(chain.rpcUrl, chain.chainId, { pollingIntervalMs: 50 });
    const address = chain.deployment!.ballotBox;
    const admin = chain.operators.admin.connect(provider);
    const relayer = chain.operators.relayer.connect(provider);
    const issuer = protocolNode.generateIssuerKey();
    const now = BigInt(Math.floor(Date.now() / 1000));
    const params: Record<string, unknown> = {
      kind: BallotKind.SingleChoice, minChoices: 0, maxChoices: 0, opensAt: now - 60n, closesAt: now + 86_400n,
      allowRevote: true, liveResults: true, issuerModulus: hexlify(modulusBytes(issuer.publicKey)),
      question: "Bench: votes", options: ["Pour", "Contre", "Abstention"],
    };
    // The issuer-key proof (PROTOCOL.md §2.5), when this protocol version has it.
    const prove = (protocolNode as Record<string, unknown>).proveIssuerKey as ((k: unknown) => Uint8Array) | undefined;
    if (prove) params.issuerKeyProof = hexlify(prove(issuer.privateKey));
    const box = new Contract(address, BallotBoxAbi, admin);
    await (await box.createBallot(params)).wait();
    const ballotId = await box.ballotCount();
    const rules = { kind: BallotKind.SingleChoice, optionCount: 3, minChoices: 0, maxChoices: 0 };
    const vote = async (voter: Wallet, i: number, revision: number, forged: boolean) => {
      const payload = encodePayload(rules, { kind: BallotKind.SingleChoice, option: (i + revision) % 3 });
      const message = tokenMessage({ chainId: chain.chainId, ballotBox: address, ballotId, voter: voter.address });
      const token = sign("sha256", message, { key: issuer.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
      if (forged) token[token.length - 1] ^= 1;
      const voterSignature = await signVote(voter, { chainId: chain.chainId, ballotBox: address, ballotId, revision, payload });
      return { ballotId, voter: voter.address, revision, payload: hexlify(payload), tokenSignature: hexlify(token), voterSignature };
    };

    const relayBox = box.connect(relayer) as Contract;
    let nonce = await provider.getTransactionCount(relayer.address, "latest");
    const sent: ContractTransactionResponse[] = [];
    const send = async (batch: unknown[]) => {
      sent.push(await relayBox.castVotes(batch, { nonce: nonce++, gasLimit: 4_000_000n }));
      // Keep the mempool bounded: wait for the oldest outstanding batches.
      if (sent.length >= 40) await sent.splice(0, 20).at(-1)!.wait();
    };
    const revoters: Wallet[] = [];
    let rejected = opts.rejected ?? 0;
    for (let start = 0; start < opts.votes; start += BATCH) {
      const batch = [];
      for (let i = start; i < Math.min(opts.votes, start + BATCH); i++) {
        const voter = new Wallet(hexlify(randomBytes(32)));
        if (revoters.length < (opts.revotes ?? 0)) revoters.push(voter);
        batch.push(await vote(voter, i, 0, false));
      }
      if (rejected-- > 0) batch.push(await vote(new Wallet(hexlify(randomBytes(32))), start, 0, true));
      await send(batch);
    }
    for (let start = 0; start < revoters.length; start += BATCH) {
      await send(await Promise.all(revoters.slice(start, start + BATCH).map((voter, i) => vote(voter, start + i, 1, false))));
    }
    for (const tx of sent) await tx.wait();
    const counted = await box.votersCount(ballotId);
    if (counted !== BigInt(opts.votes)) throw new Error(`expected ${opts.votes} voters counted, got ${counted}`);
    opts.log?.(`# ${opts.votes} votes, ${revoters.length} revotes, ${opts.rejected ?? 0} forged, head ${chain.head().number}`);
    provider.destroy();
    return { ballotBox: address, ballotId };
  } finally {
    await chain.stop();
  }
}
