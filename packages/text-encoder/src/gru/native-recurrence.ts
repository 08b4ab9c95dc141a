import * as tf from '@tensorflow/tfjs-core';
import type { CustomGradArgs } from '../ops/gather-rows';
import { backwardBytes, forwardBytes, GRU_BACKWARD, GRU_FORWARD, MAX_NATIVE_BYTES, registerNativeGruKernels } from './native/gru-kernels';
import { nativeGru } from './native/gru-module';
import { registerWebGpuGruKernels, webgpuGruUsable } from './webgpu/gru-webgpu-kernels';

/**
 * The Bi-GRU's recurrence as one native kernel call (assembly/gru.ts through
 * native/gru-kernels.ts): the whole time loop of both directions, instead of about ten tfjs ops
 * per step, reading the input projection as one matMul gives it and writing each position's
 * states where the Bi-GRU returns them, so no row reordering is needed either side. Same
 * numbers as the tfjs recurrences (within float rounding). Under a gradient tape the backward
 * pass is native too (backpropagation through time in the same module, in tf.customGrad).
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
 * Whether the native kernel can run here for this call: on the cpu and wasm backends once the
 * module is compiled (browsers compile it asynchronously) and within the memory bound
 * (MAX_NATIVE_BYTES); on webgpu as WGSL programs (webgpu/) for H up to MAX_WEBGPU_HIDDEN
 * (workgroup memory) and buffers within the device's binding limit. webgl keeps the tfjs path.
 */
export function nativeRecurrenceUsable(L: number, N: number, H: number, withGradient: boolean): boolean {
  if (!enabled || L * N === 0) return false;
  const backend = tf.getBackend();
  if (backend === 'webgpu') return webgpuGruUsable(H, L, N, withGradient) && registerWebGpuGruKernels();
  if (backend !== 'cpu' && backend !== 'wasm') return false;
  // The margin covers the kernels' 16-byte alignment of each array; a training call must fit its backward pass too.
  const limit = MAX_NATIVE_BYTES - 4096;
  if (forwardBytes(L, N, H, withGradient) > limit || (withGradient && backwardBytes(L, N, H) > limit)) return false;
  return nativeGru() != null && registerNativeGruKernels(backend);
}

/**
 * projected [N, L, 2·3·H] (x·W + b, columns (direction, gate, unit)), U [3, 2, H, H],
 * bn [2, 1, H], the real length of each of the N sequences → [N, L, 2H]: at each position
 * [forward; backward] state, the backward direction starting at the sequence's real end, and
 * 0 on padding. `withGradient`: keep the gates for the native backward pass (training);
 * without it, nothing but the outputs is kept (inference).
 */
export function nativeBiGru(projected: tf.Tensor3D, U: tf.Tensor4D, bn: tf.Tensor3D, lengths: ArrayLike<number>, withGradient: boolean): tf.Tensor3D {
  const N = projected.shape[0];
  if (lengths.length !== N) throw new Error(`nativeBiGru: ${lengths.length} lengths for ${N} sequences`);
  const lens = Array.from(lengths);
  const backend = tf.getBackend();
  const ready = backend === 'webgpu' ? registerWebGpuGruKernels() : nativeGru() != null && registerNativeGruKernels(backend);
  if (!ready) {
    throw new Error(`nativeBiGru: runs on the cpu and wasm backends with WebAssembly SIMD, and on webgpu (backend '${backend}'); check nativeRecurrenceUsable first`);
  }
  if (!withGradient) {
    return tf.engine().runKernel(GRU_FORWARD, { xp: projected, U, bn }, { lengths: lens, save: false }) as tf.Tensor3D;
  }
  const op = tf.customGrad((...args: CustomGradArgs) => {
    const [xpIn, UIn, bnIn, save] = args as [tf.Tensor, tf.Tensor4D, tf.Tensor3D, tf.GradSaveFunc];
    const [out, gates] = tf.engine().runKernel(GRU_FORWARD, { xp: xpIn, U: UIn, bn: bnIn }, { lengths: lens, save: true }) as tf.Tensor[];
    save([UIn, out, gates]);
    return {
      value: out as tf.Tensor3D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [Us, outs, gt] = saved;
        return tf.engine().runKernel(GRU_BACKWARD, { dy, U: Us, out: outs, gates: gt }, { lengths: lens }) as tf.Tensor[];
      },
    };
  });
  return op(projected, U, bn) as tf.Tensor3D;
}
