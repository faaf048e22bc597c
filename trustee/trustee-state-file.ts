// A trustee's secrets between the steps of the key ceremony, and its key share after it
// (PROTOCOL.md §11.7): one file on the trustee's own machine, encrypted with a passphrase
// (scrypt N = 2^15, r = 8, p = 1, then AES-256-GCM), written 0600. The vote host never
// sees it. Losing it before the ceremony ends means starting a new ceremony; losing it
// after means this trustee cannot help open the tally (any t others still can).
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";

export const STATE_FILE_TAG = "urne-trustee-state/1";
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** JSON with bigints and bytes kept exact: {"$n": "hex"} and {"$b": "hex"}. */
const replacer = (_key: string, value: unknown) => {
  if (typeof value === "bigint") return { $n: value.toString(16) };
  if (value instanceof Uint8Array) return { $b: Buffer.from(value).toString("hex") };
  return value;
};
const reviver = (_key: string, value: unknown) => {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "$n") return BigInt("0x" + (value as { $n: string }).$n);
    if (keys.length === 1 && keys[0] === "$b") return new Uint8Array(Buffer.from((value as { $b: string }).$b, "hex"));
  }
  return value;
};

export class StateFileError extends Error {}

export function writeStateFile<T>(file: string, passphrase: string, state: T): void {
  if (passphrase.length < 12) throw new StateFileError("URNE_TRUSTEE_PASSPHRASE must be at least 12 characters");
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const key = scryptSync(passphrase, salt, 32, SCRYPT);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(state, replacer), "utf8"), cipher.final(), cipher.getAuthTag()]);
  const text = JSON.stringify({ urne: STATE_FILE_TAG, kdf: { name: "scrypt", N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, salt: salt.toString("hex") }, nonce: nonce.toString("hex"), ciphertext: sealed.toString("hex") }, null, 2);
  // Written beside, then renamed: a crash never leaves half a file where the secrets were.
  writeFileSync(`${file}.partial`, text + "\n", { mode: 0o600 });
  renameSync(`${file}.partial`, file);
}

export function readStateFile<T>(file: string, passphrase: string): T {
  let doc: { urne?: string; kdf?: { salt?: string }; nonce?: string; ciphertext?: string };
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new StateFileError(`cannot read the state file ${file}: ${(error as Error).message}`);
  }
  if (doc.urne !== STATE_FILE_TAG || !doc.kdf?.salt || !doc.nonce || !doc.ciphertext) throw new StateFileError(`${file} is not a trustee state file`);
  const key = scryptSync(passphrase, Buffer.from(doc.kdf.salt, "hex"), 32, SCRYPT);
  const sealed = Buffer.from(doc.ciphertext, "hex");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(doc.nonce, "hex"));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  let plain: string;
  try {
    plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString("utf8");
  } catch {
    throw new StateFileError(`${file} does not open with this passphrase (or was altered)`);
  }
  return JSON.parse(plain, reviver) as T;
}
