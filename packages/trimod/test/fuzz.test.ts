import { dataReaderProperties } from '../fuzz/data-reader.fuzz';

// The fuzz target's properties with a few seeded inputs, so CI runs them; `npm run fuzz` at the
// repository root runs them with 10,000 inputs each and a new seed.
describe('data reader fuzz target (seeded, small)', () => {
  for (const p of dataReaderProperties) it(p.name, () => p.run({ numRuns: 500, seed: 42 }));
});
