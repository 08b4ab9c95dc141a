import * as tf from '@tensorflow/tfjs-core';
import {
  checkAtMost,
  MAX_LAYER_SIZE,
  newVariable,
  createFromConfig,
  glorotLimit,
  hasRandomState,
  registerClass,
  saveModule,
  SeededRandom,
  type JsonObject,
  type Saveable,
} from '@trimod/core';
import { collectAssets, restoreAssets, type AssetFiles } from '@trimod/core';
import { allowedTransitions, CRF } from '@trimod/crf';
import { ModalityFusion, type FusionKind } from '@trimod/fusion';
import type { Entity, ModalityWeights } from './entities';
import { modalityInput } from './modalities';
import { CAPTION_MATCH_STATES, CaptionMatchEncoder } from './caption-match';
import { setBundledModelLocation } from './bundled-model';
import { checkGoldPaths } from './gold-paths';
import { batchKinds, maskRows, padRow, type AnyEncoder, type Post, type PostBatch, type TokenEncoder, type VisualEncoderLike } from './inputs';
import { modelTokens } from './post-tokens';
import { loadTriMod, triModConfig, triModFromConfig, type TriModLoadOptions } from './serialisation';
import { positiveInteger, recordProblem, type PostInput, type PostResult } from '../predict/post-input';
import { predictStream, type PredictStreamOptions } from '../predict/stream';
import { singleModelTagger, tagPosts, type TokenizedPost } from '../predict/tag-posts';

export { hashtagView } from './modalities';
export type { AnyEncoder, Post, PostBatch, TokenEncoder, VisualBatch, VisualEncoderLike, VisualSampleLike } from './inputs';
export type { TriModLoadOptions } from './serialisation';

export interface PostPrediction {
  text: string;
  entities: Entity[];
  /** The model's tokens with their tags and fusion weights by modality, for inspection. */
  tokens: Array<{ text: string; start: number; end: number; tag: string; weights: ModalityWeights }>;
}

export interface TriModParts {
  /** BIO tags, e.g. O, B-PER, I-PER, …; the order is the CRF's tag order. */
  labels: string[];
  /**
   * The encoders by modality name (each name registered with `registerModality`), the text
   * first. `text`, `hashtag` and `visual` below are shorthands for the built-in three.
   */
  encoders?: Record<string, AnyEncoder>;
  text?: TokenEncoder;
  hashtag?: TokenEncoder | null;
  visual?: VisualEncoderLike | null;
  fusion?: { kind?: FusionKind; outputDim?: number; attentionDim?: number };
  /** Dropout on the fused features before the emission layer (training only). */
  dropout?: number;
  /** Apply the BIO constraints in the training likelihood too. */
  constrainTraining?: boolean;
  /**
   * Shorthand for the `captionMatch` modality: a CaptionMatchEncoder of this size (a learned
   * embedding of each token's caption match, see caption-match.ts), which the fusion joins to
   * its fused features; 0 (the default) leaves it out. Same as `encoders.captionMatch`.
   */
  captionMatchDim?: number;
  /**
   * Training only: each post loses each auxiliary input (every modality but the text, and the
   * caption for the caption-match feature) with this probability, so the model learns to use
   * them rather than lean on the text alone (see ModalityDropout in @trimod/fusion). Default 0.
   */
  modalityDropout?: number;
  seed?: number;
}

/**
 * TriMod: one encoder per modality (text, hashtag, visual, or any registered one) → modality
 * fusion → emission layer → CRF. Any encoder implementing core's ModalityEncoder can stand in
 * for a built-in one.
 */
export class TriMod implements Saveable {
  readonly className = 'TriMod';
  readonly labels: string[];
  /** The encoders by modality name, in the fusion's order. */
  readonly encoders: Readonly<Record<string, AnyEncoder>>;
  readonly fusion: ModalityFusion;
  readonly crf: CRF;
  readonly dropout: number;
  readonly seed: number;
  readonly modalityDropout: number;
  private readonly emissionKernel: tf.Variable;
  private readonly emissionBias: tf.Variable;
  private readonly dropoutRng: SeededRandom;
  private disposed = false;

