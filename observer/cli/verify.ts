// `urne verify PROOF.json --rpc URL`: checks a proof of vote (PROTOCOL.md §7) against any
// node of the chain, step by step (§9.2 P1-P9), with protocol/ alone. The same checks run
// in the verify page (client/verify), so the terminal and the browser say the same thing.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { JsonRpcClient } from "../../protocol/json-rpc.js";
import { checkProof, proofIsReplaced, proofIsValid } from "../../protocol/audit/proof-checks.js";
import type { ProofCheck } from "../../protocol/audit/proof-steps.js";

export const VERIFY_USAGE = `usage: urne verify PROOF.json --rpc URL [--json] [--lang fr|en]

Checks a proof of vote (the file the widget gave the voter) against the node at URL, which
may be any node of the chain: PROTOCOL.md §9.2.
  P1 the file is a proof          P2 the node is on the proof's chain
  P3 transaction included         P4 the recorded vote is the proof's
  P5 token valid for the ballot   P6 voter signature valid
  P7 cast while open              P8 latest revision    P9 counted by the contract
Prints one line per step: "P3 ok ..." or "P4 FAIL ..." ("skip" when a step it needs failed,
"replaced" for P8 and P9 when the voter's later vote replaced this one).

options:
  --rpc URL      a JSON-RPC node of the chain (required)
  --json         print the checks as JSON instead of lines
  --lang fr|en   language of the lines (default en)
  --timeout-ms N how long to wait for each answer of the node (default 15000)
  --help

exit codes: 0 every check passed, 1 a check failed, 2 usage or unreadable file,
3 a genuine vote replaced by the voter's later vote (check the later proof)`;

export const VERIFY_EXIT = Object.freeze({ OK: 0, FAILED: 1, USAGE: 2, REPLACED: 3 });

const VERDICT = { true: "ok", false: "FAIL", skipped: "skip", replaced: "replaced" } as const;

export function formatCheck(check: ProofCheck, lang: "fr" | "en"): string {
  return `${check.step} ${VERDICT[String(check.ok) as keyof typeof VERDICT]} ${check.label[lang]}: ${check.detail[lang]}`;
}

export async function run(args: string[]): Promise<number> {
  const usage = (why: string) => {
    console.error(`urne verify: ${why}\n\n${VERIFY_USAGE}`);
    return VERIFY_EXIT.USAGE;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        rpc: { type: "string" },
        json: { type: "boolean" },
        lang: { type: "string" },
        "timeout-ms": { type: "string" },
        help: { type: "boolean" },
      },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(VERIFY_USAGE);
    return VERIFY_EXIT.OK;
  }
  if (positionals.length !== 1) return usage(positionals.length === 0 ? "the proof file is missing" : `one proof file at a time, got ${positionals.length}`);
  if (!values.rpc) return usage("--rpc is required (the URL of a node of the chain)");
  const lang = values.lang ?? "en";
  if (lang !== "fr" && lang !== "en") return usage(`--lang must be fr or en, got "${lang}"`);
  const timeoutMs = Number(values["timeout-ms"] ?? 15_000);
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) return usage(`--timeout-ms must be a positive integer, got "${values["timeout-ms"]}"`);
  let rpc: JsonRpcClient;
  try {
    rpc = new JsonRpcClient(values.rpc, timeoutMs);
  } catch (error) {
    return usage(`--rpc: ${(error as Error).message}`);
  }
  const file = positionals[0];
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    return usage(`cannot read the proof file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }

  const checks = await checkProof(text, rpc, values.json ? {} : { onCheck: (c) => console.log(formatCheck(c, lang)) });
  const valid = proofIsValid(checks);
  const replaced = proofIsReplaced(checks);
  if (values.json) {
    console.log(JSON.stringify({ file, rpc: values.rpc, valid, replaced, checks }, null, 2));
  } else {
    const failed = checks.filter((c) => c.ok === false).map((c) => c.step);
    console.log(valid
      ? (lang === "fr" ? "preuve valide : les 9 vérifications sont passées" : "proof valid: all 9 checks passed")
      : replaced
        ? (lang === "fr" ? "vote remplacé : ce vote authentique a été remplacé par votre vote suivant, qui est celui qui compte (vérifiez sa preuve)" : "vote replaced: this genuine vote was replaced by your later vote, the one that counts (check its proof)")
        : (lang === "fr" ? `preuve NON valide : échec de ${failed.join(", ")}` : `proof NOT valid: ${failed.join(", ")} failed`));
  }
  return valid ? VERIFY_EXIT.OK : replaced ? VERIFY_EXIT.REPLACED : VERIFY_EXIT.FAILED;
}
