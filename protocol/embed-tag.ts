// The one tag a partner site puts where the "Je vote" widget should appear (README, "Embed
// the widget"): the demo partner page shows it, and the organizer console gives it to copy.
// Every value is checked for its shape rather than escaped: a tag that needs escaping is
// the wrong tag.
//   <script src="https://VOTE-HOST/embed.js" data-ballot="ID" data-fingerprint="0x…" async></script>

export type EmbedTagOptions = {
  /** The vote host's origin, e.g. https://vote.example.org (no path). */
  voteHost: string;
  ballotId: string;
  /** PROTOCOL.md §6.7: the widget refuses a ballot on chain whose fingerprint differs. */
  fingerprint: string;
  lang?: "fr" | "en";
  /** embed.js's Subresource Integrity value (/.well-known/urne.json, client.embed.integrity). */
  integrity?: string;
  /** "button": one compact "Je vote" button that opens the ballot in place. */
  mode?: "button";
};

export function embedTag(o: EmbedTagOptions): string {
  if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(o.voteHost) && !/^https?:\/\/\[[0-9a-fA-F:.]+\](:\d{1,5})?$/.test(o.voteHost)) {
    throw new TypeError(`embedTag: the vote host must be an http(s) origin: ${o.voteHost}`);
  }
  if (!/^[1-9][0-9]{0,77}$/.test(o.ballotId)) throw new TypeError(`embedTag: not a ballot id: ${o.ballotId}`);
  if (!/^0x[0-9a-f]{64}$/.test(o.fingerprint)) throw new TypeError(`embedTag: not a fingerprint: ${o.fingerprint}`);
  if (o.integrity !== undefined && !/^sha384-[A-Za-z0-9+/]+={0,2}$/.test(o.integrity)) throw new TypeError(`embedTag: not an integrity value: ${o.integrity}`);
  const pinned = o.integrity ? ` integrity="${o.integrity}" crossorigin="anonymous"` : "";
  const lang = o.lang === "en" ? ` data-lang="en"` : "";
  const mode = o.mode ? ` data-mode="${o.mode}"` : "";
  return `<script src="${o.voteHost}/embed.js"${pinned} data-ballot="${o.ballotId}" data-fingerprint="${o.fingerprint}"${lang}${mode} async></script>`;
}
