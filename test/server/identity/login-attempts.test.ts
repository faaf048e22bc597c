import { expect } from "chai";
import { type LoginAttempt, LoginAttemptStore, LoginRefusedError } from "../../../server/identity/login-attempts.js";

describe("identity: LoginAttemptStore", () => {
  let now = 1_000_000;
  const clock = () => now;
  let counter = 0;
  const attempt = (state = `s${++counter}`, ttlMs = 10 * 60 * 1000): LoginAttempt => ({ state, nonce: `n-${state}`, codeVerifier: `v-${state}`, expiresAt: now + ttlMs });
  const CITIZEN = "192.0.2.7";

  /** The error `put` throws, or undefined when it stored the attempt. */
  const refusal = (store: LoginAttemptStore, client: string, a = attempt()) => {
    try {
      store.put(a, client);
      return undefined;
    } catch (error) {
      expect(error).to.be.instanceOf(LoginRefusedError);
      return error as LoginRefusedError;
    }
  };

  it("hands out an attempt once, by its state", () => {
    const store = new LoginAttemptStore({ now: clock });
    const a = attempt("s1");
    store.put(a, CITIZEN);
    expect(store.take("s1")).to.equal(a);
    expect(store.take("s1")).to.equal(undefined);
    expect(store.size).to.equal(0);
    expect(store.clients).to.equal(0);
  });

  it("knows nothing of unknown, empty or missing states", () => {
    const store = new LoginAttemptStore({ now: clock });
    store.put(attempt("s1"), CITIZEN);
    expect(store.take("s2")).to.equal(undefined);
    expect(store.take("")).to.equal(undefined);
    expect(store.take(null)).to.equal(undefined);
    expect(store.size).to.equal(1);
  });

  it("refuses an attempt past the store's ten minutes, even if its own expiry is later", () => {
    const store = new LoginAttemptStore({ now: clock });
    store.put(attempt("s1", 60 * 60 * 1000), CITIZEN);
    now += 10 * 60 * 1000;
    expect(store.take("s1")).to.equal(undefined);
  });

  it("refuses an attempt past its own expiry", () => {
    const store = new LoginAttemptStore({ now: clock });
    store.put(attempt("s1", 1000), CITIZEN);
    now += 1000;
    expect(store.take("s1")).to.equal(undefined);
  });

  it("sweeps expired attempts as new ones arrive, and forgets their clients", () => {
    const store = new LoginAttemptStore({ now: clock, ttlMs: 1000 });
    store.put(attempt(), "198.51.100.1");
    store.put(attempt(), "198.51.100.2");
    now += 1000;
    store.put(attempt(), CITIZEN);
    expect(store.size).to.equal(1);
    expect(store.clients).to.equal(1);
  });

  it("refuses to store the same state twice (caller misuse)", () => {
    const store = new LoginAttemptStore({ now: clock });
    store.put(attempt("s1"), CITIZEN);
    expect(() => store.put(attempt("s1"), CITIZEN)).to.throw(TypeError);
  });

  describe("under a flood", () => {
    it("keeps a citizen's pending login through 11,019 starts from 2,000 addresses: the flood pushes out its own", () => {
      const store = new LoginAttemptStore({ now: clock });
      const mine = attempt();
      store.put(mine, CITIZEN);
      const flood: LoginAttempt[] = [];
      for (let i = 0; i < 11_019; i++) {
        now += 1;
        flood.push(attempt());
        expect(refusal(store, `10.0.${(i % 2000) >> 8}.${(i % 2000) & 0xff}`, flood[i])).to.equal(undefined);
      }
      expect(store.size).to.equal(10_000);
      expect(store.clients).to.equal(2001);
      expect(store.take(mine.state)).to.equal(mine);
      // Every flooding address still holds its newest attempts: it lost its oldest only.
      expect(store.take(flood[11_018].state)).to.equal(flood[11_018]);
      expect(store.take(flood[0].state)).to.equal(undefined);
    });

    it("refuses a flood from more addresses than it has room for (503 ERR_LOGIN_BUSY), still keeping the citizen's login", () => {
      const store = new LoginAttemptStore({ now: clock, maxSize: 1000 });
      const mine = attempt();
      store.put(mine, CITIZEN);
      let busy = 0;
      for (let i = 0; i < 3000; i++) {
        const error = refusal(store, `2001:db8:${i.toString(16)}::1`);
        if (error) {
          expect(error.code).to.equal("ERR_LOGIN_BUSY");
          busy += 1;
        }
      }
      expect(busy).to.equal(2001);
      expect(store.take(mine.state)).to.equal(mine);
      // Once the flood's attempts expire, the store takes new logins again.
      now += 10 * 60 * 1000;
      expect(refusal(store, "198.51.100.1")).to.equal(undefined);
      expect(store.size).to.equal(1);
    });

    it("takes the place of the heaviest client's oldest attempt, never of a client's only one", () => {
      const store = new LoginAttemptStore({ now: clock, maxSize: 4 });
      const citizen = attempt(), heavy = [attempt(), attempt(), attempt()];
      store.put(citizen, CITIZEN);
      for (const a of heavy) store.put(a, "203.0.113.9");
      store.put(attempt(), "203.0.113.10"); // full: the heavy client's oldest gives way
      expect(store.size).to.equal(4);
      expect(store.take(heavy[0].state)).to.equal(undefined);
      expect(store.take(heavy[1].state)).to.equal(heavy[1]);
      expect(store.take(citizen.state)).to.equal(citizen);
    });

    it("takes from the newcomer itself when it already holds the most", () => {
      const store = new LoginAttemptStore({ now: clock, maxSize: 3 });
      const citizen = attempt(), first = attempt(), second = attempt(), third = attempt();
      store.put(citizen, CITIZEN);
      store.put(first, "203.0.113.9");
      store.put(second, "203.0.113.9");
      store.put(third, "203.0.113.9");
      expect([store.take(first.state), store.take(second.state), store.take(citizen.state)]).to.deep.equal([undefined, second, citizen]);
    });

    it("refuses the newcomer (503 ERR_LOGIN_BUSY, Retry-After) when every client holds one attempt", () => {
      const store = new LoginAttemptStore({ now: clock, maxSize: 3 });
      const held = ["198.51.100.1", "198.51.100.2", CITIZEN].map((client) => {
        const a = attempt();
        store.put(a, client);
        return a;
      });
      for (const client of ["198.51.100.3", "198.51.100.1"]) {
        const error = refusal(store, client);
        expect(error?.code).to.equal("ERR_LOGIN_BUSY");
        expect(error?.retryAfterSeconds).to.be.within(1, 60);
      }
      for (const a of held) expect(store.take(a.state)).to.equal(a);
      expect(refusal(store, "198.51.100.3")).to.equal(undefined); // room again
    });

    it("holds one client to its quota (429 ERR_TOO_MANY_LOGINS) until one of its attempts completes or expires", () => {
      const store = new LoginAttemptStore({ now: clock, maxPerClient: 2, ttlMs: 30_000 });
      const [a, b] = [attempt(), attempt()];
      store.put(a, CITIZEN);
      store.put(b, CITIZEN);
      const error = refusal(store, CITIZEN);
      expect(error?.code).to.equal("ERR_TOO_MANY_LOGINS");
      expect(error?.retryAfterSeconds).to.equal(30);
      expect(refusal(store, "198.51.100.1")).to.equal(undefined); // other clients unaffected
      store.take(a.state);
      expect(refusal(store, CITIZEN)).to.equal(undefined);
      now += 30_000; // everything expires: the store frees itself
      expect(refusal(store, CITIZEN)).to.equal(undefined);
      expect(store.size).to.equal(1);
      expect(store.clients).to.equal(1);
    });
  });
});
