// The hash of a block header, recomputed from the fields a node returns
// (eth_getBlockByNumber): keccak256 of the RLP list of the Ethereum header, with the
// fields later forks appended (London baseFeePerGas, Shanghai withdrawalsRoot, Cancun
// blobGasUsed / excessBlobGas / parentBeaconBlockRoot, Prague requestsHash). It binds what
// the node says about a block (its timestamp, for PROTOCOL.md §9.2 P7) to the block hash
// the proof names: a node cannot keep the hash and change the time.
import { keccak256 } from "ethers";
import { encodeRlp } from "../rlp.js";
import { dataBytes, quantityBytes } from "./answer-bytes.js";

const HASH_FIELDS = ["parentHash", "sha3Uncles", "miner", "stateRoot", "transactionsRoot", "receiptsRoot", "logsBloom"] as const;
const NUMBER_FIELDS = ["difficulty", "number", "gasLimit", "gasUsed", "timestamp"] as const;
/** Appended in this order by successive forks; each needs the ones before it. */
const FORK_FIELDS = [
  ["baseFeePerGas", "quantity"], ["withdrawalsRoot", "data"], ["blobGasUsed", "quantity"],
  ["excessBlobGas", "quantity"], ["parentBeaconBlockRoot", "data"], ["requestsHash", "data"],
] as const;

const data = (block: Record<string, unknown>, name: string) => dataBytes(block[name], `block.${name}`);
const quantityField = (block: Record<string, unknown>, name: string) => quantityBytes(block[name], `block.${name}`);

/** keccak256(rlp(header)) of a block as JSON-RPC returns it. */
export function headerHash(block: Record<string, unknown>): string {
  const fields: Uint8Array[] = [
    ...HASH_FIELDS.map((f) => data(block, f)),
    ...NUMBER_FIELDS.map((f) => quantityField(block, f)),
    data(block, "extraData"), data(block, "mixHash"), data(block, "nonce"),
  ];
  for (const [name, kind] of FORK_FIELDS) {
    if (block[name] === undefined || block[name] === null) break;
    fields.push(kind === "quantity" ? quantityField(block, name) : data(block, name));
  }
  return keccak256(encodeRlp(fields));
}
