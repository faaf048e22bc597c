import { expect } from "chai";
import { ageOn, checkEligibility } from "../../../server/identity/eligibility.js";
import { expectIdentityError } from "./expect-error.js";

// Noon UTC: the same calendar day in Paris, whatever the season.
const day = (iso: string) => new Date(`${iso}T12:00:00Z`);

describe("identity: eligibility", () => {
  describe("ageOn", () => {
    it("counts full years, gaining one on the birthday itself", () => {
      expect(ageOn("2008-12-01", day("2026-11-30"))).to.equal(17);
      expect(ageOn("2008-12-01", day("2026-12-01"))).to.equal(18);
      expect(ageOn("1980-03-14", day("2026-11-22"))).to.equal(46);
    });

    it("reads the instant on the Paris calendar (00:30 in Paris is already the next day)", () => {
      // 2026-11-30T23:30Z is 2026-12-01 00:30 in Paris (UTC+1 in winter).
      expect(ageOn("2008-12-01", new Date("2026-11-30T23:30:00Z"))).to.equal(18);
      expect(ageOn("2008-12-01", new Date("2026-11-30T22:30:00Z"))).to.equal(17);
    });

    it("gives someone born on 29 February their year on 1 March in non-leap years", () => {
      expect(ageOn("2008-02-29", day("2026-02-28"))).to.equal(17);
      expect(ageOn("2008-02-29", day("2026-03-01"))).to.equal(18);
      expect(ageOn("2008-02-29", day("2028-02-29"))).to.equal(20);
    });

    it("refuses a birthdate that is not a real YYYY-MM-DD date, without echoing it", async () => {
      for (const bad of ["2008-02-30", "2008-13-01", "08-01-01", "2008-1-1", "", "2008-01-01T00:00:00Z"]) {
        const error = await expectIdentityError(() => ageOn(bad, day("2026-11-22")), "ERR_IDENTITY_INVALID", "birthdate");
        if (bad !== "") expect(error.message).not.to.include(bad);
      }
    });
  });

  describe("checkEligibility", () => {
    const closesOn = day("2026-12-01");

    it("accepts an adult and any identity when there is no age rule", () => {
      checkEligibility({ minimumAge: 18, atDate: closesOn }, { birthdate: "1980-03-14" });
      checkEligibility({ atDate: closesOn }, { birthdate: "2012-09-30" });
    });

    it("refuses a minor for a minimum age of 18 at the close date, naming the rule", async () => {
      const error = await expectIdentityError(
        () => checkEligibility({ minimumAge: 18, atDate: closesOn }, { birthdate: "2012-09-30" }),
        "ERR_NOT_ELIGIBLE",
        "birthdate",
      );
      expect(error.details).to.include({ rule: "minimumAge", minimumAge: 18 });
      expect(error.message).not.to.include("2012");
    });

    it("accepts a citizen who turns 18 on the close date", () => {
      checkEligibility({ minimumAge: 18, atDate: closesOn }, { birthdate: "2008-12-01" });
    });

    it("refuses a citizen who turns 18 the day after the close date", async () => {
      await expectIdentityError(
        () => checkEligibility({ minimumAge: 18, atDate: closesOn }, { birthdate: "2008-12-02" }),
        "ERR_NOT_ELIGIBLE",
      );
    });

    it("judges at the close date, not today: a 17-year-old who is 18 by the close may vote", () => {
      expect(ageOn("2008-11-25", day("2026-11-22"))).to.equal(17);
      checkEligibility({ minimumAge: 18, atDate: closesOn }, { birthdate: "2008-11-25" });
    });

    it("treats a malformed minimum age as caller misuse", () => {
      expect(() => checkEligibility({ minimumAge: 17.5, atDate: closesOn }, { birthdate: "1980-03-14" })).to.throw(TypeError);
    });
  });
});
