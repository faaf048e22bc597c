// `urne fingerprint --rpc URL[,URL...] --ballot-box ADDR --ballot ID`: a ballot's fingerprint
// (PROTOCOL.md §6.7), read from the chain: its BallotCreated event, checked on every node
// given against its block's header hash and receipts root, the nodes required to agree.
// An organizer checks with it the fingerprint the service gave at creation before putting
// it in the embed tag; anybody can recompute it from any node.
import { parseArgs } from "node:util";
import { BallotCreatedError, verifiedBallotCreated, type VerifiedBallot } from "../../protocol/audit/ballot-created.js";
import { JsonRpcClient, NodeRequestError } from "../../protocol/json-rpc.js";
import { blockNumberOf, getLogs, NodeAnswerError, nodeFailure, quantity } from "../../protocol/audit/node-answers.js";
import { ballotIdTopic, EVENT_TOPICS } from "../../protocol/events.js";
import { parseAddress, parseDecimal } from "../../protocol/fields.js";

export const FINGERPRINT_USAGE = `usage: urne fingerprint --rpc URL[,URL...] --ballot-box ADDRESS --ballot ID [--block N] [--json]

Prints the ballot's fingerprint (PROTOCOL.md §6.7): the hash of its BallotCreated event,
checked on every node given (its block's header hash and receipts root), the nodes
required to agree. Put it in the embed tag: data-fingerprint="0x...".
  --block N   the block of the ballot's creation (default: searched on the first node)

exit codes: 0 printed, 1 a node failed a check or the nodes disagree, 2 usage, 3 a node did not answer`;

export const FINGERPRINT_EXIT = Object.freeze({ OK: 0, FAILED: 1, USAGE: 2, UNREACHABLE: 3 });

export async function run(args: string[]): Promise<number> {
  const usage = (why: string) => {
    console.error(`urne fingerprint: ${why}\n\n${FINGERPRINT_USAGE}`);
    return FINGERPRINT_EXIT.USAGE;
  };
  let values;
  try {
    ({ values } = parseArgs({ args, options: { rpc: { type: "string" }, "ballot-box": { type: "string" }, ballot: { type: "string" }, block: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean" } } }));
  } catch (error) {
    return usage((error as Error).message);
  }
  if (values.help) {
    console.log(FINGERPRINT_USAGE);
    return FINGERPRINT_EXIT.OK;
  }
  let nodes: JsonRpcClient[], ballotBox: string, ballotId: bigint, block: number | undefined;
  try {
    if (!values.rpc) throw new Error("--rpc is required");
    nodes = values.rpc.split(",").map((u) => new JsonRpcClient(u.trim()));
    ballotBox = parseAddress(values["ballot-box"], "--ballot-box");
    ballotId = parseDecimal(values.ballot, "--ballot", 256, 1n);
    block = values.block === undefined ? undefined : Number(parseDecimal(values.block, "--block", 53));
  } catch (error) {
    return usage((error as Error).message);
  }
  try {
    const chainId = quantity(await nodes[0].call("eth_chainId"), "eth_chainId answer");
    if (block === undefined) {
      const head = blockNumberOf(await nodes[0].call("eth_blockNumber"), "eth_blockNumber answer");
      const logs = await getLogs(nodes[0], { address: ballotBox, topics: [EVENT_TOPICS.BallotCreated, ballotIdTopic(ballotId)], fromBlock: 0, toBlock: head });
      if (logs.length !== 1) {
        console.error(`urne fingerprint: ${nodes[0].url} shows ${logs.length} BallotCreated events of ballot ${ballotId} (1 expected)`);
        return FINGERPRINT_EXIT.FAILED;
      }
      block = Number(logs[0].blockNumber);
    }
    const seen: (VerifiedBallot & { url: string })[] = [];
    for (const node of nodes) seen.push({ url: node.url, ...(await verifiedBallotCreated(node, { chainId, ballotBox, ballotId, blockNumber: block })) });
    const differ = seen.find((s) => s.fingerprint !== seen[0].fingerprint || s.blockHash !== seen[0].blockHash);
    if (differ) {
      console.error(`urne fingerprint: ${differ.url} tells ${differ.fingerprint} in block ${block} ${differ.blockHash}, ${seen[0].url} ${seen[0].fingerprint} in ${seen[0].blockHash}`);
      return FINGERPRINT_EXIT.FAILED;
    }
    const { fingerprint, blockHash, event } = seen[0];
    if (values.json) console.log(JSON.stringify({ chainId: chainId.toString(), ballotBox, ballotId: ballotId.toString(), fingerprint, block, blockHash, question: event.params.question, nodes: nodes.map((n) => n.url) }, null, 2));
    else console.log(`${fingerprint}  ballot ${ballotId} of ${ballotBox} on chain ${chainId}, created in block ${block} (${blockHash}), checked on ${nodes.length} node${nodes.length > 1 ? "s" : ""}: "${event.params.question}"`);
    return FINGERPRINT_EXIT.OK;
  } catch (error) {
    if (error instanceof BallotCreatedError) {
      console.error(`urne fingerprint: ${error.message}`);
      return FINGERPRINT_EXIT.FAILED;
    }
    if (error instanceof NodeRequestError || error instanceof NodeAnswerError) {
      console.error(`urne fingerprint: ${nodeFailure(error)}`);
      return FINGERPRINT_EXIT.UNREACHABLE;
    }
    throw error;
  }
}
