// The demo's key ceremony (development only): three simulated trustees, 2 of 3, run through
// the vote host's public ceremony API exactly as `urne trustee` runs it (PROTOCOL.md §11.7:
// signed round-1 packages, sealed shares, acceptances), so that `npm start` shows a sealed
// ballot. The simulated trustees keep nothing: once the ceremony is done their key shares
// are dropped, so the demo's sealed ballot can be voted on, audited and recounted, but its
// counts are never decrypted (the demo page says so).
import { Wallet } from "ethers";
import { round1PackageHash, sharesHash, signCeremonyStatement, type CeremonyWhere } from "../../../protocol/sealed/ceremony-signatures.js";
import { beginCeremony, dealShares, finishCeremony } from "../../../protocol/sealed/trustee.js";
import type { CeremonyView } from "../../../protocol/api-types.js";

type Post = (route: string, body: unknown) => Promise<{ status: number; body: Record<string, any> }>;

/** A finished 2-of-3 ceremony of the demo app (its key `post`s as the organizer); its id. */
export async function demoCeremony(post: Post, publicPost: Post): Promise<string> {
  const trustees = Array.from({ length: 3 }, () => Wallet.createRandom());
  const opened = await post("/v1/ceremonies", { threshold: 2, trustees: trustees.map((w) => w.address) });
  if (opened.status !== 201) throw new Error(`demo key ceremony: ${opened.status} ${JSON.stringify(opened.body.error)}`);
  const ceremony = opened.body.ceremony as CeremonyView;
  const where: CeremonyWhere = { chainId: BigInt(ceremony.chainId), ballotBox: ceremony.ballotBox, params: ceremony.params };
  const step = async (name: string, body: unknown) => {
    const answer = await publicPost(`/v1/ceremonies/${ceremony.ceremonyId}/${name}`, body);
    if (answer.status !== 200) throw new Error(`demo key ceremony, ${name}: ${answer.status} ${JSON.stringify(answer.body.error)}`);
    return answer.body.ceremony as CeremonyView;
  };
  const started = trustees.map((_, i) => beginCeremony(ceremony.params, i + 1));
  for (const [i, s] of started.entries()) {
    await step("round1", { package: s.round1, signature: await signCeremonyStatement(trustees[i], where, { kind: "round1", index: i + 1, packageHash: round1PackageHash(s.round1) }) });
  }
  const round1 = started.map((s) => s.round1);
  const dealt = await Promise.all(started.map((s) => dealShares(s.state, round1)));
  for (const [i, messages] of dealt.entries()) {
    await step("shares", { from: i + 1, messages, signature: await signCeremonyStatement(trustees[i], where, { kind: "shares", from: i + 1, sharesHash: sharesHash(i + 1, messages) }) });
  }
  let done: CeremonyView | undefined;
  for (const [i, s] of started.entries()) {
    const key = await finishCeremony(s.state, round1, dealt.flat().filter((m) => m.to === i + 1));
    done = await step("accept", { index: i + 1, transcriptDigest: key.ceremonyDigest, signature: await signCeremonyStatement(trustees[i], where, { kind: "accept", index: i + 1, transcriptDigest: key.ceremonyDigest }) });
  }
  if (done?.status !== "done") throw new Error(`demo key ceremony ended ${done?.status}`);
  return ceremony.ceremonyId;
}
