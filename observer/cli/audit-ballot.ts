// `urne audit-ballot FILE [--json]`: checks a ballot audit file (the Benaloh challenge,
// PROTOCOL.md §11.8) with code the widget's host did not serve: the audited ballot is a
// valid sealed ballot of its voter, ballot and key, and encrypts exactly the choice the
// file shows. An audited ballot is never cast.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { UrneError } from "../../protocol/errors.js";
import { checkBallotAudit, describeChoice, parseBallotAudit } from "../../protocol/sealed/ballot-audit.js";
import { trackerText } from "../../protocol/sealed/tracker.js";

export const AUDIT_BALLOT_USAGE = `usage: urne audit-ballot FILE [--json]

Checks the audit file the widget gives when you choose "Vérifier le chiffrement" (PROTOCOL.md
§11.8): A1 its format, A2 its tracker, A3 the ballot's proofs for its voter, ballot and key,
A4 that the ballot encrypts exactly the choice shown. The audited ballot is never cast.

exit codes: 0 the ballot encrypts the choice shown, 1 it does not or the file is not valid, 2 usage`;

export const AUDIT_BALLOT_EXIT = Object.freeze({ OK: 0, FAILED: 1, USAGE: 2 });

export async function run(args: string[]): Promise<number> {
  let values, positionals;
  try {
    ({ values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: "boolean" }, help: { type: "boolean" } } }));
  } catch (error) {
    console.error(`urne audit-ballot: ${(error as Error).message}\n\n${AUDIT_BALLOT_USAGE}`);
    return AUDIT_BALLOT_EXIT.USAGE;
  }
  if (values.help) {
    console.log(AUDIT_BALLOT_USAGE);
    return AUDIT_BALLOT_EXIT.OK;
  }
  if (positionals.length !== 1) {
    console.error(`urne audit-ballot: one FILE is required\n\n${AUDIT_BALLOT_USAGE}`);
    return AUDIT_BALLOT_EXIT.USAGE;
  }
  let text: string;
  try {
    text = readFileSync(positionals[0], "utf8");
  } catch (error) {
    console.error(`urne audit-ballot: cannot read ${positionals[0]}: ${(error as Error).message}`);
    return AUDIT_BALLOT_EXIT.USAGE;
  }
  try {
    const audit = parseBallotAudit(text);
    const { tracker, choice } = checkBallotAudit(audit);
    if (values.json) console.log(JSON.stringify({ ok: true, tracker, trackerText: trackerText(tracker), choice }, null, 2));
    else console.log(`ok: ballot ${trackerText(tracker)} of ballot ${audit.ballotId} encrypts ${describeChoice(choice)} (A1-A4); it was audited, so it is never cast`);
    return AUDIT_BALLOT_EXIT.OK;
  } catch (error) {
    if (!(error instanceof UrneError)) throw error;
    if (values.json) console.log(JSON.stringify({ ok: false, code: error.code, field: error.field, message: error.message }, null, 2));
    else console.log(`FAIL ${error.code} ${error.field ?? ""}: ${error.message}`);
    return AUDIT_BALLOT_EXIT.FAILED;
  }
}
