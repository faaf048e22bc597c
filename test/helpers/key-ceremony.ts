// A key ceremony run to its end through the vote host's API by `urne trustee` (the real
// CLI, in process), for tests that need a sealed ballot the service creates: each trustee
// joins, deals and finishes on its own state file in `dir`.
import path from "node:path";
import type { BaseWallet } from "ethers";
import { run } from "../../trustee/cli/trustee.js";
import { call } from "../server/api/stack-fixture.js";

export const TRUSTEE_PASSPHRASE = "correct horse battery staple";

export type FinishedCeremony = { ceremonyId: string; electionKey: string; transcriptDigest: string };

/** The state file of trustee `i` of `ceremonyId` in `dir`. */
export const trusteeStateFile = (dir: string, ceremonyId: string, i: number) => path.join(dir, `${ceremonyId.slice(2, 10)}-${i}.json`);

/** Runs `urne trustee STEP` for trustee `i` (its output silenced); resolves with its exit code. */
export async function trusteeStep(apiUrl: string, dir: string, ceremonyId: string, trustee: BaseWallet, i: number, step: string, more: string[] = []): Promise<number> {
  const log = console.log;
  console.log = () => {};
  try {
    return await run([step, "--api", apiUrl, "--ceremony", ceremonyId, "--state", trusteeStateFile(dir, ceremonyId, i), ...more],
      { URNE_TRUSTEE_KEY: trustee.privateKey, URNE_TRUSTEE_PASSPHRASE: TRUSTEE_PASSPHRASE });
  } finally {
    console.log = log;
  }
}

export async function finishedCeremony(stack: { apiUrl: string }, apiKey: string, trustees: BaseWallet[], threshold: number, dir: string): Promise<FinishedCeremony> {
  const opened = await call(stack, "POST", "/v1/ceremonies", { key: apiKey, body: { threshold, trustees: trustees.map((w) => w.address) } });
  if (opened.status !== 201) throw new Error(`opening a ceremony: ${opened.status} ${JSON.stringify(opened.body)}`);
  const { ceremonyId } = opened.body.ceremony as { ceremonyId: string };
  for (const step of ["join", "deal", "finish"]) {
    for (const [i, w] of trustees.entries()) {
      const code = await trusteeStep(stack.apiUrl, dir, ceremonyId, w, i, step);
      if (code !== 0) throw new Error(`urne trustee ${step} of trustee ${i} exited ${code}`);
    }
  }
  const { body } = await call(stack, "GET", `/v1/ceremonies/${ceremonyId}`);
  if (body.ceremony.status !== "done") throw new Error(`the ceremony ended ${body.ceremony.status}`);
  return { ceremonyId, electionKey: body.ceremony.electionKey, transcriptDigest: body.ceremony.transcriptDigest };
}
