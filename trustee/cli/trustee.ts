// `urne trustee join|deal|finish|check-key|status --api URL --ceremony ID [--state FILE]`:
// a trustee's part in a ballot's key ceremony (PROTOCOL.md §11.7), on the trustee's own
// machine. Secrets (the polynomial, the encryption secret, then the key share) stay in the
// state file, encrypted with URNE_TRUSTEE_PASSPHRASE; every message is signed with the
// trustee's chain account (URNE_TRUSTEE_KEY); every message of the others is checked
// before use. The vote host relays and never holds a secret.
import { parseArgs } from "node:util";
import { Wallet, hexlify } from "ethers";
import { UrneError } from "../../protocol/errors.js";
import { checkCeremonySignature, round1PackageHash, sharesHash, signCeremonyStatement, type CeremonyWhere } from "../../protocol/sealed/ceremony-signatures.js";
import { ceremonyDigest, verificationKeysOf, type CeremonyTranscript, type Round1Package } from "../../protocol/sealed/key-ceremony.js";
import { G, encodePoint } from "../../protocol/sealed/group.js";
import { beginCeremony, dealShares, finishCeremony, type ShareMessage, type TrusteeKey, type TrusteeState } from "../../protocol/sealed/trustee.js";
import type { CeremonyView } from "../../protocol/api-types.js";
import { CeremonyClient, VoteHostError } from "../ceremony-client.js";
import { readStateFile, StateFileError, writeStateFile } from "../trustee-state-file.js";
import { DecryptionRefused, postDecryptionShare } from "../decryption-share-post.js";
import { JsonRpcClient, NodeRequestError } from "../../protocol/json-rpc.js";
import { nodeFailure } from "../../protocol/audit/node-answers.js";
import { parseAddress } from "../../protocol/fields.js";

export const TRUSTEE_USAGE = `usage: urne trustee <step> --api URL --ceremony ID [--state FILE]
       urne trustee decrypt --api URL --ceremony ID --rpc NODE --ballot ID [--ballot-box ADDRESS] [--state FILE]

A trustee's part in a ballot's key ceremony (PROTOCOL.md §11.7), in order:
  join       make this trustee's polynomial and encryption key, publish the round-1 package
  deal       once every trustee joined: check their packages, send each a sealed share
  finish     once every trustee dealt: open and check the shares sent here, keep the key
             share, accept the transcript (its digest is what the ballot will name)
  check-key  re-derive this trustee's verification key from the state file and the transcript
  status     where the ceremony stands (no secret needed)
  decrypt    after a sealed ballot under this ceremony's key closed: recount it from your own
             node (--rpc), make this trustee's decryption share of its tally with its proof,
             and post it on chain from URNE_TRUSTEE_KEY's account (it pays the gas)
  --state FILE   this trustee's secrets, encrypted (default trustee-<ceremony>.json)
environment: URNE_TRUSTEE_KEY (the trustee's chain account key), URNE_TRUSTEE_PASSPHRASE
(at least 12 characters; it encrypts the state file)

exit codes: 0 done, 1 the ceremony, a trustee or the ballot failed a check (named), 2 usage, 3 the vote host or the node did not answer`;

export const TRUSTEE_EXIT = Object.freeze({ OK: 0, FAILED: 1, USAGE: 2, UNREACHABLE: 3 });

type Saved = { ceremonyId: string; address: string; state: TrusteeState; key?: TrusteeKey };

class Usage extends Error {}

const where = (doc: CeremonyView): CeremonyWhere => ({ chainId: BigInt(doc.chainId), ballotBox: doc.ballotBox, params: doc.params });
const round1Of = (doc: CeremonyView): Round1Package[] => doc.params.trustees.map((_, i) => doc.round1[i + 1].package);

/** Every round-1 package is in and signed by its trustee. */
function checkedRound1(doc: CeremonyView): Round1Package[] {
  if (doc.status === "round1") throw new Usage(`not every trustee has joined yet (${Object.keys(doc.round1).length} of ${doc.params.trustees.length})`);
  for (const [index, { package: pkg, signature }] of Object.entries(doc.round1)) {
    checkCeremonySignature(where(doc), { kind: "round1", index: Number(index), packageHash: round1PackageHash(pkg) }, signature);
  }
  return round1Of(doc);
}

