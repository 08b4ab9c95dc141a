import type { Command } from 'commander';
import { register as doctor } from './doctor';

/** Every subcommand of `trimod`; each file under commands/ adds one. */
export const commands: Array<(program: Command) => void> = [doctor];
