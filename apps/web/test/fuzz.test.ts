import { staticServerProperties, startStaticServer } from '../fuzz/static-server.fuzz';

// The static server's fuzz target with a few seeded inputs, so CI runs it; `npm run fuzz` at the
// repository root runs it with 10,000 inputs and a new seed.
const linux = process.platform === 'linux' ? it : it.skip; // descriptors are counted in /proc

describe('static server fuzz target (seeded, small)', () => {
  linux('runs every property', async () => {
    const server = await startStaticServer();
    try {
      for (const p of staticServerProperties(server.port, server.pid)) await p.run({ numRuns: 150, seed: 42 });
    } finally {
      await server.stop();
    }
  });
});
