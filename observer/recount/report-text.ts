// The recount's report as text: one line per check, each starting with its step
// (PROTOCOL.md §9.3), one line per rejected vote naming the §6.2 error, and a verdict.
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
    }
    lines.push(`COUNTS ballot ${b.ballotId} [${b.counts.join(", ")}] voters ${b.votersCount}`);
    lines.push(`${b.pass ? "PASS" : "FAIL"} ballot ${b.ballotId}`);
  }
  return lines;
}
