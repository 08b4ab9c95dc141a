import { Command } from 'commander';
import { commands } from './commands';
import { checkBackend } from './check-backend';
import { exitQuietlyOnClosedOutput } from './closed-stdout';
import { benchBackend } from './commands/bench';
import { benchData, type DataBenchSpec } from './bench-data';
import { version } from '../package.json';

/** Entry point of the `trimod` binary (bin/trimod.cjs calls it with process.argv). */
export async function main(argv: string[]): Promise<void> {
  exitQuietlyOnClosedOutput();
  // Internal: doctor runs each backend check in a child process of this same binary.
  if (argv[2] === '__check-backend') {
    const result = await checkBackend(argv[3] ?? '');
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  if (argv[2] === '__bench-data') {
    process.stdout.write(JSON.stringify(await benchData(argv[3] ?? '', argv[4] ?? 'default', JSON.parse(argv[5] ?? '{}') as DataBenchSpec)) + '\n');
    return;
  }
  if (argv[2] === '__bench-backend') {
    process.stdout.write(JSON.stringify(await benchBackend(argv[3] ?? '', argv[4] ?? 'default')) + '\n');
    return;
  }
  const program = new Command('trimod')
    .description('TriMod.js: multimodal named-entity recognition for social-media posts')
    .version(version, '-v, --version')
    .showHelpAfterError();
  for (const add of commands) add(program);
  await program.parseAsync(argv);
}
