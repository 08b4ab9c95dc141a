import type { JsonObject, Vocabulary } from '@trimod/core';
import { registerClass } from '@trimod/core';
import type { WordVectors } from '../vectors/vector-collector';
import { ConfigReader } from './config-values';
import { TextEncoder, withVectors } from './text-encoder';

/** Options of `new CharCnnEncoder(...)`; vocabularies as in TextEncoder. */
export interface CharCnnEncoderOptions {
  wordVocabulary: Vocabulary | JsonObject;
  charVocabulary: Vocabulary | JsonObject;
  /** Word embedding size (default 100). */
  wordDim?: number;
  /** Character embedding size (default 30). */
  charDim?: number;
  /** Character CNN filters (default 50) and window (odd, default 3). */
  charFilters?: number;
  charWindow?: number;
  /** Token-shape embedding size; 0 leaves it out (default 10). */
  shapeDim?: number;
  /** Word-level CNN filters = outputDim (default 200) and window (odd, default 3). */
  hidden?: number;
  wordWindow?: number;
  /** Dropout on word and character embeddings in training (default 0.5). */
  dropout?: number;
  maxCharsPerToken?: number;
  trainWordEmbeddings?: boolean;
  seed?: number;
}

/**
 * A recurrence-free text encoder in the NCRF++ style: [word embedding; max-pooled character
 * CNN; token shape] → a word-level CNN with tanh. It is TextEncoder with `chars: 'cnn'` and
 * `context: 'cnn'`, kept under its own name and config so models saved as CharCnnEncoder load
 * (weights `charCnn/...`, `wordCnn/...`).
 *
 * encode(posts: string[][]) → TokenFeatures { features [B, T, hidden], mask [B, T] }.
 */
export class CharCnnEncoder extends TextEncoder {
  constructor(options: CharCnnEncoderOptions) {
    const dropout = new ConfigReader('CharCnnEncoder', options as unknown as Record<string, unknown>).rate('dropout', 0.5);
    const { dropout: _legacy, ...rest } = options;
    super({ ...rest, chars: 'cnn', context: 'cnn', wordDropout: dropout, charDropout: dropout }, 'CharCnnEncoder');
  }

  /** An encoder whose word embeddings start from pretrained vectors (see TextEncoder.create). */
  static override create(options: Omit<CharCnnEncoderOptions, 'wordDim'> & { vectors?: WordVectors }): CharCnnEncoder {
    const { vectors, ...rest } = options;
    return withVectors(new CharCnnEncoder({ ...rest, wordDim: vectors ? vectors.dim : undefined }), vectors);
  }

  /** The CharCnnEncoder config it has always saved (one `dropout`; no chars / context / gru). */
  override getConfig(): JsonObject {
    const { chars: _c, context: _x, gru: _g, wordDropout, charDropout: _d, ...rest } = super.getConfig();
    return { ...rest, dropout: wordDropout };
  }
}

registerClass('CharCnnEncoder', (config) => new CharCnnEncoder(config as unknown as CharCnnEncoderOptions));
