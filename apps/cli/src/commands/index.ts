import type { Command } from 'commander';
import { register as doctor } from './doctor';
import { register as predict } from './predict';
import { register as train } from './train';
import { register as evaluate } from './eval';
import { register as bench } from './bench';
import { register as caption } from './caption';
import { register as segment } from './segment';
import { register as enqueue } from './enqueue';
import { register as worker } from './worker';
import { register as collect } from './collect';
import { register as serve } from './serve';
import { register as tag } from './tag';

/** Every subcommand of `trimod`; each file under commands/ adds one. */
export const commands: Array<(program: Command) => void> = [predict, tag, train, evaluate, segment, caption, serve, enqueue, worker, collect, bench, doctor];
