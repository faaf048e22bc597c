// The protocol module for Node: the browser-safe API plus the issuer's signing, which
// uses node:crypto (OpenSSL).
export * from "./index.js";
export * from "./token/blind-sign.node.js";
export * from "./token/key-proof.node.js";
export * from "./vote-recover.node.js";
export { parseAddressFast } from "./keccak.node.js";
export * from "./token/verify.node.js";
