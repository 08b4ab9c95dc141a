import * as tf from '@tensorflow/tfjs-core';
import type { CRF } from '@trimod/crf';
import { TriMod, type Post, type PostBatch, type PostPrediction, type TriModLoadOptions } from '../model/trimod';
import { maskRows } from '../model/inputs';
import { modelTokens } from '../model/post-tokens';
import { positiveInteger, recordProblem, type PostInput, type PostResult } from '../predict/post-input';
import { predictStream, type PredictStreamOptions } from '../predict/stream';
import { postBatch, predictionsOf, tagPosts, type PostTagger, type TokenizedPost } from '../predict/tag-posts';
import { averageColumns, averageTables, COMBINATIONS, decodeMarginals, decoderCrf, labelOrder, reorderMask, sameMask, type EnsembleCombination } from './combine';

export type { EnsembleCombination } from './combine';

/**
 * The default combination, chosen by Twitter-2017 dev F1: averaging scores beat averaging
 * posteriors for every ensemble measured (3 to 7 trained runs, by 0.4 to 0.6 F1; the package
 * README's "Ensembles" has the figures).
 */
export const DEFAULT_COMBINATION: EnsembleCombination = 'scores';

export interface EnsembleOptions {
  /** How the members' outputs are combined (see combine.ts); default `DEFAULT_COMBINATION`. */
  combine?: EnsembleCombination;
  /** A name per model for error messages (load uses the locations). */
  names?: string[];
}

/** One batch decoded by the ensemble: flat [B, T, K] posteriors and [B, T, M] fusion weights. */
interface Decoded {
  paths: number[][];
  marginals: Float32Array;
  weights: Float32Array;
  steps: number;
}

/**
 * Several trained TriMod taggers run on the same posts and combined into one answer (see
 * `EnsembleCombination`). It tags like a TriMod (`predict`, `predictStream`, and `tagTokens`
 * for `evaluateModel`); entity scores are the combined posteriors of the chosen tags, modality
 * weights the members' mean (0 from a member without that modality).
 */
export class TriModEnsemble {
  /** The models, in the order given; the ensemble owns them (`dispose` frees them). */
  readonly members: readonly TriMod[];
  /** The first model's labels; the others may order the same labels differently. */
  readonly labels: string[];
  readonly combine: EnsembleCombination;
  /** Every member's fusion modalities, in order of first appearance: the entities' weight keys. */
  readonly modalities: string[];
  private readonly labelOrders: number[][];
  private readonly weightOrders: number[][];
  private readonly decoder: CRF;
  private disposed = false;

  private constructor(models: TriMod[], opts: EnsembleOptions) {
    const combine = opts.combine ?? DEFAULT_COMBINATION;
    if (!COMBINATIONS.includes(combine)) throw new Error(`TriModEnsemble: combine must be one of ${COMBINATIONS.join(', ')}, got ${JSON.stringify(combine)}`);
    if (!Array.isArray(models) || models.length === 0) throw new Error('TriModEnsemble: needs at least one model');
    const names = models.map((_, i) => `model ${i + 1}${opts.names?.[i] !== undefined ? ` (${opts.names[i]})` : ''}`);
    models.forEach((m, i) => {
      if (!(m instanceof TriMod)) throw new TypeError(`TriModEnsemble: ${names[i]} is not a TriMod`);
    });
    this.members = [...models];
    this.combine = combine;
    this.labels = [...models[0].labels];
    this.labelOrders = models.map((m, i) => labelOrder(this.labels, m.labels, names[i], names[0]));
    const constraints = reorderMask(models[0].crf.constraints, this.labelOrders[0]);
    models.forEach((m, i) => {
      if (!sameMask(reorderMask(m.crf.constraints, this.labelOrders[i]), constraints)) {
        throw new Error(`TriModEnsemble: ${names[i]} constrains its CRF's transitions differently from ${names[0]} (another tagging scheme?); an ensemble decodes with one set of constraints`);
      }
    });
    this.modalities = [...new Set(models.flatMap((m) => m.fusion.modalities))];
    this.weightOrders = models.map((m) => this.modalities.map((name) => m.fusion.modalities.indexOf(name)));
    const K = this.labels.length;
    const tables =
      combine === 'scores'
        ? averageTables(
            models.map((m) => ({ transitions: m.crf.transitions.dataSync(), start: m.crf.startTransitions.dataSync(), end: m.crf.endTransitions.dataSync() })),
            this.labelOrders,
            K,
          )
        : undefined;
    this.decoder = decoderCrf(K, constraints, tables);
  }

  /** An ensemble of models already in memory (it takes them over: `dispose` frees them). */
  static fromModels(models: TriMod[], opts: EnsembleOptions = {}): TriModEnsemble {
    return new TriModEnsemble(models, opts);
  }

