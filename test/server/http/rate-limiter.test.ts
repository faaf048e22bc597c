import { expect } from "chai";
import { RateLimitedError, RateLimiter } from "../../../server/http/rate-limiter.js";

function refused(limiter: RateLimiter, key: string, units = 1): RateLimitedError | undefined {
  try {
    limiter.take(key, units);
    return undefined;
  } catch (error) {
    expect(error).to.be.instanceOf(RateLimitedError);
    return error as RateLimitedError;
  }
}

describe("http: RateLimiter (token buckets)", () => {
  it("allows `capacity` at once, then one per refill period, with a Retry-After in whole seconds", () => {
    let now = 0;
    const limiter = new RateLimiter({ capacity: 2, refillMs: 10_000, now: () => now });
    expect(refused(limiter, "a")).to.equal(undefined);
    expect(refused(limiter, "a")).to.equal(undefined);
    const error = refused(limiter, "a");
    expect(error?.code).to.equal("ERR_RATE_LIMITED");
    expect(error?.retryAfterSeconds).to.equal(10);
    now += 4_000;
    expect(refused(limiter, "a")?.retryAfterSeconds).to.equal(6);
    now += 6_000;
    expect(refused(limiter, "a")).to.equal(undefined);
    expect(refused(limiter, "b")).to.equal(undefined);
  });

  it("forgets the least recently seen client beyond maxKeys", () => {
    const limiter = new RateLimiter({ capacity: 1, refillMs: 60_000, maxKeys: 2, now: () => 0 });
    limiter.take("a");
    limiter.take("b");
    limiter.take("c");
    expect(limiter.size).to.equal(2);
    expect(refused(limiter, "c")).to.not.equal(undefined);
    expect(refused(limiter, "a")).to.equal(undefined);
  });
});
