// The organizer's ballot, checked at the edge (docs/STYLE.md habit 6): every rule of PROTOCOL.md
// §2 plus the API's own (times, lengths, eligibility), each failure naming the field as
// the organizer wrote it ("ballot.options[2]"). What passes here cannot make the
// contract's createBallot revert.
import { BallotKind, DEFAULT_SINGLE_CHOICE_OPTIONS, MAX_OPTIONS } from "../../protocol/ballot.js";
import { UrneError } from "../../protocol/errors.js";
import { textFault } from "../http/text.js";

export const BALLOT_KIND_NAMES = { single_choice: BallotKind.SingleChoice, multiple_choice: BallotKind.MultipleChoice, majority_judgment: BallotKind.MajorityJudgment } as const;
export type BallotKindName = keyof typeof BALLOT_KIND_NAMES;
export const kindName = (kind: number): BallotKindName =>
  (Object.keys(BALLOT_KIND_NAMES) as BallotKindName[]).find((k) => BALLOT_KIND_NAMES[k] === kind)!;

export const QUESTION_MAX = 1000;
export const OPTION_MAX = 200;
export const MINIMUM_AGE_MAX = 120;
/** How far in the past `opensAt` may lie (clock skew between organizer and API). */
export const OPENS_AT_SKEW_SECONDS = 300;
/** Longest ballot: one year. */
export const MAX_DURATION_SECONDS = 366 * 86_400;

/** A valid ballot as the API stores it and sends it to the chain. Times are Unix seconds. */
export type BallotDraft = {
  question: string;
  kind: BallotKindName;
  options: string[];
  minChoices: number;
  maxChoices: number;
  opensAt: number;
  closesAt: number;
  allowRevote: boolean;
  liveResults: boolean;
  eligibility: { minimumAge: number | null };
  /**
   * PROTOCOL.md §11: a sealed ballot's choices are encrypted under the election key of a
   * finished key ceremony of the same app; a public one's are in clear on chain (§5).
   * Absent in records made before sealed ballots: public. Required in every new ballot.
   */
  sealing?: BallotSealing;
};

export type BallotSealing = { kind: "public" } | { kind: "sealed"; ceremonyId: string };

const FIELDS = ["question", "kind", "options", "minChoices", "maxChoices", "opensAt", "closesAt", "allowRevote", "liveResults", "eligibility", "sealing"];
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const fail = (field: string, why: string): never => {
  throw new UrneError("ERR_INVALID_BALLOT", `${field} ${why}`, { field });
};

/** Free text (server/http/text.ts): well-formed, one line, no bidi override; kept as given. */
function text(value: unknown, field: string, max: number): string {
  if (typeof value !== "string") return fail(field, "must be a string");
  // Length first: the checks below then scan a bounded string. Counted in UTF-16 code units.
  if (value.length > max) fail(field, `must be at most ${max} characters`);
  const fault = textFault(value);
  if (fault !== undefined) fail(field, fault);
  if (value.trim().length === 0) fail(field, "must not be empty");
  if (value !== value.trim()) fail(field, "must not start or end with spaces");
  return value;
}

function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) fail(field, `must be an integer in [${min}, ${max}]`);
  return value as number;
}

function bool(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") fail(field, "must be true or false");
  return value as boolean;
}

function instant(value: unknown, field: string): number {
  if (typeof value !== "string" || !ISO_INSTANT.test(value)) return fail(field, "must be an ISO 8601 date-time with a time zone, e.g. 2026-12-01T18:00:00Z");
  const ms = Date.parse(value as string);
  // Date.parse rolls 30 February over to March: check the calendar date itself.
  const [y, m, d] = (value as string).slice(0, 10).split("-").map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  if (Number.isNaN(ms) || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) fail(field, "is not a valid date-time");
  return Math.floor(ms / 1000);
}

function options(value: unknown, kind: BallotKindName): string[] {
  if (value === undefined && kind === "single_choice") return [...DEFAULT_SINGLE_CHOICE_OPTIONS];
  if (value === undefined) return fail("ballot.options", `is required for kind "${kind}"`);
  if (!Array.isArray(value)) return fail("ballot.options", "must be an array of labels");
  if (value.length < 2 || value.length > MAX_OPTIONS) fail("ballot.options", `must have 2 to ${MAX_OPTIONS} entries`);
  const labels = value.map((v, i) => text(v, `ballot.options[${i}]`, OPTION_MAX));
  const seen = new Map<string, number>();
  labels.forEach((label, i) => {
    const key = label.normalize("NFC").toLocaleLowerCase("fr");
    if (seen.has(key)) fail(`ballot.options[${i}]`, `repeats ballot.options[${seen.get(key)}]`);
    seen.set(key, i);
  });
  return labels;
}

/**
 * Checks a POST /v1/ballots body; `now` in Unix seconds. Every field is checked, so that an
 * organizer learns every fault at once: the refusal names the first (`field`, the message)
 * and lists them all (`faults`). A field that depends on a faulty one (the bounds on faulty
 * options) is checked only once that one is right.
 */
