import { createFromConfig, ensureBackend, loadModule, type JsonObject, type Saveable } from '@trimod/core';
import { fusionConfigOf } from '@trimod/fusion';
import { bundledModelLocation } from './bundled-model';
import { checkEncoderClasses } from './encoder-classes';
import type { AnyEncoder } from './inputs';
import type { TriMod, TriModParts } from './trimod';

/**
 * TriMod's config and weights on disk: what `getConfig` writes, how `fromConfig` reads it back
 * (configs of every earlier layout included), and `TriMod.load`. The weights are the
 * encoders', fusion's and CRF's own under their modality or part name (`text/wordEmbedding`,
 * `fusion/score/u`, `crf/transitions`) plus `emission/kernel` and `emission/bias`.
 */

export interface TriModLoadOptions {
  onProgress?: (fraction: number) => void;
}

interface Spec {
  className: string;
  config: JsonObject;
}

/** The saved config as written by every version so far. */
interface SavedConfig {
  labels: string[];
  encoders?: Record<string, Spec>;
  // Models saved before modalities were a list name the built-in three, and before caption
  // match was a modality give its size here.
  text?: Spec;
  hashtag?: Spec | null;
  visual?: Spec | null;
  fusion: JsonObject;
  crf: JsonObject;
  dropout: number;
  captionMatchDim?: number;
  modalityDropout?: number;
  seed: number;
}

/** Builds a TriMod from its parts and its saved fusion and CRF configs (TriMod's private constructor). */
export type TriModBuilder = (parts: TriModParts, fusionConfig: JsonObject, crfConfig: JsonObject) => TriMod;

/** The JSON config `model.json` stores for a model. */
export function triModConfig(model: TriMod): JsonObject {
  const encoders = Object.fromEntries(Object.entries(model.encoders).map(([name, e]) => [name, { className: e.className, config: e.getConfig() }]));
  return {
    labels: model.labels,
    encoders,
    fusion: model.fusion.getConfig(),
    crf: model.crf.getConfig(),
    dropout: model.dropout,
    ...(model.modalityDropout > 0 ? { modalityDropout: model.modalityDropout } : {}),
    seed: model.seed,
  } as unknown as JsonObject;
}

/** Rebuilds a model from a saved config; the encoders come back through core's class registry. */
export function triModFromConfig(config: JsonObject, build: TriModBuilder): TriMod {
  const c = config as unknown as SavedConfig;
  const specs: Record<string, Spec | null | undefined> = c?.encoders ?? { text: c?.text, hashtag: c?.hashtag, visual: c?.visual };
  if (!c || !Array.isArray(c.labels) || !specs.text) throw new Error('TriMod config: expected labels and a text encoder spec');
  // Encoders built before a later part fails would keep their variables (a text encoder's
  // embedding is 20 MB): free what was built, then report the failure.
  const built: Saveable[] = [];
  try {
    const encoders: Record<string, AnyEncoder> = {};
    for (const [name, spec] of Object.entries(specs)) {
      if (!spec) continue;
      const m = createFromConfig<AnyEncoder>(spec.className, spec.config);
      built.push(m);
      encoders[name] = m;
    }
    // Saved before caption match was a modality: captionMatchDim makes its encoder (weights
    // `captionMatch/embedding`, as they were saved) and the fusion gets its joined slot.
    const captionMatchDim = encoders.captionMatch ? 0 : (c.captionMatchDim ?? 0);
    let fusion = c.fusion;
    if (captionMatchDim > 0) {
      const list = fusionConfigOf(c.fusion);
      if (!list.modalities.some((m) => m.name === 'captionMatch')) list.modalities.push({ name: 'captionMatch', dim: captionMatchDim, kind: 'joined' });
      fusion = list as unknown as JsonObject;
    }
    return build({ labels: c.labels, encoders, dropout: c.dropout, captionMatchDim, modalityDropout: c.modalityDropout ?? 0, seed: c.seed }, fusion, c.crf);
  } catch (err) {
    for (const m of built) for (const v of Object.values(m.namedWeights())) v.dispose();
    throw err;
  }
}

/**
 * `TriMod.load`: a saved model from a folder or URL, or the bundled default model. What an
 * encoder needs besides its weights (a hashtag encoder's lexicon) comes back through core's
 * module assets (TriMod.restoreAssets), so no encoder class needs a case here.
 */
export async function loadTriMod(pathOrUrl: string | undefined, opts: TriModLoadOptions): Promise<TriMod> {
  checkEncoderClasses();
  await ensureBackend();
  const location = pathOrUrl === undefined || pathOrUrl === 'default' ? await bundledModelLocation() : pathOrUrl;
  return loadModule<TriMod>(location, { onProgress: opts.onProgress });
}
