// protocol/sealed/ceremony-transcript.ts reads a key ceremony's public transcript (PROTOCOL.md
// §11.7) in both shapes an observer is handed it ({params, round1: [...]}, and the vote host's
// GET /v1/ceremonies/:id answer), to the same transcript and digest; anything else is refused
// with ERR_KEY_CEREMONY naming the field.
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { Wallet, hexlify } from "ethers";
import { UrneError } from "../../../protocol/errors.js";
import { parseCeremonyTranscript } from "../../../protocol/sealed/ceremony-transcript.js";
import { ceremonyDigest, type CeremonyParams, type CeremonyTranscript } from "../../../protocol/sealed/key-ceremony.js";
import { beginCeremony } from "../../../protocol/sealed/trustee.js";

describe("sealed ballots: reading a key ceremony's transcript", () => {
  const params: CeremonyParams = { ceremonyId: hexlify(randomBytes(32)), threshold: 2, trustees: Array.from({ length: 3 }, () => Wallet.createRandom().address) };
  const transcript: CeremonyTranscript = { params, round1: params.trustees.map((_, i) => beginCeremony(params, i + 1).round1) };
  const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
  const refusal = (input: unknown) => {
    try {
      parseCeremonyTranscript(json(input));
    } catch (error) {
      expect(error).to.be.instanceOf(UrneError).with.property("code", "ERR_KEY_CEREMONY");
      return (error as UrneError).field;
    }
    throw new Error("taken");
  };

  it("reads {params, round1} and the vote host's ceremony view to the same transcript", () => {
    expect(parseCeremonyTranscript(json(transcript))).to.deep.equal(transcript);
    const view = { ceremonyId: params.ceremonyId, status: "done", params, round1: Object.fromEntries(transcript.round1.map((p) => [String(p.index), { package: p, signature: "0x" }])), shares: {}, accepts: {} };
    const read = parseCeremonyTranscript(json(view));
    expect(read).to.deep.equal(transcript);
    expect(ceremonyDigest(read)).to.equal(ceremonyDigest(transcript));
  });

  it("refuses, naming the field: no object, bad params, a package missing or of the wrong trustee, a value that is not hex, a point off the curve", () => {
    expect(refusal([])).to.equal("transcript");
    expect(refusal({ round1: transcript.round1 })).to.equal("transcript.params");
    expect(refusal({ ...transcript, params: { ...params, threshold: "2" } })).to.equal("transcript.params.threshold");
    expect(refusal({ ...transcript, params: { ...params, trustees: [1, 2, 3] } })).to.equal("transcript.params.trustees");
    expect(refusal({ params })).to.equal("transcript.round1");
    expect(refusal({ params, round1: { 1: { package: transcript.round1[0] }, 2: { package: transcript.round1[1] } } })).to.equal("transcript.round1.3");
    expect(refusal({ params, round1: { ...Object.fromEntries(transcript.round1.map((p) => [String(p.index), { package: p }])), 4: {} } })).to.equal("transcript.round1.4");
    expect(refusal({ params, round1: transcript.round1.map((p, i) => (i === 1 ? { ...p, commitment: [p.commitment[0], "0x12345"] } : p)) })).to.equal("transcript.round1[1].commitment[1]");
    expect(refusal({ params, round1: transcript.round1.map((p, i) => (i === 0 ? { ...p, index: "1" } : p)) })).to.equal("transcript.round1[0].index");
    // The shape holds, the content does not: key-ceremony.ts names the trustee.
    expect(refusal({ params, round1: [transcript.round1[1], transcript.round1[0], transcript.round1[2]] })).to.equal(undefined);
    expect(refusal({ params, round1: transcript.round1.map((p, i) => (i === 2 ? { ...p, commitment: [p.commitment[0], "0x02" + "ff".repeat(32)] } : p)) })).to.equal("trustees[2]");
  });
});
