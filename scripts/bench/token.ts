// Token issuance costs (PROTOCOL.md §3.3), averaged over RUNS runs after a warm-up:
// blind and finalize run in the voter's browser (BigInt), blindSign on the issuer
// (OpenSSL), verify wherever a token is checked (BigInt, as in a browser or observer).
// Plus the issuer modulus rule (§2.5, checkModulus: BigInt, once per ballot wherever the
// key is checked), over MODULUS_RUNS checks of 5 fresh moduli.
import { performance } from "node:perf_hooks";
import { Wallet } from "ethers";
import { blind, blindSign, checkModulus, finalize, generateIssuerKey, tokenMessage, verifyToken } from "../../protocol/node.js";

const RUNS = 500;
const WARMUP = 20;
const { privateKey, publicKey } = generateIssuerKey();
const messages = Array.from({ length: RUNS + WARMUP }, (_, i) =>
  tokenMessage({ chainId: 31337n, ballotBox: "0x5FbDB2315678afecb367f032d93F642f64180aa3", ballotId: BigInt(1 + (i % 7)), voter: Wallet.createRandom().address }),
);

/** Mean time of fn over the measured runs, in ms; the first WARMUP calls are discarded. */
function time<T>(fn: (i: number) => T): { ms: number; results: T[] } {
  const results: T[] = [];
  for (let i = 0; i < WARMUP; i++) results.push(fn(i));
  const start = performance.now();
  for (let i = WARMUP; i < WARMUP + RUNS; i++) results.push(fn(i));
  return { ms: (performance.now() - start) / RUNS, results };
}

const blinded = time((i) => blind(publicKey, messages[i]));
const signed = time((i) => blindSign(privateKey, blinded.results[i].blindedMessage));
const finalized = time((i) => finalize(publicKey, messages[i], signed.results[i], blinded.results[i].inverse));
const verified = time((i) => verifyToken(publicKey, messages[i], finalized.results[i]));
if (!verified.results.every(Boolean)) throw new Error("bench: a token did not verify");

const line = (name: string, ms: number) => console.log(`BENCH ${name} ${ms.toFixed(3)} ms`);
line("token_blind_sign_ms", signed.ms);
line("token_blind_ms", blinded.ms);
line("token_finalize_ms", finalized.ms);
line("token_verify_ms", verified.ms);

const MODULUS_RUNS = 50;
const moduli = [publicKey.n, ...Array.from({ length: 4 }, () => generateIssuerKey().publicKey.n)];
checkModulus(moduli[1]); // the sieve and the product of the primes below 2^16, once per process
const start = performance.now();
for (let i = 0; i < MODULUS_RUNS; i++) if (!checkModulus(moduli[i % moduli.length]).ok) throw new Error("bench: a genuine modulus failed the rule");
line("token_modulus_check_ms", (performance.now() - start) / MODULUS_RUNS);
