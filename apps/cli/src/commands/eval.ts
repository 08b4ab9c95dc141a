import type { Command } from 'commander';
import { initBackend } from '@trimod/core';
import { evaluateModel, type EvaluationResult } from '@trimod/trimod';
import { checkEvalTags, readEvalData } from '../data-files';
import { combineOption, loadTagger, modelList } from '../load-tagger';
import { backendOption, existingFile, existingFolder } from '../options';
import { ProgressBar } from '../progress';

interface EvalOptions {
  model: string;
  combine?: string;
  data: string;
  captions?: string;
  images?: string;
  json?: boolean;
  backend: string;
}

export function register(program: Command): void {
  program
    .command('eval')
    .description('entity-level precision / recall / F1 of a model on Twitter-format data')
    .option('--model <dir>', 'model folder, or "default" for the bundled model; several separated by commas: an ensemble', 'default')
    .option('--combine <how>', 'how an ensemble combines its models: marginals (average the CRF posteriors) or scores (average emissions and transitions)')
    .requiredOption('--data <file>', 'data file (IMGID / token<TAB>tag format)')
    .option('--captions <file>', 'JSON map {"<id>.jpg": "caption"}')
    .option('--images <dir>', 'folder of the posts\' images')
    .option('--backend <name>', 'webgpu, wasm, cpu or auto', 'auto')
    .option('--json', 'print exactly one JSON object')
    .action(async (o: EvalOptions) => {
      // Options and data files are checked before the backend and the model load.
      const backendChoice = backendOption(o.backend);
      const models = modelList(o.model);
      const combine = combineOption(o.combine);
      existingFile('--data', o.data);
      if (o.captions !== undefined) existingFile('--captions', o.captions);
      if (o.images !== undefined) existingFolder('--images', o.images);
      const { posts, captions } = await readEvalData(o.data, o.captions);
      const { backend } = await initBackend(backendChoice);
      const model = await loadTagger(models, combine);
      try {
        checkEvalTags(posts, o.data, model.labels);
      } catch (err) {
        model.dispose();
        throw err;
      }
      const bar = new ProgressBar('eval');
      const r = await evaluateModel(model, posts, { captions, onProgress: (d, t) => bar.update(d, t) });
      bar.done();
      const out = {
        precision: r.precision,
        recall: r.recall,
        f1: r.f1,
        perType: r.perType,
        sentences: r.sentences,
        seconds: r.seconds,
        backend,
      };
      process.stdout.write(o.json ? JSON.stringify(out) + '\n' : formatEvaluation(r, r.seconds));
      model.dispose();
    });
}

function formatEvaluation(r: EvaluationResult, seconds: number): string {
  const pct = (x: number) => (100 * x).toFixed(2).padStart(6);
  const rows = [`type   precision  recall      F1  support`];
  for (const [type, s] of Object.entries(r.perType)) rows.push(`${type.padEnd(6)} ${pct(s.precision)}    ${pct(s.recall)}  ${pct(s.f1)}  ${String(s.support).padStart(7)}`);
  rows.push(`all    ${pct(r.precision)}    ${pct(r.recall)}  ${pct(r.f1)}  ${String(Object.values(r.perType).reduce((a, s) => a + s.support, 0)).padStart(7)}`);
  rows.push(`${r.sentences} posts in ${seconds.toFixed(1)} s`);
  return rows.join('\n') + '\n';
}
