/**
 * Gradient of 2-D average pooling, through the AvgPoolGrad kernel both backends ship. tfjs's own
 * passes dy straight to that kernel, which is wrong at 'same'-padded borders (see borderScale),
 * so this one replaces it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradientMap } from './helpers';

/**
 * How much each output's gradient must be scaled before the backends' AvgPoolGrad kernels: they
 * divide by the full window area, while the forward pass divides by the cells inside the input
 * (fewer at 'same'-padded borders). Returns null when every window lies inside (nothing to fix).
 */
function borderScale(x: tf.Tensor, attrs: tf.NamedAttrMap): tf.Tensor | null {
  const info = tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterSize as number | [number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as 'same' | 'valid' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
  );
  const inside = (o: number, stride: number, before: number, size: number, extent: number) => {
    const start = o * stride - before;
    return Math.min(start + size, extent) - Math.max(start, 0);
  };
  const area = info.filterHeight * info.filterWidth;
  const scale = new Float32Array(info.outHeight * info.outWidth);
  let needed = false;
  for (let oy = 0; oy < info.outHeight; oy++) {
    const rows = inside(oy, info.strideHeight, info.padInfo.top, info.filterHeight, info.inHeight);
    for (let ox = 0; ox < info.outWidth; ox++) {
      const cols = inside(ox, info.strideWidth, info.padInfo.left, info.filterWidth, info.inWidth);
      scale[oy * info.outWidth + ox] = area / Math.max(rows * cols, 1);
      needed = needed || rows * cols !== area;
    }
  }
  return needed ? tf.tensor4d(scale, [1, info.outHeight, info.outWidth, 1]) : null;
}

export const avgPoolGradient: tf.GradConfig = {
  kernelName: tf.AvgPool,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs): GradientMap => {
    const [x] = saved;
    const { filterSize, strides, pad } = attrs;
    return {
      x: () => {
        const scale = borderScale(x, attrs);
        const g = scale == null ? (dy as tf.Tensor) : tf.mul(dy as tf.Tensor, scale);
        return tf.engine().runKernel(tf.AvgPoolGrad, { dy: g, input: x }, {
          filterSize,
          strides,
          pad,
        } as tf.NamedAttrMap) as tf.Tensor;
      },
    };
  },
};
