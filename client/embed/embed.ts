// embed.js: the one tag a partner site adds,
//   <script src="https://VOTE-HOST/embed.js" data-ballot="ID" data-fingerprint="0x…"
//           data-nodes="https://node-a,https://node-b" data-lang="fr" async></script>
// data-fingerprint (the ballot's, given to the organizer when it was created) and
// data-nodes (chain nodes the partner trusts: its own, observers') are handed to the widget,
// which checks the ballot on those nodes and against that fingerprint (SECURITY.md, Widget).
// data-mode="button" puts a compact "Je vote" button there instead of the whole card: the
// ballot opens in place, in the same frame, when the visitor presses it.
// It puts the widget, served by the vote host, in an <iframe> where the tag stands: the
// partner page's scripts cannot read into it (same-origin policy), so they never see the
// voter's key or choice. Before framing, it asks the vote host whether this site may
// offer the ballot, and says so in words when it may not. Kept tiny and dependency-free.
(() => {
  const script = document.currentScript as HTMLScriptElement | null;
  if (!script) return; // loaded as a module or injected oddly: no tag to replace
  const host = new URL(script.src).origin;
  const ballot = script.dataset.ballot ?? "";
  const fingerprint = script.dataset.fingerprint?.trim().toLowerCase();
  const nodes = script.dataset.nodes?.split(",").map((n) => n.trim()).filter(Boolean) ?? [];
  const lang = script.dataset.lang === "en" ? "en" : "fr";
  const compact = script.dataset.mode === "button";
  const words = lang === "en"
    ? { refused: "This site is not allowed to offer this vote.", down: "The vote is unavailable for now. Please try again later.", title: "Vote: ", button: "Vote" }
    : { refused: "Ce site n'est pas autorisé à proposer ce vote.", down: "Le vote est momentanément indisponible. Réessayez plus tard.", title: "Je vote\u00A0: ", button: "Je vote" };

  const place = (node: HTMLElement) => script.parentNode?.insertBefore(node, script);
  const notice = (text: string) => {
    const p = document.createElement("p");
    p.className = "urne-notice";
    p.setAttribute("role", "status");
    p.textContent = text;
    place(p);
  };
  // A tag the partner got wrong: say so rather than open a vote it did not mean.
  if (!/^[0-9]{1,78}$/.test(ballot) || (fingerprint !== undefined && !/^0x[0-9a-f]{64}$/.test(fingerprint)) || nodes.length > 5
    || (script.dataset.mode !== undefined && script.dataset.mode !== "button")
    || nodes.some((n) => !/^https?:\/\/[^\s,]+$/.test(n))) {
    notice(words.down);
    return;
  }

  // The compact mode: one button, named by the question; pressed, it gives way to the widget
  // itself, which takes the focus (the visitor goes on with the keyboard where they were).
  const button = (question: string) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "urne-button";
    b.textContent = words.button;
    b.setAttribute("aria-label", words.title + question);
    b.style.cssText = "font:600 1rem/1.2 system-ui,sans-serif;padding:.7rem 1.4rem;border:0;border-radius:4px;background:#000091;color:#fff;cursor:pointer";
    b.addEventListener("click", () => {
      const iframe = frame(question, false);
      b.replaceWith(iframe);
      iframe.addEventListener("load", () => iframe.focus(), { once: true });
    });
    place(b);
  };

  const frame = (question: string, insert = true) => {
    const iframe = document.createElement("iframe");
    const query = new URLSearchParams({ lang, host: location.origin, ...(fingerprint ? { fingerprint } : {}), ...(nodes.length ? { nodes: nodes.join(",") } : {}) });
    iframe.src = `${host}/widget/${ballot}?${query}`;
    iframe.title = words.title + question; // what a screen reader announces on entering the frame
    iframe.className = "urne-widget";
    if (insert) iframe.setAttribute("loading", "lazy");
    // Popups (login, printable proof) and downloads come from clicks inside the frame.
    iframe.style.cssText = "display:block;width:100%;max-width:46rem;height:420px;border:1px solid #cecece;border-radius:4px;background:#fff";
    window.addEventListener("message", (event) => {
      // Only the widget we framed, at exactly the vote host's origin, may resize it.
      if (event.origin !== host || event.source !== iframe.contentWindow) return;
      const data = event.data as { type?: string; height?: unknown };
      if (data?.type === "urne:resize" && typeof data.height === "number" && data.height > 0 && data.height < 10_000) {
        iframe.style.height = `${Math.ceil(data.height) + 2}px`;
      }
    });
    if (insert) place(iframe);
    return iframe;
  };

  fetch(`${host}/v1/widget/ballots/${ballot}/allowed`, { credentials: "omit" })
    .then((response) => (response.ok ? response.json() : { allowed: false, status: response.status }))
    .then((answer: { allowed?: boolean; question?: unknown; status?: number }) => {
      const question = typeof answer.question === "string" ? answer.question.slice(0, 300) : ballot;
      if (answer.allowed === true) {
        if (compact) button(question);
        else frame(question);
      }
      else notice(answer.status !== undefined && answer.status >= 500 ? words.down : words.refused);
    }, () => notice(words.down));
})();
