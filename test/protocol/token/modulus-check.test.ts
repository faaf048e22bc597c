// The issuer modulus rule (PROTOCOL.md §2.5, protocol/token/modulus-check.ts): no prime factor
// below 2^16, not a perfect power, a Miller-Rabin witness among the first 12 primes, and
// 2^(n-1) mod n != 1. Checked against OpenSSL (node:crypto checkPrime, and the `openssl prime`
// command where installed), against a sieve, and on published pseudoprimes. The soundness
// property under test: whatever the rule accepts is composite.
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { checkPrimeSync, generateKeyPairSync, generatePrimeSync, randomBytes } from "node:crypto";
import {
  checkModulus, describeModulusProblem, integerRoot, issuerKeyFromModulus, MODULUS_MILLER_RABIN_BASES, MODULUS_SMALL_FACTOR_BOUND,
  bigIntToBytes, toHex, type ModulusCheck,
} from "../../../protocol/index.js";
import { unsafeIssuerKey, type UnsafeKind } from "../../helpers/unsafe-issuer-key.js";
import { freshIssuer, vectorIssuer } from "./fixtures.js";

/** OpenSSL's verdict (BN_check_prime, through node:crypto), 64 rounds. */
const opensslPrime = (n: bigint) => checkPrimeSync(n, { checks: 64 });

