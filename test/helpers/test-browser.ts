// A minimal browser for driving OpenID Connect flows in tests: fetch with manual redirects
// and a cookie jar that honours origin and path (oidc-provider scopes its interaction
// cookies by path). No JavaScript, no rendering: tests read the HTML they need.

interface StoredCookie {
  origin: string;
  name: string;
  value: string;
  path: string;
}

export class TestBrowser {
  readonly #cookies = new Map<string, StoredCookie>();

  /** One request, no redirect followed; cookies sent and stored. */
  async request(url: string | URL, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers();
    const cookie = this.#cookieHeader(target);
    if (cookie) headers.set("cookie", cookie);
    let body: string | undefined;
    if (init.form) {
      headers.set("content-type", "application/x-www-form-urlencoded");
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(target, { method: init.method ?? (init.form ? "POST" : "GET"), headers, body, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) this.#store(target, line);
    return response;
  }

  /**
   * Follows redirects from `url` until one points at `stopAt` (returned, not fetched: it is
   * the relying party's callback) or a page answers (returned with its response).
   */
  async follow(url: string | URL, stopAt: string, init: { form?: Record<string, string> } = {}, maxHops = 10): Promise<{ url: URL; response?: Response }> {
    let next = new URL(url);
    let request: { form?: Record<string, string> } = init;
    for (let hop = 0; hop < maxHops; hop++) {
      if (next.href.startsWith(stopAt)) return { url: next };
      const response = await this.request(next, request);
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || location === null) return { url: next, response };
      await response.body?.cancel();
      next = new URL(location, next);
      request = {};
    }
    throw new Error(`TestBrowser: more than ${maxHops} redirects`);
  }

  #cookieHeader(target: URL): string {
    return [...this.#cookies.values()]
      .filter((c) => c.origin === target.origin && pathMatches(target.pathname, c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join("; ");
  }

  #store(target: URL, line: string): void {
    const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    let path = "/";
    let expired = false;
    for (const attribute of attributes) {
      const [key = "", val = ""] = attribute.split("=");
      const lower = key.toLowerCase();
      if (lower === "path") path = val;
      if (lower === "expires" && Date.parse(val) <= Date.now()) expired = true;
      if (lower === "max-age" && Number(val) <= 0) expired = true;
    }
    const key = `${target.origin} ${path} ${name}`;
    if (expired) this.#cookies.delete(key);
    else this.#cookies.set(key, { origin: target.origin, name, value, path });
  }
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith("/") || requestPath[cookiePath.length] === "/";
}
