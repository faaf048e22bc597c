// The operator accounts of an embedded chain: funded in its genesis, used to deploy the
// BallotBox and, later, by the API (organizer, relayer). Generated once per data dir and
// kept there, readable by the owner only (0600), never in the repo, never in a log.
// The journal holds their addresses only: losing this file loses the funds, not the chain.
import path from "node:path";
import { Wallet } from "ethers";
import { createPrivateJson, readPrivateJson } from "../config/private-file.js";

export const OPERATOR_KEYS_FILE = "operator-keys.json";
/** admin deploys and administers the BallotBox; organizer creates ballots; relayer pays for votes. */
export const OPERATOR_ROLES = ["admin", "organizer", "relayer"] as const;

export type OperatorKey = { name: string; address: string; privateKey: string };
type KeysFile = { format: 1; warning: string; keys: OperatorKey[] };

export const operatorKeysPath = (dataDir: string) => path.join(dataDir, OPERATOR_KEYS_FILE);

/** Reads the keys file; undefined if there is none. Refuses a file others can read. */
export function readOperatorKeys(dataDir: string): OperatorKey[] | undefined {
  const file = operatorKeysPath(dataDir);
  const parsed = readPrivateJson(file) as KeysFile | undefined;
  if (parsed === undefined) return undefined;
  for (const key of parsed.keys) {
    if (new Wallet(key.privateKey).address !== key.address) throw new Error(`${file}: key "${key.name}" does not match its address`);
  }
  return parsed.keys;
}

/**
 * Creates the keys file with the operator roles plus `extra` test accounts (test-1...).
 * Written with O_EXCL and fsynced: two starts cannot both create it, a crash cannot tear it.
 */
export function createOperatorKeys(dataDir: string, extra = 0): OperatorKey[] {
  const names = [...OPERATOR_ROLES, ...Array.from({ length: extra }, (_, i) => `test-${i + 1}`)];
  const keys = names.map((name) => {
    const wallet = Wallet.createRandom();
    return { name, address: wallet.address, privateKey: wallet.privateKey };
  });
  const body: KeysFile = { format: 1, warning: "SECRET: private keys of this chain's operator accounts. Never share or commit.", keys };
  createPrivateJson(operatorKeysPath(dataDir), body);
  return keys;
}
