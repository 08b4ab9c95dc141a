import type { Command } from 'commander';
import { initBackend } from '@trimod/core';
import { loadCaptioner, type Description } from '@trimod/image-captioner';
import { backendOption, existingFolder, positiveInt } from '../options';

interface CaptionOptions {
  json?: boolean;
  objects?: boolean;
  beam?: string;
  weights?: string;
  backend: string;
}

export function register(program: Command): void {
  program
    .command('caption')
    .description('describe images (JPEG or PNG files) in one sentence each')
    .argument('<images...>', 'image files')
    .option('--json', 'print one JSON object per image: {"image", "caption", "logProb", "objects": [{label, score, box}]}')
    .option('--objects', 'also detect COCO objects (CenterNet; needs @tensorflow/tfjs-converter installed)')
    .option('--beam <width>', "beam width (1 = greedy decoding; default: the one the decoder's model.json recommends, else 3)")
    .option('--weights <dirOrUrl>', 'folder or URL holding backbone/ and decoder/ (default: the weights shipped with @trimod/image-captioner)')
    .option('--backend <name>', 'webgpu, wasm, cpu or auto', 'wasm')
    .action(async (images: string[], opts: CaptionOptions) => {
      // Options are checked before the backend and the captioner load; image files are not: a
      // missing one is reported with its name and the others still get captions.
      const beamWidth = opts.beam === undefined ? undefined : positiveInt('--beam', opts.beam);
      const backend = backendOption(opts.backend);
      if (opts.weights !== undefined && !/^https?:\/\//i.test(opts.weights)) existingFolder('--weights', opts.weights);
      await initBackend(backend);
      const captioner = await loadCaptioner({ weights: opts.weights, beamWidth, objects: opts.objects === true });
      try {
        // One image at a time: a corrupt file is reported (on stderr) and the others still get captions.
        let failed = 0;
        for (const image of images) {
          try {
            process.stdout.write(formatDescription(image, await captioner.describe(image, image), opts.json === true));
          } catch (err) {
            failed++;
            const message = (err as Error).message;
            process.stderr.write(`${message.includes(image) ? message : `${image}: ${message}`}\n`);
          }
        }
        if (failed > 0) process.exitCode = 1;
      } finally {
        captioner.dispose();
      }
    });
}

/** One output line: `file: caption`, or a JSON object without the (large) region features. */
export function formatDescription(image: string, d: Description, json: boolean): string {
  const objects = d.objects.length === 0 ? '' : ` [${d.objects.map((o) => `${o.label} ${o.score.toFixed(2)}`).join(', ')}]`;
  if (!json) return `${image}: ${d.caption}${objects}\n`;
  const found = d.objects.map((o) => ({ label: o.label, score: o.score, box: o.box }));
  return JSON.stringify({ image, caption: d.caption, logProb: d.logProb, objects: found }) + '\n';
}
