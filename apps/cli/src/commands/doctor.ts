import type { Command } from 'commander';
import { diagnose, formatDiagnosis } from '../diagnose';

export function register(program: Command): void {
  program
    .command('doctor')
    .description('check Node, each backend (webgpu, wasm, cpu) and the GPU adapter on this machine')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const report = await diagnose();
      process.stdout.write(opts.json ? JSON.stringify(report) + '\n' : formatDiagnosis(report));
    });
}
