import { expect } from "chai";
import { IdentityError, type IdentityErrorCode } from "../../../server/identity/errors.js";

/** Asserts on the error's code (and field), never on its message text. */
export async function expectIdentityError(action: Promise<unknown> | (() => unknown), code: IdentityErrorCode, field?: string): Promise<IdentityError> {
  let caught: unknown;
  try {
    await (typeof action === "function" ? action() : action);
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${code}`).to.be.instanceOf(IdentityError);
  const error = caught as IdentityError;
  expect(error.code).to.equal(code);
  if (field !== undefined) expect(error.field).to.equal(field);
  return error;
}
