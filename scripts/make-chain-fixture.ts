// Writes test/vectors/chain-journal.json: the genesis and every block record of a small
// embedded chain that exercises the BallotBox the way production does (deployment, the three
// ballot kinds, a batch with accepted and rejected votes, a revote, an early close, a
// transfer). test/chain/journal-fixture.test.ts replays it into a fresh EVM and every block
// must come out with its recorded hash: an engine or dependency change that would build other
// block hashes (and so refuse every existing chain at start) fails CI there first.
// Run: npx tsx scripts/make-chain-fixture.ts   (only when the fixture must be rebuilt on purpose)
import { writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Contract, Wallet, hexlify, randomBytes, type TransactionReceipt } from "ethers";
import { startChain } from "../server/chain/node.js";
import { NodeProvider } from "../server/chain/node-provider.js";
import { Journal, type BlockRecord } from "../server/chain/journal.js";
import type { Genesis } from "../server/chain/genesis.js";
import { BallotBoxAbi } from "../protocol/generated/BallotBox.js";
import { BallotKind, encodePayload, modulusBytes, signVote, toHex, tokenMessage, type Choice } from "../protocol/index.js";
import { blindSign, generateIssuerKey, proveIssuerKey } from "../protocol/node.js";
import { blind, finalize } from "../protocol/index.js";

export const CHAIN_FIXTURE_FILE = path.join(import.meta.dirname, "..", "test", "vectors", "chain-journal.json");

export type ChainFixture = { about: string; genesis: Genesis; blocks: BlockRecord[] };

async function build(): Promise<ChainFixture> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "urne-chain-fixture-"));
  try {
    const chain = await startChain({ dataDir, port: 0, blockIntervalMs: 50 });
    try {
      const provider = new NodeProvider(chain.rpcUrl, chain.chainId, { pollingIntervalMs: 20 });
      const address = chain.deployment!.ballotBox;
      const organizer = chain.operators.admin.connect(provider); // the deployer holds ORGANIZER_ROLE
      const relayer = chain.operators.relayer.connect(provider);
      const box = new Contract(address, BallotBoxAbi, organizer);
      const issuer = generateIssuerKey();
      const now = BigInt(Math.floor(Date.now() / 1000));
      const wait = async (tx: Promise<{ wait(): Promise<TransactionReceipt | null> }>) => (await (await tx).wait())!;

      const kinds = [
        { kind: BallotKind.SingleChoice, minChoices: 0, maxChoices: 0, allowRevote: true, options: ["Pour", "Contre", "Abstention"] },
        { kind: BallotKind.MultipleChoice, minChoices: 1, maxChoices: 2, allowRevote: false, options: ["Vélo", "Bus", "Tram"] },
        { kind: BallotKind.MajorityJudgment, minChoices: 0, maxChoices: 0, allowRevote: false, options: ["Alice", "Bob"] },
      ];
      for (const k of kinds) {
        await wait(box.createBallot({
          ...k, opensAt: now - 60n, closesAt: now + 86_400n, liveResults: true,
          issuerModulus: hexlify(modulusBytes(issuer.publicKey)), issuerKeyProof: hexlify(proveIssuerKey(issuer.privateKey)),
          question: `Fixture: ${k.options.join(" / ")} ?`,
        }));
      }
      const vote = async (ballotId: bigint, choice: Choice, opts: { voter?: Wallet; revision?: number; badToken?: boolean } = {}) => {
        const k = kinds[Number(ballotId) - 1];
        const voter = opts.voter ?? new Wallet(hexlify(randomBytes(32)));
        const rules = { kind: k.kind, optionCount: k.options.length, minChoices: k.minChoices, maxChoices: k.maxChoices };
        const payload = toHex(encodePayload(rules, choice));
        const message = tokenMessage({ chainId: chain.chainId, ballotBox: address, ballotId, voter: voter.address });
        const { blindedMessage, inverse } = blind(issuer.publicKey, message);
        const token = finalize(issuer.publicKey, message, blindSign(issuer.privateKey, blindedMessage), inverse);
        if (opts.badToken) token[token.length - 1] ^= 1;
        const revision = opts.revision ?? 0;
        const voterSignature = await signVote(voter, { chainId: chain.chainId, ballotBox: address, ballotId, revision, payload });
        return { ballotId, voter: voter.address, revision, payload, tokenSignature: toHex(token), voterSignature };
      };
      const relayBox = box.connect(relayer) as Contract;
      const revoter = new Wallet(hexlify(randomBytes(32)));
      // One batch: every kind, and a forged token that the contract rejects (VoteRejected).
      await wait(relayBox.castVotes([
        await vote(1n, { kind: BallotKind.SingleChoice, option: 0 }, { voter: revoter }),
        await vote(1n, { kind: BallotKind.SingleChoice, option: 1 }),
        await vote(2n, { kind: BallotKind.MultipleChoice, options: [0, 2] }),
        await vote(3n, { kind: BallotKind.MajorityJudgment, grades: [5, 2] }),
        await vote(1n, { kind: BallotKind.SingleChoice, option: 2 }, { badToken: true }),
      ], { gasLimit: 3_000_000n }));
      // A revote, sent alone (castVote), then an early close and a plain transfer.
      await wait(relayBox.castVote(await vote(1n, { kind: BallotKind.SingleChoice, option: 2 }, { voter: revoter, revision: 1 }), { gasLimit: 1_000_000n }));
      await wait(box.closeBallot(2n, 1n));
      await wait(relayer.sendTransaction({ to: organizer.address, value: 1n }));
      provider.destroy();
    } finally {
      await chain.stop();
    }
    const journal = await Journal.open(path.join(dataDir, "chain"));
    try {
      const blocks: BlockRecord[] = [];
      for await (const block of journal.blocks(1)) blocks.push(block);
      return {
        about: "An embedded urne chain (scripts/make-chain-fixture.ts): replaying it must give every recorded block hash (test/chain/journal-fixture.test.ts).",
        genesis: (await journal.genesis())!,
        blocks,
      };
    } finally {
      await journal.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fixture = await build();
  writeFileSync(CHAIN_FIXTURE_FILE, JSON.stringify(fixture, null, 1) + "\n");
  console.log(`wrote ${CHAIN_FIXTURE_FILE}: ${fixture.blocks.length} blocks, ${fixture.blocks.reduce((n, b) => n + b.transactions.length, 0)} transactions`);
}