export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values, positionals;
  try {
    ({ values, positionals } = parseArgs({ args, allowPositionals: true, options: { api: { type: "string" }, ceremony: { type: "string" }, state: { type: "string" }, rpc: { type: "string" }, ballot: { type: "string" }, "ballot-box": { type: "string" }, help: { type: "boolean" } } }));
  } catch (error) {
    console.error(`urne trustee: ${(error as Error).message}\n\n${TRUSTEE_USAGE}`);
    return TRUSTEE_EXIT.USAGE;
  }
  if (values.help) {
    console.log(TRUSTEE_USAGE);
    return TRUSTEE_EXIT.OK;
  }
  const step = positionals[0];
  try {
    if (!["join", "deal", "finish", "check-key", "status", "decrypt"].includes(step ?? "")) throw new Usage(`unknown step ${JSON.stringify(step ?? "")}`);
    if (step === "decrypt") {
      if (!values.rpc) throw new Usage("--rpc URL is required (your own node of the chain)");
      if (!values.ballot || !/^[1-9][0-9]{0,76}$/.test(values.ballot)) throw new Usage("--ballot ID (a ballot id, decimal) is required");
    }
    if (!values.api) throw new Usage("--api URL is required (the vote host)");
    if (!values.ceremony || !/^0x[0-9a-fA-F]{64}$/.test(values.ceremony)) throw new Usage("--ceremony ID (0x and 64 hex digits) is required");
    const client = new CeremonyClient(values.api, values.ceremony);
    const doc = await client.get();
    if (step === "status") {
      console.log(`ceremony ${doc.ceremonyId} on chain ${doc.chainId}, BallotBox ${doc.ballotBox}: ${doc.params.threshold} of ${doc.params.trustees.length} trustees` +
        `${doc.params.operator ? ` and the operator's key of ${doc.params.operator} (its share is needed too)` : ""}, status ${doc.status}` +
        `${doc.electionKey ? `, election key ${doc.electionKey}, transcript digest ${doc.transcriptDigest}` : ""}`);
      return TRUSTEE_EXIT.OK;
    }
    const passphrase = env.URNE_TRUSTEE_PASSPHRASE ?? "";
    const file = values.state ?? `trustee-${values.ceremony.slice(2, 14)}.json`;
    if (step === "join") {
      let wallet: Wallet;
      try {
        wallet = new Wallet(env.URNE_TRUSTEE_KEY ?? "");
      } catch {
        throw new Usage("URNE_TRUSTEE_KEY is not set to a private key (32 bytes hex)"); // never echo the value
      }
      const index = doc.params.trustees.findIndex((a) => a.toLowerCase() === wallet.address.toLowerCase()) + 1;
      if (index === 0) throw new Usage(`${wallet.address} is not a trustee of this ceremony`);
      const { round1, state } = beginCeremony(doc.params, index);
      writeStateFile<Saved>(file, passphrase, { ceremonyId: doc.ceremonyId, address: wallet.address, state });
      const signature = await signCeremonyStatement(wallet, where(doc), { kind: "round1", index, packageHash: round1PackageHash(round1) });
      const after = await client.postRound1(round1, signature);
      console.log(`joined as trustee ${index} of ${doc.params.trustees.length}; secrets in ${file}; ${Object.keys(after.round1).length} of ${doc.params.trustees.length} trustees joined`);
      return TRUSTEE_EXIT.OK;
    }
    const saved = readStateFile<Saved>(file, passphrase);
    if (saved.ceremonyId.toLowerCase() !== doc.ceremonyId.toLowerCase()) throw new Usage(`${file} is the state of ceremony ${saved.ceremonyId}, not of this one`);
    const wallet = step === "deal" || step === "finish" || step === "decrypt" ? new Wallet(env.URNE_TRUSTEE_KEY ?? "") : undefined;
    if (wallet && wallet.address !== saved.address) throw new Usage(`URNE_TRUSTEE_KEY is not the key of ${saved.address}, who joined with ${file}`);
    const index = saved.state.index;
    if (step === "deal") {
      const messages = await dealShares(saved.state, checkedRound1(doc));
      writeStateFile<Saved>(file, passphrase, saved); // the DKG's round state moved on
      const signature = await signCeremonyStatement(wallet!, where(doc), { kind: "shares", from: index, sharesHash: sharesHash(index, messages) });
      const after = await client.postShares(index, messages, signature);
      console.log(`dealt ${messages.length} sealed shares; ${Object.keys(after.shares).length} of ${doc.params.trustees.length} trustees dealt`);
      return TRUSTEE_EXIT.OK;
    }
    const round1 = checkedRound1(doc);
    const transcript: CeremonyTranscript = { params: doc.params, round1, ...(doc.operator ? { operator: doc.operator } : {}) };
    if (step === "finish") {
      if (doc.status === "shares") throw new Usage(`not every trustee has dealt yet (${Object.keys(doc.shares).length} of ${doc.params.trustees.length})`);
      const received: ShareMessage[] = [];
      for (const [from, { messages, signature }] of Object.entries(doc.shares)) {
        checkCeremonySignature(where(doc), { kind: "shares", from: Number(from), sharesHash: sharesHash(Number(from), messages) }, signature);
        received.push(...messages.filter((m) => m.to === index));
      }
      const key = await finishCeremony(saved.state, round1, received, doc.operator);
      writeStateFile<Saved>(file, passphrase, { ...saved, key });
      const signature = await signCeremonyStatement(wallet!, where(doc), { kind: "accept", index, transcriptDigest: key.ceremonyDigest });
      const after = await client.postAccept(index, key.ceremonyDigest, signature);
      console.log(`trustee ${index} holds its key share (in ${file}); verification key ${hexlify(encodePoint(key.verificationKey))}; election key ${hexlify(encodePoint(key.electionKey))}; accepted transcript ${key.ceremonyDigest}; ceremony ${after.status}`);
      return TRUSTEE_EXIT.OK;
    }
    if (step === "decrypt") {
      if (!saved.key) throw new Usage(`${file} holds no key share yet: run "urne trustee finish" first`);
      const ballotBox = parseAddress(values["ballot-box"] ?? doc.ballotBox, "--ballot-box");
      const node = new JsonRpcClient(values.rpc!, 30_000);
      if (BigInt(await node.call<string>("eth_chainId")) !== BigInt(doc.chainId)) throw new Usage(`${values.rpc} is not on chain ${doc.chainId}, the ceremony's`);
      const posted = await postDecryptionShare({ rpc: values.rpc!, ballotBox, ballotId: BigInt(values.ballot!), transcript, index, key: saved.key, wallet: wallet! });
      console.log(`posted trustee ${index}'s decryption share of ballot ${values.ballot} (tally digest ${posted.tallyDigest}, ${posted.ballotsCounted} ballots counted, ${posted.cells} cells) in ${posted.txHash}, block ${posted.blockNumber}`);
      return TRUSTEE_EXIT.OK;
    }
    // check-key
    if (!saved.key) throw new Usage(`${file} holds no key share yet: run "urne trustee finish" first`);
    const expected = verificationKeysOf(transcript)[index - 1];
    const ok = G.multiply(saved.key.keyShare).equals(expected) && ceremonyDigest(transcript) === saved.key.ceremonyDigest;
    console.log(ok
      ? `ok: the key share in ${file} is trustee ${index}'s for transcript ${saved.key.ceremonyDigest} (verification key ${hexlify(encodePoint(expected))})`
      : `FAIL: the key share in ${file} does not match trustee ${index}'s verification key in the published transcript`);
    return ok ? TRUSTEE_EXIT.OK : TRUSTEE_EXIT.FAILED;
  } catch (error) {
    if (error instanceof DecryptionRefused) {
      console.error(`urne trustee ${step}: ${error.message}`);
      return TRUSTEE_EXIT.FAILED;
    }
    if (error instanceof NodeRequestError) {
      console.error(`urne trustee ${step}: ${error.rpcCode !== undefined ? `refused by ${values.rpc}: ${error.message}` : nodeFailure(error)}`);
      return error.rpcCode !== undefined ? TRUSTEE_EXIT.FAILED : TRUSTEE_EXIT.UNREACHABLE;
    }
    if (error instanceof Usage || error instanceof StateFileError) {
      console.error(`urne trustee ${step ?? ""}: ${error.message}`);
      return error instanceof Usage && /is required|unknown step|--ceremony/.test(error.message) ? TRUSTEE_EXIT.USAGE : TRUSTEE_EXIT.FAILED;
    }
    if (error instanceof UrneError) {
      console.error(`urne trustee ${step}: ${error.code}${error.field ? ` ${error.field}` : ""}: ${error.message}`);
      return TRUSTEE_EXIT.FAILED;
    }
    if (error instanceof VoteHostError) {
      console.error(`urne trustee ${step}: ${error.message}`);
      return error.status === 0 ? TRUSTEE_EXIT.UNREACHABLE : TRUSTEE_EXIT.FAILED;
    }
    if (error instanceof TypeError && /fetch failed/.test(error.message)) {
      console.error(`urne trustee ${step}: the vote host at ${values.api} did not answer`);
      return TRUSTEE_EXIT.UNREACHABLE;
    }
    throw error;
  }
}

