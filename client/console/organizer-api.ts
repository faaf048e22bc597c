// The organizer API as the console calls it: the same endpoints a partner's server calls
// (docs/OPERATIONS.md §6), on this origin, with the key in the Authorization header. The
// key lives in this tab's sessionStorage only: never in a URL, a cookie or localStorage,
// gone when the tab closes or the organizer signs out.
import type { CheckedBallot, OrganizerApp, OrganizerBallot, OrganizerBallotList } from "../../protocol/api-types.js";

const KEY_ITEM = "urne.console.apiKey";

/** An answer of the API that is an error: its code, message and the field it names, as sent. */
export class ApiRefusal extends Error {
  /** Every field at fault when the API lists several (the first is `field`), else just that one. */
  readonly faults: readonly { field: string; message: string }[];

  constructor(readonly status: number, readonly code: string, message: string, readonly field?: string, faults?: readonly { field: string; message: string }[]) {
    super(message);
    this.name = "ApiRefusal";
    this.faults = faults ?? (field === undefined ? [] : [{ field, message }]);
  }
}

export class OrganizerApi {
  private constructor(private readonly key: string) {}

  /** The key kept in this tab, if the organizer signed in earlier in it. */
  static fromSession(): OrganizerApi | undefined {
    const key = sessionStorage.getItem(KEY_ITEM);
    return key ? new OrganizerApi(key) : undefined;
  }

  /** Tries the key (GET /v1/app) and keeps it in this tab only if the API accepts it. */
  static async signIn(key: string): Promise<{ api: OrganizerApi; app: OrganizerApp }> {
    const api = new OrganizerApi(key);
    const app = await api.app();
    sessionStorage.setItem(KEY_ITEM, key);
    return { api, app };
  }

  static signOut(): void {
    sessionStorage.removeItem(KEY_ITEM);
  }

  async app(): Promise<OrganizerApp> {
    return (await this.request<{ app: OrganizerApp }>("GET", "/v1/app")).app;
  }

  list(before?: string): Promise<OrganizerBallotList> {
    return this.request("GET", `/v1/ballots?limit=20${before ? `&before=${encodeURIComponent(before)}` : ""}`);
  }

  async ballot(id: string): Promise<OrganizerBallot> {
    return (await this.request<{ ballot: OrganizerBallot }>("GET", `/v1/ballots/${encodeURIComponent(id)}`)).ballot;
  }

  async check(body: Record<string, unknown>): Promise<CheckedBallot> {
    return (await this.request<{ ballot: CheckedBallot }>("POST", "/v1/ballots/check", body)).ballot;
  }

  async create(body: Record<string, unknown>): Promise<OrganizerBallot> {
    return (await this.request<{ ballot: OrganizerBallot }>("POST", "/v1/ballots", body)).ballot;
  }

  async close(id: string): Promise<OrganizerBallot> {
    return (await this.request<{ ballot: OrganizerBallot }>("POST", `/v1/ballots/${encodeURIComponent(id)}/close`, {})).ballot;
  }

  /** The public results (no key needed), as the API answers them, for download. */
  async resultsText(id: string): Promise<string> {
    const res = await fetch(`/v1/ballots/${encodeURIComponent(id)}/results`, { cache: "no-store" });
    const text = await res.text();
    if (!res.ok) throw refusalOf(res.status, text);
    return text;
  }

  private async request<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    const res = await fetch(path, {
      method,
      cache: "no-store",
      headers: { authorization: `Bearer ${this.key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw refusalOf(res.status, text);
    return JSON.parse(text) as T;
  }
}

function refusalOf(status: number, text: string): ApiRefusal {
  try {
    const { error } = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; field?: unknown; faults?: unknown } };
    if (error && typeof error.code === "string" && typeof error.message === "string") {
      const faults = Array.isArray(error.faults)
        ? error.faults.filter((f): f is { field: string; message: string } => typeof f?.field === "string" && typeof f?.message === "string")
        : undefined;
      return new ApiRefusal(status, error.code, error.message, typeof error.field === "string" ? error.field : undefined, faults);
    }
  } catch {
    // not the API's JSON error: said below with the status
  }
  return new ApiRefusal(status, "ERR_HTTP", `HTTP ${status}`);
}
