// A service's port, held by the supervisor whenever the service's process is not serving
// it: before the process exists (while the chain replays its journal, say), and between a
// crash and the restart. Held, it answers 503 ERR_STARTING with Retry-After, and GET /health
// says what the service waits for (server/http/starting-server.ts): never a refused
// connection, never a request left waiting. The process takes the listening socket over
// through its IPC channel (service-process.ts), so there is no moment with nobody at the port.
import type http from "node:http";
import { listenStarting, type StartingServer } from "../http/starting-server.js";

export class HeldPort {
  #held: StartingServer | undefined;

  /** `port` 0: any free port, kept from then on (restarts bind the same). */
  constructor(readonly host: string, public port: number, private readonly progress: () => Record<string, unknown>) {}

  /** Binds the port here if nobody serves it; resolves to its number. */
  async hold(): Promise<number> {
    this.#held ??= await listenStarting({ host: this.host, port: this.port, progress: this.progress });
    this.port = this.#held.port;
    return this.port;
  }

  /** The listening server, while held: what a starting process is handed. */
  get server(): http.Server | undefined {
    return this.#held?.server;
  }

  /** Stops answering here: the process has the socket now (or the supervisor stops). */
  async release(): Promise<void> {
    const held = this.#held;
    this.#held = undefined;
    await held?.close();
  }
}