export function parseBallotInput(body: unknown, now: number): BallotDraft {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return fail("ballot", "must be a JSON object");
  const input = body as Record<string, unknown>;
  const faults: { field: string; message: string }[] = [];
  /** `check()`'s value, or undefined (its fault recorded) when it refuses the input. */
  const checked = <T>(check: () => T): T | undefined => {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof UrneError) || error.code !== "ERR_INVALID_BALLOT") throw error;
      faults.push({ field: error.field ?? "ballot", message: error.message });
      return undefined;
    }
  };
  for (const key of Object.keys(input)) if (!FIELDS.includes(key)) checked(() => fail(`ballot.${key}`, "is not a ballot field"));

  const question = checked(() => text(input.question, "ballot.question", QUESTION_MAX));
  // Absent means the default; null is refused like any other value that is not a kind.
  const kind = checked((): BallotKindName => {
    const kindValue = input.kind === undefined ? "single_choice" : input.kind;
    if (typeof kindValue !== "string" || !Object.hasOwn(BALLOT_KIND_NAMES, kindValue)) {
      fail("ballot.kind", `must be one of ${Object.keys(BALLOT_KIND_NAMES).join(", ")}`);
    }
    return kindValue as BallotKindName;
  });
  const labels = kind === undefined ? undefined : checked(() => options(input.options, kind));

  let minChoices = 0, maxChoices = 0;
  if (kind === "multiple_choice") {
    if (labels !== undefined) {
      minChoices = checked(() => (input.minChoices === undefined ? 1 : integer(input.minChoices, "ballot.minChoices", 1, labels.length))) ?? 0;
      maxChoices = checked(() => (input.maxChoices === undefined ? labels.length : integer(input.maxChoices, "ballot.maxChoices", 1, labels.length))) ?? 0;
      if (minChoices > 0 && maxChoices > 0 && maxChoices < minChoices) checked(() => fail("ballot.maxChoices", `must be at least ballot.minChoices (${minChoices})`));
    }
  } else if (kind !== undefined) {
    // PROTOCOL.md §2.2: these kinds have no bounds; refuse rather than silently ignore.
    if (input.minChoices !== undefined) checked(() => fail("ballot.minChoices", `is only for kind "multiple_choice"`));
    if (input.maxChoices !== undefined) checked(() => fail("ballot.maxChoices", `is only for kind "multiple_choice"`));
  }

  const opensAt = checked(() => {
    const at = input.opensAt === undefined ? now : instant(input.opensAt, "ballot.opensAt");
    if (at < now - OPENS_AT_SKEW_SECONDS) fail("ballot.opensAt", "must not be in the past");
    return at;
  });
  const closesAt = checked(() => {
    if (input.closesAt === undefined) fail("ballot.closesAt", "is required");
    const at = instant(input.closesAt, "ballot.closesAt");
    if (at <= now) fail("ballot.closesAt", "must be in the future");
    // Against the opening only when the opening itself is right.
    if (opensAt !== undefined && at <= opensAt) fail("ballot.closesAt", "must be after ballot.opensAt");
    if (opensAt !== undefined && at - opensAt > MAX_DURATION_SECONDS) fail("ballot.closesAt", "must be at most one year after ballot.opensAt");
    return at;
  });

  const minimumAge = checked(() => {
    if (input.eligibility === undefined) return null;
    const e = input.eligibility;
    if (typeof e !== "object" || e === null || Array.isArray(e)) return fail("ballot.eligibility", "must be an object");
    for (const key of Object.keys(e)) if (key !== "minimumAge") fail(`ballot.eligibility.${key}`, "is not an eligibility rule (known: minimumAge)");
    const age = (e as Record<string, unknown>).minimumAge;
    return age !== undefined && age !== null ? integer(age, "ballot.eligibility.minimumAge", 0, MINIMUM_AGE_MAX) : null;
  });

  const sealing = checked(() => sealingOf(input.sealing));
  const liveResults = checked(() => {
    const live = bool(input.liveResults, "ballot.liveResults", false);
    // §11.9: no count of a sealed ballot exists before its trustees open the tally.
    if (sealing?.kind === "sealed" && live) fail("ballot.liveResults", "must be false for a sealed ballot: its counts exist only once its trustees open the tally after the close");
    return live;
  });
  const allowRevote = checked(() => bool(input.allowRevote, "ballot.allowRevote", false));

  if (faults.length > 0) throw new UrneError("ERR_INVALID_BALLOT", faults[0].message, { field: faults[0].field, faults });
  return {
    question: question!,
    kind: kind!,
    options: labels!,
    minChoices,
    maxChoices,
    opensAt: opensAt!,
    closesAt: closesAt!,
    allowRevote: allowRevote!,
    liveResults: liveResults!,
    eligibility: { minimumAge: minimumAge ?? null },
    sealing: sealing!,
  };
}

/**
 * `{ "ceremony": "0x…" }` (a key ceremony's id, 32 bytes): a sealed ballot, what a ballot is
 * unless its organizer says otherwise (PROTOCOL.md §11); `"public"`: choices in clear on
 * chain, said so to voters. Never left to a default: a ballot is not made public by omission.
 */
function sealingOf(value: unknown): BallotSealing {
  if (value === undefined) return fail("ballot.sealing", `is required: { "ceremony": "<id of a finished key ceremony>" } for a sealed ballot, or "public" for a ballot whose choices are public on chain`);
  if (value === "public") return { kind: "public" };
  if (typeof value !== "object" || value === null || Array.isArray(value)) return fail("ballot.sealing", `must be "public" or { "ceremony": "<key ceremony id>" }`);
  for (const key of Object.keys(value)) if (key !== "ceremony") fail(`ballot.sealing.${key}`, `is not a sealing field (known: ceremony)`);
  const ceremony = (value as { ceremony?: unknown }).ceremony;
  if (typeof ceremony !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(ceremony)) return fail("ballot.sealing.ceremony", "must be a key ceremony id (0x and 64 hex digits)");
  return { kind: "sealed", ceremonyId: ceremony.toLowerCase() };
}
