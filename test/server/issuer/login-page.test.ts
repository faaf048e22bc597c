import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import express from "express";
import { sendLoginResult } from "../../../server/issuer/login-page.js";
import { readCallbackPage } from "./widget.js";

// Names come from the identity provider: outside input, written into a page with a script.
describe("issuer: the login callback page", () => {
  let server: http.Server;
  let url: string;
  const hostile = "</script><script>alert(1)</script><!--\u2028";
  before(async () => {
    const app = express();
    app.get("/", (_req, res) => sendLoginResult(res, 200, "https://mavoix.example.org", {
      type: "urne:login", ok: true, session: "a.b.c", expiresAt: 1,
      voter: { givenName: hostile, familyName: "O'Brien & <Fils>", birthdate: "1980-03-14" },
    }));
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("embeds identity values as inert JSON: no markup escapes the data block, values round-trip", async () => {
    const response = await fetch(url);
    const html = await response.text();
    expect(html.match(/<script/g)?.length).to.equal(2);
    expect(html).not.to.include("alert(1)</script>");
    const page = readCallbackPage(response, html);
    if (!page.message.ok) throw new Error("expected a session");
    expect(page.message.voter.givenName).to.equal(hostile);
    expect(page.message.voter.familyName).to.equal("O'Brien & <Fils>");
    expect(page.targetOrigin).to.equal("https://mavoix.example.org");
  });
});
