// Headers of the pages the vote host serves to citizens (the widget frame, the printable
// proof). The Content-Security-Policy is the widget's main defence after the same-origin
// policy: scripts from this origin only (no inline script but the page's import map,
// allowed by its hash; no inline handler, no eval; the widget's workers from blob: URLs
// only, made of code fetched under integrity),
// connections to this origin and the public chain nodes only, and `frame-ancestors`
// listing EXACTLY the sites that may frame the page (the browser enforces it, so the
// widget cannot be framed, and clicks cannot be hijacked, on any other site).
import type { Response } from "express";

export type PagePolicy = {
  /** Origins allowed to frame the page; empty: none may. Never "*". */
  frameAncestors: readonly string[];
  /**
   * The vote host's own pages may frame this page too ('self'): the widget, which the
   * organizer console shows as a preview. They are served with this page, under the same
   * policy: it adds no page that a stranger controls.
   */
  framedBySelf?: boolean;
  /** The page may frame pages of its own origin (frame-src 'self'): the console's preview of the widget. */
  framesSelf?: boolean;
  /** Extra connect-src entries (the public JSON-RPC URLs). */
  connect?: readonly string[];
  /** The inline scripts the page may run, by hash ('sha256-...'): its import map (page-code.ts). */
  scriptHashes?: readonly string[];
  /**
   * The page starts Web Workers from blob: URLs holding code it fetched with an integrity
   * check (the widget's sealing worker, client/widget/sealing-worker.ts); without it, none.
   */
  blobWorkers?: boolean;
};

export function contentSecurityPolicy(policy: PagePolicy): string {
  for (const origin of policy.frameAncestors) {
    // An origin list is only safe if every entry is one exact origin (no wildcard, no path).
    if (!/^https?:\/\/[^\s/*;,]+$/.test(origin)) throw new TypeError(`contentSecurityPolicy: not an exact origin: ${origin}`);
  }
  return [
    "default-src 'none'",
    "script-src " + ["'self'", ...(policy.scriptHashes ?? [])].join(" "),
    ...(policy.blobWorkers ? ["worker-src blob:"] : []),
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src " + ["'self'", ...(policy.connect ?? [])].join(" "),
    ...(policy.framesSelf ? ["frame-src 'self'"] : []),
    "frame-ancestors " + frameAncestors(policy),
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

function frameAncestors(policy: PagePolicy): string {
  const sources = [...(policy.framedBySelf ? ["'self'"] : []), ...policy.frameAncestors];
  return sources.length === 0 ? "'none'" : sources.join(" ");
}

export function setPageHeaders(res: Response, policy: PagePolicy): Response {
  return res.set({
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": contentSecurityPolicy(policy),
    // Ballot status and question may change (close, revocation): always revalidate.
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
  });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON safe inside a <script type="application/json"> element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
