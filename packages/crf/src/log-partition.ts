import * as tf from '@tensorflow/tfjs-core';
import { forwardAlphas, logPartitionFromAlpha } from './forward';
import type { BatchShape } from './inputs';
import { backwardBetas } from './marginals';
import { repeatEntries, repeatRows, spreaders } from './step-ops';
import { stepMasks, tokenMask3d, type CrfScores } from './steps';
import { arrayCrfUsable } from './array-kernels';
import { kernelLogPartition, kernelPartitionStatistics, webgpuCrfUsable } from './webgpu/crf-webgpu';

/**
 * Runs `f` where autodiff does not record it: the result is a constant to the gradient tape.
 * (A customGrad forward pass is not taped; with no inputs there is nothing to differentiate.)
 */
function untaped(f: () => tf.Tensor): tf.Tensor {
  return tf.customGrad(() => ({ value: f(), gradFunc: () => [] }))();
}

/**
 * log Z `[B]`, the log partition function.
 *
 * Under a gradient tape, autodiff through the forward recursion would record about twenty
 * kernels per step and replay them backwards. The gradient is known in closed form instead:
 * ∂ log Z_b / ∂ emissions[b, t, j] = p(y_t = j), ∂ / ∂ start[j] = p(y_0 = j),
 * ∂ / ∂ end[j] = p(y_last = j), ∂ / ∂ transitions[i, j] = Σ_t p(y_{t-1} = i, y_t = j).
 * So the recursions run untaped (forward–backward, about a third of the kernel calls of
 * autodiff) and log Z is returned as
 *   logZ + (lin - stop(lin)),  lin_b = Σ emissions·p + Σ transitions·p_pair + Σ start·p_0 + Σ end·p_last,
 * whose value is exactly logZ (lin - lin is 0) and whose gradient is exactly the marginals.
 * tf.customGrad with saved tensors would do the same, but on wasm its saved copies trip tfjs's
 * kernel leak check in test mode; this way nothing is saved beyond ordinary taped products.
 *
 * @param emissions `[B, T', K]`, already cut to the longest row (see `usedEmissions`)
 */
export function logPartition(scores: CrfScores, emissions: tf.Tensor3D, shape: BatchShape): tf.Tensor1D {
  const [batch, steps, numTags] = emissions.shape;
  const masks = () => stepMasks(shape, [numTags]);
  // The recursions are one kernel call, TrimodCrfForward: a WGSL dispatch on webgpu
  // (webgpu/crf-programs.ts), typed-array loops on cpu and wasm (array-kernels.ts); log Z alone,
  // or forward–backward's statistics, whose layout is the concat below. Elsewhere (webgl, or
  // switched off) the tensor recursions run.
  const onKernel = webgpuCrfUsable(numTags, undefined, batch) || arrayCrfUsable();
  if (!tf.engine().isTapeOn()) {
    if (onKernel) return kernelLogPartition(scores, emissions, shape);
    const alphas = forwardAlphas(scores, tf.unstack(emissions, 1) as tf.Tensor2D[], masks());
    return logPartitionFromAlpha(scores, alphas[alphas.length - 1]);
  }
  const sizes = [1, steps * numTags, numTags * numTags, numTags, numTags];
  const stats = untaped(() => {
    if (onKernel) return kernelPartitionStatistics(scores, emissions, shape);
    const s = partitionStatistics(scores, emissions, shape, masks());
    return tf.concat([tf.reshape(s.logZ, [batch, 1]), ...[s.tokens, s.pairs, s.first, s.last].map((t, i) => tf.reshape(t, [batch, sizes[i + 1]]))], 1);
  });
  const [logZ, tokens, pairs, first, last] = tf.split(stats, sizes, 1);
  const lin = tf.addN([
    tf.sum(tf.mul(tf.reshape(emissions, [batch, steps * numTags]), tokens), 1),
    tf.sum(tf.mul(tf.reshape(scores.transitions, [1, numTags * numTags]), pairs), 1),
    tf.sum(tf.mul(scores.start, first), 1),
    tf.sum(tf.mul(scores.end, last), 1),
  ]);
  const constantLin = untaped(() => tf.clone(lin));
  return tf.add(tf.reshape(logZ, [batch]), tf.sub(lin, constantLin)) as tf.Tensor1D;
}

