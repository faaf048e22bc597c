// The vote host's private keys at rest: the issuers' RSA keys (PROTOCOL.md §2.5: "the
// private key never leaves the API") and the operator's keys of key ceremonies that have one
// (§11.7). PKCS#8 DER sealed with AES-256-GCM under the master key, with the key id as
// associated data, so that a sealed key copied under another id does not open. A fresh
// 96-bit IV per seal; one master key seals at most a few million keys, far below GCM's
// limits. The associated data's prefix is the one the first keys were sealed with
// (issuers'): key ids are distinct across kinds ("operator:" + ceremony id for the others).
import { createCipheriv, createDecipheriv, createPrivateKey, randomBytes, type KeyObject } from "node:crypto";
import { SYNC, type ApiStore } from "../store/api-store.js";

export const SEAL_ALGORITHM = "A256GCM";
const AAD_PREFIX = "urne.issuer-key.v1|";

export type SealedKey = { alg: typeof SEAL_ALGORITHM; iv: string; ciphertext: string; tag: string };

export function sealPrivateKey(masterKey: Uint8Array, keyId: string, privateKey: KeyObject): SealedKey {
  if (masterKey.byteLength !== 32) throw new TypeError("sealPrivateKey: the master key must be 32 bytes");
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", masterKey, iv);
  cipher.setAAD(Buffer.from(AAD_PREFIX + keyId, "utf8"));
  const der = privateKey.export({ format: "der", type: "pkcs8" });
  const ciphertext = Buffer.concat([cipher.update(der), cipher.final()]);
  der.fill(0);
  return { alg: SEAL_ALGORITHM, iv: iv.toString("base64url"), ciphertext: ciphertext.toString("base64url"), tag: cipher.getAuthTag().toString("base64url") };
}

/** Throws if the sealed key was altered, moved to another id, or sealed under another master key. */
export function openPrivateKey(masterKey: Uint8Array, keyId: string, sealed: SealedKey): KeyObject {
  if (sealed.alg !== SEAL_ALGORITHM) throw new Error(`issuer key ${keyId}: unknown sealing algorithm`);
  const decipher = createDecipheriv("aes-256-gcm", masterKey, Buffer.from(sealed.iv, "base64url"));
  decipher.setAAD(Buffer.from(AAD_PREFIX + keyId, "utf8"));
  decipher.setAuthTag(Buffer.from(sealed.tag, "base64url"));
  const der = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, "base64url")), decipher.final()]);
  try {
    return createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  } finally {
    der.fill(0);
  }
}

/** Sealed private keys by key id, in the API store (sublevel "issuer-keys", its first name). Opened keys are cached in memory. */
export class PrivateKeyVault {
  private readonly sealed;
  private readonly cache = new Map<string, KeyObject>();

  constructor(store: ApiStore, private readonly masterKey: Uint8Array) {
    this.sealed = store.sublevel<SealedKey>("issuer-keys");
  }

  async put(keyId: string, privateKey: KeyObject): Promise<void> {
    await this.sealed.put(keyId, sealPrivateKey(this.masterKey, keyId, privateKey), SYNC);
    this.cache.set(keyId, privateKey);
  }

  async get(keyId: string): Promise<KeyObject | undefined> {
    const cached = this.cache.get(keyId);
    if (cached) return cached;
    const sealed = await this.sealed.get(keyId);
    if (!sealed) return undefined;
    const key = openPrivateKey(this.masterKey, keyId, sealed);
    this.cache.set(keyId, key);
    return key;
  }
}
