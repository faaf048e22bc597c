import { expect } from "chai";
import { Wallet } from "ethers";
import { toHex } from "../../../protocol/hex.js";
import { blind } from "../../../protocol/token/blind.js";
import type { IssuerPublicKey } from "../../../protocol/token/issuer-key.js";
import { tokenMessage } from "../../../protocol/token/message.js";
import type { LoginMessage } from "../../../server/issuer/login-page.js";
import { loginAs } from "../../helpers/dev-login.js";
import { type IssuerFixture, WIDGET_A } from "./fixture.js";

// The widget's side, without a browser: open the login popup, let the citizen log in at
// the provider, read what the callback page would postMessage, then ask for tokens.

export const CHAIN_ID = 31337n;
export const BALLOT_BOX = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

export interface CallbackPage {
  response: Response;
  html: string;
  /** The exact targetOrigin the page passes to postMessage. */
  targetOrigin: string;
  message: LoginMessage;
}

/** Reads the data block the callback page's script posts, and checks the script posts it as is. */
export function readCallbackPage(response: Response, html: string): CallbackPage {
  const data = /<script type="application\/json" id="urne-login">([^<]*)<\/script>/.exec(html)?.[1];
  if (data === undefined) throw new Error("readCallbackPage: no login data on the page");
  expect(html).to.include("window.opener.postMessage(data.message, data.targetOrigin)");
  const { targetOrigin, message } = JSON.parse(data) as { targetOrigin: string; message: LoginMessage };
  return { response, html, targetOrigin, message };
}

/** Opens GET /v1/login (the popup) and returns the provider URL it redirects to. */
export async function openLoginPopup(fixture: IssuerFixture, origin: string, lang?: string): Promise<Response> {
  return fetch(`${fixture.api}/v1/login?origin=${encodeURIComponent(origin)}${lang === undefined ? "" : `&lang=${lang}`}`, { redirect: "manual" });
}

/** The whole popup: login route → provider → callback page. Returns the callback URL too. */
export async function loginThroughPopup(fixture: IssuerFixture, citizenId: string, origin = WIDGET_A, lang?: string): Promise<CallbackPage & { callbackUrl: URL }> {
  const popup = await openLoginPopup(fixture, origin, lang);
  expect(popup.status).to.equal(303);
  const callbackUrl = await loginAs(popup.headers.get("location") as string, citizenId, fixture.redirectUri);
  const response = await fetch(callbackUrl, { redirect: "manual" });
  return { ...readCallbackPage(response, await response.text()), callbackUrl };
}

/** A logged-in widget's session token. */
export async function sessionFor(fixture: IssuerFixture, citizenId: string, origin = WIDGET_A): Promise<string> {
  const page = await loginThroughPopup(fixture, citizenId, origin);
  if (!page.message.ok) throw new Error(`login failed: ${page.message.error.code}`);
  return page.message.session;
}

/** A fresh voter address's token message, blinded for the ballot's issuer key. */
export function blindedRequest(ballotId: bigint, publicKey: IssuerPublicKey) {
  const voter = Wallet.createRandom().address;
  const message = tokenMessage({ chainId: CHAIN_ID, ballotBox: BALLOT_BOX, ballotId, voter });
  const { blindedMessage, inverse } = blind(publicKey, message);
  return { voter, message, blindedMessage, inverse, hex: toHex(blindedMessage) };
}

/** POST /v1/ballots/:id/tokens as the widget at `origin` would. */
export async function requestToken(fixture: IssuerFixture, params: {
  ballotId: bigint | string; session?: string; origin?: string | null; blindedMessage: unknown;
}): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (params.session !== undefined) headers.authorization = `Bearer ${params.session}`;
  if (params.origin !== null) headers.origin = params.origin ?? WIDGET_A;
  return fetch(`${fixture.api}/v1/ballots/${params.ballotId}/tokens`, {
    method: "POST", headers, body: JSON.stringify({ blindedMessage: params.blindedMessage }),
  });
}

/** Asserts a JSON error answer by status, code and field, never by message text. */
export async function expectErrorResponse(response: Response, status: number, code: string, field?: string): Promise<void> {
  const body = await response.json() as { error?: { code?: string; field?: string } };
  expect(response.status, JSON.stringify(body)).to.equal(status);
  expect(body.error?.code).to.equal(code);
  if (field !== undefined) expect(body.error?.field).to.equal(field);
}
