import { expect } from "chai";
import { adminRequest } from "../../../server/admin/admin-client.js";
import { isError } from "ethers";
import { UrneError, generateIssuerKey, modulusBytes, proveIssuerKey, toHex } from "../../../protocol/node.js";
import { ballotBoxInterface } from "../../../server/ballots/ballot-chain.js";
import { ApiStore } from "../../../server/store/api-store.js";
import { call, inSeconds, startTestStack, type TestStack } from "./stack-fixture.js";

describe("server/api bad input: coded 4xx, never a 500", function () {
  this.timeout(60_000);
  let stack: TestStack;
  let key: string;

  before(async () => {
    stack = await startTestStack();
    ({ apiKey: key } = await stack.apps.create({ name: "MaVoix", origins: ["https://mavoix.example"] }));
  });
  after(() => stack?.destroy());

  it("names the invalid field (ballot.options[2]) with a 400, and lists every field at fault", async () => {
    const { status, body } = await call(stack, "POST", "/v1/ballots", { key, body: { question: "Q", options: ["a", "b", ""], closesAt: inSeconds(600) } });
    expect(status).to.equal(400);
    expect(body).to.deep.equal({ error: {
      code: "ERR_INVALID_BALLOT", message: "ballot.options[2] must not be empty", field: "ballot.options[2]",
      faults: [
        { field: "ballot.options[2]", message: "ballot.options[2] must not be empty" },
        { field: "ballot.sealing", message: body.error.faults?.[1]?.message },
      ],
    } });
    expect(body.error.faults[1].message).to.match(/^ballot\.sealing is required/);
    // One fault: no list.
    const one = await call(stack, "POST", "/v1/ballots", { key, body: { sealing: "public", question: "Q", options: ["a", "b", ""], closesAt: inSeconds(600) } });
    expect(one.body).to.deep.equal({ error: { code: "ERR_INVALID_BALLOT", message: "ballot.options[2] must not be empty", field: "ballot.options[2]" } });
  });

  it("refuses each kind's rules, the times and minimumAge by field", async () => {
    const cases: [unknown, string][] = [
      [{ question: "Q", kind: "multiple_choice", options: ["a", "b"], maxChoices: 3, closesAt: inSeconds(600) }, "ballot.maxChoices"],
      [{ question: "Q", kind: "majority_judgment", options: ["a"], closesAt: inSeconds(600) }, "ballot.options"],
      [{ question: "Q", closesAt: inSeconds(-10) }, "ballot.closesAt"],
      [{ question: "Q", opensAt: inSeconds(1200), closesAt: inSeconds(600) }, "ballot.closesAt"],
      [{ question: "Q", closesAt: inSeconds(600), eligibility: { minimumAge: 17.5 } }, "ballot.eligibility.minimumAge"],
      [[], "ballot"],
      // Strict JSON parsing takes objects and arrays only: a bare null or string is malformed.
      [null, "body"],
      ["a string", "body"],
    ];
    for (const [input, field] of cases) {
      const { status, body } = await call(stack, "POST", "/v1/ballots", { key, body: input });
      expect(status, field).to.equal(400);
      expect(body.error.field, JSON.stringify(input)).to.equal(field);
    }
  });

  it("answers 400 ERR_INVALID_JSON to malformed JSON", async () => {
    const { status, body } = await call(stack, "POST", "/v1/ballots", { key, raw: '{"question": "Q",' });
    expect(status).to.equal(400);
    expect(body.error).to.include({ code: "ERR_INVALID_JSON", field: "body" });
  });

  it("answers 413 ERR_BODY_TOO_LARGE to a body over the limit", async () => {
    const { status, body } = await call(stack, "POST", "/v1/ballots", { key, body: { question: "x".repeat(130 * 1024), closesAt: inSeconds(600) } });
    expect(status).to.equal(413);
    expect(body.error.code).to.equal("ERR_BODY_TOO_LARGE");
  });

  it("answers 415 to a body that is not JSON", async () => {
    const { status, body } = await call(stack, "POST", "/v1/ballots", { key, raw: "question=Q", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(status).to.equal(415);
    expect(body.error.code).to.equal("ERR_UNSUPPORTED_MEDIA_TYPE");
    // JSON between systems is UTF-8 (RFC 8259 §8.1): a UTF-16 body is refused, not decoded.
    const utf16 = Buffer.from(JSON.stringify({ question: "Q", closesAt: inSeconds(600) }), "utf16le");
    const refused = await call(stack, "POST", "/v1/ballots", { key, raw: utf16, headers: { "content-type": "application/json; charset=utf-16le" } });
    expect(refused.status).to.equal(415);
    expect(refused.body.error).to.include({ code: "ERR_UNSUPPORTED_MEDIA_TYPE", field: "content-type" });
    // A charset body-parser does not even know: the same answer, naming the same header.
    const latin1 = await call(stack, "POST", "/v1/ballots", { key, raw: "{}", headers: { "content-type": "application/json; charset=latin1" } });
    expect(latin1.status).to.equal(415);
    expect(latin1.body.error).to.include({ code: "ERR_UNSUPPORTED_MEDIA_TYPE", field: "content-type" });
  });

  it("answers 404 ERR_NOT_FOUND to an unknown route", async () => {
    const { status, body } = await call(stack, "GET", "/v1/nothing-here");
    expect(status).to.equal(404);
    expect(body.error.code).to.equal("ERR_NOT_FOUND");
  });

  it("answers 404 to results of an unknown or malformed ballot id", async () => {
    for (const id of ["424242", "x", "-1", "1e3"]) {
      const { status, body } = await call(stack, "GET", `/v1/ballots/${id}/results`);
      expect(status, id).to.equal(404);
      expect(body.error.code).to.equal("ERR_BALLOT_NOT_FOUND");
    }
  });

  describe("text that is not well-formed Unicode, or holds control characters", () => {
    /** What the API has written: ballots on chain, ballots listed for the app. */
    const written = async () => ({
      onChain: (await stack.ballotChain.box.ballotCount()) as bigint,
      listed: (await call(stack, "GET", "/v1/ballots", { key })).body.ballots.length as number,
    });

    it("refuses a lone surrogate in the question or an option with a 400 naming the field, and writes nothing", async () => {
      const before = await written();
      const cases: [unknown, string][] = [
        [{ question: "Q\uD800?", closesAt: inSeconds(600) }, "ballot.question"],
        [{ question: "Q\uDC00", closesAt: inSeconds(600) }, "ballot.question"],
        // A low surrogate then a high one is two lone surrogates, not a pair.
        [{ question: "\uDC00\uD83D", closesAt: inSeconds(600) }, "ballot.question"],
        [{ question: "Q", options: ["a", "b", "c\uD800"], closesAt: inSeconds(600) }, "ballot.options[2]"],
        [{ question: "Q", kind: "majority_judgment", options: ["Alice", "\uDFFFBob"], closesAt: inSeconds(600) }, "ballot.options[1]"],
      ];
      for (const [input, field] of cases) {
        const { status, body } = await call(stack, "POST", "/v1/ballots", { key, body: input });
        expect(status, JSON.stringify(input)).to.equal(400);
        expect(body.error).to.include({ code: "ERR_INVALID_BALLOT", field });
        expect(body.error.message).to.match(/well-formed Unicode/);
      }
      expect(await written()).to.deep.equal(before);
    });

    it("refuses NUL, other controls, line separators and bidi overrides by field", async () => {
      const cases: [unknown, string][] = [
        [{ question: "Q\u0000", closesAt: inSeconds(600) }, "ballot.question"],
        [{ question: "Q\nR", closesAt: inSeconds(600) }, "ballot.question"],
        [{ question: "Q\u2028R", closesAt: inSeconds(600) }, "ballot.question"],
        [{ question: "Q", options: ["a", "b\u2029c"], closesAt: inSeconds(600) }, "ballot.options[1]"],
        [{ question: "Q", options: ["\u202Eab", "b"], closesAt: inSeconds(600) }, "ballot.options[0]"],
      ];
      for (const [input, field] of cases) {
        const { status, body } = await call(stack, "POST", "/v1/ballots", { key, body: input });
        expect(status, JSON.stringify(input)).to.equal(400);
        expect(body.error).to.include({ code: "ERR_INVALID_BALLOT", field });
      }
    });

    it("refuses a body that is not UTF-8 (400 ERR_INVALID_JSON) rather than storing U+FFFD in its place", async () => {
      const before = await written();
      const raw = Buffer.concat([Buffer.from(`{"question": "Caf`), Buffer.from([0xe9]), Buffer.from(`", "closesAt": "${inSeconds(600)}"}`)]);
      const { status, body } = await call(stack, "POST", "/v1/ballots", { key, raw });
      expect(status).to.equal(400);
      expect(body.error).to.include({ code: "ERR_INVALID_JSON", field: "body" });
      // WTF-8 of U+D800 (ED A0 80) is not UTF-8 either.
      const wtf8 = Buffer.concat([Buffer.from(`{"question": "Q`), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(`", "closesAt": "${inSeconds(600)}"}`)]);
      expect((await call(stack, "POST", "/v1/ballots", { key, raw: wtf8 })).body.error).to.include({ code: "ERR_INVALID_JSON", field: "body" });
      expect(await written()).to.deep.equal(before);
    });

    it("takes well-formed text outside the BMP and keeps it as given, not normalized", async () => {
      const question = "Quel logo 🗳️ pour la fête ?";
      const decomposed = "Cafe\u0301"; // "Café" in NFD: stored as sent
      const { status, body } = await call(stack, "POST", "/v1/ballots", { key, body: { sealing: "public", question, options: [decomposed, "Thé"], closesAt: inSeconds(600) } });
      expect(status, JSON.stringify(body)).to.equal(201);
      expect(body.ballot.question).to.equal(question);
      expect(body.ballot.options[0]).to.equal(decomposed);
      const receipt = await stack.ballotChain.provider.getTransactionReceipt(body.ballot.chain.txHash);
      const event = receipt!.logs.map((l) => ballotBoxInterface.parseLog(l)).find((e) => e?.name === "BallotCreated")!;
      expect(event.args.params.question).to.equal(question);
      expect(event.args.params.options[0]).to.equal(decomposed);
      // Equal under NFC: one option twice.
      const twice = await call(stack, "POST", "/v1/ballots", { key, body: { sealing: "public", question: "Q", options: [decomposed, "Café"], closesAt: inSeconds(600) } });
      expect(twice.body.error).to.include({ code: "ERR_INVALID_BALLOT", field: "ballot.options[1]" });
    });

    it("refuses an app name with a lone surrogate or a control character, through the admin socket, and creates no app", async () => {
      const before = (await stack.apps.list()).length;
      for (const name of ["Ma\uD800Voix", "Ma\u001b[31mVoix", "Ma\u0000Voix"]) {
        const refused = await adminRequest(stack.dataDir, "POST", "/apps", { name, origins: ["https://mavoix.example"] }).catch((e: unknown) => e);
        expect(refused, JSON.stringify(name)).to.include({ code: "ERR_INVALID_APP", field: "name" });
      }
      expect((await stack.apps.list()).length).to.equal(before);
    });

    it("creates the largest ballot the rules allow (1,000-unit question, 64 options of 200 three-byte characters, all \\u-escaped), never a 500 or a 413", async () => {
      const question = "🗳".repeat(499) + "?"; // 999 UTF-16 code units, 1,997 bytes of UTF-8
      const options = Array.from({ length: 64 }, (_, i) => String(i).padStart(2, "0") + "字".repeat(198));
      // As Python's json.dumps writes it by default (ensure_ascii): 6 bytes per UTF-16 unit.
      const raw = JSON.stringify({ sealing: "public", question, kind: "majority_judgment", options, closesAt: inSeconds(600) })
        .replace(/[\u0080-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
      expect(raw.length).to.be.greaterThan(80_000);
      const { status, body } = await call(stack, "POST", "/v1/ballots", { key, raw });
      expect(status, JSON.stringify(body)).to.equal(201);
      expect(body.ballot.options).to.deep.equal(options);
    });

    it("calls a lone surrogate that slipped past the edge our bug, not an unavailable chain (no 503 'try again')", async () => {
      const { privateKey, publicKey } = generateIssuerKey();
      const now = BigInt(Math.floor(Date.now() / 1000));
      const refused = await stack.ballotChain.createBallot({
        kind: 0, minChoices: 0, maxChoices: 0, opensAt: now, closesAt: now + 600n, allowRevote: false, liveResults: false,
        issuerModulus: toHex(modulusBytes(publicKey)), issuerKeyProof: toHex(proveIssuerKey(privateKey)), question: "Q\uD800", options: ["a", "b"],
      }).catch((e: unknown) => e);
      expect(refused).not.to.be.instanceOf(UrneError);
      expect(isError(refused, "INVALID_ARGUMENT"), String(refused)).to.equal(true);
      // The organizer's next ballot goes through: the nonce was not spent.
      expect((await call(stack, "POST", "/v1/ballots", { key, body: { sealing: "public", question: "Encore ?", closesAt: inSeconds(600) } })).status).to.equal(201);
    });

    it("left no sealed issuer key without its ballot (checked in the store, the service stopped)", async () => {
      await stack.stop();
      const store = await ApiStore.open(stack.dataDir);
      try {
        const count = async (name: string) => {
          let n = 0;
          for await (const _ of store.sublevel(name).keys()) n += 1;
          return n;
        };
        expect(await count("issuer-keys")).to.equal(await count("ballots"));
      } finally {
        await store.close();
      }
    });
  });
});
