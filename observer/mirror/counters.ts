// The contract's own counts of a ballot, `tally` and `votersCount` read by eth_call at
// one block (PROTOCOL.md §6.3; a sealed ballot, `sealing`, has no `tally`: §11.9): what the recount compares its count with (§9.3 R3).
// The mirror records them at mirror time, so that a recount from the mirror alone still
// has the contract's word at a known block.
import { ballotBoxInterface } from "../../protocol/events.js";
import { NodeRequestError, type JsonRpcClient } from "../../protocol/json-rpc.js";
import { ethCall } from "../rpc/chain-reader.js";
import type { Counters } from "./mirror-store.js";

export async function readCounters(client: JsonRpcClient, ballotBox: string, ballotId: bigint, block: { number: number; hash: string }): Promise<Counters> {
  const call = async (name: string) => ballotBoxInterface.decodeFunctionResult(name, await ethCall(client, ballotBox, ballotBoxInterface.encodeFunctionData(name, [ballotId]), block.number));
  // A sealed ballot's `tally` reverts (BallotBoxSealed): its counts are opened off chain.
  // `sealing` is asked only then, so that a box without it (one made before sealed
  // ballots, or the tests' FaultyBallotBox) is read as before.
  let tally: bigint[] = [];
  let isSealed = false;
  try {
    [tally] = (await call("tally")) as unknown as [bigint[]];
  } catch (error) {
    if (!(error instanceof NodeRequestError) || error.rpcCode === undefined) throw error;
    [isSealed] = (await call("sealing").catch(() => { throw error; })) as unknown as [boolean];
    if (!isSealed) throw error;
  }
  const [votersCount] = await call("votersCount");
  return {
    ballotId: ballotId.toString(), blockNumber: block.number, blockHash: block.hash,
    tally: tally.map(String), votersCount: (votersCount as bigint).toString(),
    ...(isSealed ? { sealed: true as const } : {}),
  };
}
