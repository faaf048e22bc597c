import { randomBytes } from "node:crypto";
import type { Response } from "express";
import { escapeHtml, jsonForScript } from "../web/page-headers.js";

/** The login window's language: the widget's, carried through the pending login. */
export type LoginLang = "fr" | "en";

const WORDS = {
  fr: { title: "urne — connexion", ok: "Connexion réussie. Cette fenêtre va se fermer.", failed: "Connexion impossible\u00A0: ", back: "Retournez sur la page de vote et recommencez.", close: "Fermez cette fenêtre et recommencez depuis la page de vote." },
  en: { title: "urne — sign in", ok: "Signed in. This window will close.", failed: "Sign-in failed: ", back: "Go back to the voting page and start again.", close: "Close this window and start again from the voting page." },
} as const;

/** What the login popup hands to the widget window that opened it. */
export type LoginMessage =
  | {
    type: "urne:login";
    ok: true;
    /** Session token (JWT, audience = the widget origin) for `Authorization: Bearer`. */
    session: string;
    /** Epoch seconds. */
    expiresAt: number;
    /** For the confirmation screen only ("Vous allez voter en tant que …"); in no token. */
    voter: { givenName: string; familyName: string; birthdate: string };
  }
  | { type: "urne:login"; ok: false; error: { code: string; message: string } };

/**
 * Headers of every page the login routes answer. no-store: the page may hold a session.
 * no-referrer: the callback URL carries the code and state. The popup must NOT set a
 * Cross-Origin-Opener-Policy that severs `window.opener`: it is the only channel back.
 */
function pageHeaders(res: Response, nonce?: string): void {
  res.set({
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    Pragma: "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": [
      "default-src 'none'",
      nonce === undefined ? "script-src 'none'" : `script-src 'nonce-${nonce}'`,
      "style-src 'unsafe-inline'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join("; "),
  });
}

/**
 * The callback page: hands `message` to `window.opener` with postMessage targeted at
 * EXACTLY `targetOrigin` (the origin the login was started for, never "*": the browser
 * then drops the message if the opener is anyone else), then closes itself. The session
 * travels in this response body only, never in a URL.
 */
export function sendLoginResult(res: Response, status: number, targetOrigin: string, message: LoginMessage, lang: LoginLang = "fr"): void {
  const nonce = randomBytes(16).toString("base64");
  pageHeaders(res, nonce);
  const words = WORDS[lang];
  const data = jsonForScript({ targetOrigin, message, back: words.back });
  const text = message.ok ? words.ok : `${words.failed}${message.error.message}`;
  res.status(status).send(`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>${words.title}</title></head>
<body><p id="status">${escapeHtml(text)}</p>
<script type="application/json" id="urne-login">${data}</script>
<script nonce="${nonce}">
(function () {
  var data = JSON.parse(document.getElementById("urne-login").textContent);
  if (window.opener && !window.opener.closed) {
    window.opener.postMessage(data.message, data.targetOrigin);
    window.close();
  } else {
    document.getElementById("status").textContent = data.back;
  }
})();
</script></body></html>`);
}

/**
 * A page with no script: used when no widget origin is known (replayed or forged callback),
 * in the login's language when it is known, in both otherwise.
 */
export function sendErrorPage(res: Response, status: number, message: string, lang?: LoginLang): void {
  pageHeaders(res);
  const say = (l: LoginLang) => `<p lang="${l}">${escapeHtml(WORDS[l].failed + message)}</p><p lang="${l}">${escapeHtml(WORDS[l].close)}</p>`;
  res.status(status).send(`<!doctype html>
<html lang="${lang ?? "fr"}"><head><meta charset="utf-8"><title>${WORDS[lang ?? "fr"].title}</title></head>
<body>${lang ? say(lang) : say("fr") + say("en")}</body></html>`);
}
