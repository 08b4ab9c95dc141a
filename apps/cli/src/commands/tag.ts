import type { Command } from 'commander';
import { createReadStream, createWriteStream, existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@trimod/core';
import { readCaptions, type PostInput } from '@trimod/trimod';
import { combineOption, loadTagger, modelList } from '../load-tagger';
import { resolveModel } from '../default-model';
import { guessFormat, INPUT_FORMATS, openInput, readRecords, type InputFormat } from '../tag/records';
import { LineWriter, resumePoint } from '../tag/output';
import { RateMeter } from '../tag/rate-meter';
import { withSidecars } from '../tag/sidecars';
import { defaultWorkers, openTagging } from '../tag/tagging';

interface TagOptions {
  format?: string;
  out?: string;
  resume?: boolean;
  batchSize: string;
  captions?: string;
  images?: string;
  model?: string;
  combine?: string;
  backend: string;
  quiet?: boolean;
  progress?: boolean;
  workers?: string;
}

/** Exit status when some records could not be tagged (the others were, and were written). */
export const EXIT_RECORD_ERRORS = 3;

export function register(program: Command): void {
  program
    .command('tag')
    .description('tag many posts from a file or stdin, writing one JSON line per post, in input order')
    .argument('[file]', 'input file, or - (the default) for stdin')
    .option('--format <format>', `input format: ${INPUT_FORMATS.join(', ')} (default: jsonl for .jsonl and stdin, twitter for IMGID files, else text)`)
    .option('--out <file>', 'write the JSON lines here instead of stdout')
    .option('--resume', 'continue an interrupted run: keep the records --out already holds and tag the rest')
    .option('--batch-size <n>', 'posts per forward pass', '32')
    .option('--workers <n>', 'worker threads tagging in parallel, each with its own copy of the model; 1 tags in this process (default: one per core, at most 4, for a file on wasm or cpu; 1 for stdin and webgpu)')
    .option('--captions <file>', 'JSON map {"<id>.jpg": "caption"} for records without a caption')
    .option('--images <dir>', 'folder that image paths are relative to (twitter format: <dir>/<IMGID>.jpg when it exists)')
    .option('--model <dir>', 'model folder (default: the bundled model); several separated by commas: an ensemble')
    .option('--combine <how>', 'how an ensemble combines its models: marginals (average the CRF posteriors) or scores (average emissions and transitions)')
    .option('--backend <name>', 'webgpu, wasm, cpu or auto', 'auto')
    .option('--progress', 'show progress on stderr (the default)')
    .option('--quiet', 'no progress on stderr')
    .action(async (file: string | undefined, o: TagOptions) => {
      const input = file === undefined || file === '-' ? null : file;
      const batchSize = Number(o.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`--batch-size must be a positive integer, got "${o.batchSize}"`);
      const workersOption = o.workers === undefined ? null : Number(o.workers);
      if (workersOption !== null && !(Number.isInteger(workersOption) && workersOption >= 1)) throw new Error(`--workers must be a positive integer, got "${o.workers}"`);
      if (o.format !== undefined && !INPUT_FORMATS.includes(o.format as InputFormat)) {
        throw new Error(`--format must be one of ${INPUT_FORMATS.join(', ')}, got "${o.format}"`);
      }
      if (input !== null && !existsSync(input)) throw new Error(`input file ${input} does not exist`);
      if (o.resume && !o.out) throw new Error('--resume needs --out (the file to continue)');
      if (o.images && !(existsSync(o.images) && statSync(o.images).isDirectory())) throw new Error(`--images ${o.images} is not a folder`);
      const models = modelList(o.model);
      const combine = combineOption(o.combine);
      const format = (o.format as InputFormat | undefined) ?? guessFormat(input, input ? firstLine(input) : null);
      const captions = o.captions ? await readCaptions(o.captions) : null;
      const resume = o.resume ? await resumePoint(o.out!) : { done: 0, lastId: null };
      const total = input ? await countRecords(input, format) : null;

      if (workersOption !== null && workersOption > 1 && (models.length > 1 || combine !== undefined)) throw new Error('--workers: an ensemble (--model with several folders, or --combine) tags in this process only; leave --workers out or give 1');
      await initBackend(o.backend as 'auto');
      // Workers run the backend this process resolved 'auto' to, so every one computes alike.
      const backend = tf.getBackend();
      const ensemble = models.length > 1 || combine !== undefined;
      const workers = ensemble ? 1 : workersOption ?? defaultWorkers({ fromFile: input !== null, backend, posts: total === null ? null : total - resume.done, batchSize });
      const tagging = await openTagging({ workers, load: () => loadTagger(models, combine), model: resolveModel(models[0]), backend });
      const where = input ?? 'stdin';
      // Problems found while reading (a line that is not JSON) travel beside the stream: results
      // come back one per record, in order, so the n-th problem belongs to the n-th result.
      const problems: Array<string | undefined> = [];
      async function* posts(): AsyncGenerator<PostInput> {
        let n = 0;
        for await (const record of readRecords(openInput(input), format, where)) {
          if (n++ < resume.done) {
            if (n === resume.done && resume.lastId !== null && String(record.id) !== String(resume.lastId)) {
              throw new Error(`--resume: ${o.out} ends with record ${JSON.stringify(resume.lastId)} but record ${resume.done} of the input is ${JSON.stringify(record.id)}: not the same input`);
            }
            continue;
          }
          problems.push(record.problem);
          yield withSidecars(record, format, captions, o.images ?? null);
        }
      }

      const out = new LineWriter(o.out ? createWriteStream(o.out, { flags: o.resume ? 'a' : 'w' }) : process.stdout);
      const meter = o.quiet ? null : new RateMeter('tag', total, resume.done);
      let errors = 0;
      try {
        for await (const result of tagging.stream(posts(), { batchSize })) {
          const problem = problems.shift();
          if (problem !== undefined) {
            result.error = problem;
            result.entities = [];
          }
          if (result.error !== undefined) errors++;
          const { id, text, caption, entities, error } = result;
          await out.write(JSON.stringify({ id, text, caption, entities, error }));
          meter?.tick();
        }
      } finally {
        await out.close();
        await tagging.close();
      }
      meter?.done();
      // Said even with --quiet: it explains the exit status.
      if (errors > 0) process.stderr.write(`${errors} record(s) could not be tagged (their lines carry "error")\n`);
      if (errors > 0) process.exitCode = EXIT_RECORD_ERRORS;
    });
}

function firstLine(file: string): string | null {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(256);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return n === 0 ? null : buf.subarray(0, n).toString('utf8').split(/\r?\n/)[0];
  } finally {
    closeSync(fd);
  }
}

/** How many records a file holds (a quick pass over its lines), for the progress ETA. */
async function countRecords(file: string, format: InputFormat): Promise<number> {
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (format === 'text' || (format === 'jsonl' && line.trim() !== '') || (format === 'twitter' && line.replace(/^\uFEFF/, '').startsWith('IMGID:'))) n++;
  }
  return n;
}
