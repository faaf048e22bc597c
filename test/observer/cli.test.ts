// The observer commands as a citizen's script runs them: dispatched by `urne`, options
// checked before anything is read, and exit codes that tell usage errors (2) and
// unreachable nodes (1 for observe, 3 for recount) from findings.
import { expect } from "chai";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { run as observe } from "../../observer/cli/observe.js";
import { run as recount } from "../../observer/cli/recount.js";
import { MIRROR_FORMAT, MirrorStore } from "../../observer/mirror/mirror-store.js";
import { runCli } from "./run-cli.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BOX = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const DOWN = "http://127.0.0.1:9";

describe("observer command lines", function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "urne-observer-cli-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("`urne observe --help` and `urne recount` with a bad option go through the urne command", async () => {
    const urne = (...args: string[]) => promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/urne.ts", ...args], { cwd: ROOT, timeout: 30_000 });
    const help = await urne("observe", "--help");
    expect(help.stdout).to.contain("usage: urne observe --rpc URL[,URL...] --data DIR");
    const bad = await urne("recount", "--bogus").then(() => undefined, (e: { code: number; stderr: string }) => e);
    expect(bad?.code).to.equal(2);
    expect(bad?.stderr).to.contain("usage: urne recount");
  });

  describe("observe exits 2 on usage errors, naming the option", () => {
    const cases: [string, string[], string][] = [
      ["no node", ["--data", "x"], "--rpc is required"],
      ["no data dir", ["--rpc", DOWN], "--data is required"],
      ["a ballot box that is no address", ["--rpc", DOWN, "--data", "x", "--ballot-box", "0x12"], '--ballot-box must be an address, got "0x12"'],
      ["a poll interval that is no integer", ["--rpc", DOWN, "--data", "x", "--poll-ms", "soon"], '--poll-ms must be an integer >= 10, got "soon"'],
      ["a chain id that is no integer", ["--rpc", DOWN, "--data", "x", "--chain-id", "0x7a69"], '--chain-id must be a decimal integer, got "0x7a69"'],
    ];
    for (const [what, args, message] of cases) {
      it(what, async () => {
        const r = await runCli(observe, args);
        expect(r.code).to.equal(2);
        expect(r.err[0]).to.equal(message);
      });
    }

    it("a data dir that mirrors another ballot box or chain", async () => {
      const mirror = path.join(dir, "other-box");
      const store = await MirrorStore.open(mirror);
      await store.setMeta({ format: MIRROR_FORMAT, chainId: "31337", ballotBox: BOX });
      await store.close();
      const other = "0x000000000000000000000000000000000000dEaD";
      const r = await runCli(observe, ["--rpc", DOWN, "--data", mirror, "--ballot-box", other, "--once"]);
      expect(r.code).to.equal(2);
      expect(r.err[0]).to.equal(`${mirror} mirrors ballot box ${BOX}, not ${other}`);
      const chain = await runCli(observe, ["--rpc", DOWN, "--data", mirror, "--chain-id", "1", "--once"]);
      expect(chain.code).to.equal(2);
      expect(chain.err[0]).to.equal(`${mirror} mirrors chain 31337, not 1`);
    });
  });

  it("observe exits 2 on a mirror of format 1 (hex as the node spelled it): it asks for a fresh one", async () => {
    const mirror = path.join(dir, "format-1");
    const store = await MirrorStore.open(mirror);
    await store.setMeta({ format: 1, chainId: "31337", ballotBox: BOX });
    await store.close();
    const r = await runCli(observe, ["--rpc", DOWN, "--data", mirror, "--once"]);
    expect(r.code).to.equal(2);
    expect(r.err[0]).to.equal(`${mirror} is a mirror of format 1, this tool writes format ${MIRROR_FORMAT}: mirror again into a new directory (urne recount still reads it)`);
  });

  it("observe --once exits 1 when the node does not answer, naming it", async () => {
    const r = await runCli(observe, ["--rpc", DOWN, "--data", path.join(dir, "down"), "--ballot-box", BOX, "--once"]);
    expect(r.code).to.equal(1);
    expect(r.err.join("\n") + r.out.join("\n")).to.contain(`NODE ${DOWN} eth_chainId: unreachable`);
  });

  it("recount exits 3 for a directory that holds no mirror, and leaves it alone", async () => {
    const missing = path.join(dir, "empty");
    const r = await runCli(recount, ["--mirror", missing]);
    expect(r.code).to.equal(3);
    expect(r.err[0]).to.equal(`cannot read: ${missing} holds no mirror: run urne observe --once --data ${missing} first`);
    expect(existsSync(missing)).to.equal(false);
  });

  it("recount exits 3 for a mirror a running observe holds", async () => {
    const held = path.join(dir, "held");
    const store = await MirrorStore.open(held);
    try {
      const r = await runCli(recount, ["--mirror", held]);
      expect(r.code).to.equal(3);
      expect(r.err[0]).to.equal(`cannot read: ${held} is in use by another process (a running urne observe?): stop it, or recount with --rpc`);
    } finally {
      await store.close();
    }
  });
});
