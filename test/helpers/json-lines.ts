// A service's stdout as urne writes it, one JSON object per line: each parsed line to
// `onLine`; lines that are not JSON (a stack trace, a warning) are skipped.
import type { Readable } from "node:stream";

export function onJsonLines(stream: Readable, onLine: (parsed: Record<string, any>) => void): void {
  let buffer = "";
  stream.setEncoding("utf8").on("data", (d: string) => {
    buffer += d;
    for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        continue; // not a log line
      }
      if (typeof parsed === "object" && parsed !== null) onLine(parsed as Record<string, any>);
    }
  });
}
