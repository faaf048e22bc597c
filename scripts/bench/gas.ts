// Gas of a vote, per ballot kind, under the prague and osaka hardforks (Osaka reprices
// modexp, EIP-7883). `npx tsx scripts/bench.ts gas` prints one `BENCH <name> <value> gas` line
// per figure:
//   gas_createBallot_<kind>_<fork>         creating a ballot (3 options, 6 or 5 candidates)
//   gas_castVote_<kind>_<fork>             one castVote transaction, a new voter in a ballot that has votes
//   gas_castVote_revote_<kind>_<fork>      the same voter revoting with another choice
//   gas_batch50_per_vote_<kind>_<fork>     gasUsed / 50 of a castVotes transaction of 50 new voters
// The contract is deployed and driven as in production (server/chain/deploy.ts, protocol/).
import { Wallet, type TransactionReceipt } from "ethers";
import { anvilWallet, startAnvil } from "../../test/helpers/anvil.js";
import { ballotBoxFixture, randomVoter, voteArg, type BallotBoxFixture, type TestBallot } from "../../test/helpers/ballot-box-fixture.js";

const BATCH = 50;
const FORKS = ["prague", "osaka"];

type Kind = { name: string; params: Record<string, unknown>; payload: (i: number) => Uint8Array };
const KINDS: Kind[] = [
  { name: "single", params: { kind: 0 }, payload: (i) => Uint8Array.of(i % 3) },
  {
    name: "multiple", // choose 2 to 3 of 6
    params: { kind: 1, minChoices: 2, maxChoices: 3, options: ["A", "B", "C", "D", "E", "F"] },
    payload: (i) => (i % 2 ? Uint8Array.of(i % 6 === 5 ? 0 : 1, 5) : Uint8Array.of(0, 2 + (i % 3), 5)),
  },
  {
    name: "mj", // 5 candidates
    params: { kind: 2, options: ["Alice", "Bob", "Chloé", "David", "Émile"] },
    payload: (i) => Uint8Array.from([0, 1, 2, 3, 4].map((c) => (i * 7 + c * 3) % 6)),
  },
];

const print = (name: string, value: bigint | number) => console.log(`BENCH ${name} ${value} gas`);
const gasOf = async (tx: Promise<{ wait(): Promise<TransactionReceipt | null> }>) => (await (await tx).wait())!.gasUsed;

async function benchKind(fx: BallotBoxFixture, kind: Kind, fork: string) {
  const ballot: TestBallot = await fx.createBallot({ ...kind.params, allowRevote: true });
  print(`gas_createBallot_${kind.name}_${fork}`, ballot.receipt.gasUsed);
  // Warm-up: the ballot's first votes pay for its count slots going from zero to nonzero.
  await fx.box.castVotes(await Promise.all([0, 1, 2, 3, 4, 5].map(async (i) => voteArg(await fx.signedVote(ballot, kind.payload(i)))))).then((t) => t.wait());

  const voter = randomVoter();
  print(`gas_castVote_${kind.name}_${fork}`, await gasOf(fx.box.castVote(voteArg(await fx.signedVote(ballot, kind.payload(7), { voter })))));
  print(`gas_castVote_revote_${kind.name}_${fork}`,
    await gasOf(fx.box.castVote(voteArg(await fx.signedVote(ballot, kind.payload(8), { voter, revision: 1 })))));

  const batch = await Promise.all(Array.from({ length: BATCH }, async (_, i) => voteArg(await fx.signedVote(ballot, kind.payload(i)))));
  const accepted = (await fx.box.castVotes.staticCall(batch)) as bigint;
  if (accepted !== BigInt(BATCH)) throw new Error(`bench: only ${accepted} of ${BATCH} votes accepted`);
  const gas = await gasOf(fx.box.castVotes(batch));
  print(`gas_batch${BATCH}_per_vote_${kind.name}_${fork}`, gas / BigInt(BATCH));
}

for (const fork of FORKS) {
  const anvil = await startAnvil({ hardfork: fork });
  const wallets = [0, 1, 2, 3].map((i) => new Wallet(anvilWallet(i).privateKey));
  const fx = await ballotBoxFixture({ rpcUrl: anvil.rpcUrl, wallets });
  try {
    for (const kind of KINDS) await benchKind(fx, kind, fork);
  } finally {
    fx.destroy();
    await anvil.stop();
  }
}
