import net from "node:net";

/**
 * Asks the OS for a free TCP port on `host`. `urne start` and the in-process stack resolve
 * port 0 this way before starting anything, so that every service knows the others' URLs
 * (the identity provider the API's callback, the widget the relay) before either listens.
 */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** `port`, or a free one when it is 0. */
export const resolvePort = (port: number, host?: string) => (port === 0 ? freePort(host) : Promise.resolve(port));
