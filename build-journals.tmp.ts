import { buildVoteChain } from "./scripts/bench/lib/vote-chain.js";
for (const votes of process.argv.slice(2).map(Number)) {
  const t = performance.now();
  await buildVoteChain(`/tmp/eng/journals/votes-${votes}`, { votes, log: console.log });
  console.log(`built ${votes} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