  private constructor(parts: TriModParts, fusionConfig?: JsonObject, crfConfig?: JsonObject) {
    const labels = parts.labels;
    if (!labels.length || labels.indexOf('O') !== 0) throw new Error(`TriMod: labels must start with "O", got ${JSON.stringify(labels)}`);
    this.labels = [...labels];
    const encoders = encodersOf(parts);
    this.encoders = encoders;
    this.dropout = parts.dropout ?? 0.5;
    this.seed = parts.seed ?? 1;
    // captionMatchDim is a shorthand for a caption-match encoder (and what configs saved before
    // caption match was a modality say): the encoder is made below, where the embedding was drawn.
    const E = parts.captionMatchDim ?? 0;
    if (!Number.isInteger(E) || E < 0) throw new Error(`TriMod: captionMatchDim must be an integer >= 0, got ${parts.captionMatchDim}`);
    checkAtMost('TriMod', 'captionMatchDim', E, MAX_LAYER_SIZE);
    if (E > 0 && encoders.captionMatch) throw new Error('TriMod: give either captionMatchDim or encoders.captionMatch, not both');
    this.modalityDropout = parts.modalityDropout ?? 0;
    if (!(this.modalityDropout >= 0 && this.modalityDropout < 1)) throw new Error(`TriMod: modalityDropout must be in [0, 1), got ${parts.modalityDropout}`);
    const rng = new SeededRandom(this.seed);
    this.fusion = fusionConfig
      ? (createFromConfig<ModalityFusion>('ModalityFusion', fusionConfig))
      : new ModalityFusion({
          kind: parts.fusion?.kind ?? 'attention',
          modalities: [
            ...Object.entries(encoders).map(([name, e]) => ({ name, dim: e.outputDim, kind: modalityInput(name).kind })),
            ...(E > 0 ? [{ name: 'captionMatch', dim: E, kind: 'joined' as const }] : []),
          ],
          outputDim: parts.fusion?.outputDim ?? 256,
          attentionDim: parts.fusion?.attentionDim ?? 128,
          seed: rng.childSeed(),
        });
    this.crf = crfConfig
      ? createFromConfig<CRF>('CRF', crfConfig)
      : new CRF({
          numTags: labels.length,
          constraints: allowedTransitions('BIO', labels),
          constrainTraining: parts.constrainTraining ?? true,
          seed: rng.childSeed(),
        });
    if (E > 0) encoders.captionMatch = new CaptionMatchEncoder({ dim: E, seed: this.seed }, rng.uniformArray(CAPTION_MATCH_STATES * E, 0.1));
    const D = this.fusion.outputDim;
    const K = labels.length;
    this.emissionKernel = newVariable(rng.uniformArray(D * K, glorotLimit(D, K)), [D, K]);
    this.emissionBias = newVariable(null, [K]);
    this.dropoutRng = new SeededRandom(rng.childSeed());
    const slots = [...this.fusion.modalities, ...this.fusion.joined];
    const missing = Object.keys(this.encoders).filter((name) => !slots.includes(name));
    if (missing.length) throw new Error(`TriMod: the fusion has no slot for ${missing.join(', ')} (it fuses ${slots.join(', ')})`);
  }

  /** Size of the caption-match embedding (the `captionMatch` modality's encoder), 0 without one. */
  get captionMatchDim(): number {
    return this.encoders.captionMatch?.outputDim ?? 0;
  }

  /** The text encoder (the first modality). */
  get text(): TokenEncoder {
    return this.encoders.text as TokenEncoder;
  }

  get hashtag(): TokenEncoder | null {
    return (this.encoders.hashtag as TokenEncoder | undefined) ?? null;
  }

  get visual(): VisualEncoderLike | null {
    return (this.encoders.visual as VisualEncoderLike | undefined) ?? null;
  }

  /** Builds a new model from encoder instances (see `TriModParts`). */
  static create(parts: TriModParts): TriMod {
    return new TriMod(parts);
  }

  /** Where `TriMod.load()` finds the bundled model in a browser: the URL of a copy of this package's `model/` folder. */
  static setBundledModelLocation(url: string): void {
    setBundledModelLocation(url);
  }

  /**
   * Loads a saved model from a folder (Node) or URL; with no location (or "default"), the bundled
   * default model. Chooses a backend first (`initBackend('auto')`) unless one was chosen already.
   */
  static load(pathOrUrl?: string, opts: TriModLoadOptions = {}): Promise<TriMod> {
    return loadTriMod(pathOrUrl, opts);
  }

  /**
   * Saves config and weights to a folder, atomically. `float16` stores the weights in half the
   * bytes (they load back as float32): for shipping a model, not for checkpoints.
   */
  async save(dir: string, metadata?: JsonObject, opts: { float16?: boolean } = {}): Promise<void> {
    await saveModule(this, dir, { ...(metadata ? { metadata } : {}), float16: opts.float16 === true });
  }

  /**
   * Files the encoders need besides their weights (a hashtag encoder's word lexicon), saved with
   * the model per modality (`hashtag.lexicon.txt`) and given back on load: core's HasAssets, so
   * loading needs no special case for any encoder class.
   */
  assets(): Record<string, string | Uint8Array> {
    return collectAssets(this.encoders);
  }

