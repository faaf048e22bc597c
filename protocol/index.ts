// The shared protocol module, browser-safe part (widget, observer tools, server).
// Node-only parts (the issuer's signing) are in ./node.ts. Formats: docs/PROTOCOL.md.
export * from "./errors.js";
export * from "./constants.js";
export { parseHex, toHex, bytesToBigInt, bigIntToBytes, bitLength, bytesEqual, concatBytes } from "./hex.js";
export { parseAddress, parseDecimal, checkUint, checkSafeInteger } from "./fields.js";
export * from "./ballot.js";
export * from "./payload.js";
export * from "./vote.js";
export * from "./vote-check.js";
export * from "./proof.js";
export * from "./events.js";
export * from "./token/issuer-key.js";
export * from "./token/key-proof.js";
export * from "./token/modulus-check.js";
export * from "./token/message.js";
export { TOKEN_PSS, emsaPssEncode, emsaPssVerify, mgf1, type PssParams } from "./token/pss.js";
export * from "./token/blind.js";
export * from "./token/verify.js";
export * from "./ballot-fingerprint.js";
export * from "./signed-vote-input.js";
