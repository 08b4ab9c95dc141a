import type { Box, Detection, DetectedObject } from './types';

/** Region features of one image on the host: row-major [R, D] over a square grid. */
export interface RegionFeatures {
  values: Float32Array;
  /** R, the number of regions (gridSize²). */
  count: number;
  /** D, the feature size. */
  dim: number;
}

/**
 * Mean of the region features whose grid cells overlap the box (at least the cell under the
 * box centre, so a tiny box still gets a feature). Grid side = √R.
 */
export function poolUnderBox(regions: RegionFeatures, box: Box): Float32Array {
  const side = Math.round(Math.sqrt(regions.count));
  if (side * side !== regions.count) throw new Error(`poolUnderBox: ${regions.count} regions do not form a square grid`);
  const [x, y, w, h] = box;
  const clamp = (v: number) => Math.min(side - 1, Math.max(0, v));
  let c0 = clamp(Math.floor(x * side));
  let c1 = clamp(Math.ceil((x + w) * side) - 1);
  let r0 = clamp(Math.floor(y * side));
  let r1 = clamp(Math.ceil((y + h) * side) - 1);
  if (c1 < c0 || r1 < r0) {
    c0 = c1 = clamp(Math.floor((x + w / 2) * side));
    r0 = r1 = clamp(Math.floor((y + h / 2) * side));
  }
  const out = new Float32Array(regions.dim);
  let cells = 0;
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) {
      const base = (r * side + c) * regions.dim;
      for (let k = 0; k < regions.dim; k++) out[k] += regions.values[base + k];
      cells++;
    }
  }
  for (let k = 0; k < regions.dim; k++) out[k] /= cells;
  return out;
}

/** The k highest-scoring detections, each with its pooled feature. */
export function topObjects(detections: readonly Detection[], regions: RegionFeatures, k: number): DetectedObject[] {
  return [...detections]
    .sort((a, b) => b.score - a.score)
    .slice(0, Math.max(0, k))
    .map((d) => ({ label: d.label, score: d.score, box: d.box, feature: poolUnderBox(regions, d.box) }));
}
