/**
 * How much do pooled image features say about what captions mention? For each dev image, its k
 * nearest dev images (cosine, features standardised per dimension) vote for each of the most
 * frequent content words of the dev captions; the score is the mean average precision of those
 * votes over the words. Random neighbours score about 0.06. A cheap way to compare backbones
 * before caching features and training a decoder on them.
 *
 *   npx tsx scripts/knn-probe.ts --data ../../../shared/data/flickr8k A.json[:cut+cut] B.json ...
 *
 * Each file is written by scripts/pool-features.ts; `file:cut1+cut2` joins those layers (`file`
 * alone probes each layer, then all joined); `fileA.json+fileB.json` joins two files' features.
 */
import * as fs from 'node:fs';
import { arg } from './backend';
import { readFlickr8k } from './flickr8k';
import { captionWords } from '../../../packages/image-captioner/src/decoder/vocab';

interface Pooled {
  cuts: string[];
  features: Record<string, number[][]>;
}

const STOP = new Set(
  'a an the is are in on of and with to at his her their its while for from by into near as one two three some other another it he she they them this that there up down out over through front each who which be has have being'.split(' '),
);

export function knnMeanAP(features: Map<string, Float64Array>, captions: Map<string, string[]>, k = 20, words = 200): { map: number; perWord: Map<string, number> } {
  const ids = [...features.keys()];
  const n = ids.length;
  const d = features.get(ids[0])!.length;
  const has = ids.map((id) => new Set(captions.get(id)!.flatMap(captionWords).filter((w) => !STOP.has(w))));
  const freq = new Map<string, number>();
  has.forEach((s) => s.forEach((w) => freq.set(w, (freq.get(w) ?? 0) + 1)));
  const vocab = [...freq.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, words).map(([w]) => w);
  const x = ids.map((id) => Float64Array.from(features.get(id)!));
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (const v of x) mean += v[j];
    mean /= n;
    let sq = 0;
    for (const v of x) sq += (v[j] - mean) ** 2;
    const std = Math.sqrt(sq / n) + 1e-6;
    for (const v of x) v[j] = (v[j] - mean) / std;
  }
  for (const v of x) {
    const norm = Math.sqrt(v.reduce((s, a) => s + a * a, 0)) + 1e-9;
    for (let j = 0; j < d; j++) v[j] /= norm;
  }
  const neighbours = x.map((a, i) => {
    const sims: [number, number][] = [];
    x.forEach((b, m) => {
      if (m === i) return;
      let s = 0;
      for (let j = 0; j < d; j++) s += a[j] * b[j];
      sims.push([s, m]);
    });
    return sims.sort((p, q) => q[0] - p[0]).slice(0, k).map(([, m]) => m);
  });
  const perWord = new Map<string, number>();
  for (const w of vocab) {
    const votes = neighbours.map((ns) => ns.filter((m) => has[m].has(w)).length);
    const order = [...votes.keys()].sort((a, b) => votes[b] - votes[a]);
    let hits = 0;
    let ap = 0;
    order.forEach((i, rank) => {
      if (has[i].has(w)) ap += ++hits / (rank + 1);
    });
    perWord.set(w, ap / hits);
  }
  return { map: [...perWord.values()].reduce((a, b) => a + b, 0) / vocab.length, perWord };
}

function readPooled(file: string): Pooled {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Pooled;
}

/** `a.json` (all its layers), `a.json:mixed5,mixed7` (those layers), `a.json+b.json:x` (joined). */
function load(spec: string): Map<string, Float64Array> {
  const joined = new Map<string, number[]>();
  for (const part of spec.split('+')) {
    const [file, cutList] = part.split(':');
    const pooled = readPooled(file);
    const idx = (cutList ? cutList.split(',') : pooled.cuts).map((c) => {
      const i = pooled.cuts.indexOf(c);
      if (i < 0) throw new Error(`${file}: no layer ${c} (has ${pooled.cuts.join(', ')})`);
      return i;
    });
    for (const [id, layers] of Object.entries(pooled.features)) joined.set(id, [...(joined.get(id) ?? []), ...idx.flatMap((i) => layers[i])]);
  }
  return new Map([...joined].map(([id, v]) => [id, Float64Array.from(v)]));
}

function main(): void {
  const data = readFlickr8k(arg('data'));
  const specs = process.argv.slice(2).filter((a, i, all) => a.includes('.json') && all[i - 1] !== '--data');
  const shown = ['dog', 'snow', 'water', 'bike', 'ball', 'beach'];
  for (const spec of specs) {
    // A plain file with several layers: each layer alone, then all of them joined.
    const cuts = /[:+]/.test(spec) ? [] : readPooled(spec).cuts;
    const runs = cuts.length > 1 ? [...cuts.map((c) => `${spec}:${c}`), spec] : [spec];
    for (const run of runs) {
      const { map, perWord } = knnMeanAP(load(run), data.captions);
      console.log(`${run}: mAP ${map.toFixed(3)} (${shown.map((w) => `${w} ${perWord.get(w)?.toFixed(2) ?? '-'}`).join(', ')})`);
    }
  }
}

main();