  restoreAssets(files: AssetFiles): Promise<void> {
    return restoreAssets(this.encoders, files);
  }

  /** Whether a post's caption changes this model's output (a visual encoder or the caption-match feature). */
  get readsCaptions(): boolean {
    return Object.keys(this.encoders).some((name) => modalityInput(name).readsCaptions);
  }

  /** The modalities this model has encoders for, in the fusion's order (text first). */
  get modalities(): string[] {
    return [...this.fusion.modalities, ...this.fusion.joined].filter((name) => name in this.encoders);
  }

  getConfig(): JsonObject {
    return triModConfig(this);
  }

  namedWeights(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    const add = (prefix: string, m: Saveable | null) => {
      if (!m) return;
      for (const [k, v] of Object.entries(m.namedWeights())) out[`${prefix}/${k}`] = v;
    };
    for (const [name, e] of Object.entries(this.encoders)) add(name, e);
    add('fusion', this.fusion);
    add('crf', this.crf);
    out['emission/kernel'] = this.emissionKernel;
    out['emission/bias'] = this.emissionBias;
    return out;
  }

  /**
   * Where every random generator training draws from stands: this model's dropout and its
   * encoders' (those that implement core's RandomStateful). A checkpoint stores it so a resumed
   * run draws the same dropout masks as a run that was never stopped.
   */
  randomState(): JsonObject {
    const of = (e: unknown) => (hasRandomState(e) ? e.randomState() : null);
    return { dropout: this.dropoutRng.state(), ...Object.fromEntries(Object.entries(this.encoders).map(([name, e]) => [name, of(e)])) };
  }

  setRandomState(state: JsonObject): void {
    this.dropoutRng.setState(state.dropout as number);
    for (const [key, encoder] of Object.entries(this.encoders)) {
      const part = state[key];
      if (part && typeof part === 'object' && !Array.isArray(part) && hasRandomState(encoder)) encoder.setRandomState(part);
    }
  }

  /** Every variable training updates (frozen encoder weights excluded by the encoders themselves). */
  trainableVariables(): tf.Variable[] {
    // Joined modalities' variables come last, where the caption-match embedding always was:
    // a checkpoint stores the optimizer's slots by position.
    const joined = this.fusion.joined;
    const of = (weighed: boolean) => Object.entries(this.encoders).flatMap(([name, e]) => (joined.includes(name) === weighed ? [] : e.trainableVariables()));
    return [...of(true), ...this.fusion.trainableVariables(), ...this.crf.trainableVariables(), this.emissionKernel, this.emissionBias, ...of(false)];
  }

  /**
   * Emission scores [B, T, K], the token mask [B, T] and the fusion weights [B, T, M] (M: the
   * fusion's modalities, named by `fusion.modalities`).
   * The caller disposes the returned tensors (or calls this inside tf.tidy).
   */
  forward(batch: PostBatch, training: boolean): { emissions: tf.Tensor3D; mask: tf.Tensor2D; weights: tf.Tensor3D } {
    return tf.tidy(() => {
      // Seeds are drawn only when their dropout is on, so models without it keep their sequence.
      const drop = training && this.modalityDropout > 0 ? { rate: this.modalityDropout, seed: this.dropoutRng.childSeed() } : undefined;
      const featureDropout = training && this.dropout > 0 ? { rate: this.dropout, seed: this.dropoutRng.childSeed() } : undefined;
      // The fusion drops weighed modalities; a joined one is hidden from the posts drawn here.
      const hiding = drop ? new SeededRandom(drop.seed ^ 0x5bd1e995) : null;
      // One token view: every encoder gets each token's kind (core's tokenizer).
      const kinds = batchKinds(batch);
      const view: PostBatch = { ...batch, kinds };
      const inputs = Object.fromEntries(
        Object.entries(this.encoders).map(([name, e]) => {
          const modality = modalityInput(name);
          let input = modality.read(view);
          if (hiding && drop && modality.kind === 'joined' && modality.hide) input = modality.hide(input, batch.tokens.map(() => hiding.random() < drop.rate));
          return [name, e.encode(input, { training, kinds })];
        }),
      );
      if (!training) {
        // Inference: the fusion folds its projection into the emission layer where it can.
        const { scores, mask, weights } = this.fusion.readout(inputs, this.emissionKernel as tf.Tensor2D, this.emissionBias as tf.Tensor1D);
        return { emissions: scores, mask, weights };
      }
      const { fused, weights } = this.fusion.apply(inputs, drop, featureDropout);
      const x = fused.features;
      const [B, T, D] = x.shape;
      const emissions = tf.reshape(tf.add(tf.matMul(tf.reshape(x, [B * T, D]), this.emissionKernel), this.emissionBias), [
        B,
        T,
        this.labels.length,
      ]) as tf.Tensor3D;
      return { emissions, mask: fused.mask, weights };
    });
  }

