import { isIPv6 } from "node:net";
import type { Request } from "express";

/**
 * The client's address as express resolves it: set the app's `trust proxy` to the real
 * proxy hops (URNE_TRUST_PROXY), or every client behind the proxy shares one bucket. Used
 * for rate limiting only, never written or logged.
 */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? "unknown";
}

/**
 * The network a client address stands for when counting what one client holds: an IPv4
 * address as it is (an IPv4-mapped IPv6 address too), an IPv6 address as its /64, the
 * smallest block a subscriber is given (RFC 6177): whoever has one IPv6 address has 2^64,
 * and counting them apart would give one client as many quotas as it likes.
 */
export function clientNetwork(address: string): string {
  const bare = address.split("%")[0];
  if (!isIPv6(bare)) return address;
  const groups = expandIPv6(bare);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join(".");
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(":")}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (net.isIPv6), an IPv4 tail included. */
function expandIPv6(address: string): number[] {
  let text = address;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    text = text.slice(0, v4.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const part = (s: string | undefined) => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const front = part(head), back = part(tail);
  return tail === undefined ? front : [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}
