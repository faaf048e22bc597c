/** The n-th loopback address from 127.1.0.0 (all of 127/8 is the loopback on Linux): one per simulated client, as the issuer limits requests per IP. */
export const loopback = (n: number) => `127.${1 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
