import { ArtifactError, type ArtifactProblem } from './errors';
import { formatShape } from './format';

/** What a model expects of one weight. */
export interface WeightExpectation {
  shape: readonly number[];
  dtype: string;
}

/** A weight as found in a manifest or in loaded tensors. */
export interface FoundWeight {
  name: string;
  shape: readonly number[];
  dtype: string;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Compares found weights with what a model expects: every expected weight present with the same
 * shape and dtype, no weight left over. All problems are reported together, each naming the
 * weight, both shapes or dtypes and `source` (the model.json path or URL), e.g.
 * `/m/model.json: weight "charGru/fw/kernel" has shape [30,90] but the model expects [30,96]`.
 */
export function checkWeights(found: readonly FoundWeight[], expected: Record<string, WeightExpectation>, source: string): void {
  const problems: ArtifactProblem[] = [];
  const byName = new Map(found.map((w) => [w.name, w]));
  for (const [name, want] of Object.entries(expected)) {
    const got = byName.get(name);
    if (!got) {
      problems.push({
        code: 'missing-weight',
        message: `${source}: weight "${name}" is missing (the model expects shape ${formatShape(want.shape)}, dtype ${want.dtype})`,
      });
      continue;
    }
    if (!sameShape(got.shape, want.shape)) {
      problems.push({
        code: 'wrong-shape',
        message: `${source}: weight "${name}" has shape ${formatShape(got.shape)} but the model expects ${formatShape(want.shape)}`,
      });
    }
    if (got.dtype !== want.dtype) {
      problems.push({ code: 'wrong-dtype', message: `${source}: weight "${name}" has dtype ${got.dtype} but the model expects ${want.dtype}` });
    }
  }
  for (const w of found) {
    if (!(w.name in expected)) {
      problems.push({
        code: 'extra-weight',
        message: `${source}: weight "${w.name}" (shape ${formatShape(w.shape)}, dtype ${w.dtype}) is not a weight of the model`,
      });
    }
  }
  if (problems.length === 0) return;
  const message =
    problems.length === 1 ? problems[0].message : `${problems.length} weight problems:\n` + problems.map((p) => `  - ${p.message}`).join('\n');
  throw new ArtifactError(problems[0].code, source, message, { problems });
}
