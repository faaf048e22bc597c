// `urne app` talking to a running service through its admin socket (admin-socket.ts).
import { existsSync } from "node:fs";
import http from "node:http";
import { UrneError } from "../../protocol/errors.js";
import { adminSocketPath } from "./admin-socket.js";

export type AdminAnswer = { status: number; body: Record<string, unknown> };

/**
 * One request to the running service, or undefined when none listens on this data
 * directory (no socket, or a stale one that refuses connections): the caller then opens
 * the store itself. A coded error answer is thrown as the UrneError it stands for.
 */
export async function adminRequest(dataDir: string, method: "GET" | "POST", route: string, body?: unknown): Promise<AdminAnswer | undefined> {
  const socketPath = adminSocketPath(dataDir);
  if (!existsSync(socketPath)) return undefined;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const answer = await new Promise<AdminAnswer | undefined>((resolve, reject) => {
    const request = http.request({
      socketPath, method, path: route,
      headers: payload === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
    }, (response) => {
      let text = "";
      response.setEncoding("utf8").on("data", (chunk: string) => (text += chunk)).on("end", () => {
        try {
          resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
        } catch (error) {
          reject(error);
        }
      });
    });
    request.on("error", (error: NodeJS.ErrnoException) => {
      // Nobody behind the socket (the service was killed): fall back to the store.
      if (error.code === "ECONNREFUSED" || error.code === "ENOENT") resolve(undefined);
      else reject(error);
    });
    request.end(payload);
  });
  if (answer && answer.status >= 400) {
    const error = answer.body.error as { code: string; message: string; field?: string };
    throw new UrneError(error.code, error.message, error.field === undefined ? {} : { field: error.field });
  }
  return answer;
}
