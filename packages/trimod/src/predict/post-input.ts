import type { ImageInput } from '@trimod/image-captioner';
import type { Entity } from '../model/entities';

/**
 * One post as the streaming and batch entry points take it. `image` is what the bundled
 * captioner reads (a file path in Node, file bytes, or a browser image element); it is captioned
 * only for models that read captions, and only when the post has no caption of its own.
 */
export interface PostInput {
  id?: string | number;
  text: string;
  caption?: string | null;
  image?: ImageInput | null;
}

/** What `predictStream` yields for each input record, in input order. */
export interface PostResult {
  /** The record's `id`, or its 0-based position in the input when it had none. */
  id: string | number;
  text: string;
  /** The caption the model read: the record's own, or the one written for its image. */
  caption?: string;
  entities: Entity[];
  /** Set when the record could not be tagged; `entities` is then empty. */
  error?: string;
}

/**
 * The longest post `predictStream` tags by default, in UTF-16 code units: far past any social
 * network's limit (Facebook allows 63,206), and short enough that one post never dominates a batch.
 */
export const DEFAULT_MAX_POST_LENGTH = 100_000;

/** Why a record cannot be tagged, or null when it can (its text and caption are well-formed). */
export function recordProblem(record: unknown, maxLength: number): string | null {
  if (typeof record === 'string') return null;
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    return `expected a post object {text, caption?, image?} or a string, got ${describe(record)}`;
  }
  const r = record as Record<string, unknown>;
  if (typeof r.text !== 'string') return r.text === undefined ? 'the post has no "text"' : `"text" must be a string, got ${describe(r.text)}`;
  if (r.text.length > maxLength) return `"text" is ${r.text.length} characters, past the limit of ${maxLength}`;
  if (r.caption !== undefined && r.caption !== null && typeof r.caption !== 'string') return `"caption" must be a string or null, got ${describe(r.caption)}`;
  if (r.id !== undefined && typeof r.id !== 'string' && !(typeof r.id === 'number' && Number.isFinite(r.id))) {
    return `"id" must be a string or a number, got ${describe(r.id)}`;
  }
  return null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}

/** A positive integer option, or a clear error naming it. */
export function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${typeof value === 'number' ? value : describe(value)}`);
  }
  return value;
}
