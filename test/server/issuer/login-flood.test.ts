// A flood of login starts from many addresses must not push out a citizen's pending login
// (it once did: 11,019 starts from 2,000 addresses in 10 s, and the citizen's callback
// failed after the provider had logged them in). Over HTTP, with X-Forwarded-For standing
// for many clients, a small store so that the flood fills it.
import { expect } from "chai";
import { LoginAttemptStore } from "../../../server/identity/login-attempts.js";
import type { WidgetLoginAttempt } from "../../../server/issuer/login-routes.js";
import { loginAs } from "../../helpers/dev-login.js";
import { type IssuerFixture, WIDGET_A, startIssuerFixture } from "./fixture.js";
import { readCallbackPage } from "./widget.js";

const SIZE = 40;

describe("issuer: a flood of login starts", function () {
  this.timeout(60_000);
  let fixture: IssuerFixture;
  const attempts = new LoginAttemptStore<WidgetLoginAttempt>({ maxSize: SIZE, maxPerClient: 5 });

  before(async () => {
    fixture = await startIssuerFixture({ loginAttempts: attempts, trustProxy: "loopback" });
  });
  after(async () => {
    await fixture.stop();
  });

  const start = (client?: string) => fetch(`${fixture.api}/v1/login?origin=${encodeURIComponent(WIDGET_A)}`, {
    redirect: "manual", headers: client === undefined ? {} : { "x-forwarded-for": client },
  });

  it("counts an IPv6 /64 as one client: its sixth pending login is a 429 with Retry-After, another /64 is not held back", async () => {
    const answers = [];
    for (let i = 1; i <= 6; i++) answers.push(await start(`2001:db8:aa:bb::${i.toString(16)}`));
    for (const a of answers) await a.body?.cancel();
    expect(answers.map((a) => a.status)).to.deep.equal([303, 303, 303, 303, 303, 429]);
    expect(Number(answers[5].headers.get("retry-after"))).to.be.within(1, 60);
    expect(fixture.logs.at(-1)).to.deep.equal({ event: "issuer.login_refused", fields: { code: "ERR_TOO_MANY_LOGINS" } });
    const other = await start("2001:db8:aa:cc::1");
    await other.body?.cancel();
    expect(other.status).to.equal(303);
  });

  it("keeps a citizen's pending login, refuses the flood once full (503, Retry-After), and the citizen's login completes", async () => {
    const popup = await start();
    expect(popup.status).to.equal(303);
    const statuses = new Map<number, number>();
    // 3 starts from each of 100 addresses, 20 at a time.
    const clients = Array.from({ length: 300 }, (_, i) => `198.51.100.${i % 100}`);
    for (let i = 0; i < clients.length; i += 20) {
      for (const answer of await Promise.all(clients.slice(i, i + 20).map((c) => start(c)))) {
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status === 503) expect(Number(answer.headers.get("retry-after"))).to.be.within(1, 60);
        await answer.body?.cancel();
      }
    }
    expect(attempts.size).to.equal(SIZE);

    const callbackUrl = await loginAs(popup.headers.get("location") as string, "citizen-camille", fixture.redirectUri);
    const response = await fetch(callbackUrl, { redirect: "manual" });
    const page = readCallbackPage(response, await response.text());
    expect(page.message.ok, JSON.stringify(page.message)).to.equal(true);
    expect(response.status).to.equal(200);
    expect(statuses.get(503)).to.be.greaterThan(0);
    expect([...statuses.keys()].sort()).to.deep.equal([303, 503]);
    // Logged by code only: no address in any log line.
    const refusals = fixture.logs.filter((l) => l.event === "issuer.login_refused");
    expect(refusals.map((l) => l.fields.code)).to.include("ERR_LOGIN_BUSY");
    expect(JSON.stringify(fixture.logs)).not.to.include("198.51.100.");
  });

});
