// The widget's requests (client/widget/api.ts) give up on a server that never answers: the
// voter is offered a retry (ERR_NETWORK) instead of a screen that waits forever. Run in
// Node, whose fetch and AbortSignal are the browser's API, against a real socket that
// accepts the request and never answers.
import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { ApiError, request } from "../../../client/widget/api.js";

describe("client/widget api: no request waits forever", () => {
  it("abandons a request that got no answer in time, as a network error the voter may retry", async () => {
    const held: http.ServerResponse[] = [];
    const server = http.createServer((_req, res) => void held.push(res)).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/receipts/abc`;
      const error = await request(url, {}, 300).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(ApiError);
      expect((error as ApiError).code).to.equal("ERR_NETWORK");
      expect(held).to.have.length(1); // the request did reach the server
    } finally {
      for (const res of held) res.destroy();
      server.close();
    }
  });
});
