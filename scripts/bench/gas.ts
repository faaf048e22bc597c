// Gas of a vote, per ballot kind, under the prague and osaka hardforks (Osaka reprices
// modexp, EIP-7883). `npx tsx scripts/bench.ts gas` prints one `BENCH <name> <value> gas` line
// per figure:
//   gas_createBallot_<kind>_<fork>         creating a ballot (3 options, 6 or 5 candidates)
//   gas_castVote_<kind>_<fork>             one castVote transaction, a new voter in a ballot that has votes
//   gas_castVote_revote_<kind>_<fork>      the same voter revoting with another choice
//   gas_batch50_per_vote_<kind>_<fork>     gasUsed / 50 of a castVotes transaction of 50 new voters
// and for sealed ballots (PROTOCOL.md §11.9; real ballots sealed by protocol/sealed):
//   gas_createSealedBallot_<kind>_<fork>   creating a sealed ballot (2 of 3 trustees)
//   gas_castVote_<kind>_<fork>, gas_castVote_revote_<kind>_<fork>   as above
//   gas_batch<B>_per_vote_<kind>_<fork>    B = 50 for sealed_single (3 options); B = 8 for sealed_mj10
//                                          (10 candidates, 9,061-byte payloads: 8 fit the 128 KiB
//                                          transaction limit of the embedded chain and geth, 50 do not)
//   gas_castVote_sealed_mj25_<fork>        the largest sealed ballot, MAX_SEALED_CELLS = 128 (125 cells)
//   gas_submitDecryptionShare_<kind>_<fork>  a trustee's share (33·cells + 64 bytes)
// The contract is deployed and driven as in production (server/chain/deploy.ts, protocol/).
// `--baseline FILE` (an earlier run's output) adds a table of every figure beside the earlier one.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Wallet, hexlify, randomBytes, type Contract, type TransactionReceipt } from "ethers";
import { BallotKind } from "../../protocol/ballot.js";
import type { Choice } from "../../protocol/payload.js";
import { anvilWallet, startAnvil } from "../../test/helpers/anvil.js";
import { ballotBoxFixture, randomVoter, voteArg, type BallotBoxFixture, type TestBallot } from "../../test/helpers/ballot-box-fixture.js";
import { sealedFixture, type SealedFixture } from "../../test/helpers/sealed-ballot-fixture.js";

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

type SealedKind = { name: string; params: Record<string, unknown>; choice: (i: number) => Choice; batch: number; cells: number };
const candidates = (n: number) => Array.from({ length: n }, (_, i) => `Candidat ${i + 1}`);
const SEALED_KINDS: SealedKind[] = [
  { name: "sealed_single", params: { kind: 0 }, choice: (i) => ({ kind: BallotKind.SingleChoice, option: i % 3 }), batch: BATCH, cells: 2 },
  {
    name: "sealed_mj10",
    params: { kind: 2, options: candidates(10) },
    choice: (i) => ({ kind: BallotKind.MajorityJudgment, grades: candidates(10).map((_, c) => (i * 7 + c * 3) % 6) }),
    batch: 8,
    cells: 50,
  },
];

const { values: args } = parseArgs({ args: process.argv.slice(3), options: { baseline: { type: "string" } } });
const figures = new Map<string, bigint>();
const print = (name: string, value: bigint | number) => {
  figures.set(name, BigInt(value));
  console.log(`BENCH ${name} ${value} gas`);
};
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