/** log Z and the marginals its gradient is made of, per row. */
interface PartitionStatistics {
  logZ: tf.Tensor1D; // [B]
  tokens: tf.Tensor3D; // [B, T', K]: p(y_t = j), 0 at padding
  pairs: tf.Tensor3D; // [B, K, K]: Σ_t p(y_{t-1} = i, y_t = j)
  first: tf.Tensor2D; // [B, K]: p(y_0 = j)
  last: tf.Tensor2D; // [B, K]: p(y_last = j)
}

function partitionStatistics(scores: CrfScores, e: tf.Tensor3D, shape: BatchShape, masks: (tf.Tensor | null)[]): PartitionStatistics {
  const [batch, steps, numTags] = e.shape;
  const emit = tf.unstack(e, 1) as tf.Tensor2D[];
  const alphas = forwardAlphas(scores, emit, masks);
  const alphaStack = tf.stack(alphas, 1) as tf.Tensor3D;
  const lastAlpha = alphas[alphas.length - 1];
  const logZ = logPartitionFromAlpha(scores, lastAlpha);
  const betaStack = tf.stack(backwardBetas(scores, emit, masks), 1) as tf.Tensor3D;
  const realTokens = tokenMask3d(shape, steps); // [B, T', 1]
  // Every exponent below is ≤ 0 in exact arithmetic. The clamp keeps float32 rounding from
  // pushing a probability above 1, and keeps padding steps (whose stale sums mean nothing and
  // whose emissions may be huge) from overflowing to Infinity, which the mask's 0 would make NaN.
  const probs = (logP: tf.Tensor) => tf.exp(tf.minimum(logP, 0));
  const tokens = tf.mul(probs(tf.sub(tf.add(alphaStack, betaStack), tf.reshape(logZ, [batch, 1, 1]))), realTokens) as tf.Tensor3D;
  const first = tf.reshape(tf.slice(tokens, [0, 0, 0], [-1, 1, -1]), [batch, numTags]) as tf.Tensor2D;
  // alpha at the last step holds each row's alpha at its own last token.
  const last = probs(tf.sub(tf.add(lastAlpha, scores.end), tf.reshape(logZ, [batch, 1]))) as tf.Tensor2D;
  let pairs = tf.zeros([batch, numTags, numTags]) as tf.Tensor3D;
  if (steps > 1) {
    // p(y_{t-1} = i, y_t = j) = exp(alpha_{t-1}[i] + trans[i, j] + emit_t[j] + beta_t[j] - log Z)
    // for every row and step at once, as [N = B·(T'-1), i, j], then summed over each row's steps.
    const n = batch * (steps - 1);
    const before = tf.reshape(tf.slice(alphaStack, [0, 0, 0], [-1, steps - 1, -1]), [n, numTags]);
    // Padding steps get a score so low that their exp is 0 (see the clamp above).
    const afterData = new Float32Array(n * numTags);
    shape.lengths.forEach((length, b) => afterData.fill(-1e30, (b * (steps - 1) + Math.max(length - 1, 0)) * numTags, (b + 1) * (steps - 1) * numTags));
    const after = tf.reshape(
      tf.add(tf.sub(tf.slice(tf.add(e, betaStack), [0, 1, 0], [-1, -1, -1]), tf.reshape(logZ, [batch, 1, 1])), tf.tensor3d(afterData, [batch, steps - 1, numTags])),
      [n, numTags],
    );
    const ones = spreaders(numTags, numTags);
    const logPair = tf.add(tf.add(repeatEntries(before as tf.Tensor2D, ones), scores.transitions), repeatRows(after as tf.Tensor2D, ones));
    // Σ over steps as a matMul with ones: [B, 1, T'-1] @ [B, T'-1, K·K].
    const perStep = tf.reshape(probs(logPair), [batch, steps - 1, numTags * numTags]);
    pairs = tf.reshape(tf.matMul(tf.ones([1, 1, steps - 1]), perStep), [batch, numTags, numTags]) as tf.Tensor3D;
  }
  return { logZ, tokens, pairs, first, last };
}
