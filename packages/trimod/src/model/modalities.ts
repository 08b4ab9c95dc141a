import { tokenKinds, type TokenKind } from '@trimod/core';
import type { CaptionMatchInput } from './caption-match';
import { batchCaptions, batchKinds, type PostBatch } from './inputs';

/**
 * What a modality reads from a batch of posts, and the kind of features its encoder gives
 * (`token`: one per token, `set`: an unordered set per post, both weighed by the fusion;
 * `joined`: one per token, joined to the fused features as it is). A model's encoders are keyed
 * by modality name; adding a modality is an encoder class (registered with core's
 * registerClass), one `registerModality` line saying what it reads, and an entry in the model's
 * encoders.
 */
export interface ModalityInput {
  kind: 'token' | 'set' | 'joined';
  read(batch: PostBatch): unknown;
  /** Whether a post's caption changes what this modality reads. */
  readsCaptions?: boolean;
  /**
   * For a `joined` modality: what it reads when training's modality dropout hides it from the
   * posts marked in `hidden` (the fusion drops a weighed modality itself by giving it weight 0).
   * Without it, a joined modality is never dropped.
   */
  hide?(input: unknown, hidden: readonly boolean[]): unknown;
}

const registry = new Map<string, ModalityInput>();

export function registerModality(name: string, input: ModalityInput): void {
  registry.set(name, input);
}

export function modalityInput(name: string): ModalityInput {
  const input = registry.get(name);
  if (!input) throw new Error(`TriMod: no modality registered as "${name}" (registered: ${[...registry.keys()].join(', ')}); call registerModality first`);
  return input;
}

/**
 * The tokens as the hashtag encoder reads them. The Twitter NER data (and modelTokens) split a
 * hashtag into its sigil and its body and tag the body, so the body token is given back its
 * sigil (`#`, `NBAFinals` → `#`, `#NBAFinals`; `＃`, `Tokyo` → `＃`, `＃Tokyo`): it then carries
 * the hashtag's features. Which tokens are a hashtag is their kind (core's tokenizer, through
 * `tokenKinds` when not given): `#`, `1` (a number sign and a number, as in "We are # 1 fans")
 * is none and stays as it is.
 */
export function hashtagView(tokens: readonly (readonly string[])[], kinds: readonly (readonly TokenKind[])[] = tokens.map(tokenKinds)): string[][] {
  return tokens.map((post, b) =>
    post.map((t, i) => (i > 0 && HASHTAG_SIGIL.test(post[i - 1]) && kinds[b][i - 1] === 'hashtag' && kinds[b][i] === 'hashtag' ? post[i - 1] + t : t)),
  );
}

const HASHTAG_SIGIL = /^[#\uFF03]$/u;

registerModality('text', { kind: 'token', read: (batch) => batch.tokens });
registerModality('hashtag', { kind: 'token', read: (batch) => hashtagView(batch.tokens, batchKinds(batch)) });
registerModality('visual', {
  kind: 'set',
  readsCaptions: true,
  // Visual samples built from images win; otherwise each post's caption is its sample.
  read: (batch) => batch.visual ?? (batch.captions ?? batch.tokens.map(() => null)).map((c) => (c ? { caption: c } : null)),
});
// Caption match (see caption-match.ts): a post whose caption is hidden reads as one without.
registerModality('captionMatch', {
  kind: 'joined',
  readsCaptions: true,
  read: (batch): CaptionMatchInput => ({ tokens: batch.tokens, captions: batchCaptions(batch) }),
  hide: (input, hidden) => ({ ...(input as CaptionMatchInput), captions: (input as CaptionMatchInput).captions.map((c, b) => (hidden[b] ? null : c)) }),
});
