// Sealed payloads that break the rules on purpose (test vectors and negative tests only):
// each cell encrypts the value given, whatever it is, and every proof is made the honest
// way for the nearest value its set has. A cell of 2, or a sum outside its set, thus gets a
// proof that cannot verify, exactly as a cheating prover's would.
import type { BallotRules } from "../../protocol/ballot.js";
import { PROOF_DOMAIN } from "../../protocol/sealed/challenge.js";
import { addCiphertexts, encrypt } from "../../protocol/sealed/elgamal.js";
import { mod, type Point } from "../../protocol/sealed/group.js";
import { proveMembership } from "../../protocol/sealed/membership-proof.js";
import { CELL_VALUES, sealedLayout } from "../../protocol/sealed/sealed-layout.js";
import { encodeSealedPayload } from "../../protocol/sealed/sealed-payload.js";

export type ForgeInput = { context: Uint8Array; electionKey: Point; rules: BallotRules; cells: number[]; random: () => bigint };

export function forgeSealedPayload(f: ForgeInput): Uint8Array {
  const layout = sealedLayout(f.rules);
  if (f.cells.length !== layout.cells) throw new TypeError(`forgeSealedPayload: ${layout.cells} cells expected`);
  const opening = f.cells.map((value) => ({ value, randomness: f.random() }));
  const cells = opening.map((o) => encrypt(f.electionKey, BigInt(o.value), o.randomness));
  const nearest = (values: readonly bigint[], v: bigint) => {
    const exact = values.indexOf(v);
    return exact >= 0 ? exact : v < values[0] ? 0 : values.length - 1;
  };
  const base = { context: f.context, electionKey: f.electionKey };
  const cellProofs = cells.map((ciphertext, k) =>
    proveMembership({ ...base, domain: PROOF_DOMAIN.cell, ciphertext, values: CELL_VALUES }, opening[k].randomness, nearest(CELL_VALUES, BigInt(opening[k].value)), f.random));
  const sumProofs = layout.sums.map((rule) => {
    const part = opening.slice(rule.first, rule.first + rule.count);
    const total = BigInt(part.reduce((n, o) => n + o.value, 0));
    const ciphertext = addCiphertexts(cells.slice(rule.first, rule.first + rule.count));
    return proveMembership({ ...base, domain: PROOF_DOMAIN.sum, ciphertext, values: rule.values }, mod(part.reduce((n, o) => n + o.randomness, 0n)), nearest(rule.values, total), f.random);
  });
  return encodeSealedPayload(f.rules, { cells, cellProofs, sumProofs });
}
