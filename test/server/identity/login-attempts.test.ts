import { expect } from "chai";
import { type LoginAttempt, LoginAttemptStore } from "../../../server/identity/login-attempts.js";

describe("identity: LoginAttemptStore", () => {
  let now = 1_000_000;
  const clock = () => now;
  const attempt = (state: string, ttlMs = 10 * 60 * 1000): LoginAttempt => ({ state, nonce: `n-${state}`, codeVerifier: `v-${state}`, expiresAt: now + ttlMs });

  it("hands out an attempt once, by its state", () => {
    const store = new LoginAttemptStore({ now: clock });
    const a = attempt("s1");
    store.put(a);
    expect(store.take("s1")).to.equal(a);
    expect(store.take("s1")).to.equal(undefined);
    expect(store.size).to.equal(0);
  });

  it("knows nothing of unknown, empty or missing states", () => {
    const store = new LoginAttemptStore({ now: clock });
    store.put(attempt("s1"));
    expect(store.take("s2")).to.equal(undefined);
    expect(store.take("")).to.equal(undefined);
    expect(store.take(null)).to.equal(undefined);
    expect(store.size).to.equal(1);
  });

  it("refuses an attempt past the store's ten minutes, even if its own expiry is later", () => {
    const store = new LoginAttemptStore({ now: clock });
    store.put(attempt("s1", 60 * 60 * 1000));
    now += 10 * 60 * 1000;
    expect(store.take("s1")).to.equal(undefined);
  });

  it("refuses an attempt past its own expiry", () => {
    const store = new LoginAttemptStore({ now: clock });
    store.put(attempt("s1", 1000));
    now += 1000;
    expect(store.take("s1")).to.equal(undefined);
  });

  it("sweeps expired attempts as new ones arrive", () => {
    const store = new LoginAttemptStore({ now: clock, ttlMs: 1000 });
    store.put(attempt("s1"));
    store.put(attempt("s2"));
    now += 1000;
    store.put(attempt("s3"));
    expect(store.size).to.equal(1);
  });

  it("stays within its bound, the oldest pending attempt giving way", () => {
    const store = new LoginAttemptStore({ now: clock, maxSize: 2 });
    store.put(attempt("s1"));
    store.put(attempt("s2"));
    store.put(attempt("s3"));
    expect(store.size).to.equal(2);
    expect(store.take("s1")).to.equal(undefined);
    expect(store.take("s2")?.state).to.equal("s2");
    expect(store.take("s3")?.state).to.equal("s3");
  });

  it("refuses to store the same state twice (caller misuse)", () => {
    const store = new LoginAttemptStore({ now: clock });
    store.put(attempt("s1"));
    expect(() => store.put(attempt("s1"))).to.throw(TypeError);
  });
});
