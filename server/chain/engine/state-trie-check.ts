// A full check of the state kept on disk (derived-store.ts): from the head's state root,
// every node of the account trie, of each account's storage trie and each contract's code
// is read back and must hash to the reference that names it. A start checks only that
// the head's root node is there (durable-chain.ts); this walk reads the whole state, so it
// runs after the chain is ready (its cost: docs/CHAIN.md §4.2), and a damaged node makes
// the next start rebuild the store from the journal.
import { RLP } from "@ethereumjs/rlp";
import { KECCAK256_NULL, KECCAK256_RLP, equalsBytes } from "@ethereumjs/util";
import { keccak256Bytes } from "../../../protocol/keccak.node.js";

/** ethereumjs' key of contract code: "c" then the code hash (MerkleStateManager's prefixCodeHashes). */
const CODE_PREFIX = Buffer.from("c");
/** ethereumjs' prefix of a storage trie's node keys: the first 7 bytes of the account's hashed address. */
const STORAGE_PREFIX_BYTES = 7;

export type StateTrieCounts = { accounts: number; accountNodes: number; storageNodes: number; storageSlots: number; codes: number; bytes: number };

export class StateTrieDamage extends Error {
  readonly code = "ERR_CHAIN_STATE_DAMAGED";
  constructor(detail: string) {
    super(`chain state: ${detail}`);
    this.name = "StateTrieDamage";
  }
}

type Get = (key: Buffer) => Promise<Uint8Array | undefined>;
type Decoded = Uint8Array | Decoded[];

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** Nibbles of a hex-prefix encoded path, and whether it ends in a leaf. */
function decodePath(encoded: Uint8Array): { nibbles: number[]; leaf: boolean } {
  const flag = encoded[0] >> 4;
  const nibbles: number[] = flag & 1 ? [encoded[0] & 0xf] : [];
  for (let i = 1; i < encoded.length; i++) nibbles.push(encoded[i] >> 4, encoded[i] & 0xf);
  return { nibbles, leaf: flag >= 2 };
}

function nibblesToBytes(nibbles: number[]): Uint8Array {
  const out = new Uint8Array(nibbles.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = (nibbles[2 * i] << 4) | nibbles[2 * i + 1];
  return out;
}

/** Walks the trie under `root` (a 32-byte hash) with keys prefixed by `prefix`; calls `onLeaf` with each full key and value. */
async function walkTrie(get: Get, root: Uint8Array, prefix: Uint8Array, what: string, counts: { nodes: number; bytes: number }, onLeaf: (key: Uint8Array, value: Uint8Array) => Promise<void>) {
  const visit = async (ref: Decoded, path: number[]): Promise<void> => {
    let node: Decoded;
    if (ref instanceof Uint8Array) {
      if (ref.length === 0) return;
      const stored = await get(Buffer.concat([prefix, ref]));
      if (stored === undefined) throw new StateTrieDamage(`${what}: node ${hex(ref)} (path ${path.length} nibbles deep) is missing`);
      if (!equalsBytes(keccak256Bytes(stored), ref)) throw new StateTrieDamage(`${what}: node ${hex(ref)} does not hash to its key`);
      counts.nodes++;
      counts.bytes += stored.length;
      node = RLP.decode(stored) as Decoded;
    } else {
      node = ref; // embedded (under 32 bytes)
    }
    if (!Array.isArray(node)) throw new StateTrieDamage(`${what}: a node at ${path.length} nibbles is not a list`);
    if (node.length === 17) {
      for (let i = 0; i < 16; i++) await visit(node[i], [...path, i]);
      if ((node[16] as Uint8Array).length > 0) await onLeaf(nibblesToBytes(path), node[16] as Uint8Array);
    } else if (node.length === 2) {
      const { nibbles, leaf } = decodePath(node[0] as Uint8Array);
      if (leaf) await onLeaf(nibblesToBytes([...path, ...nibbles]), node[1] as Uint8Array);
      else await visit(node[1], [...path, ...nibbles]);
    } else {
      throw new StateTrieDamage(`${what}: a node at ${path.length} nibbles has ${node.length} items`);
    }
  };
  await visit(root, []);
}

/** Checks every node and code reachable from `stateRoot`; throws StateTrieDamage naming the first fault. */
export async function checkStateTrie(get: Get, stateRoot: Uint8Array): Promise<StateTrieCounts> {
  const account = { nodes: 0, bytes: 0 };
  const storage = { nodes: 0, bytes: 0 };
  let accounts = 0;
  let storageSlots = 0;
  let codes = 0;
  let codeBytes = 0;
  await walkTrie(get, stateRoot, new Uint8Array(), "account trie", account, async (hashedAddress, value) => {
    accounts++;
    const [, , storageRoot, codeHash] = RLP.decode(value) as Uint8Array[];
    if (!equalsBytes(storageRoot, KECCAK256_RLP)) {
      await walkTrie(get, storageRoot, hashedAddress.subarray(0, STORAGE_PREFIX_BYTES), `storage of account 0x${hex(hashedAddress)} (hashed)`, storage, async () => {
        storageSlots++;
      });
    }
    if (!equalsBytes(codeHash, KECCAK256_NULL)) {
      const code = await get(Buffer.concat([CODE_PREFIX, codeHash]));
      if (code === undefined || !equalsBytes(keccak256Bytes(code), codeHash)) throw new StateTrieDamage(`code ${hex(codeHash)} is ${code === undefined ? "missing" : "damaged"}`);
      codes++;
      codeBytes += code.length;
    }
  });
  return { accounts, accountNodes: account.nodes, storageNodes: storage.nodes, storageSlots, codes, bytes: account.bytes + storage.bytes + codeBytes };
}
