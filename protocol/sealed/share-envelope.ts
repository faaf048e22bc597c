// A key share sent from trustee `from` to trustee `to` during the key ceremony, readable by
// `to` only (PROTOCOL.md §11.7), though it travels through the service:
//   ephemeral k;  K = k·G;  S = k·E_to (E_to: the recipient's encryption key)
//   key = HKDF-SHA-256(ikm = x(S), salt = ceremonyId, info = "urne-v2-key-share" ‖ from ‖ to, 32 bytes)
//   envelope = K (33) ‖ nonce (12) ‖ AES-256-GCM(key, nonce, share (32), aad = ceremonyId ‖ from ‖ to)
// ECIES with a fresh ephemeral key per envelope; the AAD and the HKDF info bind it to its
// ceremony, sender and recipient, so an envelope moved to another pair or ceremony does
// not open. AES-GCM is WebCrypto's (browsers and Node alike).
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { getBytes } from "ethers";
import { G, POINT_BYTES, decodePoint, encodePoint, encodeScalar, randomScalar, type Point } from "./group.js";

const NONCE_BYTES = 12;
export const SHARE_ENVELOPE_BYTES = POINT_BYTES + NONCE_BYTES + 32 + 16;
const INFO = new TextEncoder().encode("urne-v2-key-share");
/** A copy on its own ArrayBuffer, as WebCrypto's types want. */
const own = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);

function binding(ceremonyId: string, from: number, to: number): { salt: Uint8Array; info: Uint8Array; aad: Uint8Array<ArrayBuffer> } {
  const id = getBytes(ceremonyId);
  const pair = Uint8Array.of(from, to);
  return { salt: id, info: Uint8Array.from([...INFO, ...pair]), aad: Uint8Array.from([...id, ...pair]) };
}

async function aesKey(shared: Point, b: { salt: Uint8Array; info: Uint8Array }, usage: "encrypt" | "decrypt"): Promise<CryptoKey> {
  const x = encodePoint(shared).subarray(1);
  const raw = hkdf(sha256, x, b.salt, b.info, 32);
  return globalThis.crypto.subtle.importKey("raw", own(raw), "AES-GCM", false, [usage]);
}

export type EnvelopeAddress = { ceremonyId: string; from: number; to: number };

/** Seals `share` (a scalar) for the trustee whose encryption key is `recipientKey`. */
export async function sealShare(a: EnvelopeAddress, recipientKey: Point, share: bigint): Promise<Uint8Array> {
  const b = binding(a.ceremonyId, a.from, a.to);
  const k = randomScalar();
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const key = await aesKey(recipientKey.multiply(k), b, "encrypt");
  const sealed = new Uint8Array(await globalThis.crypto.subtle.encrypt({ name: "AES-GCM", iv: nonce, additionalData: b.aad }, key, own(encodeScalar(share))));
  const out = new Uint8Array(SHARE_ENVELOPE_BYTES);
  out.set(encodePoint(G.multiply(k)), 0);
  out.set(nonce, POINT_BYTES);
  out.set(sealed, POINT_BYTES + NONCE_BYTES);
  return out;
}

/** Opens an envelope with the recipient's encryption secret; undefined when it does not open (wrong key, pair, ceremony, or altered). */
export async function openShare(a: EnvelopeAddress, secret: bigint, envelope: Uint8Array): Promise<bigint | undefined> {
  if (envelope.length !== SHARE_ENVELOPE_BYTES) return undefined;
  let K: Point;
  try {
    K = decodePoint(envelope.subarray(0, POINT_BYTES), "envelope.K");
  } catch {
    return undefined;
  }
  const b = binding(a.ceremonyId, a.from, a.to);
  const key = await aesKey(K.multiply(secret), b, "decrypt");
  try {
    const plain = new Uint8Array(await globalThis.crypto.subtle.decrypt(
      { name: "AES-GCM", iv: own(envelope.subarray(POINT_BYTES, POINT_BYTES + NONCE_BYTES)), additionalData: b.aad }, key, own(envelope.subarray(POINT_BYTES + NONCE_BYTES)),
    ));
    let value = 0n;
    for (const byte of plain) value = (value << 8n) | BigInt(byte);
    return value;
  } catch {
    return undefined;
  }
}
