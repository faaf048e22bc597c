import { IdentityError } from "./errors.js";

/** The ballot's eligibility rules that depend on identity. */
export interface EligibilityRules {
  /** Minimum age in full years, reached on or before `atDate` (e.g. 18). */
  minimumAge?: number;
  /** The instant the rule is judged at: the ballot's close, so a citizen who comes of age
   * while the ballot is open may vote from its start (as on a French electoral roll). */
  atDate: Date;
}

/** What eligibility needs to know about a citizen. */
export interface EligibilityIdentity {
  /** YYYY-MM-DD, as in the OIDC `birthdate` claim. */
  birthdate: string;
}

/**
 * Birthdates are calendar dates in France, so the instant is read as a date on the
 * Paris calendar: a ballot closing at 00:30 in Paris on the 2nd is judged on the 2nd,
 * though it is still the 1st in UTC.
 */
export const ELIGIBILITY_TIME_ZONE = "Europe/Paris";

const BIRTHDATE = /^(\d{4})-(\d{2})-(\d{2})$/;

interface CalendarDate { year: number; month: number; day: number }

function parseBirthdate(birthdate: string): CalendarDate {
  const match = BIRTHDATE.exec(birthdate);
  if (match !== null) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    // Round-trip through Date.UTC to refuse 2023-02-30 and the like.
    const check = new Date(Date.UTC(year, month - 1, day));
    if (check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day) {
      return { year, month, day };
    }
  }
  // The value itself is identity data: name the field, never echo it.
  throw new IdentityError("ERR_IDENTITY_INVALID", "The birthdate is not a valid YYYY-MM-DD date.", { field: "birthdate" });
}

function calendarDateIn(date: Date, timeZone: string): CalendarDate {
  if (Number.isNaN(date.getTime())) throw new TypeError("eligibility: invalid date");
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
    .formatToParts(date);
  const part = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  return { year: part("year"), month: part("month"), day: part("day") };
}

/**
 * Age in full years on `date` (read on the Paris calendar). The year is gained ON the
 * birthday; someone born on 29 February gains it on 1 March in non-leap years.
 */
export function ageOn(birthdate: string, date: Date, timeZone: string = ELIGIBILITY_TIME_ZONE): number {
  const born = parseBirthdate(birthdate);
  const on = calendarDateIn(date, timeZone);
  const beforeBirthday = on.month < born.month || (on.month === born.month && on.day < born.day);
  return on.year - born.year - (beforeBirthday ? 1 : 0);
}

/**
 * Throws ERR_NOT_ELIGIBLE when the identity does not meet the rules; returns otherwise.
 * The error names the rule, never the citizen's birthdate.
 */
export function checkEligibility(rules: EligibilityRules, identity: EligibilityIdentity): void {
  if (rules.minimumAge !== undefined) {
    if (!Number.isInteger(rules.minimumAge) || rules.minimumAge < 0) {
      throw new TypeError("checkEligibility: minimumAge must be a non-negative integer");
    }
    const age = ageOn(identity.birthdate, rules.atDate);
    if (age < rules.minimumAge) {
      const on = calendarDateIn(rules.atDate, ELIGIBILITY_TIME_ZONE);
      const day = `${on.year}-${String(on.month).padStart(2, "0")}-${String(on.day).padStart(2, "0")}`;
      throw new IdentityError(
        "ERR_NOT_ELIGIBLE",
        `This ballot is open to citizens aged ${rules.minimumAge} or more on its closing date (${day}).`,
        { field: "birthdate", details: { rule: "minimumAge", minimumAge: rules.minimumAge, atDate: rules.atDate.toISOString() } },
      );
    }
  }
}
