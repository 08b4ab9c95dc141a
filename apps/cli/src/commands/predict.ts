import type { Command } from 'commander';
import { initBackend } from '@trimod/core';
import { TriMod, type Entity } from '@trimod/trimod';
import { resolveModel } from '../default-model';
import { backendOption, existingFile, modelOption } from '../options';

interface PredictOptions {
  model?: string;
  image?: string;
  caption?: string;
  json?: boolean;
  backend?: string;
}

export function register(program: Command): void {
  program
    .command('predict')
    .description('find the named entities in a post')
    .argument('<text...>', 'the post text')
    .option('--model <dir>', 'model folder (default: the bundled model)')
    .option('--image <file>', 'the post\'s image (JPEG or PNG; captioned for models that read captions)')
    .option('--caption <text>', 'a caption of the post\'s image, when there is no image file')
    .option('--backend <name>', 'webgpu, wasm, cpu or auto', 'auto')
    .option('--json', 'print one JSON object')
    .action(async (words: string[], opts: PredictOptions) => {
      // Every option is checked before the backend and the model load.
      const backendChoice = backendOption(opts.backend ?? 'auto');
      const modelDir = modelOption(opts.model);
      if (opts.image !== undefined) existingFile('--image', opts.image);
      // `trimod predict -` reads the post from stdin (many posts: `trimod tag`).
      const text = words.length === 1 && words[0] === '-' ? (await readStdin()).replace(/\r?\n$/, '') : words.join(' ');
      const { backend } = await initBackend(backendChoice);
      const model = await TriMod.load(resolveModel(modelDir));
      if (opts.image && !model.readsCaptions) {
        process.stderr.write('note: this model reads neither images nor captions; --image is ignored\n');
      }
      // The model captions the image itself (once, with the bundled captioner) when it reads captions.
      const results = model.predictStream([{ text, caption: opts.caption ?? null, image: opts.image ?? null }]);
      const { value: result } = await results.next();
      model.dispose();
      if (!result) throw new Error('predict: no result');
      if (result.error) throw new Error(result.error);
      const caption = result.caption ?? null;
      if (opts.json) {
        process.stdout.write(JSON.stringify({ text, caption, entities: result.entities, backend }) + '\n');
      } else {
        process.stdout.write((caption ? `caption: ${caption}\n` : '') + formatEntities(text, result.entities));
      }
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function formatEntities(text: string, entities: Entity[]): string {
  if (entities.length === 0) return `${text}\n  (no entities)\n`;
  const lines = [text];
  for (const e of entities) {
    const weights = Object.entries(e.modalityWeights).map(([name, w]) => `${name} ${w.toFixed(2)}`);
    lines.push(`  ${e.type.padEnd(5)} ${JSON.stringify(e.text)} [${e.start}, ${e.end})  score ${e.score.toFixed(2)}  weights ${weights.join(' ')}`);
  }
  return lines.join('\n') + '\n';
}
