// One way for urne's HTTP servers to bind and to stop: listen resolves once the port is
// bound (or rejects with the bind error, e.g. EADDRINUSE), and the listener it returns
// knows its URL and closes every connection when stopped, keep-alive ones included.
import type http from "node:http";
import type { AddressInfo, Server } from "node:net";

export type Listener = {
  /** The host as asked, with the bound port (even when 0 was asked): http://127.0.0.1:8080, http://[::1]:8080. */
  url: string;
  port: number;
  close(): Promise<void>;
};

/** `port`: a port to bind on `host`, or a socket already listening (handed over by the supervisor) to serve. */
export async function listen(server: http.Server, port: number | Server, host: string): Promise<Listener> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    const bound = () => {
      server.off("error", reject);
      resolve();
    };
    if (typeof port === "number") server.listen(port, host, bound);
    else server.listen(port, bound);
  });
  const bound = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${bound.port}`,
    port: bound.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
