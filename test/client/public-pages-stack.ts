// The whole stack in process (test/server/api/stack-fixture.ts), which serves the public
// pages, plus a vote cast on it the way the widget casts one, returned with its proof
// file (PROTOCOL.md §7) taken from the receipt. One browser helper: run axe-core on a page.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { Contract, Wallet, hexlify, type TransactionReceipt } from "ethers";
import type { Page } from "playwright-core";
import { blind, finalize, issuerKeyFromJwk, PROOF_TAG, serializeProof, signVote, toHex, tokenMessage } from "../../protocol/index.js";
import { blindSign } from "../../protocol/node.js";
import type { TestStack } from "../server/api/stack-fixture.js";

export type ProofJson = Record<string, unknown>;

/** One vote, blind-issued token and voter signature, cast alone by castVote; its proof file. */
export async function voteWithProof(stack: TestStack, ballot: { id: string; issuerKey: unknown }, payload: number[], opts: { voter?: Wallet; revision?: number } = {}): Promise<ProofJson> {
  const chainId = stack.chain.chainId, ballotBox = stack.ballotChain.ballotBox, ballotId = BigInt(ballot.id);
  const publicKey = issuerKeyFromJwk(ballot.issuerKey);
  const voter = opts.voter ?? new Wallet(hexlify(randomBytes(32)));
  const revision = opts.revision ?? 0;
  const message = tokenMessage({ chainId, ballotBox, ballotId, voter: voter.address });
  const { blindedMessage, inverse } = blind(publicKey, message);
  const token = finalize(publicKey, message, blindSign(await stack.ballots.issuerPrivateKey(ballot.id), blindedMessage), inverse);
  const payloadHex = toHex(Uint8Array.from(payload));
  const voterSignature = await signVote(voter, { chainId, ballotBox, ballotId, revision, payload: payloadHex });
  const vote = { ballotId, voter: voter.address, revision, payload: payloadHex, tokenSignature: toHex(token), voterSignature };
  const admin = new Wallet(stack.chain.operators.admin.privateKey, stack.ballotChain.provider);
  const receipt = (await (await (stack.ballotChain.box.connect(admin) as Contract).castVote(vote)).wait()) as TransactionReceipt;
  return JSON.parse(serializeProof({
    urne: PROOF_TAG, chainId, ballotBox, ...vote,
    transactionHash: receipt.hash, blockNumber: receipt.blockNumber, blockHash: receipt.blockHash,
  }));
}

const AXE = path.join(import.meta.dirname, "..", "..", "node_modules", "axe-core", "axe.min.js");

/** axe-core's WCAG 2.x A/AA rules on the page; fails on any serious or critical violation. */
export async function expectNoSeriousAxeViolation(page: Page): Promise<void> {
  // Through the debugging protocol, not a <script> tag: the page's CSP (rightly) refuses
  // inline scripts, and the test must not weaken it to run.
  await page.evaluate(readFileSync(AXE, "utf8"));
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(" ")) }));
  });
  expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical"), JSON.stringify(violations)).to.deep.equal([]);
}

/**
 * Collects script errors, CSP violations and failed requests of a page: a blocked style or
 * script is a bug. `expected` lists the failed answers a test provokes on purpose (a
 * hidden result's 409); the browser's own /favicon.ico request is not the page's.
 */
export function watchPageErrors(page: Page, expected: (url: string, status: number) => boolean = () => false): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    // Failed loads are reported with their URL by the response handler below.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) errors.push(`console: ${message.text()}`);
  });
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (response.status() >= 400 && url.pathname !== "/favicon.ico" && !expected(url.pathname, response.status())) {
      errors.push(`HTTP ${response.status()} ${url.pathname}`);
    }
  });
  return errors;
}
