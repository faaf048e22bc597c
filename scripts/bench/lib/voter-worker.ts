// A simulated widget (and the issuer's blind signature) in a worker thread, so that the
// voters' client work runs beside the relay instead of on its event loop, as it would in
// browsers. Each message asks for one ballot; the answer is the signed vote plus timings.
import { randomBytes } from "node:crypto";
import { parentPort, workerData } from "node:worker_threads";
import { createPrivateKey } from "node:crypto";
import { Wallet, hexlify } from "ethers";
import { blind, finalize, issuerKeyFromModulus, signVote, toHex, tokenMessage } from "../../../protocol/index.js";
import { blindSign } from "../../../protocol/node.js";

const { chainId, ballotBox, ballotId, modulus, privateKeyPem } = workerData as {
  chainId: string; ballotBox: string; ballotId: string; modulus: string; privateKeyPem: string;
};
const publicKey = issuerKeyFromModulus(modulus);
const privateKey = createPrivateKey(privateKeyPem);

parentPort!.on("message", async (choice: number) => {
  const t0 = performance.now();
  const key = new Wallet(hexlify(randomBytes(32))); // the widget's ephemeral key
  const message = tokenMessage({ chainId: BigInt(chainId), ballotBox, ballotId: BigInt(ballotId), voter: key.address });
  const { blindedMessage, inverse } = blind(publicKey, message);
  const t1 = performance.now();
  const blindSignature = blindSign(privateKey, blindedMessage); // the issuer's part
  const t2 = performance.now();
  const token = finalize(publicKey, message, blindSignature, inverse);
  const payload = `0x0${choice}`;
  const voterSignature = await signVote(key, { chainId: BigInt(chainId), ballotBox, ballotId: BigInt(ballotId), revision: 0, payload });
  const t3 = performance.now();
  parentPort!.postMessage({
    body: { ballotId, voter: key.address, revision: 0, payload, tokenSignature: toHex(token), voterSignature },
    clientMs: t3 - t0 - (t2 - t1), issuerMs: t2 - t1,
  });
});
