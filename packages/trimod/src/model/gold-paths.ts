import type { TransitionMask } from '@trimod/crf';

/**
 * Throws when a gold tag sequence breaks the CRF's transition constraints. A constrained CRF
 * gives such a path probability 0 (in practice its forbidden transitions cost 1e4 each), so its
 * negative log-likelihood would be a constant near 1e4 that swamps the real loss and teaches
 * nothing. Training repairs these paths first (repairBio); this guard makes sure none slips through.
 */
export function checkGoldPaths(constraints: TransitionMask, tags: readonly (readonly number[])[], labels: readonly string[], where: string): void {
  tags.forEach((row, b) => {
    const broken = (t: number, from: string, to: string) =>
      new Error(
        `${where}: the gold tags of post ${b} of the batch go ${from} → ${to} at token ${t}, which the BIO constraints forbid ` +
          '(the likelihood of that path is 0); turn an I-X that continues no entity into B-X first (repairBio; trimod train does it by default)',
      );
    if (row.length === 0) return;
    if (!constraints.start[row[0]]) throw broken(0, 'post start', labels[row[0]]);
    for (let t = 1; t < row.length; t++) {
      if (!constraints.transitions[row[t - 1]][row[t]]) throw broken(t, labels[row[t - 1]], labels[row[t]]);
    }
    if (!constraints.end[row[row.length - 1]]) throw broken(row.length - 1, labels[row[row.length - 1]], 'post end');
  });
}
