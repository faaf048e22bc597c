// Asserting on custom errors WITH their arguments, decoded from the revert data with the
// contract's ABI: never on message text, which differs from one node to another.
import { expect } from "chai";
import { isError, type Interface } from "ethers";

export type DecodedError = { name: string; args: unknown[]; data: string };

/** The revert data carried by an ethers error (eth_call, eth_estimateGas), or undefined. */
export function revertData(error: unknown): string | undefined {
  const e = error as { data?: unknown; info?: { error?: { data?: unknown } }; error?: { data?: unknown } };
  for (const candidate of [e?.data, e?.info?.error?.data, e?.error?.data]) {
    if (typeof candidate === "string" && /^0x[0-9a-fA-F]*$/.test(candidate)) return candidate;
    const nested = (candidate as { data?: unknown } | undefined)?.data;
    if (typeof nested === "string" && /^0x[0-9a-fA-F]*$/.test(nested)) return nested;
  }
  return undefined;
}

/** Decodes custom-error data; fails the test if the ABI does not know the selector. */
export function decodeError(iface: Interface, data: string): DecodedError {
  const parsed = iface.parseError(data);
  if (!parsed) throw new Error(`unknown custom error in revert data ${data}`);
  return { name: parsed.name, args: [...parsed.args], data };
}

/** Awaits a call that must revert, and returns its decoded custom error. */
export async function revertOf(iface: Interface, call: Promise<unknown>): Promise<DecodedError> {
  try {
    await call;
  } catch (error) {
    const data = revertData(error);
    if (data === undefined) {
      if (isError(error, "CALL_EXCEPTION")) throw new Error(`reverted without data: ${error.shortMessage}`);
      throw error;
    }
    return decodeError(iface, data);
  }
  throw new Error("expected the call to revert, it succeeded");
}

/** Expects `call` to revert with the custom error `name` and exactly `args`. */
export async function expectRevert(iface: Interface, call: Promise<unknown>, name: string, args: unknown[]): Promise<DecodedError> {
  const decoded = await revertOf(iface, call);
  expect({ name: decoded.name, args: decoded.args }).to.deep.equal({ name, args });
  return decoded;
}
