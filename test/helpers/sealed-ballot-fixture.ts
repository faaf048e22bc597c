// Sealed ballots on a BallotBox fixture (PROTOCOL.md §11.9): an election key shared by
// trustees (Shamir, threshold t, made here: the contract sees only its shape), sealed
// ballots built by protocol/sealed (sealBallot under the context of this chain, box,
// ballot and voter), and the parameters createSealedBallot takes.
import { randomBytes } from "node:crypto";
import { Wallet, hexlify, keccak256, type Contract, type TransactionReceipt } from "ethers";
import { rulesFromParams, toHex, type BallotParams, type BallotRules } from "../../protocol/index.js";
import type { Choice } from "../../protocol/payload.js";
import { electionKeyHash, sealedContext } from "../../protocol/sealed/ballot-context.js";
import { G, mod, randomScalar, type Point } from "../../protocol/sealed/group.js";
import { sealBallot } from "../../protocol/sealed/sealed-ballot.js";
import { testIssuer, type BallotBoxFixture, type Issuer, type TestBallot } from "./ballot-box-fixture.js";

/** The Solidity SealedParams struct, as ethers encodes it. */
export type SealedParams = { electionKey: string; keyCeremonyDigest: string; trustees: string[]; threshold: number };

/** A trustee: a chain account and its key share s_j = f(j) of the election secret. */
export type Trustee = { wallet: Wallet; identifier: bigint; secret: bigint; verificationKey: Point };

/** An election key Y = f(0)·G shared t-of-n: f of degree t−1, trustee j holds f(j). */
export function electionKeyShares(threshold: number, count: number): { electionKey: Point; trustees: Trustee[] } {
  const coefficients = Array.from({ length: threshold }, () => randomScalar());
  const f = (z: bigint) => mod(coefficients.reduceRight((acc, c) => acc * z + c, 0n));
  const trustees = Array.from({ length: count }, (_, j) => {
    const identifier = BigInt(j + 1);
    const secret = f(identifier);
    return { wallet: new Wallet(hexlify(randomBytes(32))), identifier, secret, verificationKey: G.multiply(secret) };
  });
  return { electionKey: G.multiply(coefficients[0]), trustees };
}

export type SealedTestBallot = TestBallot & {
  sealed: SealedParams;
  rules: BallotRules;
  electionKey: Point;
  trustees: Trustee[];
};

export type SealedFixture = {
  /** Default sealed parameters: a fresh 2-of-3 key, its trustees funded to post shares. */
  sealedParams(overrides?: Partial<SealedParams>): { sealed: SealedParams; electionKey: Point; trustees: Trustee[] };
  /** createSealedBallot with the fixture's defaults (liveResults false) and these overrides. */
  createSealedBallot(overrides?: Partial<BallotParams>, opts?: { sealed?: Partial<SealedParams>; issuer?: Issuer }): Promise<SealedTestBallot>;
  /** A sealed payload of `choice` for `voter` in `ballot`, made as the widget makes it. */
  seal(ballot: SealedTestBallot, voter: string, choice: Choice): { payload: string; tracker: string };
  /** Gives a trustee's account gas money from the fixture's admin. */
  fund(trustee: Trustee): Promise<void>;
};

export function sealedFixture(fx: BallotBoxFixture): SealedFixture {
  const sealedParams: SealedFixture["sealedParams"] = (overrides = {}) => {
    const { electionKey, trustees } = electionKeyShares(2, 3);
    for (const t of trustees) t.wallet = t.wallet.connect(fx.provider);
    const sealed = {
      electionKey: toHex(electionKey.toBytes(true)),
      keyCeremonyDigest: hexlify(randomBytes(32)),
      trustees: trustees.map((t) => t.wallet.address),
      threshold: 2,
      ...overrides,
    };
    return { sealed, electionKey, trustees };
  };

  const createSealedBallot: SealedFixture["createSealedBallot"] = async (overrides = {}, opts = {}) => {
    const issuer = opts.issuer ?? testIssuer(0);
    const params = await fx.ballotParams({ liveResults: false, issuerModulus: issuer.modulus, issuerKeyProof: issuer.keyProof, ...overrides });
    const { sealed, electionKey, trustees } = sealedParams(opts.sealed);
    const tx = await (fx.box.connect(fx.organizer) as Contract).createSealedBallot(params, sealed);
    const receipt = (await tx.wait()) as TransactionReceipt;
    const event = receipt.logs.map((l) => fx.iface.parseLog(l)).find((e) => e?.name === "BallotCreated");
    if (!event) throw new Error("createSealedBallot: no BallotCreated event");
    return { id: event.args.ballotId as bigint, params, issuer, receipt, sealed, rules: rulesFromParams(params), electionKey, trustees };
  };

  const seal: SealedFixture["seal"] = (ballot, voter, choice) => {
    const context = sealedContext({
      chainId: fx.chainId, ballotBox: fx.deployment.address, ballotId: ballot.id,
      electionKeyHash: electionKeyHash(ballot.electionKey.toBytes(true), ballot.sealed.keyCeremonyDigest), rules: ballot.rules, voter,
    });
    const { payload, tracker } = sealBallot({ context, electionKey: ballot.electionKey, rules: ballot.rules, choice });
    if (tracker !== keccak256(payload)) throw new Error("seal: the tracker is not keccak256(payload)");
    return { payload: toHex(payload), tracker };
  };

  const fund = async (trustee: Trustee) => {
    await (await fx.admin.sendTransaction({ to: trustee.wallet.address, value: 10n ** 18n })).wait();
  };

  return { sealedParams, createSealedBallot, seal, fund };
}

/** What the record keeps of a tracker: its low 192 bits, the last 24 bytes of keccak256(payload). */
export const recordedTracker = (tracker: string) => "0x" + tracker.slice(-48);