  /** Mean negative log-likelihood of the gold tags over the batch (a scalar to minimise). */
  loss(batch: PostBatch, tags: number[][]): tf.Scalar {
    if (this.crf.constrainTraining && this.crf.constraints) checkGoldPaths(this.crf.constraints, tags, this.labels, 'TriMod.loss');
    return tf.tidy(() => {
      const { emissions } = this.forward(batch, true);
      const mask = maskRows(batch.tokens, emissions.shape[1]);
      const padded = tags.map((row) => padRow(row, emissions.shape[1]));
      return tf.neg(this.crf.logLikelihood(emissions, padded, mask, { reduction: 'mean' })) as tf.Scalar;
    });
  }

  /** Tags for pre-tokenized posts (evaluation): one label per token. */
  async tagTokens(batch: PostBatch): Promise<string[][]> {
    const { emissions, mask, weights } = this.forward(batch, false);
    try {
      const paths = await this.crf.decode(emissions, maskRows(batch.tokens, emissions.shape[1]));
      return paths.map((p) => p.map((k) => this.labels[k]));
    } finally {
      tf.dispose([emissions, mask, weights]);
    }
  }

  /**
   * Finds the entities in posts (strings or `{ text, caption? }`), in batches of posts of
   * similar length; results in the order of `posts`. Posts without tokens give no entities; a
   * post's caption is used only if the model reads captions (`readsCaptions`). For many posts,
   * images, or per-record errors instead of one thrown error, use `predictStream`.
   */
  async predict(posts: Array<string | Post>, opts: { batchSize?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<PostPrediction[]> {
    this.checkUsable('predict');
    if (!Array.isArray(posts)) {
      throw new TypeError(`TriMod.predict: expected an array of posts (strings or {text, caption?}), got ${typeof posts === 'string' ? 'a string: wrap it as [text]' : typeof posts}`);
    }
    const batchSize = positiveInteger('TriMod.predict: batchSize', opts.batchSize, 32);
    const tokenized: TokenizedPost[] = posts.map((p, i) => {
      const problem = recordProblem(p, Number.MAX_SAFE_INTEGER);
      if (problem !== null) throw new TypeError(`TriMod.predict: post ${i}: ${problem}`);
      const post = typeof p === 'string' ? { text: p } : p;
      return { text: post.text, caption: post.caption ?? null, tokens: modelTokens(post.text) };
    });
    return tagPosts(singleModelTagger(this), tokenized, batchSize, opts.onProgress);
  }

  /**
   * Tags a stream (async or sync iterable) of posts `{ id?, text, caption?, image? }`, yielding
   * `{ id, text, caption?, entities, error? }` per record in input order; see `PredictStreamOptions`.
   */
  predictStream(posts: AsyncIterable<PostInput | string> | Iterable<PostInput | string>, opts: PredictStreamOptions = {}): AsyncGenerator<PostResult, void, undefined> {
    this.checkUsable('predictStream');
    return predictStream(singleModelTagger(this), posts, opts);
  }

  private checkUsable(method: string): void {
    if (this.disposed) throw new Error(`TriMod.${method}: this model was disposed; load it again`);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of Object.values(this.namedWeights())) v.dispose();
  }

  /** Rebuilds a model from its saved config (any earlier layout); the encoders come back through the class registry. */
  static fromConfig(config: JsonObject): TriMod {
    return triModFromConfig(config, (parts, fusionConfig, crfConfig) => new TriMod(parts, fusionConfig, crfConfig));
  }
}

/**
 * The encoders by modality name, the text first: `parts.encoders`, or the built-in three from
 * their shorthands.
 */
function encodersOf(parts: TriModParts): Record<string, AnyEncoder> {
  const given: Record<string, AnyEncoder | null | undefined> = parts.encoders ?? { text: parts.text, hashtag: parts.hashtag, visual: parts.visual };
  if (parts.encoders && (parts.text || parts.hashtag || parts.visual)) throw new Error('TriMod: give either encoders or text / hashtag / visual, not both');
  if (!given.text) throw new Error('TriMod: a text encoder is required (encoders.text)');
  const out: Record<string, AnyEncoder> = { text: given.text };
  for (const [name, e] of Object.entries(given)) {
    if (!e || name === 'text') continue;
    modalityInput(name); // throws, naming the registered modalities, for an unknown name
    out[name] = e;
  }
  return out;
}

registerClass('TriMod', (config) => TriMod.fromConfig(config));