/** The `openssl prime` command's verdict, or undefined when the command is not installed. */
function opensslCommandPrime(n: bigint): boolean | undefined {
  try {
    const out = execFileSync("openssl", ["prime", "-hex", n.toString(16)], { encoding: "utf8" });
    return / is prime$/m.test(out);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

const randomOdd = (bits: number) => {
  const x = BigInt("0x" + randomBytes(Math.ceil(bits / 8)).toString("hex")) & ((1n << BigInt(bits)) - 1n);
  return x | (1n << BigInt(bits - 1)) | 1n;
};

const refused = (check: ModulusCheck) => (check.ok ? "ok" : check.reason);

describe("issuer modulus rule (checkModulus)", function () {
  this.timeout(120_000);

  describe("the rule's constants", () => {
    it("trial division below 2^16, Miller-Rabin bases the first 12 primes", () => {
      expect(MODULUS_SMALL_FACTOR_BOUND).to.equal(65536n);
      expect(MODULUS_MILLER_RABIN_BASES).to.deep.equal([2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n]);
    });

    it("refuses an argument that is not an integer above 1 as a caller's mistake (TypeError)", () => {
      for (const bad of [1n, 0n, -7n, 7 as unknown as bigint]) expect(() => checkModulus(bad)).to.throw(TypeError);
    });
  });

  describe("agrees with a sieve on every integer from 2 to 200,000 (all refused: below 2^32 a composite has a factor below 2^16)", () => {
    it("a composite or a prime below 2^16 for its smallest prime factor, a prime above 2^16 as a probable prime", () => {
      const N = 200_000;
      const spf = new Uint32Array(N + 1);
      for (let i = 2; i <= N; i++) if (spf[i] === 0) for (let j = i; j <= N; j += i) if (spf[j] === 0) spf[j] = i;
      for (let n = 2; n <= N; n++) {
        const expected: ModulusCheck = spf[n] === n && n > 65536
          ? { ok: false, reason: "probable-prime" }
          : { ok: false, reason: "small-factor", factor: BigInt(spf[n]) };
        const got = checkModulus(BigInt(n));
        if (got.ok || got.reason !== expected.reason || (got.reason === "small-factor" && got.factor !== (expected as { factor: bigint }).factor)) {
          expect(got, `n = ${n}`).to.deep.equal(expected);
        }
      }
    });
  });

  describe("accepts genuine RSA moduli, which OpenSSL finds composite", () => {
    it("OpenSSL RSA keys of 512 to 2048 bits (witness 2, as for almost every product of two random primes)", () => {
      const moduli = [
        ...[512, 512, 768, 1024, 1024, 1536, 2048].map((bits) => {
          const jwk = generateKeyPairSync("rsa", { modulusLength: bits }).publicKey.export({ format: "jwk" });
          return BigInt("0x" + Buffer.from(jwk.n!, "base64url").toString("hex"));
        }),
        freshIssuer(0).publicKey.n, freshIssuer(1).publicKey.n, vectorIssuer().publicKey.n, vectorIssuer("issuer-other-test-key.pem").publicKey.n,
      ];
      for (const n of moduli) {
        expect(checkModulus(n), n.toString(16)).to.deep.equal({ ok: true, witness: 2n });
        expect(opensslPrime(n)).to.equal(false);
      }
    });

    it("products of two random primes of 17 to 600 bits", () => {
      for (const [a, b] of [[17, 17], [17, 40], [24, 30], [32, 32], [48, 64], [64, 64], [100, 150], [256, 256], [300, 600]]) {
        const [p, q] = [generatePrimeSync(a, { bigint: true }), generatePrimeSync(b, { bigint: true })];
        if (p === q) continue;
        const check = checkModulus(p * q);
        // A product of two small primes is a base-2 Fermat pseudoprime once in many thousand draws: refused, never accepted wrongly.
        expect(check.ok || (a + b < 128 && refused(check) === "fermat-probable-prime"), `${p} · ${q}: ${refused(check)}`).to.equal(true);
        expect(opensslPrime(p * q)).to.equal(false);
      }
    });

    it("the 2048-bit issuer keys, as the command `openssl prime` sees them too", function () {
      const n = freshIssuer(0).publicKey.n;
      const command = opensslCommandPrime(n);
      if (command === undefined) this.skip();
      expect(command).to.equal(false);
      expect(checkModulus(n).ok).to.equal(true);
    });
  });

  describe("refuses every prime as a probable prime (OpenSSL agrees that each is prime)", () => {
    it("random primes of 17 to 2048 bits", () => {
      for (const bits of [17, 18, 24, 32, 48, 64, 100, 128, 256, 512, 1024, 2048]) {
        const p = generatePrimeSync(bits, { bigint: true });
        expect(opensslPrime(p)).to.equal(true);
        expect(checkModulus(p), `${bits}-bit prime ${p}`).to.deep.equal({ ok: false, reason: "probable-prime" });
      }
    });

    it("65537, the largest prime below 2^16 (a small factor of itself), and Mersenne primes 2^61 - 1 to 2^2203 - 1", () => {
      expect(checkModulus(65537n)).to.deep.equal({ ok: false, reason: "probable-prime" });
      expect(checkModulus(65521n)).to.deep.equal({ ok: false, reason: "small-factor", factor: 65521n });
      for (const e of [61n, 89n, 107n, 127n, 521n, 607n, 1279n, 2203n]) {
        const p = (1n << e) - 1n;
        expect(opensslPrime(p)).to.equal(true);
        expect(checkModulus(p), `2^${e} - 1`).to.deep.equal({ ok: false, reason: "probable-prime" });
      }
    });

    it("random odd integers of 20 to 400 bits: whatever is accepted is composite, whatever is prime is refused as such", () => {
      let accepted = 0;
      for (let i = 0; i < 400; i++) {
        const n = randomOdd(20 + (i % 381));
        const check = checkModulus(n);
        const prime = opensslPrime(n);
        if (check.ok) {
          accepted++;
          expect(prime, `${n} accepted`).to.equal(false);
        }
        if (prime) expect(check, `prime ${n}`).to.deep.equal({ ok: false, reason: "probable-prime" });
      }
      expect(accepted).to.be.greaterThan(10); // about 10% of odd integers have no prime factor below 2^16, fewer are composite
    });
  });

  describe("small factors", () => {
    const q = generatePrimeSync(512, { bigint: true });

    it("names the smallest prime factor below 2^16: 2, 3, 7, 65521 times a large prime", () => {
      for (const f of [2n, 3n, 7n, 257n, 65521n]) expect(checkModulus(f * q)).to.deep.equal({ ok: false, reason: "small-factor", factor: f });
      expect(checkModulus(65521n * 3n * q)).to.deep.equal({ ok: false, reason: "small-factor", factor: 3n });
    });

    it("stops at the bound: a factor of 65537 or more is left to the other steps (the bound is no proof that n is hard to factor)", () => {
      expect(checkModulus(65537n * q)).to.deep.equal({ ok: true, witness: 2n });
    });
  });

  describe("perfect powers", () => {
    const p = generatePrimeSync(200, { bigint: true });
    const r = generatePrimeSync(180, { bigint: true });

    it("p^2, p^3, p^5, p^7, (p·r)^3: the root and the smallest prime exponent", () => {
      for (const k of [2, 3, 5, 7]) expect(checkModulus(p ** BigInt(k))).to.deep.equal({ ok: false, reason: "perfect-power", root: p, exponent: k });
      expect(checkModulus((p * r) ** 3n)).to.deep.equal({ ok: false, reason: "perfect-power", root: p * r, exponent: 3 });
    });

    it("a composite exponent is found through its smallest prime factor: p^4 = (p^2)^2, p^9 = (p^3)^3", () => {
      expect(checkModulus(p ** 4n)).to.deep.equal({ ok: false, reason: "perfect-power", root: p ** 2n, exponent: 2 });
      expect(checkModulus(p ** 9n)).to.deep.equal({ ok: false, reason: "perfect-power", root: p ** 3n, exponent: 3 });
    });

    it("the largest exponent that can occur at 2048 bits: 65537^127 and 65539^127 (root just above 2^16)", () => {
      for (const m of [65537n, 65539n]) expect(checkModulus(m ** 127n)).to.deep.equal({ ok: false, reason: "perfect-power", root: m, exponent: 127 });
      expect(checkModulus(65537n ** 2n)).to.deep.equal({ ok: false, reason: "perfect-power", root: 65537n, exponent: 2 });
    });

    it("not a perfect power: p^2·r, and p^2 + 2 (odd, no square)", () => {
      expect(checkModulus(p * p * r).ok).to.equal(true);
      expect(refused(checkModulus(p * p + 2n))).to.not.equal("perfect-power");
    });

    it("integerRoot is the floor of the k-th root", () => {
      for (let i = 0; i < 200; i++) {
        const n = BigInt("0x" + randomBytes(1 + (i % 256)).toString("hex")) + 1n;
        const k = 2 + (i % 40);
        const root = integerRoot(n, k);
        expect(root ** BigInt(k) <= n && (root + 1n) ** BigInt(k) > n, `${n}^(1/${k}) = ${root}`).to.equal(true);
      }
      expect(integerRoot(1n << 2048n, 128)).to.equal(65536n);
      expect(integerRoot((1n << 2048n) - 1n, 128)).to.equal(65535n);
    });
  });

  describe("Carmichael numbers and strong pseudoprimes (composite, and OpenSSL says so)", () => {
    const composite = (n: bigint) => expect(opensslPrime(n), String(n)).to.equal(false);

    it("small Carmichael numbers (561, 1105, 1729, ...) and the base-2 strong pseudoprimes 2047 and 3215031751 (to bases 2, 3, 5, 7): small factors", () => {
      for (const [n, f] of [[561n, 3n], [1105n, 5n], [1729n, 7n], [2465n, 5n], [41041n, 7n], [2047n, 23n], [3215031751n, 151n]]) {
        composite(n);
        expect(checkModulus(n)).to.deep.equal({ ok: false, reason: "small-factor", factor: f });
      }
    });

    it("Chernick Carmichael numbers (6k+1)(12k+1)(18k+1) with every factor above 2^16, up to 130 bits: 2^(n-1) = 1, refused", () => {
      for (const k of [10975n, 11045n, 1099511628756n]) {
        const factors = [6n * k + 1n, 12n * k + 1n, 18n * k + 1n];
        const n = factors.reduce((a, b) => a * b);
        for (const f of factors) {
          expect(opensslPrime(f) && f > 65536n).to.equal(true);
          expect((n - 1n) % (f - 1n)).to.equal(0n); // Korselt: a Carmichael number
        }
        composite(n);
        expect(checkModulus(n), String(n)).to.deep.equal({ ok: false, reason: "fermat-probable-prime" });
      }
    });

    it("ψ11 = 3825123056546413051, strong pseudoprime to the first 11 primes (not to 37): composite, but 2^(n-1) = 1", () => {
      const n = 3825123056546413051n;
      expect(149491n * 747451n * 34233211n).to.equal(n);
      composite(n);
      expect(checkModulus(n)).to.deep.equal({ ok: false, reason: "fermat-probable-prime" });
    });

    it("ψ12 and ψ13, strong pseudoprimes to the first 12 (13) primes: refused as probable primes although composite", () => {
      for (const [n, p, q] of [
        [318665857834031151167461n, 399165290221n, 798330580441n],
        [3317044064679887385961981n, 1287836182261n, 2575672364521n],
      ]) {
        expect(p * q).to.equal(n);
        composite(n);
        expect(checkModulus(n)).to.deep.equal({ ok: false, reason: "probable-prime" });
      }
    });

    it("composite Mersenne numbers 2^p - 1 (p prime) are base-2 strong pseudoprimes: 2^67 - 1, 2^101 - 1 and 2^1277 - 1 (no factor known)", () => {
      expect(193707721n * 761838257287n).to.equal((1n << 67n) - 1n);
      for (const e of [67n, 101n, 1277n]) {
        const n = (1n << e) - 1n;
        composite(n);
        expect(checkModulus(n), `2^${e} - 1`).to.deep.equal({ ok: false, reason: "fermat-probable-prime" });
      }
    });
  });

  describe("the whole issuer key check on 2048-bit moduli of the §2.5 shape", () => {
    const expected: Record<Exclude<UnsafeKind, "fermatPseudoprime">, (key: ReturnType<typeof unsafeIssuerKey>) => ModulusCheck> = {
      prime: () => ({ ok: false, reason: "probable-prime" }),
      smallFactor: (key) => ({ ok: false, reason: "small-factor", factor: key.factors[0].p }),
      square: (key) => ({ ok: false, reason: "perfect-power", root: key.factors[0].p, exponent: 2 }),
      cube: (key) => ({ ok: false, reason: "perfect-power", root: key.factors[0].p, exponent: 3 }),
    };
    for (const kind of Object.keys(expected) as Exclude<UnsafeKind, "fermatPseudoprime">[]) {
      it(`refuses ${kind}, whose key proof verifies and whose private exponent anyone computes`, () => {
        const key = unsafeIssuerKey(kind);
        const { n } = issuerKeyFromModulus(key.modulus);
        expect(checkModulus(n)).to.deep.equal(expected[kind](key));
        expect(opensslPrime(n)).to.equal(kind === "prime");
      });
    }

    it("refuses p(2p - 1), a 2048-bit base-2 Fermat pseudoprime with two large prime factors (the contract refuses it too: createBallot.test.ts)", () => {
      const key = unsafeIssuerKey("fermatPseudoprime");
      const { n } = issuerKeyFromModulus(key.modulus);
      expect(opensslPrime(n)).to.equal(false);
      expect(key.factors.every(({ p }) => p > 1n << 1000n && opensslPrime(p))).to.equal(true);
      // A Miller-Rabin witness among the 12 bases is all but certain here; without one it is refused as a probable prime.
      expect(refused(checkModulus(n))).to.be.oneOf(["fermat-probable-prime", "probable-prime"]);
    });

    it("refuses (2^2063 - 1) / 53639, a 2048-bit base-2 Fermat pseudoprime, for its factor 4127", () => {
      const n = issuerKeyFromModulus(toHex(bigIntToBytes(((1n << 2063n) - 1n) / 53639n, 256))).n;
      expect(checkModulus(n)).to.deep.equal({ ok: false, reason: "small-factor", factor: 4127n });
    });

    it("names each problem in one line", () => {
      expect(describeModulusProblem({ ok: false, reason: "small-factor", factor: 3n })).to.equal("the modulus has the prime factor 3, below 2^16");
      expect(describeModulusProblem({ ok: false, reason: "perfect-power", root: 5n, exponent: 3 })).to.contain("perfect power (m^3)");
      expect(describeModulusProblem({ ok: false, reason: "probable-prime" })).to.contain("not provably composite");
      expect(describeModulusProblem({ ok: false, reason: "fermat-probable-prime" })).to.contain("BallotBoxIssuerModulusProbablePrime");
    });

    // Its cost on a 2048-bit modulus is a benchmark figure (npm run bench -- token), not a test: tests do not time.
  });
});
