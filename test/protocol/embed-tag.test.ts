// The partner's embed tag (protocol/embed-tag.ts): what the demo page shows and the organizer
// console gives to copy. Each value is checked for its shape, so that no tag can carry markup.
import { expect } from "chai";
import { embedTag } from "../../protocol/embed-tag.js";

const fingerprint = "0x" + "ab".repeat(32);

describe("protocol: the embed tag", () => {
  it("names the vote host's embed.js, the ballot and its fingerprint; English, the button mode and the integrity pin when asked", () => {
    expect(embedTag({ voteHost: "https://vote.example.org", ballotId: "42", fingerprint }))
      .to.equal(`<script src="https://vote.example.org/embed.js" data-ballot="42" data-fingerprint="${fingerprint}" async></script>`);
    const integrity = "sha384-" + "A".repeat(62) + "+/";
    expect(embedTag({ voteHost: "http://127.0.0.1:8080", ballotId: "7", fingerprint, lang: "en", integrity, mode: "button" }))
      .to.equal(`<script src="http://127.0.0.1:8080/embed.js" integrity="${integrity}" crossorigin="anonymous" data-ballot="7" data-fingerprint="${fingerprint}" data-lang="en" data-mode="button" async></script>`);
  });

  it("refuses a value that is not of its shape (a path, markup, a bad id, an upper-case or short fingerprint, a bad integrity value)", () => {
    const ok = { voteHost: "https://vote.example.org", ballotId: "42", fingerprint };
    expect(() => embedTag({ ...ok, voteHost: "https://vote.example.org/path" })).to.throw(/vote host/);
    expect(() => embedTag({ ...ok, voteHost: 'https://x"><script>' })).to.throw(/vote host/);
    expect(() => embedTag({ ...ok, voteHost: "javascript:alert(1)" })).to.throw(/vote host/);
    expect(() => embedTag({ ...ok, ballotId: "04" })).to.throw(/ballot id/);
    expect(() => embedTag({ ...ok, ballotId: '1" onload="x' })).to.throw(/ballot id/);
    expect(() => embedTag({ ...ok, fingerprint: fingerprint.toUpperCase().replace("0X", "0x") })).to.throw(/fingerprint/);
    expect(() => embedTag({ ...ok, fingerprint: fingerprint.slice(0, 60) })).to.throw(/fingerprint/);
    expect(() => embedTag({ ...ok, integrity: 'sha384-abc" x="' })).to.throw(/integrity/);
    expect(() => embedTag({ ...ok, integrity: "sha256-abc" })).to.throw(/integrity/);
  });
});