async function benchSealed(fx: BallotBoxFixture, sx: SealedFixture, kind: SealedKind, fork: string) {
  const ballot = await sx.createSealedBallot({ ...kind.params, allowRevote: true });
  print(`gas_createSealedBallot_${kind.name}_${fork}`, ballot.receipt.gasUsed);
  const vote = async (i: number, voter = randomVoter(), revision = 0) =>
    voteArg(await fx.signedVote(ballot, sx.seal(ballot, voter.address, kind.choice(i)).payload, { voter, revision }));
  // The same warm-up as v1's (a sealed ballot has no count slots: it changes nothing but the comparison).
  await fx.box.castVotes(await Promise.all([0, 1, 2, 3, 4, 5].map((i) => vote(i)))).then((t) => t.wait());

  const voter = randomVoter();
  print(`gas_castVote_${kind.name}_${fork}`, await gasOf(fx.box.castVote(await vote(7, voter))));
  print(`gas_castVote_revote_${kind.name}_${fork}`, await gasOf(fx.box.castVote(await vote(8, voter, 1))));

  const batch = await Promise.all(Array.from({ length: kind.batch }, (_, i) => vote(i)));
  const accepted = (await fx.box.castVotes.staticCall(batch)) as bigint;
  if (accepted !== BigInt(kind.batch)) throw new Error(`bench: only ${accepted} of ${kind.batch} sealed votes accepted`);
  print(`gas_batch${kind.batch}_per_vote_${kind.name}_${fork}`, (await gasOf(fx.box.castVotes(batch))) / BigInt(kind.batch));

  await (await (fx.box.connect(fx.organizer) as Contract).closeBallot(ballot.id, 0n)).wait();
  const trustee = ballot.trustees[0];
  await sx.fund(trustee);
  const share = hexlify(randomBytes(kind.cells * 33 + 64)); // the contract checks its length only
  print(`gas_submitDecryptionShare_${kind.name}_${fork}`,
    await gasOf((fx.box.connect(trustee.wallet) as Contract).submitDecryptionShare(ballot.id, hexlify(randomBytes(32)), share)));
}

/** The largest sealed ballot MAX_SEALED_CELLS allows: majority judgment, 25 candidates (125 cells, 22,651 bytes). */
async function benchLargestSealed(fx: BallotBoxFixture, sx: SealedFixture, fork: string) {
  const ballot = await sx.createSealedBallot({ kind: 2, options: candidates(25) });
  const grades = candidates(25).map((_, c) => c % 6);
  const cast = async () => {
    const voter = randomVoter();
    const payload = sx.seal(ballot, voter.address, { kind: BallotKind.MajorityJudgment, grades }).payload;
    return gasOf(fx.box.castVote(voteArg(await fx.signedVote(ballot, payload, { voter }))));
  };
  await cast(); // the ballot's first voter
  print(`gas_castVote_sealed_mj25_${fork}`, await cast());
}

for (const fork of FORKS) {
  const anvil = await startAnvil({ hardfork: fork });
  const wallets = [0, 1, 2, 3].map((i) => new Wallet(anvilWallet(i).privateKey));
  const fx = await ballotBoxFixture({ rpcUrl: anvil.rpcUrl, wallets });
  const sx = sealedFixture(fx);
  try {
    for (const kind of KINDS) await benchKind(fx, kind, fork);
    for (const kind of SEALED_KINDS) await benchSealed(fx, sx, kind, fork);
    await benchLargestSealed(fx, sx, fork);
  } finally {
    fx.destroy();
    await anvil.stop();
  }
}

// Side by side: each fork's gas per vote in a batch, v1 and sealed.
for (const fork of FORKS) {
  const at = (name: string) => figures.get(`${name}_${fork}`)?.toLocaleString("en") ?? "-";
  console.log(`gas per vote in a batch (${fork}): v1 single ${at("gas_batch50_per_vote_single")}, multiple ${at("gas_batch50_per_vote_multiple")}, ` +
    `mj5 ${at("gas_batch50_per_vote_mj")} | sealed single ${at("gas_batch50_per_vote_sealed_single")}, mj10 ${at("gas_batch8_per_vote_sealed_mj10")}`);
}
if (args.baseline) {
  const earlier = new Map(readFileSync(args.baseline, "utf8").split("\n").flatMap((line) => {
    const m = /^BENCH (\S+) (\d+) gas$/.exec(line.trim());
    return m ? [[m[1], BigInt(m[2])] as const] : [];
  }));
  console.log(`\nfigure, now, in ${args.baseline}, difference`);
  for (const [name, value] of figures) {
    const before = earlier.get(name);
    console.log(`${name.padEnd(44)} ${String(value).padStart(9)} ${before === undefined ? "        -" : String(before).padStart(9)} ${before === undefined ? "" : (value - before >= 0n ? "+" : "") + String(value - before)}`);
  }
}
