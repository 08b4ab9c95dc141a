import type { Command } from 'commander';
import { register as doctor } from './doctor';
import { register as predict } from './predict';
import { register as train } from './train';
import { register as evaluate } from './eval';
import { register as bench } from './bench';
import { register as caption } from './caption';
import { register as segment } from './segment';

/** Every subcommand of `trimod`; each file under commands/ adds one. */
export const commands: Array<(program: Command) => void> = [predict, train, evaluate, segment, caption, bench, doctor];
