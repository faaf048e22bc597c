// The whole stack of `urne start` in process, on a throw-away data directory, with free
// ports and a fast block interval; plus helpers to call the API and to cast real votes
// (tokens blind-signed with the ballot's issuer key, votes signed by fresh voter keys,
// built with protocol/ as the widget builds them).
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Contract, Wallet, hexlify, type TransactionReceipt } from "ethers";
import { randomBytes } from "node:crypto";
import { blind, finalize, issuerKeyFromJwk, signVote, toHex, tokenMessage } from "../../../protocol/index.js";
import { blindSign } from "../../../protocol/node.js";
import { startStack, type Stack } from "../../../server/api/stack.js";
import { stackOptions } from "../../../server/config/stack-options.js";

export type TestStack = Stack & { dataDir: string; destroy(): Promise<void> };

/** `env`: settings as the environment would give them (e.g. URNE_PUBLIC_READS_PER_SECOND). */
export async function startTestStack(env: Record<string, string> = {}): Promise<TestStack> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "urne-api-"));
  const opts = stackOptions({ data: dataDir, port: "0", "relay-port": "0", "chain-port": "0", "idp-port": "0", "block-interval-ms": "20" }, env);
  const stack = await startStack(opts);
  return {
    ...stack,
    dataDir,
    destroy: async () => {
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export type Answer = { status: number; body: any; headers: Headers };

export async function call(stack: Pick<Stack, "apiUrl">, method: string, route: string, opts: { key?: string; body?: unknown; raw?: string | Uint8Array<ArrayBuffer>; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers["content-type"] ??= "application/json";
  const res = await fetch(stack.apiUrl + route, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** An ISO date `seconds` from now. */
export const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

/** A fresh voter's signed vote in the ballot (token blind-signed with the ballot's own key), as the widget builds it. */
export async function signedVote(stack: Stack, ballot: { id: string; issuerKey: unknown }, bytes: number[]) {
  const chainId = stack.chain.chainId, ballotBox = stack.ballotChain.ballotBox, ballotId = BigInt(ballot.id);
  const publicKey = issuerKeyFromJwk(ballot.issuerKey);
  const privateKey = await stack.ballots.issuerPrivateKey(ballot.id);
  const voter = new Wallet(hexlify(randomBytes(32)));
  const message = tokenMessage({ chainId, ballotBox, ballotId, voter: voter.address });
  const { blindedMessage, inverse } = blind(publicKey, message);
  const token = finalize(publicKey, message, blindSign(privateKey, blindedMessage), inverse);
  const payload = toHex(Uint8Array.from(bytes));
  const voterSignature = await signVote(voter, { chainId, ballotBox, ballotId, revision: 0, payload });
  return { ballotId, voter: voter.address, revision: 0, payload, tokenSignature: toHex(token), voterSignature };
}

/**
 * Casts one vote per payload in the ballot, in one castVotes transaction sent by the
 * chain's admin account (anybody may submit; the API is not involved).
 */
export async function castVotes(stack: Stack, ballot: { id: string; issuerKey: unknown }, payloads: number[][]): Promise<TransactionReceipt> {
  const votes = await Promise.all(payloads.map((bytes) => signedVote(stack, ballot, bytes)));
  const admin = new Wallet(stack.chain.operators.admin.privateKey, stack.ballotChain.provider);
  const tx = await (stack.ballotChain.box.connect(admin) as Contract).castVotes(votes);
  const receipt = (await tx.wait()) as TransactionReceipt;
  const accepted = receipt.logs.filter((l) => stack.ballotChain.box.interface.parseLog(l)?.name === "VoteCast").length;
  if (accepted !== votes.length) throw new Error(`castVotes: ${votes.length - accepted} votes rejected`);
  return receipt;
}
