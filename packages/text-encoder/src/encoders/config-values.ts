import { checkAtMost, MAX_LAYER_SIZE, Vocabulary, type JsonObject, type JsonValue } from '@trimod/core';

/** Reads config values with defaults, naming the class and key when a value is wrong. */
export class ConfigReader {
  constructor(
    readonly owner: string,
    private readonly config: Record<string, unknown>,
  ) {
    if (config === null || typeof config !== 'object' || Array.isArray(config)) {
      throw new Error(`${owner}: config must be an object`);
    }
  }

  /** An integer from `min` to `max` (by default core's MAX_LAYER_SIZE: sizes come from model.json, which is input). */
  int(key: string, fallback: number, min: number, max = MAX_LAYER_SIZE): number {
    const value = this.config[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      throw new Error(`${this.owner}: "${key}" must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
    }
    return checkAtMost(this.owner, key, value, max);
  }

  rate(key: string, fallback: number): number {
    const value = this.config[key] ?? fallback;
    if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
      throw new Error(`${this.owner}: "${key}" must be a number in [0, 1), got ${JSON.stringify(value)}`);
    }
    return value;
  }

  bool(key: string, fallback: boolean): boolean {
    const value = this.config[key] ?? fallback;
    if (typeof value !== 'boolean') throw new Error(`${this.owner}: "${key}" must be true or false, got ${JSON.stringify(value)}`);
    return value;
  }

  oneOf<T extends string>(key: string, fallback: T, allowed: readonly T[]): T {
    const value = this.config[key] ?? fallback;
    if (!allowed.includes(value as T)) {
      throw new Error(`${this.owner}: "${key}" must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(value)}`);
    }
    return value as T;
  }

  seed(key: string): number {
    const value = this.config[key] ?? 1;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new Error(`${this.owner}: "${key}" must be a non-negative integer, got ${JSON.stringify(value)}`);
    }
    return value;
  }

  /** A vocabulary given as a Vocabulary or as its toJSON(). */
  vocabulary(key: string): Vocabulary {
    const value = this.config[key];
    if (value instanceof Vocabulary) return value;
    if (value === undefined) throw new Error(`${this.owner}: "${key}" is required (a Vocabulary or its toJSON())`);
    try {
      return Vocabulary.fromJSON(value);
    } catch (err) {
      throw new Error(`${this.owner}: "${key}": ${(err as Error).message}`);
    }
  }
}

/** A vocabulary as plain JSON for a config. */
export function vocabularyJson(vocab: Vocabulary): JsonObject {
  return vocab.toJSON() as unknown as { [key: string]: JsonValue };
}
