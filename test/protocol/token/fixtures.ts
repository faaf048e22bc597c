// Issuer keys shared by the token tests: RSA-2048 generation takes up to a second.
import { readFileSync } from "node:fs";
import { createPrivateKey, type KeyObject } from "node:crypto";
import path from "node:path";
import { generateIssuerKey, issuerKeyFromKeyObject, type IssuerPublicKey } from "../../../protocol/node.js";

export type TestIssuer = { privateKey: KeyObject; publicKey: IssuerPublicKey };

let fresh: TestIssuer[] = [];

/** The i-th issuer key generated for this run. */
export function freshIssuer(i = 0): TestIssuer {
  while (fresh.length <= i) fresh = [...fresh, generateIssuerKey()];
  return fresh[i];
}

/** The checked-in test-only key of test/vectors (also used by protocol-v1.json). */
export function vectorIssuer(file = "issuer-test-key.pem"): TestIssuer {
  const privateKey = createPrivateKey(readFileSync(path.join(import.meta.dirname, "../../vectors", file)));
  return { privateKey, publicKey: issuerKeyFromKeyObject(privateKey) };
}

export const BALLOT_BOX = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
