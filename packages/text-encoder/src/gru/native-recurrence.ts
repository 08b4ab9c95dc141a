import * as tf from '@tensorflow/tfjs-core';
import type { CustomGradArgs } from '../ops/gather-rows';
import { dims } from './gru-recurrence';
import { forwardBytes, GRU_BACKWARD, GRU_FORWARD, MAX_NATIVE_BYTES, registerNativeGruKernels } from './native/gru-kernels';
import { nativeGru } from './native/gru-module';

/**
 * The recurrence as one native kernel call (assembly/gru.ts through native/gru-kernels.ts):
 * the whole time loop of every direction, instead of about ten tfjs ops per step. Same
 * shapes and numbers as `Recurrence` (within float rounding), with one difference the
 * Bi-GRU never sees: states past a sequence's real length are 0 (the Bi-GRU drops them), so
 * finished sequences cost nothing. Under a gradient tape the backward pass is native too
 * (backpropagation through time in the same module, wrapped in tf.customGrad).
 */

/**
 * On unless switched off by setNativeRecurrence(false) or, in Node, TRIMOD_NATIVE_GRU=0 (to
 * measure the tfjs path against it in the same build).
 */
let enabled = !(typeof process !== 'undefined' && process.env != null && process.env.TRIMOD_NATIVE_GRU === '0');

/** Turns the native recurrence on or off (the tfjs path gives the same numbers); returns the previous setting. */
export function setNativeRecurrence(on: boolean): boolean {
  const before = enabled;
  enabled = on;
  return before;
}

/**
 * Whether the native kernel can run here for this call: on the cpu and wasm backends (webgpu
 * and webgl keep the tfjs path), once the module is compiled (browsers compile it
 * asynchronously), and within the memory bound (MAX_NATIVE_BYTES).
 */
export function nativeRecurrenceUsable(L: number, D: number, N: number, H: number, withGradient: boolean): boolean {
  if (!enabled || L * N === 0) return false;
  const backend = tf.getBackend();
  if (backend !== 'cpu' && backend !== 'wasm') return false;
  if (forwardBytes(L, D, N, H, withGradient) > MAX_NATIVE_BYTES) return false;
  return nativeGru() != null && registerNativeGruKernels(backend);
}

/**
 * xp [L, 3, D, N, H], U [3, D, H, H], bn [D, 1, H], the real length of each of the N
 * sequences → states [L, D, N, H]. `withGradient`: keep the gates for the native backward
 * pass (training); without it, nothing but the states is kept (inference).
 */
export function nativeRecurrence(xp: tf.Tensor, U: tf.Tensor4D, bn: tf.Tensor3D, lengths: ArrayLike<number>, withGradient: boolean): tf.Tensor4D {
  const { N } = dims(xp, U);
  if (lengths.length !== N) throw new Error(`nativeRecurrence: ${lengths.length} lengths for ${N} sequences`);
  const lens = Array.from(lengths);
  const backend = tf.getBackend();
  if (nativeGru() == null || !registerNativeGruKernels(backend)) {
    throw new Error(`nativeRecurrence: runs on the cpu and wasm backends with WebAssembly SIMD (backend '${backend}'); check nativeRecurrenceUsable first`);
  }
  if (!withGradient) {
    return tf.engine().runKernel(GRU_FORWARD, { xp, U, bn }, { lengths: lens, save: false }) as tf.Tensor4D;
  }
  const op = tf.customGrad((...args: CustomGradArgs) => {
    const [xpIn, UIn, bnIn, save] = args as [tf.Tensor, tf.Tensor4D, tf.Tensor3D, tf.GradSaveFunc];
    const [states, gates] = tf.engine().runKernel(GRU_FORWARD, { xp: xpIn, U: UIn, bn: bnIn }, { lengths: lens, save: true }) as tf.Tensor[];
    save([UIn, states, gates]);
    return {
      value: states as tf.Tensor4D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [Us, st, gt] = saved;
        return tf.engine().runKernel(GRU_BACKWARD, { dy, U: Us, states: st, gates: gt }, { lengths: lens }) as tf.Tensor[];
      },
    };
  });
  return op(xp, U, bn) as tf.Tensor4D;
}
