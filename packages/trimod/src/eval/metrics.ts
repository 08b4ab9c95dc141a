import { spansFromTags, type TagSpan } from './spans';

export interface PRF {
  precision: number;
  recall: number;
  f1: number;
  /** Gold entities of this type. */
  support: number;
}

export interface EvaluationResult extends PRF {
  perType: Record<string, PRF>;
  /** Posts evaluated. */
  sentences: number;
}

function prf(correct: number, predicted: number, gold: number): PRF {
  const precision = predicted === 0 ? 0 : correct / predicted;
  const recall = gold === 0 ? 0 : correct / gold;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, support: gold };
}

const key = (s: TagSpan) => `${s.type}:${s.start}:${s.end}`;

/**
 * Entity-level micro precision / recall / F1, overall and per type: a predicted entity counts
 * only when its span and type both equal a gold entity's (conlleval / seqeval, scores in 0..1).
 */
export function evaluateTags(gold: readonly (readonly string[])[], predicted: readonly (readonly string[])[]): EvaluationResult {
  if (gold.length !== predicted.length) {
    throw new Error(`evaluateTags: ${gold.length} gold sequences but ${predicted.length} predicted`);
  }
  const counts = new Map<string, { correct: number; predicted: number; gold: number }>();
  const bump = (type: string, field: 'correct' | 'predicted' | 'gold') => {
    const c = counts.get(type) ?? { correct: 0, predicted: 0, gold: 0 };
    c[field]++;
    counts.set(type, c);
  };
  for (let i = 0; i < gold.length; i++) {
    if (gold[i].length !== predicted[i].length) {
      throw new Error(`evaluateTags: sequence ${i} has ${gold[i].length} gold tags but ${predicted[i].length} predicted`);
    }
    const g = spansFromTags(gold[i]);
    const p = spansFromTags(predicted[i]);
    const goldKeys = new Set(g.map(key));
    for (const s of g) bump(s.type, 'gold');
    for (const s of p) {
      bump(s.type, 'predicted');
      if (goldKeys.has(key(s))) bump(s.type, 'correct');
    }
  }
  const perType: Record<string, PRF> = {};
  let correct = 0;
  let predictedTotal = 0;
  let goldTotal = 0;
  for (const type of [...counts.keys()].sort()) {
    const c = counts.get(type)!;
    perType[type] = prf(c.correct, c.predicted, c.gold);
    correct += c.correct;
    predictedTotal += c.predicted;
    goldTotal += c.gold;
  }
  return { ...prf(correct, predictedTotal, goldTotal), perType, sentences: gold.length };
}
