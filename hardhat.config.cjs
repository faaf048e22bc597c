// Hardhat 2 refuses an ESM config (HH19), hence CommonJS. Hardhat has one job here:
// compiling contracts/ with the npm `solc` package (this machine cannot download
// compilers). The embedded chain builds its own EDR network (server/chain/evm.ts).
const path = require("node:path");
const { subtask } = require("hardhat/config");
const { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } = require("hardhat/builtin-tasks/task-names");
const { evmVersion } = require("./contracts/toolchain.json");

const SOLC_VERSION = require("solc/package.json").version;

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper();
  return {
    compilerPath: path.join(path.dirname(require.resolve("solc/package.json")), "soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: require("solc").version(),
  };
});

/** @type {import("hardhat/types").HardhatUserConfig} */
module.exports = {
  solidity: {
    version: SOLC_VERSION,
    // storageLayout: the slots of BallotBox's mappings reach protocol/generated (export-abi.ts),
    // for readers of a voter's record by eth_getStorageAt. Output selection does not enter the
    // metadata: the bytecode is the same.
    settings: { evmVersion, optimizer: { enabled: true, runs: 10000 }, outputSelection: { "*": { "*": ["storageLayout"] } } },
  },
  paths: { sources: "./contracts", artifacts: "./build/artifacts", cache: "./build/cache" },
};
