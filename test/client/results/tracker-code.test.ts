// The results page's search reads a tracking code as people type it (client/results/tracker-list.ts):
// any case, spaces or dashes, Crockford's look-alikes (O for 0, I and L for 1); anything else is refused.
import { expect } from "chai";
import { normalizeTrackerCode } from "../../../client/results/tracker-list.js";
import { trackerText } from "../../../protocol/sealed/tracker.js";

describe("results page: a tracking code as typed", () => {
  it("reads case, spaces, dashes and look-alikes as the code", () => {
    expect(normalizeTrackerCode("rq94 c0c6-ywhk s4ky")).to.equal("RQ94-C0C6-YWHK-S4KY");
    expect(normalizeTrackerCode("RQ94-COC6-YWHK-S4KY")).to.equal("RQ94-C0C6-YWHK-S4KY");
    expect(normalizeTrackerCode("1LI0-0000-0000-0000")).to.equal("1110-0000-0000-0000");
  });

  it("finds the code protocol/sealed/tracker.ts shows", () => {
    const code = trackerText("0x" + "ab".repeat(32));
    expect(normalizeTrackerCode(code.toLowerCase())).to.equal(code);
  });

  it("refuses what is not 16 Crockford characters", () => {
    for (const bad of ["", "RQ94-C0C6-YWHK", "RQ94-C0C6-YWHK-S4KYX", "RQ94-C0C6-YWHK-S4KU", "RQ94/C0C6/YWHK/S4KY"]) expect(normalizeTrackerCode(bad), bad).to.equal(undefined);
  });
});
