// A relay on a test chain, served over HTTP as in production (routes + the API's error
// handler), with a BallotBox fixture to make ballots and real votes.
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import express from "express";
import type { Server } from "node:http";
import { errorHandler, notFound } from "../../../server/http/http-errors.js";
import { BallotBoxView } from "../../../server/relay/ballot-box-view.js";
import { RelayJournal } from "../../../server/relay/journal.js";
import { relayProvider, relayRpcClient } from "../../../server/relay/provider.js";
import { Relay } from "../../../server/relay/relay.js";
import { relayRouter } from "../../../server/relay/routes.js";
import type { SubmitterOptions } from "../../../server/relay/submitter.js";
import type { SignedVote } from "../../../protocol/index.js";
import type { TestChain } from "../../helpers/backends.js";
import { ballotBoxFixture, type BallotBoxFixture } from "../../helpers/ballot-box-fixture.js";

export type RelayFixture = {
  fx: BallotBoxFixture;
  relay: Relay;
  url: string;
  post(body: unknown, init?: { contentType?: string; raw?: string | Uint8Array<ArrayBuffer> }): Promise<{ status: number; body: any }>;
  receipt(id: string): Promise<{ status: number; body: any }>;
  /** Polls a receipt until it is final or rejected. */
  settled(id: string, timeoutMs?: number): Promise<any>;
  close(): Promise<void>;
};

/** The JSON body the widget posts: ballotId as a decimal string. */
export const voteBody = (v: SignedVote) => ({
  ballotId: v.ballotId.toString(), voter: v.voter, revision: v.revision,
  payload: v.payload, tokenSignature: v.tokenSignature, voterSignature: v.voterSignature,
});

export async function relayFixture(chain: TestChain, opts: SubmitterOptions = {}): Promise<RelayFixture> {
  const fx = await ballotBoxFixture(chain);
  const dir = await mkdtemp(path.join(os.tmpdir(), "urne-relay-"));
  const provider = await relayProvider(chain.rpcUrl);
  const journal = await RelayJournal.open(path.join(dir, "api"));
  // wallets[0..3] are the fixture's; the relayer key must send nothing else (it counts its nonces).
  const relay = new Relay(journal, new BallotBoxView(provider, fx.deployment.address, relayRpcClient(chain.rpcUrl)), chain.wallets[5], {
    chainId: fx.chainId, submitter: { lingerMs: 50, ...opts },
  });
  await relay.start();
  const app = express();
  app.use(relayRouter(relay), notFound, errorHandler(() => {}));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = async (body: unknown, init: { contentType?: string; raw?: string | Uint8Array<ArrayBuffer> } = {}) => {
    const res = await fetch(`${url}/v1/votes`, {
      method: "POST", headers: { "content-type": init.contentType ?? "application/json" },
      body: init.raw ?? JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  const receipt = async (id: string) => {
    const res = await fetch(`${url}/v1/receipts/${id}`);
    return { status: res.status, body: await res.json() };
  };
  const settled = async (id: string, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await receipt(id);
      if (r.body.status === "final" || r.body.status === "rejected") return r.body;
      if (Date.now() > deadline) throw new Error(`receipt ${id} still ${r.body.status}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  };
  return {
    fx, relay, url, post, receipt, settled,
    close: async () => {
      await new Promise((r) => server.close(r));
      await relay.stop();
      await journal.close();
      provider.destroy();
      fx.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
