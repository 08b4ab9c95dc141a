// Runs the CLI from sources (npx tsx --tsconfig tsconfig.dev.json apps/cli/src/dev.ts ...).
import { main } from './index';

main(process.argv).catch((err) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exit(1);
});
