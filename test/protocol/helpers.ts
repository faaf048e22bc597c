// Assertions shared by the protocol tests.
import { expect } from "chai";
import { UrneError } from "../../protocol/index.js";

/** Runs `fn` and checks it throws a UrneError with this code and field. */
export function expectUrneError(fn: () => unknown, code: string, field?: string): UrneError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, "expected a UrneError").to.be.instanceOf(UrneError);
  const err = thrown as UrneError;
  expect(err.code).to.equal(code);
  if (field !== undefined) expect(err.field).to.equal(field);
  return err;
}

/** Same for a promise. */
export async function expectUrneErrorAsync(p: Promise<unknown>, code: string, field?: string): Promise<UrneError> {
  let thrown: unknown;
  try {
    await p;
  } catch (e) {
    thrown = e;
  }
  return expectUrneError(() => {
    if (thrown !== undefined) throw thrown;
  }, code, field);
}
