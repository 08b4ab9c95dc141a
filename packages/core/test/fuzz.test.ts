import { tokenizerProperties } from '../fuzz/tokenizer.fuzz';

// The fuzz target's properties with a few seeded inputs, so CI runs them; `npm run fuzz` at the
// repository root runs them with 10,000 inputs each and a new seed.
describe('tokenizer fuzz target (seeded, small)', () => {
  for (const p of tokenizerProperties) it(p.name, async () => {
    await p.run({ numRuns: 500, seed: 42 });
  });
});
