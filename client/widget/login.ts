// The login popup (server/issuer/login-routes.ts): opened from a click in the widget,
// it goes to the identity provider and comes back to the vote host's callback page,
// which posts the session to EXACTLY this widget's origin. We accept the message only
// from that origin AND from the popup we opened (event.source), never from the partner
// page or any other window.

export type Voter = { givenName: string; familyName: string; birthdate: string };
export type Login = { session: string; expiresAt: number; voter: Voter };

export class LoginError extends Error {
  /** POPUP_BLOCKED, CANCELLED, or the server's ERR_… code. */
  readonly code: string;

  constructor(code: string, message = code) {
    super(message);
    this.name = "LoginError";
    this.code = code;
  }
}

type LoginMessage =
  | { type: "urne:login"; ok: true; session: string; expiresAt: number; voter: Voter }
  | { type: "urne:login"; ok: false; error: { code: string; message: string } };

/** Must be called from a click handler (popup blockers allow only user-initiated windows). */
export function login(lang: "fr" | "en"): Promise<Login> {
  const url = `/v1/login?origin=${encodeURIComponent(location.origin)}&lang=${lang}`;
  // A name of its own: widgets of several ballots on one page must not share (and
  // navigate away) each other's popup.
  const popup = window.open(url, `urne-login-${crypto.randomUUID()}`, "popup,width=520,height=720");
  if (!popup) return Promise.reject(new LoginError("POPUP_BLOCKED"));
  return new Promise<Login>((resolve, reject) => {
    const done = () => {
      window.removeEventListener("message", onMessage);
      clearInterval(watch);
    };
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== location.origin || event.source !== popup) return;
      const data = event.data as LoginMessage | undefined;
      if (data?.type !== "urne:login") return;
      done();
      if (data.ok) resolve({ session: data.session, expiresAt: data.expiresAt, voter: data.voter });
      else reject(new LoginError(data.error.code, data.error.message));
    };
    window.addEventListener("message", onMessage);
    // A closed popup without a message: the citizen gave up (or the provider failed).
    const watch = setInterval(() => {
      if (popup.closed) {
        // The message, posted just before the close, may still be queued: let it land first.
        setTimeout(() => {
          done();
          reject(new LoginError("CANCELLED"));
        }, 300);
        clearInterval(watch);
      }
    }, 400);
  });
}
