import type { TransitionMask } from './types';

/**
 * Tagging schemes `allowedTransitions` understands.
 * - `BIO` (IOB2): every entity starts with `B-`; `I-x` only continues `B-x` / `I-x`.
 * - `IOB1`: entities start with `I-`; `B-x` only separates two adjacent entities of type x.
 * - `BIOES`: `B-` begin, `I-` inside, `E-` end, `S-` single-token entity, `O` outside.
 *   `BIOUL` is the same scheme with `U-` for `S-` and `L-` for `E-`.
 */
export type TaggingScheme = 'BIO' | 'IOB1' | 'BIOES' | 'BIOUL';

/** A label split into its role in the scheme and its entity type (`''` for `O`). */
interface ParsedLabel {
  prefix: 'O' | 'B' | 'I' | 'E' | 'S';
  entity: string;
}

const PREFIXES: Record<TaggingScheme, Record<string, ParsedLabel['prefix']>> = {
  BIO: { B: 'B', I: 'I' },
  IOB1: { B: 'B', I: 'I' },
  BIOES: { B: 'B', I: 'I', E: 'E', S: 'S' },
  // BIOUL's U(nit) and L(ast) are BIOES's S(ingle) and E(nd); one rule set serves both.
  BIOUL: { B: 'B', I: 'I', L: 'E', U: 'S' },
};

function parseLabel(scheme: TaggingScheme, label: string, index: number): ParsedLabel {
  if (label === 'O') return { prefix: 'O', entity: '' };
  const dash = label.indexOf('-');
  const prefix = dash > 0 ? PREFIXES[scheme][label.slice(0, dash)] : undefined;
  const entity = dash > 0 ? label.slice(dash + 1) : '';
  if (!prefix || entity === '') {
    const allowed = Object.keys(PREFIXES[scheme]).map((p) => `${p}-<type>`);
    throw new Error(
      `allowedTransitions: label ${JSON.stringify(label)} (index ${index}) is not valid in scheme ${scheme}; ` +
        `expected "O" or one of ${allowed.join(', ')}`,
    );
  }
  return { prefix, entity };
}

/** May a sequence start with `to`? */
function startAllowed(scheme: TaggingScheme, to: ParsedLabel): boolean {
  switch (scheme) {
    case 'BIO':
      return to.prefix === 'O' || to.prefix === 'B';
    case 'IOB1':
      return to.prefix === 'O' || to.prefix === 'I';
    case 'BIOES':
    case 'BIOUL':
      return to.prefix === 'O' || to.prefix === 'B' || to.prefix === 'S';
  }
}

/** May a sequence end with `from`? */
function endAllowed(scheme: TaggingScheme, from: ParsedLabel): boolean {
  if (scheme === 'BIOES' || scheme === 'BIOUL') {
    return from.prefix === 'O' || from.prefix === 'E' || from.prefix === 'S';
  }
  return true;
}

/** May `from` be followed by `to`? */
function stepAllowed(scheme: TaggingScheme, from: ParsedLabel, to: ParsedLabel): boolean {
  const sameEntity = from.entity === to.entity;
  const fromInside = from.prefix === 'B' || from.prefix === 'I';
  switch (scheme) {
    case 'BIO':
      if (to.prefix === 'O' || to.prefix === 'B') return true;
      return fromInside && sameEntity;
    case 'IOB1':
      if (to.prefix === 'O' || to.prefix === 'I') return true;
      return fromInside && sameEntity;
    case 'BIOES':
    case 'BIOUL':
      if (fromInside) return (to.prefix === 'I' || to.prefix === 'E') && sameEntity;
      return to.prefix === 'O' || to.prefix === 'B' || to.prefix === 'S';
  }
}

/**
 * The transitions a tagging scheme allows between `labels` (tag index = position in `labels`),
 * including which tags may start and end a sequence. Pass the result as `constraints` to `CRF`.
 *
 * @example allowedTransitions('BIO', ['O', 'B-PER', 'I-PER']).transitions[0][2] === false // O → I-PER
 */
export function allowedTransitions(scheme: TaggingScheme, labels: readonly string[]): TransitionMask {
  if (!(scheme in PREFIXES)) {
    throw new Error(`allowedTransitions: unknown scheme ${JSON.stringify(scheme)}; expected one of ${Object.keys(PREFIXES).join(', ')}`);
  }
  if (labels.length === 0) throw new Error('allowedTransitions: labels is empty');
  const seen = new Set<string>();
  for (const label of labels) {
    if (seen.has(label)) throw new Error(`allowedTransitions: label ${JSON.stringify(label)} appears twice`);
    seen.add(label);
  }
  const parsed = labels.map((label, i) => parseLabel(scheme, label, i));
  return {
    transitions: parsed.map((from) => parsed.map((to) => stepAllowed(scheme, from, to))),
    start: parsed.map((to) => startAllowed(scheme, to)),
    end: parsed.map((from) => endAllowed(scheme, from)),
  };
}

function isBooleanArray(value: unknown, length: number): value is boolean[] {
  return Array.isArray(value) && value.length === length && value.every((v) => typeof v === 'boolean');
}

/**
 * Checks that `mask` is a well-formed `TransitionMask` for `numTags` tags and that at least one
 * sequence satisfies it (otherwise every decode would fail). Throws naming the faulty field.
 */
export function checkTransitionMask(mask: TransitionMask, numTags: number): void {
  const where = 'CRF constraints';
  if (mask === null || typeof mask !== 'object') throw new Error(`${where}: expected {transitions, start, end}, got ${String(mask)}`);
  const rows = mask.transitions;
  if (!Array.isArray(rows) || rows.length !== numTags) {
    throw new Error(`${where}: transitions must be a [${numTags}][${numTags}] boolean array (numTags = ${numTags})`);
  }
  rows.forEach((row, i) => {
    if (!isBooleanArray(row, numTags)) throw new Error(`${where}: transitions[${i}] must be ${numTags} booleans`);
  });
  if (!isBooleanArray(mask.start, numTags)) throw new Error(`${where}: start must be ${numTags} booleans`);
  if (!isBooleanArray(mask.end, numTags)) throw new Error(`${where}: end must be ${numTags} booleans`);
  if (!mask.start.some((s, j) => s && mask.end[j])) {
    // Length-1 sequences need a tag that may both start and end one.
    throw new Error(`${where}: no tag may both start and end a sequence, so a one-token input has no valid tagging`);
  }
}

/**
 * Additive penalties `[K, K]`, `[K]`, `[K]` (row-major data): 0 where allowed, `penalty` where not.
 */
export function penaltyArrays(
  mask: TransitionMask,
  penalty: number,
): { transitions: Float32Array; start: Float32Array; end: Float32Array } {
  const k = mask.start.length;
  const transitions = new Float32Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) transitions[i * k + j] = mask.transitions[i][j] ? 0 : penalty;
  return {
    transitions,
    start: Float32Array.from(mask.start, (ok) => (ok ? 0 : penalty)),
    end: Float32Array.from(mask.end, (ok) => (ok ? 0 : penalty)),
  };
}
