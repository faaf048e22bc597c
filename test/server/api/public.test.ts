import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import { API_DB_DIR } from "../../../server/store/api-store.js";
import { call, inSeconds, startTestStack, type TestStack } from "./stack-fixture.js";

describe("server/api public endpoints and data at rest", function () {
  this.timeout(60_000);
  let stack: TestStack;
  let key: string;

  before(async () => {
    stack = await startTestStack();
    ({ apiKey: key } = await stack.apps.create({ name: "MaVoix", origins: ["https://mavoix.example", "http://localhost:3000"] }));
  });
  after(() => stack?.destroy());

  it("GET /health answers ok with the chain's head", async () => {
    const { status, body } = await call(stack, "GET", "/health");
    expect(status).to.equal(200);
    expect(body.status).to.equal("ok");
    expect(body.chain.chainId).to.equal(stack.chain.chainId.toString());
    expect(body.chain.blockNumber).to.be.at.least(1);
  });

  it("GET /.well-known/urne.json names the protocol, the chain, the BallotBox, the RPC URLs and each ballot's issuer key", async () => {
    const created = (await call(stack, "POST", "/v1/ballots", { key, body: { sealing: "public", question: "Q ?", closesAt: inSeconds(600) } })).body.ballot;
    const { status, body, headers } = await call(stack, "GET", "/.well-known/urne.json", { headers: { origin: "http://localhost:3000" } });
    expect(status).to.equal(200);
    expect(headers.get("access-control-allow-origin")).to.equal("http://localhost:3000");
    expect(body).to.include({ protocolVersion: 1, chainId: stack.chain.chainId.toString(), ballotBox: stack.chain.deployment!.ballotBox, apiUrl: stack.apiUrl });
    expect(body.rpcUrls).to.deep.equal([stack.rpcUrl]);
    expect(body.eip712Domain).to.deep.equal({ name: "urne", version: "1", chainId: stack.chain.chainId.toString(), verifyingContract: stack.chain.deployment!.ballotBox });
    expect(body.issuerKeys).to.deep.include({ ballotId: created.id, issuerKey: created.issuerKey });
    // The RPC URL really is the chain's, and the BallotBox is there.
    const code = await fetch(body.rpcUrls[0], { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getCode", params: [body.ballotBox, "latest"] }) });
    expect(((await code.json()) as { result: string }).result).to.have.length.above(100);
  });

  it("serves ballots at the relay's own origin, never at the API's, and mounts the issuer's router", async () => {
    expect(new URL(stack.relayUrl).origin).to.not.equal(new URL(stack.apiUrl).origin);
    expect((await call(stack, "POST", "/v1/votes", { body: { ballotId: "1" } })).status).to.equal(404);
    const vote = await call({ apiUrl: stack.relayUrl }, "POST", "/v1/votes", { body: { ballotId: "1" } });
    expect(vote.status).to.equal(400);
    expect(vote.body.error.code).to.match(/^ERR_/);
    const token = await call(stack, "POST", "/v1/ballots/1/tokens", { body: {}, headers: { origin: "https://mavoix.example" } });
    expect(token.status).to.be.within(400, 499);
    expect(token.body.error.code).to.match(/^ERR_/);
  });

  it("keeps issuer private keys encrypted: no PKCS#8 bytes, base64 or PEM in the LevelDB files", async () => {
    const created = (await call(stack, "POST", "/v1/ballots", { key, body: { sealing: "public", question: "Clé ?", closesAt: inSeconds(600) } })).body.ballot;
    const privateKey = await stack.ballots.issuerPrivateKey(created.id);
    const der = privateKey.export({ format: "der", type: "pkcs8" });
    const jwk = privateKey.export({ format: "jwk" });
    // Pieces that any plaintext form would contain: a run of the DER (the prime p sits in
    // its middle), the DER in base64 and base64url, the JWK's private exponent.
    const needles = [der.subarray(400, 464), Buffer.from(der.toString("base64").slice(600, 680)), Buffer.from(der.toString("base64url").slice(600, 680)), Buffer.from(jwk.d!.slice(0, 64)), Buffer.from("PRIVATE KEY")];
    await stack.chain.sealPending();
    const dir = path.join(stack.dataDir, API_DB_DIR);
    let scanned = 0;
    for (const file of await readdir(dir)) {
      const bytes = await readFile(path.join(dir, file));
      scanned += bytes.length;
      for (const needle of needles) expect(bytes.includes(needle), `${file} holds issuer key material`).to.equal(false);
    }
    expect(scanned).to.be.above(0);
    // ...while the public modulus, as a control, is findable (the scan does see the records).
    const all = Buffer.concat(await Promise.all((await readdir(dir)).map((f) => readFile(path.join(dir, f)))));
    expect(all.includes(Buffer.from(created.issuerKey.n.slice(0, 40)))).to.equal(true);
  });

  it("stores API keys hashed: no key in the LevelDB files", async () => {
    const { apiKey } = await stack.apps.create({ name: "Hashed", origins: ["https://hashed.example"] });
    const dir = path.join(stack.dataDir, API_DB_DIR);
    for (const file of await readdir(dir)) {
      const bytes = await readFile(path.join(dir, file));
      expect(bytes.includes(Buffer.from(apiKey.slice(8))), file).to.equal(false);
    }
  });
});
