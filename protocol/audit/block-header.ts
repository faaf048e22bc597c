// The hash of a block header, recomputed from the fields a node returns
// (eth_getBlockByNumber): keccak256 of the RLP list of the Ethereum header, with the
// fields later forks appended (London baseFeePerGas, Shanghai withdrawalsRoot, Cancun
// blobGasUsed / excessBlobGas / parentBeaconBlockRoot, Prague requestsHash). It binds what
// the node says about a block (its timestamp, for PROTOCOL.md §9.2 P7) to the block hash
// the proof names: a node cannot keep the hash and change the time.
import { encodeRlp, getBytes, keccak256 } from "ethers";
import { NodeAnswerError } from "./node-answer-error.js";

const HASH_FIELDS = ["parentHash", "sha3Uncles", "miner", "stateRoot", "transactionsRoot", "receiptsRoot", "logsBloom"] as const;
const NUMBER_FIELDS = ["difficulty", "number", "gasLimit", "gasUsed", "timestamp"] as const;
/** Appended in this order by successive forks; each needs the ones before it. */
const FORK_FIELDS = [
  ["baseFeePerGas", "quantity"], ["withdrawalsRoot", "data"], ["blobGasUsed", "quantity"],
  ["excessBlobGas", "quantity"], ["parentBeaconBlockRoot", "data"], ["requestsHash", "data"],
] as const;

function dataField(block: Record<string, unknown>, name: string): string {
  const value = block[name];
  if (typeof value !== "string" || !/^0x(?:[0-9a-fA-F]{2})*$/.test(value)) throw new NodeAnswerError(`block.${name}`, value);
  return value;
}

/** RLP of an integer: its minimal big-endian bytes, 0 as the empty string. */
function quantityField(block: Record<string, unknown>, name: string): string {
  const value = block[name];
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{1,64}$/.test(value)) throw new NodeAnswerError(`block.${name}`, value);
  const n = BigInt(value);
  if (n === 0n) return "0x";
  const hex = n.toString(16);
  return "0x" + (hex.length % 2 ? "0" : "") + hex;
}

/** keccak256(rlp(header)) of a block as JSON-RPC returns it. */
export function headerHash(block: Record<string, unknown>): string {
  const fields: string[] = [
    ...HASH_FIELDS.map((f) => dataField(block, f)),
    ...NUMBER_FIELDS.map((f) => quantityField(block, f)),
    dataField(block, "extraData"), dataField(block, "mixHash"), dataField(block, "nonce"),
  ];
  for (const [name, kind] of FORK_FIELDS) {
    if (block[name] === undefined || block[name] === null) break;
    fields.push(kind === "quantity" ? quantityField(block, name) : dataField(block, name));
  }
  return keccak256(encodeRlp(fields.map((f) => getBytes(f))));
}
