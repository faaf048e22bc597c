// `urne recount`: re-verify and recount ballots without trusting the service.
// docs/OBSERVERS.md; checks: PROTOCOL.md §9.3.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { isAddress } from "ethers";
import { mirrorSource, nodeSource, type EventSource } from "../recount/event-source.js";
import { recount } from "../recount/recount.js";
import { reportLines } from "../recount/report-text.js";
import { NodeRequestError } from "../../protocol/json-rpc.js";
import { UrneError } from "../../protocol/errors.js";
import { parseCeremonyTranscript } from "../../protocol/sealed/ceremony-transcript.js";
import type { CeremonyTranscript } from "../../protocol/sealed/key-ceremony.js";

export const RECOUNT_EXIT = Object.freeze({ PASS: 0, FAIL: 1, USAGE: 2, UNREADABLE: 3 });

export const RECOUNT_USAGE = `usage: urne recount (--rpc URL --ballot-box ADDRESS | --mirror DIR [--rpc URL]) [--ballot ID] [--ceremony FILE]... [--api URL] [--json [--trackers]]

Re-verifies every VoteCast of each ballot against the protocol rules (PROTOCOL.md §6.2),
recounts the latest accepted revision per voter, and checks PROTOCOL.md §9.3:
  R1 ballot parameters, issuer modulus (§2.5 rule) and key proof
  R2 every vote re-verified (rejected ones listed)
  R3 counts = the contract's tally and votersCount at the same block
  R4 voters <= tokens issued at the close      R5 results recomputed   R6 = the API's results
and for a sealed ballot (PROTOCOL.md §11):
  S1 BallotSealed and the key ceremony's transcript   S2 every ballot's proofs (a ballot whose
  proofs fail is named and not counted)   S3 the tally digest   S4 every decryption share
  (a bad one is named and left out)   S5 the counts from t valid shares, or
  "awaiting decryption: k of t shares" and no number

options:
  --rpc URL            a node: events read by eth_getLogs, counters by eth_call at its head;
                       with --mirror, the counters are read from it at the mirror's last block
  --ballot-box ADDR    the BallotBox contract (with --rpc alone)
  --mirror DIR         a mirror made by urne observe: events and the counters it recorded
  --ballot ID          recount this ballot only (default: every ballot)
  --ceremony FILE      a key ceremony's public transcript (JSON: {params, round1}, or the vote
                       host's GET /v1/ceremonies/:id answer); a sealed ballot uses the one
                       whose digest its BallotSealed names; repeat for several ballots
  --api URL            the service's API: compare its published results (R6)
  --json               one JSON report on stdout instead of text lines
  --trackers           with --json: a sealed ballot's report lists its counted ballots'
                       trackers (sealed.trackers, chain order), to compare with the list
                       the vote host publishes (GET /v1/ballots/:id/trackers)
  --threads N          worker threads for the signatures (default: one per core)
  --help

exit codes: 0 every check passes, 1 a check fails or a VoteCast is rejected, 2 usage,
  3 the node or the mirror could not be read, or the recount could not finish (a log that does not decode)`;

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        rpc: { type: "string" },
        "ballot-box": { type: "string" },
        mirror: { type: "string" },
        ballot: { type: "string" },
        ceremony: { type: "string", multiple: true },
        api: { type: "string" },
        json: { type: "boolean" },
        trackers: { type: "boolean" },
        threads: { type: "string" },
        help: { type: "boolean" },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${RECOUNT_USAGE}`);
    return RECOUNT_EXIT.USAGE;
  }
  if (values.help) {
    console.log(RECOUNT_USAGE);
    return 0;
  }
  const usage = (why: string) => {
    console.error(`${why}\n\n${RECOUNT_USAGE}`);
    return RECOUNT_EXIT.USAGE;
  };
  if (!values.rpc && !values.mirror) return usage("give --rpc URL or --mirror DIR");
  if (!values.mirror && !values["ballot-box"]) return usage("--ballot-box is required with --rpc alone");
  if (values["ballot-box"] !== undefined && !isAddress(values["ballot-box"])) return usage(`--ballot-box must be an address, got "${values["ballot-box"]}"`);
  if (values.ballot !== undefined && !/^[1-9]\d*$/.test(values.ballot)) return usage(`--ballot must be a ballot id (1, 2, ...), got "${values.ballot}"`);
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && (!Number.isSafeInteger(threads) || threads < 0 || threads > 64)) return usage(`--threads must be an integer in [0, 64], got "${values.threads}"`);
  const ballotId = values.ballot === undefined ? undefined : BigInt(values.ballot);
  const ceremonies: CeremonyTranscript[] = [];
  for (const file of values.ceremony ?? []) {
    try {
      const json = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown> | null;
      // The vote host's GET /v1/ceremonies/:id answer holds the transcript under `ceremony`.
      const answer = typeof json === "object" && json !== null && !("params" in json) && typeof json.ceremony === "object";
      ceremonies.push(parseCeremonyTranscript(answer ? json.ceremony : json));
    } catch (error) {
      const why = error instanceof UrneError ? `${error.code}${error.field ? ` ${error.field}` : ""}: ${error.message}` : (error as Error).message;
      return usage(`--ceremony ${file} is not a key ceremony transcript: ${why}`);
    }
  }

  let source: EventSource;
  try {
    source = values.mirror
      ? await mirrorSource(values.mirror, { ballotId, rpc: values.rpc })
      : await nodeSource(values.rpc!, values["ballot-box"]!, { ballotId });
  } catch (error) {
    if (error instanceof NodeRequestError || error instanceof TypeError) {
      console.error(`cannot read: ${error.message}`);
      return RECOUNT_EXIT.UNREADABLE;
    }
    throw error;
  }
  try {
    const report = await recount(source, { ballotId, api: values.api, threads, ceremonies, listTrackers: values.trackers === true });
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else for (const line of reportLines(report)) console.log(line);
    return report.pass ? RECOUNT_EXIT.PASS : RECOUNT_EXIT.FAIL;
  } catch (error) {
    // Exit 1 means "a check failed": a recount that could not finish must not look like one.
    console.error(`${error instanceof NodeRequestError ? "cannot read" : "cannot recount"}: ${(error as Error).message}`);
    return RECOUNT_EXIT.UNREADABLE;
  } finally {
    await source.close();
  }
}
