// The recount's report as text: one line per check, each starting with its step
// (PROTOCOL.md §9.3), one line per rejected vote naming the §6.2 error; for a sealed ballot
// one line per ballot left out of the tally (S2) and per decryption share left out (S4);
// the counts, or where a sealed tally stands; and a verdict.
import type { RecountReport } from "./recount.js";

export function reportLines(report: RecountReport): string[] {
  const lines = [`RECOUNT chain ${report.chainId} ballot box ${report.ballotBox} as of block ${report.asOf.blockNumber} ${report.asOf.blockHash}; contract counters from ${report.countersFrom}`];
  if (report.ballots.length === 0) lines.push("no ballot found");
  for (const b of report.ballots) {
    lines.push(`BALLOT ${b.ballotId} ${b.kind ?? "(unknown kind)"} ${JSON.stringify(b.question ?? "")}: ${b.votesCast} VoteCast, ${b.votersCount} voters counted`);
    for (const c of b.checks) {
      lines.push(`${c.step} ${c.skipped ? "skipped" : c.ok ? "ok" : "FAIL"} ${c.message}`);
      if (c.step === "R2") {
        for (const r of b.rejected) {
          lines.push(`R2 REJECTED block ${r.blockNumber} log ${r.logIndex} tx ${r.transactionHash} voter ${r.voter} revision ${r.revision}: ${r.error}(${r.args.join(", ")})`);
        }
        for (const r of b.voteRejected) lines.push(`R2 info VoteRejected by the contract in block ${r.blockNumber}: voter ${r.voter} revision ${r.revision}: ${r.error}`);
      }
      if (c.step === "S2" && b.sealed) {
        for (const x of b.sealed.excluded) {
          lines.push(`S2 EXCLUDED block ${x.blockNumber} log ${x.logIndex} tx ${x.transactionHash} voter ${x.voter} revision ${x.revision} tracker ${x.tracker}: ${x.code} ${x.field}`);
        }
      }
      if (c.step === "S4" && b.sealed) {
        for (const s of b.sealed.shares) if (!s.valid) lines.push(`S4 LEFT OUT share of trustee ${s.trustee} in block ${s.blockNumber} log ${s.logIndex} tx ${s.transactionHash}: ${s.why}`);
      }
    }
    lines.push(b.sealed && b.sealed.counts === null
      ? `COUNTS ballot ${b.ballotId} sealed, ${b.sealed.status}; ${b.votersCount} voters counted`
      : `COUNTS ballot ${b.ballotId} [${b.counts.join(", ")}] voters ${b.votersCount}`);
    lines.push(`${b.pass ? "PASS" : "FAIL"} ballot ${b.ballotId}`);
  }
  return lines;
}
