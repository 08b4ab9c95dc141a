export { tokenize, TOKEN_KINDS } from './tokenizer';
export type { Token, TokenKind } from './tokenizer';
export { normalizeToken, URL_PLACEHOLDER, USER_PLACEHOLDER } from './normalize';
export { Vocabulary, PAD_TOKEN, UNK_TOKEN, PAD_INDEX, UNK_INDEX } from './vocabulary';
export type { VocabularyBuildOptions, VocabularyJson } from './vocabulary';
export { graphemeBoundaries } from './graphemes';
export { isSeparator, removeSeparators } from './charClasses';
export { isHashtagToken, isMentionToken, isUrlToken } from './patterns';
export { kindOfToken, tokenKinds } from './token-kinds';
