import { TestBrowser } from "./test-browser.js";

// Drives the embedded development provider the way a citizen would: open the
// authorization URL, read the login page, press one citizen's button, and follow the
// redirects (consent is automatic) until the provider sends the browser back to the
// relying party's redirect URI.

export interface LoginPage {
  browser: TestBrowser;
  url: URL;
  html: string;
  /** The form's action, resolved against the page. */
  loginAction: URL;
  abortAction: URL;
}

export async function openLoginPage(authorizationUrl: string, redirectUri: string, browser = new TestBrowser()): Promise<LoginPage> {
  const { url, response } = await browser.follow(authorizationUrl, redirectUri);
  if (response === undefined) throw new Error("openLoginPage: the provider redirected straight back, without a login page");
  const html = await response.text();
  if (response.status !== 200) throw new Error(`openLoginPage: status ${response.status}`);
  const login = /<form method="post" action="([^"]+\/login)">/.exec(html)?.[1];
  const abort = /<form method="post" action="([^"]+\/abort)">/.exec(html)?.[1];
  if (login === undefined || abort === undefined) throw new Error("openLoginPage: no login form on the page");
  return { browser, url, html, loginAction: new URL(login, url), abortAction: new URL(abort, url) };
}

/** Presses the button of `citizenId`; returns the callback URL the provider redirected to. */
export async function chooseCitizen(page: LoginPage, citizenId: string, redirectUri: string): Promise<URL> {
  if (!page.html.includes(`name="citizen" value="${citizenId}"`)) throw new Error(`chooseCitizen: no button for ${citizenId}`);
  const { url, response } = await page.browser.follow(page.loginAction, redirectUri, { form: { citizen: citizenId } });
  if (response !== undefined) throw new Error(`chooseCitizen: stopped on a page (status ${response.status})`);
  return url;
}

/** The whole citizen's side of a login. */
export async function loginAs(authorizationUrl: string, citizenId: string, redirectUri: string): Promise<URL> {
  return chooseCitizen(await openLoginPage(authorizationUrl, redirectUri), citizenId, redirectUri);
}