  /**
   * Loads each model (a folder, URL, or "default" for the bundled one) and combines them.
   * A model that fails to load, or whose labels differ from the first's, is named in the error.
   */
  static async load(locations: readonly string[], opts: TriModLoadOptions & { combine?: EnsembleCombination } = {}): Promise<TriModEnsemble> {
    if (!Array.isArray(locations) || locations.length === 0) throw new Error('TriModEnsemble.load: expected a non-empty array of model locations');
    const models: TriMod[] = [];
    try {
      for (const [i, location] of locations.entries()) {
        try {
          models.push(await TriMod.load(location === 'default' ? undefined : location, { onProgress: opts.onProgress && ((f) => opts.onProgress!((i + f) / locations.length)) }));
        } catch (err) {
          throw new Error(`TriModEnsemble.load: model ${i + 1} (${location}): ${(err as Error).message}`);
        }
      }
      return new TriModEnsemble(models, { combine: opts.combine, names: [...locations] });
    } catch (err) {
      for (const m of models) m.dispose();
      throw err;
    }
  }

  /** Whether any member reads captions (so a post's image is worth captioning). */
  get readsCaptions(): boolean {
    return this.members.some((m) => m.readsCaptions);
  }

  /** Tags for pre-tokenized posts (evaluation): one label per token. */
  async tagTokens(batch: PostBatch): Promise<string[][]> {
    this.checkUsable('tagTokens');
    const { paths } = await this.decodeBatch(batch);
    return paths.map((p) => p.map((k) => this.labels[k]));
  }

  /** As `TriMod.predict`, with the ensemble's combined tags, scores and weights. */
  async predict(posts: Array<string | Post>, opts: { batchSize?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<PostPrediction[]> {
    this.checkUsable('predict');
    if (!Array.isArray(posts)) throw new TypeError(`TriModEnsemble.predict: expected an array of posts (strings or {text, caption?}), got ${typeof posts}`);
    const batchSize = positiveInteger('TriModEnsemble.predict: batchSize', opts.batchSize, 32);
    const tokenized: TokenizedPost[] = posts.map((p, i) => {
      const problem = recordProblem(p, Number.MAX_SAFE_INTEGER);
      if (problem !== null) throw new TypeError(`TriModEnsemble.predict: post ${i}: ${problem}`);
      const post = typeof p === 'string' ? { text: p } : p;
      return { text: post.text, caption: post.caption ?? null, tokens: modelTokens(post.text) };
    });
    return tagPosts(this.tagger(), tokenized, batchSize, opts.onProgress);
  }

  /** As `TriMod.predictStream`: one result per record, in input order. */
  predictStream(posts: AsyncIterable<PostInput | string> | Iterable<PostInput | string>, opts: PredictStreamOptions = {}): AsyncGenerator<PostResult, void, undefined> {
    this.checkUsable('predictStream');
    return predictStream(this.tagger(), posts, opts);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.decoder.dispose();
    for (const m of this.members) m.dispose();
  }

  private tagger(): PostTagger {
    return {
      readsCaptions: this.readsCaptions,
      tagBatch: async (posts) => {
        const d = await this.decodeBatch(postBatch(posts));
        return predictionsOf(posts, { labels: this.labels, paths: d.paths, steps: d.steps, marginals: d.marginals, weights: d.weights, modalities: this.modalities });
      },
    };
  }

  /** Runs every member on the batch and combines their outputs. */
  private async decodeBatch(batch: PostBatch): Promise<Decoded> {
    const K = this.labels.length;
    const perMember: Float32Array[] = [];
    const weights: Float32Array[] = [];
    let steps = -1;
    let rows: number[][] = [];
    for (const model of this.members) {
      const out = model.forward(batch, false);
      const more: tf.Tensor[] = [];
      try {
        const [B, T] = out.emissions.shape;
        if (steps < 0) {
          steps = T;
          rows = maskRows(batch.tokens, T);
        } else if (T !== steps) throw new Error(`TriModEnsemble: the models padded the batch to ${steps} and ${T} steps`);
        // Each member's posteriors under its own CRF, or its raw emission scores.
        const scores = this.combine === 'marginals' ? model.crf.marginals(out.emissions, rows) : out.emissions;
        if (scores !== out.emissions) more.push(scores);
        const [s, w] = await Promise.all([scores.data() as Promise<Float32Array>, out.weights.data() as Promise<Float32Array>]);
        perMember.push(s);
        weights.push(w);
        if (s.length !== B * T * model.labels.length) throw new Error('TriModEnsemble: unexpected emissions shape');
      } finally {
        tf.dispose([out.emissions, out.mask, out.weights, ...more]);
      }
    }
    const B = batch.tokens.length;
    const averaged = averageColumns(perMember, this.labelOrders, B * steps, K);
    const meanWeights = averageColumns(weights, this.weightOrders, B * steps, this.modalities.length);
    if (this.combine === 'marginals') {
      return { paths: await decodeMarginals(this.decoder, averaged, B, steps, rows), marginals: averaged, weights: meanWeights, steps };
    }
    const emissions = tf.tensor3d(averaged, [B, steps, K]);
    const marginals = this.decoder.marginals(emissions, rows);
    try {
      const [paths, probs] = await Promise.all([this.decoder.decode(emissions, rows), marginals.data() as Promise<Float32Array>]);
      return { paths, marginals: probs, weights: meanWeights, steps };
    } finally {
      tf.dispose([emissions, marginals]);
    }
  }

  private checkUsable(method: string): void {
    if (this.disposed) throw new Error(`TriModEnsemble.${method}: this ensemble was disposed; load it again`);
  }
}
