// The chain, BallotBox and four ballots that the castVote suites share, with the small
// helpers they both use. Registers its own before/after hooks in the calling describe.
import type { TransactionReceipt } from "ethers";
import type { SignedVote } from "../../../protocol/index.js";
import type { TestBackend } from "../../helpers/backends.js";
import { useBallotBoxFixture, voteArg, type BallotBoxFixture, type TestBallot } from "../../helpers/ballot-box-fixture.js";
import { expectRevert } from "../../helpers/contract-errors.js";

export const SIX = ["A", "B", "C", "D", "E", "F"];
export const FIVE = ["Alice", "Bob", "Chloé", "David", "Émile"];

export type CastVoteBallots = {
  fx: BallotBoxFixture;
  single: TestBallot; // no revote
  singleRevote: TestBallot;
  multiple: TestBallot; // 2 to 3 of 6, revote
  mj: TestBallot; // 5 candidates, revote
};

export function useCastVoteBallots(backend: TestBackend) {
  const setup = useBallotBoxFixture(backend);
  const ctx = {} as CastVoteBallots;
  before(async () => {
    const fx = setup.fx;
    Object.assign(ctx, {
      fx,
      single: await fx.createBallot(),
      singleRevote: await fx.createBallot({ allowRevote: true }),
      multiple: await fx.createBallot({ kind: 1, minChoices: 2, maxChoices: 3, options: SIX, allowRevote: true }),
      mj: await fx.createBallot({ kind: 2, options: FIVE, allowRevote: true }),
    });
  });

  const cast = async (vote: SignedVote): Promise<TransactionReceipt> => (await (await ctx.fx.box.castVote(voteArg(vote))).wait())!;
  const rejects = (vote: SignedVote, name: string, args: unknown[]) =>
    expectRevert(ctx.fx.iface, ctx.fx.box.castVote.staticCall(voteArg(vote)), name, args);
  const tally = async (b: TestBallot) => ((await ctx.fx.box.tally(b.id)) as bigint[]).map(Number);
  const state = async (b: TestBallot, voter: string) => ({
    tally: await tally(b),
    votersCount: await ctx.fx.box.votersCount(b.id),
    voteOf: [...(await ctx.fx.box.voteOf(b.id, voter))],
  });
  return { ctx, cast, rejects, tally, state };
}
