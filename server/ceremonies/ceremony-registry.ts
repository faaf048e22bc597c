// The key ceremonies the vote host relays (PROTOCOL.md §11.7): an organizer app opens one
// for its trustees; each trustee posts its round-1 package, its sealed shares and its
// acceptance of the transcript, each signed with its chain account. The vote host checks
// every signature and shape before keeping a message (so the record holds only what the
// trustees said), keeps them in the API store, and serves the whole transcript to anyone.
// It never sees a trustee's secret: shares travel sealed to their recipients
// (share-envelope.ts). A ceremony opened with `operatorKey: true` also holds the vote
// host's own operator key (operator-key.ts, Belenios' rule): its package is in the
// transcript from the start, its secret sealed in the key vault under "operator:" + id.
// Status: "round1" until every package is in, then "shares" until every trustee dealt,
// then "accept" until every trustee accepted the same digest, then "done".
import { generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { getAddress, hexlify } from "ethers";
import { UrneError } from "../../protocol/errors.js";
import { checkCeremonySignature, round1PackageHash, sharesHash } from "../../protocol/sealed/ceremony-signatures.js";
import { CeremonyError, ceremonyDigest, checkCeremonyParams, electionKeyHex, round1Commitment, type CeremonyParams, type CeremonyTranscript, type Round1Package } from "../../protocol/sealed/key-ceremony.js";
import { makeOperatorKey } from "../../protocol/sealed/operator-key.js";
import { G, encodePoint } from "../../protocol/sealed/group.js";
import type { PrivateKeyVault } from "../keys/private-key-vault.js";
import { SHARE_ENVELOPE_BYTES } from "../../protocol/sealed/share-envelope.js";
import type { ShareMessage } from "../../protocol/sealed/trustee.js";
import type { CeremonyRecord, CeremonyStatus, CeremonyView } from "../../protocol/api-types.js";
import type { App } from "../apps/app-registry.js";
import { KeyedLock } from "../http/keyed-lock.js";
import { SYNC, type ApiStore } from "../store/api-store.js";

const bad = (field: string, why: string): never => {
  throw new UrneError("ERR_INVALID_CEREMONY_MESSAGE", `${field} ${why}`, { field });
};

const isHex = (v: unknown, bytes?: number): v is string => typeof v === "string" && /^0x([0-9a-fA-F]{2})*$/.test(v) && (bytes === undefined || v.length === 2 + 2 * bytes);

export class CeremonyRegistry {
  private readonly records;
  private readonly lock = new KeyedLock();

  constructor(
    store: ApiStore,
    private readonly chain: { chainId: bigint; ballotBox: string; /** The organizer account, the operator of ceremonies with an operator's key. */ operator: string },
    private readonly vault: PrivateKeyVault,
  ) {
    this.records = store.sublevel<CeremonyRecord>("ceremonies");
  }

  private where(r: CeremonyRecord) {
    return { chainId: BigInt(r.chainId), ballotBox: r.ballotBox, params: r.params };
  }

  /** An organizer app opens a ceremony: `threshold` of `trustees` (chain addresses), with the operator's key if `operatorKey`. */
  async create(app: App, input: { threshold?: unknown; trustees?: unknown; operatorKey?: unknown }): Promise<CeremonyView> {
    if (!Array.isArray(input.trustees)) bad("trustees", "must be an array of addresses");
    const trustees = (input.trustees as unknown[]).map((t, i) => {
      try {
        return getAddress(String(t));
      } catch {
        return bad(`trustees[${i}]`, "is not an address");
      }
    });
    if (typeof input.threshold !== "number") bad("threshold", "must be a number");
    if (input.operatorKey !== undefined && typeof input.operatorKey !== "boolean") bad("operatorKey", "must be true or false");
    const params: CeremonyParams = {
      ceremonyId: hexlify(randomBytes(32)), threshold: input.threshold as number, trustees,
      ...(input.operatorKey === true ? { operator: getAddress(this.chain.operator) } : {}),
    };
    try {
      checkCeremonyParams(params);
    } catch (error) {
      const message = (error as Error).message;
      bad(/threshold/.test(message) ? "threshold" : /operator/.test(message) ? "operatorKey" : "trustees", message);
    }
    const record: CeremonyRecord = {
      ceremonyId: params.ceremonyId, appId: app.id, createdAt: new Date().toISOString(),
      chainId: this.chain.chainId.toString(), ballotBox: this.chain.ballotBox, params, round1: {}, shares: {}, accepts: {},
    };
    if (params.operator) {
      // The secret is made here and sealed before the ceremony exists: no transcript names a key the vault lacks.
      const { privateKey } = generateKeyPairSync("ec", { namedCurve: "secp256k1" });
      record.operator = makeOperatorKey(params, operatorSecretOf(privateKey)).operatorPackage;
      await this.vault.put(operatorKeyId(params.ceremonyId), privateKey);
    }
    await this.records.put(params.ceremonyId.toLowerCase(), record, SYNC);
    return view(record);
  }

  async get(ceremonyId: string): Promise<CeremonyView> {
    return view(await this.load(ceremonyId));
  }

  /** The operator's secret o of a ceremony that has an operator's key, from the vault, checked against the transcript's O. */
  async operatorSecret(ceremonyId: string): Promise<bigint> {
    const record = await this.load(ceremonyId);
    if (!record.operator) throw new UrneError("ERR_KEY_CEREMONY", "This key ceremony has no operator's key.", { field: "ceremonyId" });
    const key = await this.vault.get(operatorKeyId(record.ceremonyId));
    if (!key) throw new Error(`ceremony ${record.ceremonyId}: its operator key is missing from the vault`);
    const secret = operatorSecretOf(key);
    if (hexlify(encodePoint(G.multiply(secret))) !== record.operator.key.toLowerCase()) throw new Error(`ceremony ${record.ceremonyId}: the vault's operator key is not the transcript's`);
    return secret;
  }

  private async load(ceremonyId: string): Promise<CeremonyRecord> {
    const record = isHex(ceremonyId, 32) ? await this.records.get(ceremonyId.toLowerCase()) : undefined;
    if (!record) throw new UrneError("ERR_CEREMONY_NOT_FOUND", "No key ceremony has this id.", { field: "ceremonyId" });
    return record;
  }

  private async update(ceremonyId: string, change: (r: CeremonyRecord) => void): Promise<CeremonyView> {
    return this.lock.run(ceremonyId.toLowerCase(), async () => {
      const record = await this.load(ceremonyId);
      change(record);
      await this.records.put(record.ceremonyId.toLowerCase(), record, SYNC);
      return view(record);
    });
  }

  /** Trustee `index`'s round-1 package, signed. Posting the same package again changes nothing. */
  async postRound1(ceremonyId: string, body: { package?: unknown; signature?: unknown }): Promise<CeremonyView> {
    return this.update(ceremonyId, (r) => {
      const p = body.package as Round1Package;
      if (typeof p !== "object" || p === null) bad("package", "is required");
      if (!Number.isInteger(p.index) || p.index < 1 || p.index > r.params.trustees.length) bad("package.index", `must be a trustee index in 1..${r.params.trustees.length}`);
      if (!Array.isArray(p.commitment) || !p.commitment.every((c) => isHex(c, 33))) bad("package.commitment", "must be an array of 33-byte points, hex");
      if (!isHex(p.proofOfKnowledge) || !isHex(p.encryptionKey, 33)) bad("package", "needs proofOfKnowledge (hex) and encryptionKey (33 bytes, hex)");
      if (!isHex(body.signature, 65)) bad("signature", "must be 65 bytes, hex");
      const pkg: Round1Package = { index: p.index, commitment: p.commitment, proofOfKnowledge: p.proofOfKnowledge, encryptionKey: p.encryptionKey };
      const stored = r.round1[pkg.index];
      if (stored) {
        if (round1PackageHash(stored.package) === round1PackageHash(pkg)) return;
        throw new UrneError("ERR_CONFLICT", `trustee ${pkg.index} already posted another round-1 package`, { field: "package.index" });
      }
      round1Commitment(r.params, pkg); // its shape and points, as the transcript will check them
      checkCeremonySignature(this.where(r), { kind: "round1", index: pkg.index, packageHash: round1PackageHash(pkg) }, body.signature as string);
      r.round1[pkg.index] = { package: pkg, signature: body.signature as string };
    });
  }

  /** Trustee `from`'s sealed shares, one for each other trustee, signed; once every package is in. */
  async postShares(ceremonyId: string, body: { from?: unknown; messages?: unknown; signature?: unknown }): Promise<CeremonyView> {
    return this.update(ceremonyId, (r) => {
      if (statusOf(r) === "round1") throw new UrneError("ERR_CONFLICT", "shares come once every trustee's round-1 package is in", { field: "from" });
      const n = r.params.trustees.length;
      const from = body.from as number;
      if (!Number.isInteger(from) || from < 1 || from > n) bad("from", `must be a trustee index in 1..${n}`);
      if (!Array.isArray(body.messages)) bad("messages", "must be an array");
      const messages = (body.messages as { to?: unknown; envelope?: unknown }[]).map((m, i): ShareMessage => {
        if (!Number.isInteger(m?.to) || (m.to as number) < 1 || (m.to as number) > n || m.to === from) bad(`messages[${i}].to`, `must be another trustee's index in 1..${n}`);
        if (!isHex(m.envelope, SHARE_ENVELOPE_BYTES)) bad(`messages[${i}].envelope`, `must be ${SHARE_ENVELOPE_BYTES} bytes, hex`);
        return { from, to: m.to as number, envelope: m.envelope as string };
      });
      if (new Set(messages.map((m) => m.to)).size !== n - 1 || messages.length !== n - 1) bad("messages", `must hold one share for each of the ${n - 1} other trustees`);
      if (!isHex(body.signature, 65)) bad("signature", "must be 65 bytes, hex");
      const hash = sharesHash(from, messages);
      const stored = r.shares[from];
      if (stored) {
        if (sharesHash(from, stored.messages) === hash) return;
        throw new UrneError("ERR_CONFLICT", `trustee ${from} already posted other shares`, { field: "from" });
      }
      checkCeremonySignature(this.where(r), { kind: "shares", from, sharesHash: hash }, body.signature as string);
      r.shares[from] = { messages: [...messages].sort((a, b) => a.to - b.to), signature: body.signature as string };
    });
  }

  /** Trustee `index` accepts the transcript: its digest must be the transcript's. */
  async postAccept(ceremonyId: string, body: { index?: unknown; transcriptDigest?: unknown; signature?: unknown }): Promise<CeremonyView> {
    return this.update(ceremonyId, (r) => {
      const status = statusOf(r);
      if (status === "round1" || status === "shares") throw new UrneError("ERR_CONFLICT", "a trustee accepts once every trustee dealt its shares", { field: "index" });
      const index = body.index as number;
      if (!Number.isInteger(index) || index < 1 || index > r.params.trustees.length) bad("index", `must be a trustee index in 1..${r.params.trustees.length}`);
      const digest = ceremonyDigest(transcriptOf(r));
      if (body.transcriptDigest !== digest) bad("transcriptDigest", `is not this ceremony's transcript digest (${digest})`);
      if (!isHex(body.signature, 65)) bad("signature", "must be 65 bytes, hex");
      if (r.accepts[index]) return;
      checkCeremonySignature(this.where(r), { kind: "accept", index, transcriptDigest: digest }, body.signature as string);
      r.accepts[index] = { transcriptDigest: digest, signature: body.signature as string };
    });
  }
}

const transcriptOf = (r: CeremonyRecord): CeremonyTranscript => ({ params: r.params, round1: r.params.trustees.map((_, i) => r.round1[i + 1].package), ...(r.operator ? { operator: r.operator } : {}) });

/** The vault's id of a ceremony's operator key. */
export const operatorKeyId = (ceremonyId: string) => `operator:${ceremonyId.toLowerCase()}`;

/** o, from the vault's secp256k1 key object. */
export const operatorSecretOf = (key: KeyObject): bigint => BigInt("0x" + Buffer.from(key.export({ format: "jwk" }).d!, "base64url").toString("hex"));

function statusOf(r: CeremonyRecord): CeremonyStatus {
  const n = r.params.trustees.length;
  if (Object.keys(r.round1).length < n) return "round1";
  if (Object.keys(r.shares).length < n) return "shares";
  if (Object.keys(r.accepts).length < n) return "accept";
  return "done";
}

function view(r: CeremonyRecord): CeremonyView {
  const status = statusOf(r);
  let electionKey: string | null = null;
  let transcriptDigest: string | null = null;
  if (status !== "round1") {
    try {
      const t = transcriptOf(r);
      electionKey = electionKeyHex(t);
      transcriptDigest = ceremonyDigest(t);
    } catch (error) {
      if (!(error instanceof CeremonyError)) throw error;
    }
  }
  return { ...r, status, electionKey, transcriptDigest };
}
