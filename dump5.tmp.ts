import { Wallet, hexlify, randomBytes, getCreateAddress } from "ethers";
import { newGenesis } from "./server/chain/genesis.js";
import { sealOnEdr } from "./test/chain/engine/edr-sealed-journal.js";
const a = new Wallet(hexlify(randomBytes(32)));
const g = newGenesis({ accounts: [a.address], now: new Date(1_800_000_000_000) });
const chainId = BigInt(g.chainId);
const runtime = "43600052" + "42602052" + "48604052" + "44606052" + "41608052" + "4560a052" + "4660c052" + "3a60e052" + "6101006000f3";
const len = runtime.length / 2;
const init = "0x60" + len.toString(16).padStart(2, "0") + "600c60003960" + len.toString(16).padStart(2, "0") + "6000f3" + runtime;
const fee = { maxFeePerGas: 5_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n };
const { evm, records } = await sealOnEdr(g, [[await a.signTransaction({ type: 2, chainId, nonce: 0, data: init, gasLimit: 200000n, ...fee })], []]);
const to = getCreateAddress({ from: a.address, nonce: 0 });
console.log("head ts", records.at(-1)!.timestamp, "now", Math.floor(Date.now() / 1000));
for (const tag of ["latest", "0x1", "pending"]) {
  const out = await evm.request({ method: "eth_call", params: [{ to, data: "0x" }, tag] }) as string;
  console.log(tag, out.slice(2).match(/.{64}/g)!.map((w) => BigInt("0x" + w).toString(16)));
}
const out = await evm.request({ method: "eth_call", params: [{ to, data: "0x", gasPrice: "0x5" }, "latest"] }) as string;
console.log("gp5", out.slice(2).match(/.{64}/g)!.map((w) => BigInt("0x" + w).toString(16)));
await evm.request({ method: "evm_increaseTime", params: [1000] });
const out2 = await evm.request({ method: "eth_call", params: [{ to, data: "0x" }, "latest"] }) as string;
console.log("after increaseTime", out2.slice(2).match(/.{64}/g)!.map((w) => BigInt("0x" + w).toString(16)));
try { await evm.request({ method: "eth_call", params: [{ to: a.address, data: "0x", from: a.address }, "latest"] }); } catch (e) { console.log(e); }
console.log(await evm.request({ method: "eth_estimateGas", params: [{ to, data: "0x" }] }));
try { console.log(await evm.request({ method: "eth_call", params: [{ data: "0x60006000fd" }, "latest"] })); } catch (e: any) { console.log("revert:", e.code, e.message, e.data); }
try { console.log(await evm.request({ method: "eth_call", params: [{ data: "0x6020600060003960206000fd" }, "latest"] })); } catch (e: any) { console.log("revert data:", e.code, e.message, e.data); }
try { console.log(await evm.request({ method: "eth_estimateGas", params: [{ data: "0x6020600060003960206000fd" }] })); } catch (e: any) { console.log("estimate revert:", e.code, e.message, e.data); }
