// R6 (PROTOCOL.md §9.3): the results the service publishes (GET /v1/ballots/:id/results)
// equal the recount's (R5). Only the numbers the chain decides are compared; the API's
// status, question and timing fields are its own.
import { isDeepStrictEqual } from "node:util";
import type { Check } from "./ballot-recount.js";

const COMPARED = ["options", "leaders", "candidates", "ranking", "winner"] as const;

export async function compareWithApi(apiUrl: string, ballotId: bigint, at: { chainId: bigint; ballotBox: string; asOf: number }, recount: { votersCount: number; results: Record<string, unknown> | undefined }): Promise<Check> {
  const url = `${apiUrl.replace(/\/+$/, "")}/v1/ballots/${ballotId}/results`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    return { step: "R6", ok: false, message: `${url} unreachable: ${(error as Error).message}` };
  }
  const body = (await res.json().catch(() => undefined)) as { results?: Record<string, any>; error?: { code?: string } } | undefined;
  if (res.status === 409 && body?.error?.code === "ERR_RESULTS_HIDDEN") {
    return { step: "R6", ok: true, skipped: true, message: `${url}: results hidden until the close (ERR_RESULTS_HIDDEN): nothing published to compare` };
  }
  const api = body?.results;
  if (!res.ok || !api) return { step: "R6", ok: false, message: `${url} answered HTTP ${res.status} without results` };
  const problems: string[] = [];
  if (api.asOf?.chainId !== undefined && String(api.asOf.chainId) !== at.chainId.toString()) problems.push(`API counts chain ${api.asOf.chainId}, the recount chain ${at.chainId}`);
  if (api.asOf?.ballotBox !== undefined && String(api.asOf.ballotBox).toLowerCase() !== at.ballotBox.toLowerCase()) problems.push(`API counts ballot box ${api.asOf.ballotBox}, the recount ${at.ballotBox}`);
  if (api.votersCount !== recount.votersCount) problems.push(`votersCount: API ${api.votersCount}, recount ${recount.votersCount}`);
  for (const key of COMPARED) {
    const ours = recount.results?.[key];
    if (ours === undefined && api[key] === undefined) continue;
    if (!isDeepStrictEqual(api[key], ours)) problems.push(`${key}: API ${JSON.stringify(api[key])}, recount ${JSON.stringify(ours)}`);
  }
  const block = api.asOf?.blockNumber;
  const when = block === undefined ? "" : ` (API as of block ${block}, recount as of block ${at.asOf})`;
  return problems.length === 0
    ? { step: "R6", ok: true, message: `${url} publishes the recount's results${when}` }
    : { step: "R6", ok: false, message: `${url} differs from the recount${when}: ${problems.join("; ")}` };
}
