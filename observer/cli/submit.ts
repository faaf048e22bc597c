// `urne submit BALLOT.json --rpc URL --ballot-box ADDRESS`: sends a signed ballot straight to
// a node, without the operator's relay, and for free (docs/CHAIN.md §5.4): a castVote
// transaction signed by a throw-away key with no fee, which urne's chain accepts when the
// ballot box would count the ballot now. BALLOT.json is a signed vote (PROTOCOL.md §4, the
// body the widget posts to a relay). The voter can send it from any network, later, over
// Tor: the node learns nothing the chain does not show. It waits until a block holds it.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { Transaction, Wallet, hexlify, randomBytes } from "ethers";
import { JsonRpcClient, NodeRequestError } from "../../protocol/json-rpc.js";
import { getReceipt, nodeFailure } from "../../protocol/audit/node-answers.js";
import { ballotBoxInterface, decodeBallotBoxLog, decodeRejectionReason } from "../../protocol/events.js";
import { parseAddress } from "../../protocol/fields.js";
import { parseVoteBody } from "../../protocol/signed-vote-input.js";
import { UrneError } from "../../protocol/errors.js";

export const SUBMIT_USAGE = `usage: urne submit BALLOT.json --rpc URL --ballot-box ADDRESS [--gas N] [--timeout-ms N]

Sends a signed ballot (a JSON signed vote, PROTOCOL.md §4) straight to a node as a free
castVote transaction from a throw-away key, and waits until a block holds it.
  --gas N          the transaction's gas limit (default: the node's estimate plus a fifth)
  --timeout-ms N   how long to wait for the block (default 120000)

exit codes: 0 counted, 1 refused (by the node's door or the ballot box), 2 usage, 3 the node did not answer`;

export const SUBMIT_EXIT = Object.freeze({ COUNTED: 0, REFUSED: 1, USAGE: 2, UNREACHABLE: 3 });

export async function run(args: string[]): Promise<number> {
  const usage = (why: string) => {
    console.error(`urne submit: ${why}\n\n${SUBMIT_USAGE}`);
    return SUBMIT_EXIT.USAGE;
  };
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { rpc: { type: "string" }, "ballot-box": { type: "string" }, gas: { type: "string" }, "timeout-ms": { type: "string" }, help: { type: "boolean" } } });
  } catch (error) {
    return usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(SUBMIT_USAGE);
    return SUBMIT_EXIT.COUNTED;
  }
  if (positionals.length !== 1) return usage("one ballot file is needed");
  let node: JsonRpcClient, ballotBox: string, vote;
  try {
    if (!values.rpc) throw new Error("--rpc is required");
    node = new JsonRpcClient(values.rpc);
    ballotBox = parseAddress(values["ballot-box"], "--ballot-box");
    vote = parseVoteBody(JSON.parse(await readFile(positionals[0], "utf8")));
  } catch (error) {
    return usage(error instanceof UrneError ? `${positionals[0]}: ${error.message}` : (error as Error).message);
  }
  const timeoutMs = Number(values["timeout-ms"] ?? 120_000);
  try {
    const chainId = BigInt(await node.call<string>("eth_chainId"));
    // A key of its own, used once: the transaction's sender says nothing about the voter.
    const sender = new Wallet(hexlify(randomBytes(32)));
    const data = ballotBoxInterface.encodeFunctionData("castVote", [vote]);
    const gasLimit = values.gas !== undefined ? BigInt(values.gas)
      : (BigInt(await node.call<string>("eth_estimateGas", [{ from: sender.address, to: ballotBox, data }, "latest"])) * 6n) / 5n;
    const raw = await sender.signTransaction(Transaction.from({ type: 2, chainId, nonce: 0, to: ballotBox, data, gasLimit, maxFeePerGas: 0n, maxPriorityFeePerGas: 0n }));
    const hash = await node.call<string>("eth_sendRawTransaction", [raw]);
    console.log(`sent ${hash} to ${node.url}`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const receipt = await getReceipt(node, hash);
      if (receipt) {
        const cast = receipt.status === 1n && receipt.logs.map((l) => decodeBallotBoxLog(l, ballotBox)).find((e) => e?.event === "VoteCast" && e.vote.voter.toLowerCase() === vote.voter.toLowerCase());
        if (!cast) {
          console.error(`urne submit: the transaction ${hash} did not count the ballot (status ${receipt.status})`);
          return SUBMIT_EXIT.REFUSED;
        }
        console.log(`counted: ballot ${vote.ballotId}, voter ${vote.voter}, revision ${vote.revision}, block ${receipt.blockNumber} ${receipt.blockHash}`);
        return SUBMIT_EXIT.COUNTED;
      }
      if (Date.now() > deadline) {
        console.error(`urne submit: no block holds ${hash} after ${timeoutMs / 1000} s`);
        return SUBMIT_EXIT.UNREACHABLE;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (error) {
    if (error instanceof NodeRequestError && error.rpcCode !== undefined) {
      // The node answered: its door or the ballot box refused the ballot, and said why.
      const reason = decodeRejectionReason(typeof error.data === "string" ? error.data : "0x")?.name;
      console.error(`urne submit: refused by ${node.url}: ${error.message}${reason && !error.message.includes(reason) ? ` (${reason})` : ""}`);
      return SUBMIT_EXIT.REFUSED;
    }
    if (error instanceof NodeRequestError) {
      console.error(`urne submit: ${nodeFailure(error)}`);
      return SUBMIT_EXIT.UNREACHABLE;
    }
    throw error;
  }
}
