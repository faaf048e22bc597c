// `urne verify` as a citizen runs it: a child process (`node --import tsx scripts/urne.ts
// verify ...`) against a real chain with the real contract. Its exit code and the step
// it prints are what a script or a person relies on.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { testBackends } from "../../helpers/backends.js";
import { randomVoter, useBallotBoxFixture, type BallotBoxFixture } from "../../helpers/ballot-box-fixture.js";
import { castWithProof, changeOneChar, type ProofJson } from "../../protocol/audit/proof-helpers.js";

const ROOT = path.join(import.meta.dirname, "..", "..", "..");
type Run = { code: number; stdout: string; stderr: string };

function urne(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "scripts/urne.ts", ...args], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

// One backend is enough here: the checks themselves run on both in proof-checks.test.ts.
const backend = testBackends().find((b) => b.name === "embedded") ?? testBackends()[0];

describe(`urne verify (CLI, ${backend.name})`, function () {
  this.timeout(120_000);
  const setup = useBallotBoxFixture(backend);
  let fx: BallotBoxFixture;
  let dir: string;
  let rpcUrl: string;
  let proof: ProofJson;
  const file = async (name: string, content: unknown) => {
    const at = path.join(dir, name);
    await writeFile(at, typeof content === "string" ? content : JSON.stringify(content, null, 2));
    return at;
  };

  before(async () => {
    ({ fx } = setup);
    rpcUrl = fx.rpcUrl;
    dir = await mkdtemp(path.join(os.tmpdir(), "urne-verify-"));
    proof = await castWithProof(fx, await fx.signedVote(await fx.createBallot(), "0x02"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("exits 0 and prints one ok line per step for a genuine proof", async () => {
    const { code, stdout } = await urne(["verify", await file("good.json", proof), "--rpc", rpcUrl]);
    const lines = stdout.trim().split("\n");
    expect(lines.slice(0, 9).map((l) => l.split(" ").slice(0, 2).join(" "))).to.deep.equal(
      ["P1 ok", "P2 ok", "P3 ok", "P4 ok", "P5 ok", "P6 ok", "P7 ok", "P8 ok", "P9 ok"]);
    expect(lines[2]).to.match(/^P3 ok transaction included: transaction 0x/);
    expect(lines[9]).to.equal("proof valid: all 9 checks passed");
    expect(code).to.equal(0);
  });

  it("exits 1 and prints the failing steps for one changed character of the choice", async () => {
    const { code, stdout } = await urne(["verify", await file("tampered.json", { ...proof, payload: "0x01" }), "--rpc", rpcUrl]);
    expect(code).to.equal(1);
    expect(stdout).to.match(/^P4 FAIL ballot event matches: the recorded vote differs from the proof: payload: 0x01 in the proof, 0x02 on chain$/m);
    expect(stdout).to.match(/^P6 FAIL voter signature valid: /m);
    expect(stdout).to.match(/^P9 skip counted: not checked/m);
    expect(stdout).to.contain("proof NOT valid: P4, P6 failed");
  });

  it("exits 3 and says \"replaced\", not a failure, for the proof of a vote its voter changed", async () => {
    const ballot = await fx.createBallot({ allowRevote: true });
    const voter = randomVoter();
    const first = await castWithProof(fx, await fx.signedVote(ballot, "0x00", { voter }));
    await castWithProof(fx, await fx.signedVote(ballot, "0x01", { voter, revision: 1 }));
    const { code, stdout } = await urne(["verify", await file("first.json", first), "--rpc", rpcUrl]);
    expect(stdout).to.match(/^P8 replaced latest revision: replaced by your later vote, revision 1 \(block \d+\)$/m);
    expect(stdout).to.match(/^P9 replaced counted: the contract counts your later vote, revision 1$/m);
    expect(stdout).to.contain("vote replaced: this genuine vote was replaced by your later vote, the one that counts (check its proof)");
    expect(code).to.equal(3);
  });

  it("prints JSON with --json and French with --lang fr", async () => {
    const tampered = await file("token.json", { ...proof, tokenSignature: changeOneChar(proof.tokenSignature as string, 9) });
    const json = await urne(["verify", tampered, "--rpc", rpcUrl, "--json"]);
    expect(json.code).to.equal(1);
    const out = JSON.parse(json.stdout);
    expect(out.valid).to.equal(false);
    expect(out.checks.filter((c: { ok: unknown }) => c.ok === false).map((c: { step: string }) => c.step)).to.deep.equal(["P4", "P5"]);
    const fr = await urne(["verify", tampered, "--rpc", rpcUrl, "--lang", "fr"]);
    expect(fr.code).to.equal(1);
    expect(fr.stdout).to.match(/^P5 FAIL jeton de vote valide pour ce scrutin: le jeton n'est pas une signature valide/m);
  });

  it("exits 1 naming P1 for a file that is not a proof, and P2 for a node of another chain", async () => {
    const notJson = await urne(["verify", await file("notes.txt", "hello"), "--rpc", rpcUrl]);
    expect(notJson.code).to.equal(1);
    expect(notJson.stdout).to.match(/^P1 FAIL the file is a proof of vote: proof is not valid JSON$/m);
    const otherChain = await urne(["verify", await file("chain.json", { ...proof, chainId: "5" }), "--rpc", rpcUrl]);
    expect(otherChain.code).to.equal(1);
    expect(otherChain.stdout).to.match(/^P2 FAIL .*the proof on chain 5$/m);
  });

  it("exits 2 naming the problem for usage errors and an unreadable file", async () => {
    const good = await file("good.json", proof);
    const missing = await urne(["verify", path.join(dir, "nope.json"), "--rpc", rpcUrl]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain(`cannot read the proof file ${path.join(dir, "nope.json")}: ENOENT`);
    const noRpc = await urne(["verify", good]);
    expect(noRpc.code).to.equal(2);
    expect(noRpc.stderr).to.contain("--rpc is required");
    const badUrl = await urne(["verify", good, "--rpc", "ftp://node"]);
    expect(badUrl.code).to.equal(2);
    expect(badUrl.stderr).to.contain("--rpc: node URL must be http(s)");
    const noFile = await urne(["verify", "--rpc", rpcUrl]);
    expect(noFile.code).to.equal(2);
    expect(noFile.stderr).to.contain("the proof file is missing");
  });
});
