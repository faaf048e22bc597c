import { expect } from "chai";
import { UrneError } from "../../../protocol/errors.js";
import { IdentityError, isIdentityError } from "../../../server/identity/errors.js";

describe("identity: IdentityError", () => {
  it("is an UrneError, so the API's one error handler maps it with the others", () => {
    const error = new IdentityError("ERR_LOGIN_STATE_MISMATCH", "msg", { field: "state", details: { a: 1 } });
    expect(error).to.be.instanceOf(UrneError);
    expect(error).to.include({ code: "ERR_LOGIN_STATE_MISMATCH", field: "state", name: "IdentityError", message: "msg" });
    expect(error.details).to.deep.equal({ a: 1 });
    expect(isIdentityError(error, "ERR_LOGIN_STATE_MISMATCH")).to.equal(true);
    expect(isIdentityError(error, "ERR_LOGIN_EXPIRED")).to.equal(false);
    expect(isIdentityError(new UrneError("ERR_LOGIN_EXPIRED", "x"))).to.equal(false);
  });
});
